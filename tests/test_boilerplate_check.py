"""The boilerplate check end to end, with the shipped classifier: seeds and clean text."""

from pathlib import Path

import pytest

from detector.article import Article, Document
from detector.checks import all_rules
from detector.checks.boilerplate import BoilerplateCheck, line_hash

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> Document:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return Document(Article(id=prefix, text=path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def fast(boilerplate_check):
    return boilerplate_check


def flagged(check, doc):
    return [(f.rule, f.text) for f in check.check(doc).findings]


def covers(findings, snippet):
    return [rule for rule, text in findings if snippet in text]


def test_seed_000_furniture_flagged_reporting_not(fast):
    check = fast
    doc = seed("000")
    found = flagged(check, doc)
    assert covers(found, "Live Updates: Russia invades Ukraine") == ["Boilerplate.Header"]
    assert covers(found, "About Shelley Hales") == ["Boilerplate.AuthorBox"]
    for snippet in ("Check Also", "Why $200m won’t convince teams", "Record TV numbers, a sold-out crowd"):
        assert covers(found, snippet), snippet
    flagged_text = " ".join(text for _, text in found)
    for para in doc.paragraphs[1:-4]:
        assert para.text not in flagged_text


def test_seed_001_embeds(fast):
    found = flagged(fast, seed("001"))
    for snippet in ("Konotop's locals clash with Putin's occupiers", "Artem Semenikhin, Mayor of Konotop",
                    "Rousing speech on the public square"):
        assert covers(found, snippet) == ["Boilerplate.Embed"], snippet
    assert {rule for rule, _ in found} == {"Boilerplate.Embed"}  # nothing else in the article


def test_seed_002_body_is_clean(fast):
    assert flagged(fast, seed("002")) == []


CLEAN = """Ukraine's grain exports rose in March

Ukraine exported 4.1 million tonnes of grain in March, the agriculture ministry said on Friday, up from 3.2 million tonnes a month earlier.

“We expect the ports of Odesa to keep working despite the attacks,” Deputy Minister Taras Kachka told reporters in Kyiv.

Shipping routes

Most of the grain left through the Black Sea corridor, which Ukraine opened last year after Russia quit a UN-brokered deal.

Traders said insurance costs for ships heading to Odesa had fallen since January, though they remain well above pre-war levels.

Farmers worry about the next harvest

Farmers in the south said they had planted less wheat this spring because of mines in their fields and high fertiliser prices."""


def test_clean_news_with_quotes_and_on_topic_subheadings(fast):
    doc = Document(Article(id="clean", text=CLEAN))
    assert flagged(fast, doc) == []


def test_findings_cover_whole_lines_and_match_text(fast):
    doc = seed("000")
    line_bounds = {(ln.start, ln.end) for ln in doc.lines}
    starts, ends = {s for s, _ in line_bounds}, {e for _, e in line_bounds}
    for f in fast.check(doc).findings:
        assert doc.text[f.start:f.end] == f.text
        assert f.start in starts and f.end in ends
        assert f.message and f.category.value == "boilerplate"


def test_line_hash_ignores_case_digits_and_punctuation():
    assert line_hash("Subscribe to our newsletter!") == line_hash("subscribe to our   Newsletter")
    assert line_hash("Updated 10:32") == line_hash("Updated 11:45")
    assert line_hash("Share this") != line_hash("Share that")


def test_rules_are_registered_and_documented():
    rules = all_rules()
    for rid in ("Widget", "AuthorBox", "Teaser", "Prompt", "Header", "Embed", "Repeated"):
        rule = rules[f"Boilerplate.{rid}"]
        assert len(rule.doc) > 100
    assert rules["Boilerplate.Repeated"].outlet_level
    assert rules["Boilerplate.Embed"].severity.value == "info"


@pytest.mark.parametrize("encoder", ["none", "auto"])
def test_the_retired_encoder_setting_still_loads_and_changes_nothing(fast, encoder):
    check = BoilerplateCheck({"encoder": encoder})
    doc = seed("000")
    assert [f.to_dict() for f in check.check(doc).findings] == [f.to_dict() for f in fast.check(doc).findings]


def test_batch_equals_one_by_one(fast):
    docs = [seed("000"), seed("001"), Document(Article(id="empty", text=""))]
    batched = fast.check_batch(docs)
    for doc, got in zip(docs, batched, strict=False):
        assert [f.to_dict() for f in got.findings] == [f.to_dict() for f in fast.check(doc).findings]
    assert batched[2].findings == []
