"""The Translit check on the seeds, on the traps in running text, and on clean text."""

from pathlib import Path

import pytest

from detector.article import Article, Document
from detector.checks.translit import TranslitCheck
from detector.findings import Severity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def check():
    c = TranslitCheck()
    c.ensure_setup()
    return c


def run(check, text):
    doc = Document(Article("t", text), language="en")
    res = check.check(doc)
    for f in res.findings:
        assert text[f.start:f.end] == f.text
    return res


def by_rule(res, rule):
    return [f.text for f in res.findings if f.rule == rule]


def seed(prefix):
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_002(check):
    res = run(check, seed("002"))
    garbled = by_rule(res, "Translit.Garbled")
    assert sorted(garbled) == ["Melitopoli", "Melitopoli", "Meritopoli"]
    inconsistent = by_rule(res, "Translit.Inconsistent")
    assert "Meritopoli" in inconsistent and "Kup’yansk" in inconsistent
    assert len(inconsistent) == 2
    nonstandard = by_rule(res, "Translit.NonStandard")
    assert nonstandard.count("Berdyans’k") == 3 and "Kupyansk" in nonstandard and "Kup’yansk" in nonstandard
    assert by_rule(res, "Translit.RussianDerived") == ["Kharkov"]
    f = next(f for f in res.findings if f.rule == "Translit.Inconsistent" and f.text == "Kup’yansk")
    assert f.data["canonical"] == "Kupiansk" and f.suggestion == "Kupiansk"
    assert {v["form"] for v in f.data["variants"]} == {"Kupyansk", "Kup’yansk"}
    assert not any(v["standard"] for v in f.data["variants"])


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_seeds_000_001_have_no_findings(check, prefix):
    res = run(check, seed(prefix))
    assert res.findings == []
    names = {e["form"] for e in res.annotations["entities"]}
    assert {"Konotop", "Sumy"} <= names
    assert any("Zhyvytsky" in n for n in names) and any("Semenikhin" in n for n in names)


def test_annotations_list_every_resolved_mention(check):
    res = run(check, "Shelling hit Kharkiv on Monday. Later Kharkov was hit again, officials in Kyiv said.")
    ents = res.annotations["entities"]
    assert [(e["canonical"], e["form"], e["standard"], e["kind"]) for e in ents] == [
        ("Kharkiv", "Kharkiv", True, "place"), ("Kharkiv", "Kharkov", False, "place"), ("Kyiv", "Kyiv", True, "place")]
    for e in ents:
        assert set(e) >= {"canonical", "form", "start", "end", "standard", "kind"}
    assert by_rule(res, "Translit.Inconsistent") == ["Kharkov"]


def test_people_linked_within_the_article(check):
    text = ("Foreign Minister Dmytro Kuleba spoke on Monday. Dmitry Kuleba said talks would go on. "
            "Later, Andriy Sybiha met Andrii Sybiha's staff.")
    res = run(check, text)
    assert "Dmitry Kuleba" in by_rule(res, "Translit.RussianDerived")
    inconsistent = by_rule(res, "Translit.Inconsistent")
    assert "Dmitry Kuleba" in inconsistent


def test_lone_surname_variant_is_inconsistent_with_full_name(check):
    res = run(check, "Dmytro Zhyvytsky, head of the Sumy administration, spoke. Zhyvytskyi added that "
                     "Zhyvytsky had met the mayor.")
    assert by_rule(res, "Translit.Inconsistent") == ["Zhyvytskyi"]


def test_kharkiv_and_kherson_stay_apart(check):
    res = run(check, "Fighting continued near Kharkiv and Kherson, and in Kharkiv region.")
    assert res.findings == []


def test_ivan_and_ivana_are_two_people(check):
    res = run(check, "Ivan Petrenko and Ivana Petrenko both testified. Ivan said nothing more.")
    assert by_rule(res, "Translit.Inconsistent") == []


def test_summit_is_not_sumy(check):
    res = run(check, "The Sumy governor attended the summit. Summit organisers thanked Sumy officials.")
    assert res.findings == []


def test_odessa_texas_is_not_odesa(check):
    res = run(check, "The company moved its offices to Odessa, Texas, last year. Odessa has grown fast.\n\n"
                     "Oil drilling near Odessa in Texas slowed.")
    assert by_rule(res, "Translit.RussianDerived") == []


def test_prince_lvov_is_a_person(check):
    res = run(check, "In 1917 Prince Lvov headed the Provisional Government; Prince Georgy Lvov resigned in July.")
    assert res.findings == []


def test_dynamo_kiev_is_info_at_most(check):
    res = run(check, "Dynamo Kiev beat Shakhtar 2-1. Dynamo Kiev fans celebrated in Kyiv.")
    assert all(f.severity is Severity.INFO for f in res.findings)
    assert by_rule(res, "Translit.Inconsistent") == []
    assert [e["form"] for e in res.annotations["entities"]] == ["Kyiv"]  # the club's name is not the city


def test_known_person_at_sentence_start(check):
    res = run(check, "Zelensky said the talks would resume. Zelensky later left Kyiv.")
    assert by_rule(res, "Translit.NonStandard") == ["Zelensky", "Zelensky"]


def test_austria_and_australia(check):
    res = run(check, "Austria and Australia signed the agreement; Austria will host the next round.")
    assert res.findings == []


def test_georgia(check):
    res = run(check, "Georgia, like Ukraine, applied to join the EU. Tbilisi and Georgia's president agreed.")
    assert res.findings == []


def test_kyiv_independent_is_an_outlet_not_a_mention(check):
    res = run(check, "The Kyiv Independent reported that shelling hit Kiev overnight.")
    assert by_rule(res, "Translit.Inconsistent") == []
    assert by_rule(res, "Translit.RussianDerived") == ["Kiev"]
    assert all(e["form"] != "Kyiv" for e in res.annotations["entities"])


def test_chicken_kiev_is_a_dish(check):
    assert run(check, "The cafe serves chicken Kiev and borscht.").findings == []


def test_clean_english_news_has_no_findings(check):
    text = ("President Joe Biden met Chancellor Olaf Scholz in Washington on Friday. Mark Johnson, a "
            "spokesman, said the Mark II version would ship in May. Most analysts expect growth. "
            "Malin Akerman and Dua Lipa attended. Luck played a role, said Maria Sharapova.")
    assert run(check, text).findings == []


def test_outlet_names_and_foreign_places_are_not_flagged(check):
    res = run(check, "Ukrainska Pravda reported it. He later moved to Bobruisk and then to Groznyi.")
    assert res.findings == []


def test_long_article_is_fast(check):
    import time

    para = seed("002") + "\n\n" + seed("000") + "\n\n"
    text = para * 20  # ~20,000 words
    t0 = time.perf_counter()
    res = run(check, text)
    assert time.perf_counter() - t0 < 20.0
    assert len(by_rule(res, "Translit.RussianDerived")) == 20
