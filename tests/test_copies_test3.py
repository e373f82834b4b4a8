"""test3's builders: sentence splitting, the scrapers' page variants, same-event look-alikes."""

from __future__ import annotations

from detector.datasets import WmtDoc
from detector.eval.copies_test3 import look_alikes, sentences, verbatim_copy

JUNK = ["Most read", "Trending now", "Leave a comment", "Previous article", "Next article"]


def test_sentences_split_a_one_line_document() -> None:
    text = 'Berlin is calm. "It will pass," he said. The 3.5% rise (in May) stays! 2019 was worse.'
    assert sentences(text) == ["Berlin is calm.", '"It will pass," he said.', "The 3.5% rise (in May) stays!", "2019 was worse."]
    assert sentences("no break here e.g. this one") == ["no break here e.g. this one"]


def test_verbatim_copy_variants_keep_the_body() -> None:
    paras = [f"Paragraph {i} says something long enough to count as prose." for i in range(6)]
    plain, note = verbatim_copy(paras, JUNK, 2)
    assert note == "plain" and plain.split("\n")[:2] == JUNK[:2] and all(p in plain.split("\n") for p in paras)
    assert plain.split("\n")[-2:] == JUNK[3:]
    run_on, note = verbatim_copy(paras, JUNK, 4)
    assert note == "run-on" and "\n" not in run_on and all(p in run_on for p in paras)
    long_paras = [p * 40 for p in paras]  # over 6,000 characters
    assert verbatim_copy(long_paras, JUNK, 2)[1] == "long"
    cut, note = verbatim_copy(long_paras, JUNK, 5)
    body = "\n".join(long_paras)
    assert note == "cut" and long_paras[0] in cut and long_paras[-1] not in cut
    kept = cut.split("\n")[2:-2]
    assert 0.7 * len(body) < len("\n".join(kept)) < 0.8 * len(body) and body.startswith("\n".join(kept))


def _doc(i: str, text: str) -> WmtDoc:
    return WmtDoc(id=i, origlang="de", domain="news", src=[], ref=sentences(text))


def test_look_alikes_pair_each_document_once_by_similarity() -> None:
    stories = [_doc("s0", "The central bank raised interest rates again. Inflation in the euro zone rose."),
               _doc("s1", "A storm flooded the coast of Normandy. Fishermen stayed in port.")]
    spare = [_doc("p0", "Interest rates were raised by the central bank. Euro zone inflation is high."),
             _doc("p1", "Normandy coast flooded after the storm. Fishermen lost a week of work."),
             _doc("p2", "The central bank kept interest rates. Inflation eased in the euro zone."),
             _doc("p3", "A chess champion won in Oslo with a quiet opening.")]
    pairs = list(look_alikes(stories, spare, n=5))
    assert sorted((k, j) for k, j, _ in pairs)[0][0] == 0 and len(pairs) == 2  # each story at most once
    assert {k: j for k, j, _ in pairs}[1] == 1 and {k: j for k, j, _ in pairs}[0] in (0, 2)
    assert all(c >= 0.15 for *_, c in pairs) and not list(look_alikes(stories, spare, n=0))
