"""Language checks: foreign sentences are flagged; names, short quotes and clean English are not."""

from __future__ import annotations

import itertools

import pytest

import detector
from detector.language import detect_language

ENGLISH = "The mayor spoke to residents in the main square on Tuesday afternoon, officials said."


def rules(report, prefix="Language."):
    return [(f.rule, f.text) for f in report.findings if f.rule.startswith(prefix)]


def test_german_sentence_in_english_article_is_flagged():
    text = f"{ENGLISH}\n\nDie Bürger der Stadt haben sich gegen die Soldaten gestellt und lautstark protestiert."
    [(rule, span)] = rules(detector.check(text))
    assert rule == "Language.ForeignSegment" and span.startswith("Die Bürger")
    assert detector.check(text).findings[0].data["language"] == "de"


def test_cyrillic_quote_is_flagged_without_the_english_around_it():
    text = f"{ENGLISH} He said: «Мы не сдадим наш город никогда и ни при каких условиях», he added."
    [(rule, span)] = rules(detector.check(text))
    assert span == "Мы не сдадим наш город никогда и ни при каких условиях"


@pytest.mark.parametrize("sentence", [
    "Verification by Les Révélateurs de France Télévisions showed the crowd in the square.",
    "The crowd chanted «Слава Україні» as the convoy left.",  # a short quote
    "Volodymyr Zelenskyy met Olaf Scholz and Emmanuel Macron in Kyiv on Friday.",
    "Sergei Lavrov Dmitry Peskov Vladimir Putin Ramzan Kadyrov Yevgeny Prigozhin",  # names only
    "Bon appétit, she said.",
])
def test_names_short_quotes_and_loanwords_are_not_flagged(sentence):
    assert rules(detector.check(f"{ENGLISH} {sentence}")) == []


def test_non_english_article_gets_one_unsupported_finding_and_no_english_checks():
    text = ("Les habitants de la ville ont manifesté devant la mairie pour protester contre l'arrivée des "
            "soldats russes. Ils ont bloqué le convoi pendant plusieurs heures.")
    report = detector.check(text)
    assert report.language == "fr"
    assert [f.rule for f in report.findings] == ["Language.Unsupported"]


def test_short_or_empty_texts_are_not_given_a_language():
    assert detect_language("") is None
    assert detect_language("Kyiv, Kharkiv.") is None


def test_seeds_have_no_language_findings(seeds):
    for path in sorted(seeds.glob("*.txt")):
        assert rules(detector.check(path.read_text(encoding="utf-8"))) == [], path.name


def test_no_foreign_segments_in_clean_english_news(shared_data):
    """Original-English WMT22 sources and WCXB bodies: no ForeignSegment on a sample of 400 paragraphs."""
    from detector.datasets import iter_wcxb, wmt22_english_sources

    sents = wmt22_english_sources()[:1200]
    docs = ["\n".join(sents[i:i + 12]) for i in range(0, len(sents), 12)]
    docs += [a["ground_truth"]["main_content"] for a in itertools.islice(iter_wcxb(), 60)]
    flagged = [f.text for r in detector.scan(detector_articles(docs)) for f in r.findings
               if f.rule == "Language.ForeignSegment"]
    assert flagged == []


def detector_articles(texts):
    from detector.article import Article

    return [Article(id=str(i), text=t) for i, t in enumerate(texts)]
