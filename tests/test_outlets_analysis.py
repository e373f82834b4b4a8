"""Cross-article rules over the store: repeated template lines, one name spelled two ways."""

from __future__ import annotations

from outlets_helpers import BODIES, report, store_with

from detector.config import DEFAULTS
from detector.outlets import analyze, analyze_outlet, defects, normalize_line

SETTINGS = DEFAULTS["outlets"]
FOOTER = "Subscribe to our newsletter for the latest news - © 2022 Daily Times"


def test_normalization_folds_case_digits_punctuation_accents():
    assert normalize_line("© 2022 Daily Times!") == normalize_line("  © 2019 DAILY   times") == "0000 daily times"
    assert normalize_line("Daily Times") != normalize_line("Daily Time")
    assert normalize_line("Café 2022 — “Kyiv”") == "cafe 0000 kyiv"


def test_repeated_footer_is_flagged_in_every_article(tmp_path):
    texts = [f"{b}\n{FOOTER.replace('2022', str(2018 + i))}\n" for i, b in enumerate(BODIES)]
    store = store_with(tmp_path / "r.db", [report(f"a{i}", t) for i, t in enumerate(texts)])
    analysis = analyze_outlet(store, "daily", SETTINGS)
    found = [(a.article.id, f) for a, f in defects(analysis, rule="Boilerplate.Repeated")]
    assert len(found) == 5
    for aid, f in found:
        text = texts[int(aid[1:])]
        assert text[f.start:f.end] == f.text and f.text.startswith("Subscribe")
        assert "5 of this outlet's 5 articles" in f.message
    assert analysis.counts == {"boilerplate": 5}


def test_distinct_articles_raise_no_repeated_line(tmp_path):
    store = store_with(tmp_path / "r.db", [report(f"a{i}", b + "\n") for i, b in enumerate(BODIES)])
    assert list(defects(analyze_outlet(store, "daily", SETTINGS))) == []


def test_line_in_two_articles_is_not_boilerplate(tmp_path):
    quote = "\"We will rebuild every school,\" the mayor said."
    texts = [f"{b}\n{quote}\n" if i < 2 else b for i, b in enumerate(BODIES)]
    store = store_with(tmp_path / "r.db", [report(f"a{i}", t) for i, t in enumerate(texts)])
    assert list(defects(analyze_outlet(store, "daily", SETTINGS))) == []


def test_repeats_are_counted_per_outlet(tmp_path):
    reports = [report(f"a{i}", f"{b}\n{FOOTER}\n", outlet=f"site{i}") for i, b in enumerate(BODIES)]
    store = store_with(tmp_path / "r.db", reports)
    assert all(not a.counts for a in (analyze_outlet(store, o, SETTINGS) for o in store.outlets()))


def _mention(text, form, canonical="kyiv", standard="Kyiv"):
    start = text.index(form)
    return {"canonical": canonical, "form": form, "start": start, "end": start + len(form), "standard": standard,
            "kind": "places"}


def test_outlet_spelling_a_name_two_ways_is_flagged_at_the_minority_form(tmp_path):
    texts = ["Officials in Kyiv said the talks would resume.", "Kyiv prepared for winter.",
             "Residents of Kiev queued for water.", "Kyiv's mayor spoke on Monday."]
    reports = [report(f"a{i}", t, annotations={"translit": {"entities": [_mention(t, "Kiev" if "Kiev" in t else "Kyiv")]}})
               for i, t in enumerate(texts)]
    store = store_with(tmp_path / "r.db", reports)
    found = list(defects(analyze_outlet(store, "daily", SETTINGS), rule="Translit.OutletInconsistent"))
    assert len(found) == 1
    a, f = found[0]
    assert a.article.id == "a2" and f.text == "Kiev" and f.suggestion == "Kyiv"
    assert "3 other articles" in f.message and f.category.value == "transliteration"


def test_consistent_spelling_and_other_outlets_are_not_flagged(tmp_path):
    t1, t2 = "Kyiv said yes.", "Kiev said no."
    store = store_with(tmp_path / "r.db", [
        report("a1", t1, outlet="one", annotations={"translit": {"entities": [_mention(t1, "Kyiv")]}}),
        report("a2", t2, outlet="two", annotations={"translit": {"entities": [_mention(t2, "Kiev")]}}),
        report("a3", t1, outlet="one", annotations={"translit": {"entities": [_mention(t1, "Kyiv")]}}),
    ])
    scores, rules, _ = analyze(store, SETTINGS)
    assert not any(rules.values())


def test_boolean_standard_and_malformed_mentions(tmp_path):
    t1, t2, t3 = "Kharkiv was shelled.", "Kharkov was quiet.", "Kharkiv rebuilt."
    ents = lambda t, form, std: {"translit": {"entities": [  # noqa: E731
        _mention(t, form, "kharkiv", std), {"canonical": "x", "form": "y", "start": 99, "end": 500}, "junk"]}}
    store = store_with(tmp_path / "r.db", [report("a1", t1, annotations=ents(t1, "Kharkiv", True)),
                                           report("a2", t2, annotations=ents(t2, "Kharkov", False)),
                                           report("a3", t3, annotations=ents(t3, "Kharkiv", True))])
    found = list(defects(analyze_outlet(store, "daily", SETTINGS)))
    assert [(a.article.id, f.text, f.suggestion) for a, f in found] == [("a2", "Kharkov", "Kharkiv")]


def test_stored_finding_on_the_same_line_is_not_counted_twice(tmp_path):
    from outlets_helpers import finding

    texts = [f"{b}\n{FOOTER}\n" for b in BODIES]
    reports = [report(f"a{i}", t, findings=[finding(t, "Subscribe to our newsletter", "boilerplate",
                                                    rule="Boilerplate.Furniture")]) for i, t in enumerate(texts)]
    store = store_with(tmp_path / "r.db", reports)
    analysis = analyze_outlet(store, "daily", SETTINGS)
    assert analysis.counts == {"boilerplate": 5} and set(analysis.rules) == {"Boilerplate.Furniture"}
