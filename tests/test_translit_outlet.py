"""Phase 2 compares spellings as the article check does: a surname alone is the full name's spelling."""

from __future__ import annotations

from outlets_helpers import report, store_with

from detector.article import Article, Document
from detector.checks.translit import TranslitCheck
from detector.config import DEFAULTS
from detector.outlets import analyze_outlet, defects
from detector.translit.mentions import spelling_parts

SETTINGS = DEFAULTS["outlets"]


def _reports(texts: list[str]):
    check = TranslitCheck()
    check.ensure_setup()
    out = []
    for i, text in enumerate(texts):
        res = check.check(Document(Article(f"a{i}", text), language="en"))
        out.append(report(f"a{i}", text, annotations={"translit": res.annotations}))
    return out


def _outlet_findings(tmp_path, texts: list[str]) -> list[tuple[str, str, str]]:
    store = store_with(tmp_path / "r.db", _reports(texts))
    return [(a.article.id, f.text, f.suggestion) for a, f in
            defects(analyze_outlet(store, "daily", SETTINGS), rule="Translit.OutletInconsistent")]


def test_surname_alone_is_not_a_second_spelling_of_the_full_name(tmp_path, seed_text):
    # seed 000 writes "Dmytro Zhyvytsky" and, later, "Zhyvytsky said"; another article only the surname
    texts = [seed_text("000"), "Zhyvytsky said the corridor would open at nine.",
             "Later, Zhyvytsky confirmed that buses had left Sumy."]
    assert _outlet_findings(tmp_path, texts) == []


def test_a_surname_spelled_two_ways_across_articles_is_still_flagged(tmp_path):
    texts = ["Dmytro Zhyvytsky, head of the Sumy administration, spoke on Monday.",
             "Zhyvytsky said the corridor would open at nine.",
             "Dmytro Zhyvytskyi said the buses had left."]
    found = _outlet_findings(tmp_path, texts)
    assert [(aid, text) for aid, text, _ in found] == [("a2", "Dmytro Zhyvytskyi")]
    assert found[0][2] == "Dmytro Zhyvytsky"


def test_spelling_parts_split_people_and_keep_places_whole():
    assert spelling_parts("person", "Dmytro Zhyvytsky") == {"surname": "Zhyvytsky", "first name": "Dmytro"}
    assert spelling_parts("person", "Zhyvytsky") == {"surname": "Zhyvytsky", "first name": ""}
    assert spelling_parts("place", "Kryvyi Rih") == {"name": "Kryvyi Rih"}
