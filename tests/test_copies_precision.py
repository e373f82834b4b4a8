"""Confirmation against the hard negatives: look-alike sentences scattered through two reports of
one event, and pages that share only furniture (of a site, or flagged by the boilerplate check)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from copies_helpers import day, scan_into, text

from detector.article import Article
from detector.copies import find
from detector.copies.align import confirm, longest_block
from detector.copies.cluster import Meta, stories
from detector.copies.signature import Signature
from detector.findings import Category, Finding, Severity
from detector.store import Store


def _sig(n: int, rows: dict[int, int], salt: int) -> Signature:
    """n sentences of their own words; sentence i gets the direction of topic rows[i], the others
    directions of their own (``salt`` keeps two articles' own sentences and 5-grams apart)."""
    dim = 64
    vec = np.zeros((n, dim), dtype=np.float32)
    for i in range(n):
        vec[i, rows.get(i, 8 + 24 * salt + i)] = 1.0
    minhash = np.arange(128, dtype=np.uint32) + 1000 * salt
    return Signature(minhash, 10, np.zeros((n, 2), np.int32), np.arange(1, n + 1, dtype=np.uint32) + 100 * salt,
                     [], (vec * 127).astype(np.int8), "e")


def test_scattered_look_alike_sentences_are_no_partial_copy_but_a_passage_is():
    # Three sentences of twelve look alike in both, in order, but far apart: two reports of one event.
    scattered = confirm(1, _sig(12, {0: 0, 5: 1, 10: 2}, 0), 2, _sig(12, {1: 0, 6: 1, 11: 2}, 1))
    # The same three as one passage (a mashup's borrowed block).
    passage = confirm(1, _sig(12, {0: 0, 1: 1, 2: 2}, 0), 2, _sig(12, {7: 0, 8: 1, 9: 2}, 1))
    assert scattered is None
    assert passage is not None and passage.kind == "partial" and passage.aligned == 3
    assert longest_block([(0, 1), (5, 6), (10, 11)], 2) == 1 and longest_block([(0, 7), (1, 8), (3, 9)], 2) == 3


def _near(sig: Signature, rows: list[int], cosine: float) -> Signature:
    """``sig`` with sentences ``rows`` moved off their topic direction, to ``cosine`` of it."""
    vec = sig.vectors.astype(np.float32) / 127
    for i in rows:
        own = np.zeros(vec.shape[1], np.float32)
        own[50 + i] = 1.0
        vec[i] = np.sqrt(cosine) * vec[i] + np.sqrt(1 - cosine) * own
    sig.vectors = np.round(vec * 127).astype(np.int8)
    return sig


def test_a_passage_of_sentences_that_only_resemble_each_other_is_no_partial_copy():
    # One passage of three pairs, each pair at cosine ~0.65 (two reports of one event telling it in
    # the same order), ~0.85 (a rewritten passage), and word for word at ~0.65 (a copied passage).
    def pair(cosine: float, exact: bool = False):
        x, y = _sig(12, {0: 0, 1: 1, 2: 2}, 0), _sig(12, {7: 0, 8: 1, 9: 2}, 1)
        if exact:
            y.hashes[7:10] = x.hashes[0:3]
        return confirm(1, _near(x, [0, 1, 2], cosine), 2, _near(y, [7, 8, 9], cosine))

    assert pair(0.65) is None
    rewritten, copied = pair(0.85), pair(0.65, exact=True)
    assert rewritten is not None and rewritten.kind == "partial" and rewritten.verbatim == 0
    assert copied is not None and copied.kind == "partial" and copied.verbatim == 3


def test_a_word_for_word_partial_link_within_one_outlet_joins_no_story():
    from detector.copies.align import Link

    lk = Link(1, 2, "partial", 0.5, "near", 4, 8, 4, 0.5)
    same = {1: Meta(1, "a", "site.example", day(0), 100, 0, 0), 2: Meta(2, "b", "site.example", day(1), 100, 0, 0)}
    other = {**same, 2: Meta(2, "b", "farm.example", day(1), 100, 0, 0)}
    assert stories([lk], same, {"attach_share": 0.45, "attach_aligned": 4}) == []  # word for word: its furniture
    assert len(stories([lk], other, {"attach_share": 0.45, "attach_aligned": 4})) == 1
    paraphrased = Link(1, 2, "partial", 0.5, "rewrite", 4, 8, 0, 0.0)  # its own mashup of its own rewrite
    assert len(stories([paraphrased], same, {"attach_share": 0.45, "attach_aligned": 4})) == 1


FURNITURE = ["Sign up to get our curated emails with the best content from around the hiking world.",
             "Social media is great, but our weekly newsletter is a much better way to stay in the know.",
             "We are a reader-supported website and do not accept payment from manufacturers.",
             "Need more advice on backpacking equipment for your next long trip?"]


def _page(body: list[str]) -> str:
    return "\n\n".join([text(body), *FURNITURE])


def test_pages_sharing_only_flagged_furniture_are_not_copies(tmp_path):
    a = ["A new trail opened above the lake on Monday after two years of work.",
         "Rangers said the path climbs 600 metres through old pine forest."]
    b = ["The city council voted to close the old ferry pier for repairs.",
         "Builders expect the work to take most of the summer season."]
    arts = [Article("trail", _page(a), outlet="hikes.example", published=day(0)),
            Article("pier", _page(b), outlet="mirror.example", published=day(1))]

    def furniture_findings(article: Article) -> list[Finding]:
        out = []
        for line in FURNITURE:
            start = article.text.index(line)
            out.append(Finding("Boilerplate.Prompt", Category.BOILERPLATE, Severity.INFO, start, start + len(line), line, "furniture"))
        return out

    plain, flagged = tmp_path / "plain.db", tmp_path / "flagged.db"
    scan_into(plain, arts)
    scan_into(flagged, arts, extra={x.id: furniture_findings(x) for x in arts})
    with Store(plain, readonly=True) as store:
        unmasked, _, index = find(store, folder=tmp_path / "plain-index")
        index.close()
    with Store(flagged, readonly=True) as store:
        masked, _, index = find(store, folder=tmp_path / "flagged-index")
        index.close()
    assert unmasked and {m.meta.id for m in unmasked[0].members} == {"trail", "pier"}  # the furniture alone ties them
    assert masked == []


def test_a_verbatim_copy_whose_whole_body_is_flagged_furniture_is_still_verbatim(tmp_path):
    # The boilerplate check once took a whole page for its header: masking left the copy no sentence.
    from copies_helpers import RAW

    body = text(RAW["konotop"])
    arts = [Article("orig", body, outlet="wire.example", published=day(0)),
            Article("copy", body, outlet="mirror.example", published=day(1))]
    over_flagged = Finding("Boilerplate.Header", Category.BOILERPLATE, Severity.INFO, 0, len(body), body, "header")
    db = tmp_path / "flagged.db"
    scan_into(db, arts, extra={"copy": [over_flagged]})
    with Store(db, readonly=True) as store:
        clusters, _, index = find(store, folder=tmp_path / "index")
        index.close()
    assert len(clusters) == 1
    links = {m.meta.id: m.link for m in clusters[0].members}
    assert links == {"orig": "original", "copy": "verbatim"}


def test_unmasking_needs_the_whole_texts_to_share_their_5grams():
    from detector.copies.align import unmask_if_emptied

    spans = np.array([[10 * i, 10 * i + 9] for i in range(6)], dtype=np.int32)
    x, y = replace(_sig(6, {}, 1), spans=spans), replace(_sig(6, {}, 2), spans=spans)  # nothing in common
    emptied = x.masked([(0, 60)])
    assert len(emptied.long) == 0 and emptied.unmasked is x
    assert unmask_if_emptied(emptied, y) == (emptied, y)  # unrelated texts stay masked
    assert unmask_if_emptied(emptied, x) == (x, x)  # the same text: aligned unmasked
