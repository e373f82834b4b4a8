"""Explainable MT rules: each fires on the artefact it describes and stays quiet on clean news."""

from __future__ import annotations

import pytest

from detector.article import Article, Document
from detector.checks.mt_rules import MTRulesCheck
from detector.findings import Severity


@pytest.fixture(scope="module")
def check() -> MTRulesCheck:
    c = MTRulesCheck()
    c.ensure_setup()
    return c


@pytest.fixture
def find(check):
    def run(text: str, rule: str | None = None) -> list[tuple[str, str, str]]:
        doc = Document(Article(id="t", text=text), language="en")
        out = []
        for f in check.check(doc):
            assert text[f.start:f.end] == f.text
            if rule is None or f.rule == rule:
                out.append((f.rule, f.text, f.severity.value))
        return out

    return run


# -- seeds ---------------------------------------------------------------------------------------
def test_seed_002_artefacts_are_flagged(find, seed_text):
    found = {(r, t) for r, t, _ in find(seed_text("002"))}
    assert ("MT.MidSentenceCapital", "Another") in found
    assert ("MT.MidSentenceCapital", "Throw") in found
    assert ("MT.MidSentenceCapital", "At") in found
    assert ("MT.RepeatedPunctuation", "..") in found
    assert ("MT.PersonShift", "I") in found
    assert ("MT.MissingSentenceBreak", "February 24 Faced") in found
    assert ("MT.MissingSentenceBreak", "March 1st Verification") in found


def test_seed_001_dangling_name_is_flagged(find, seed_text):
    assert ("MT.DanglingFragment", "he said. Zhyvytsky.", "warning") in find(seed_text("001"))


def test_seed_000_reporting_has_no_mt_findings(find, seed_text):
    assert find(seed_text("000")) == []


def test_seed_001_unclosed_quote_after_asking_colon_is_speech(find, seed_text):
    assert find(seed_text("001"), "MT.PersonShift") == []


# -- MT.MidSentenceCapital -----------------------------------------------------------------------
def test_capitalised_function_word_mid_sentence_is_a_warning(find):
    text = "The convoy stopped near the bridge, At the exit of the town, and waited there for hours."
    assert find(text, "MT.MidSentenceCapital") == [("MT.MidSentenceCapital", "At", "warning")]


@pytest.mark.parametrize("text", [
    "President Joe Biden met Prime Minister Denys Shmyhal in Kyiv on Monday to discuss aid.",
    "A port of 110,000 inhabitants on the coast of the Sea of Azov was shelled overnight.",
    "He put it simply: Another attack would be met with force, officials in the region said.",
    "“Another day, another siren,” said a resident who asked not to be named in this report.",
    "Crowds chanted the slogan “Glory To The Heroes” outside the regional administration building.",
    "The Army said the Kremlin had not responded to the latest proposal by Wednesday evening.",
    "Residents who fled to Orlando and Vienna said they planned to return home when it was safe.",
    "Read our article How to Live Stream on Facebook for a step-by-step tutorial on the process.",
    "Losses were filed as of mid-October.1 As tax season comes around again, many are worried.",
])
def test_names_titles_quotes_and_clause_starts_are_spared(find, text):
    assert find(text, "MT.MidSentenceCapital") == []


def test_headlines_are_spared(find):
    assert find("In Melitopol, A Convoy Blocked By Residents\n\nThe convoy turned back.") == []


# -- MT.MissingSentenceBreak ---------------------------------------------------------------------
def test_date_glued_to_the_next_sentence(check):
    doc = Document(Article(id="t", text="The war began on Thursday, February 24 Faced with the army, people resisted."))
    [f] = [f for f in check.check(doc) if f.rule == "MT.MissingSentenceBreak"]
    assert f.text == "February 24 Faced" and f.suggestion == "February 24. Faced"


@pytest.mark.parametrize("text", [
    "On February 24 Russian troops crossed the border in the north of the country.",
    "On March 1 President Volodymyr Zelensky addressed the European Parliament by video.",
    "The findings appear in the Winter 2025 Report published by the institute this week.",
])
def test_dates_before_names_are_not_breaks(find, text):
    assert find(text, "MT.MissingSentenceBreak") == []


# -- MT.RepeatedPunctuation ----------------------------------------------------------------------
def test_doubled_full_stop_is_flagged(find):
    assert find("They stood in the center of town.. It prevented the convoy from advancing.",
                "MT.RepeatedPunctuation") == [("MT.RepeatedPunctuation", "..", "warning")]


@pytest.mark.parametrize("text", [
    "Wait... what happened next surprised everyone in the square.",
    "Who could have predicted this?! Nobody in the city council.",
    "Choose a platform (e.g., Canvas) and log in with your account.",
    "Scott Keatley, R.D., co-owner of the clinic, said portions matter.",
    "Pages 1..5 of the report and www.example.com..net are technical strings.",
    "The kit includes 3 AA batteries not incl., box and manual.",
])
def test_ellipses_abbreviations_and_urls_are_not_doubled_marks(find, text):
    assert find(text, "MT.RepeatedPunctuation") == []


# -- MT.DanglingFragment -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "“We will stay,” he said. Then he walked back to the car.",
    "“Is it over?” she asked. “Yes,” he said. Yes.",
    "The agreement holds, he said.\nZhyvytsky later confirmed it on television.",
])
def test_sentences_after_said_are_not_fragments(find, text):
    assert find(text, "MT.DanglingFragment") == []


# -- MT.PersonShift ------------------------------------------------------------------------------
NEWS = ("Officials said on Tuesday that the convoy had stopped. According to witnesses, residents "
        "blocked the road. Police said nobody was hurt. The mayor said talks would continue. ") * 3


def test_first_person_in_reported_news_is_a_warning(find):
    text = NEWS + "The tank was towed by a tractor, so I didn't know if it was occupied."
    assert find(text, "MT.PersonShift") == [("MT.PersonShift", "I", "warning")]


@pytest.mark.parametrize("tail", [
    "“I didn't know if it was occupied,” a resident said.",
    "A resident said: I didn't know if it was occupied, and nobody told us.",
    "I didn't know if it was occupied, the driver said later that day.",
    "Historians compare it to the battles of World War I in the same region.",
    "“We were not ready. I think nobody was.\n\nThe second paragraph of the quote goes on here.",
    "‘I didn’t know if it was occupied,’ a resident told the BBC on Tuesday.",
    "'I didn't know if it was occupied,' a resident told the BBC on Tuesday.",
])
def test_quotes_and_attribution_are_spared(find, tail):
    assert find(NEWS + tail, "MT.PersonShift") == []


def test_first_person_columns_are_not_slips(find):
    column = " ".join(["I went to the market on Tuesday.", "My neighbour said prices rose.",
                       "I think the city will cope.", "We talked for an hour.", "I left at noon."] * 3)
    assert find(NEWS + column, "MT.PersonShift") == []


def test_first_person_without_news_cues_is_info(find):
    text = "The sofa is blue and sits by the window. It came with two cushions. " * 6 + "I bought it in May."
    assert find(text, "MT.PersonShift") == [("MT.PersonShift", "I", "info")]


@pytest.mark.parametrize("tail", [
    # reviews, blogs and how-tos address the reader: first person is their voice
    "You will want a sturdy case for this laptop. Your bag matters too, and you should check the ports. "
    "I like laptops with lots of ports.",
    "Seeking inclusion in abstracting and indexing (A&I) databases will expand the reach of a journal.",
    # a quote split over two lines whose second line lost its opening mark
    "\n“I heard my wife cry for help, but then silence.\nI don't know what happened to her and my child.",
    "This is the subject of my column for this week.",
])
def test_first_person_as_the_genre_or_in_continued_quotes_is_spared(find, tail):
    assert find(NEWS + tail, "MT.PersonShift") == []


def test_an_unclosed_quote_exempts_only_the_next_line(find):
    text = NEWS + "\n“We were not ready.\nNobody told us.\nThe tank was towed by a tractor, so I didn't know if it was occupied."
    assert find(text, "MT.PersonShift") == [("MT.PersonShift", "I", "warning")]


# -- line and cell boundaries --------------------------------------------------------------------
def test_mt_sentences_split_flattened_table_rows_into_cells():
    from detector.mt.context import mt_sentences

    text = "Model | Price | The case is sturdy\nTutor.com\t4.5/5\tThe platform connects students."
    doc = Document(Article(id="t", text=text))
    cells = [s.text for s in mt_sentences(doc)]
    assert cells == ["Model", "Price", "The case is sturdy", "Tutor.com", "4.5/5", "The platform connects students."]
    assert all(text[s.start:s.end] == s.text for s in mt_sentences(doc))


@pytest.mark.parametrize("text", [
    "Tutor.com\t⭐1.9/5\tThe platform effectively connects students and tutors, though it costs more.",
    "Financial or compliance reporting\t Not suitable\tTask-specific models with audit trails.",
    "1 In 2025, most Rust users said they wanted to keep using it, according to the survey.",
    "⁰ Those speeds for caseless benchmarks are mostly dependent on the data location and size.",
    "Read the story “Bluetooth Headphones Don’t Always Play Nice With Computers. Here’s Why.” on the site.",
])
def test_cells_list_markers_and_cited_titles_start_clauses(find, text):
    assert find(text, "MT.MidSentenceCapital") == []


# -- MT.Untranslated -----------------------------------------------------------------------------
def test_cyrillic_words_in_an_english_sentence(find):
    found = find("The city council said that окупанти left the building on Monday morning.", "MT.Untranslated")
    assert found == [("MT.Untranslated", "окупанти", "warning")]


def test_mixed_script_word_and_transliterated_function_word(find):
    found = find("Troops left Кyiv region, shcho the governor confirmed on Friday.", "MT.Untranslated")
    assert ("MT.Untranslated", "Кyiv", "warning") in found and ("MT.Untranslated", "shcho", "warning") in found


@pytest.mark.parametrize("text", [
    "Officials in Kyiv (Київ) confirmed the figures on Monday.",
    "Protesters carried signs reading “Геть” outside the council building.",
    "European Commission President Ursula von der Leyen visited Kyiv on Friday.",
    "The restaurant serves dishes à la carte, and the menu changes every week.",
    "The award site is https://премияарсеньева.рф/ according to the organisers.",
    "German officials said Germany would send more air-defence systems to the region.",
])
def test_glosses_quotes_names_loans_and_urls_are_not_untranslated(find, text):
    assert find(text, "MT.Untranslated") == []


def test_whole_foreign_sentences_are_left_to_language_check(find):
    assert find("Окупанти залишили місто після переговорів з місцевою владою вчора.", "MT.Untranslated") == []


def test_slavic_case_form_of_a_name_is_info(find):
    text = ("Talks with Putin stalled. Officials close to Putin said the plan would change. "
            "Advisers of Putina denied it.")
    assert find(text, "MT.Untranslated") == [("MT.Untranslated", "Putina", "info")]


def test_french_function_words_in_english_text_are_info(find):
    found = find("Thousands gathered dans les rues of the capital on Sunday.", "MT.Untranslated")
    assert found == [("MT.Untranslated", "dans les", "info")]


# -- MT.Calque -----------------------------------------------------------------------------------
def test_calque_is_info_with_the_idiomatic_english(check):
    doc = Document(Article(id="t", text="Fighting continues on the territory of the Donetsk region."))
    [f] = [f for f in check.check(doc) if f.rule == "MT.Calque"]
    assert f.text == "on the territory of" and f.suggestion == "in" and f.severity is Severity.INFO


def test_territory_alone_is_not_a_calque(find):
    assert find("The territory was returned to Ukrainian control in November.", "MT.Calque") == []


# -- end to end ----------------------------------------------------------------------------------
def test_scanner_reports_mt_findings_for_seed_002(seeds):
    from detector.config import load_config
    from detector.io.readers import ReaderOptions, iter_articles
    from detector.scanner import Scanner

    cfg = load_config(start=seeds.parent / "nonexistent").with_overrides({"select": ["mt"]})
    [report] = Scanner(cfg).scan(iter_articles([str(next(seeds.glob("002_*.txt")))], ReaderOptions()))
    rules = {f.rule for f in report.findings}
    assert {"MT.MidSentenceCapital", "MT.MissingSentenceBreak", "MT.RepeatedPunctuation", "MT.PersonShift"} <= rules


def test_a_comma_splice_before_a_capitalised_subject_is_only_info(find):
    text = "Choose your lumber carefully, You want it to be as straight as possible for the frame."
    assert find(text, "MT.MidSentenceCapital") == [("MT.MidSentenceCapital", "You", "info")]
    text = "The crowd surrounded the tank, At the exit of the town they blocked the road for hours."
    assert find(text, "MT.MidSentenceCapital") == [("MT.MidSentenceCapital", "At", "warning")]


# -- conversational articles (blogs, reviews, how-tos) ---------------------------------------------
HOW_TO = ("You can prepare for the conference in an afternoon. Before you go, check the agenda and "
          "mark the talks your team cares about.\n")


def test_in_a_how_to_a_flattened_list_capital_is_only_info(find):
    # A list item run into the next line ("past talks This helps"): the same capital as an MT join,
    # but in an article that addresses the reader.
    text = HOW_TO + "Look up backgrounds, companies, and past talks This helps you avoid sales-heavy sessions."
    assert find(text, "MT.MidSentenceCapital") == [("MT.MidSentenceCapital", "This", "info")]


def test_the_same_capital_in_reported_news_stays_a_warning(find):
    text = ("Officials said the convoy left on Monday. Residents gathered near the bridge and past the "
            "market This prevented the convoy from advancing, the mayor told reporters.")
    assert find(text, "MT.MidSentenceCapital") == [("MT.MidSentenceCapital", "This", "warning")]


def test_in_a_blog_a_doubled_full_stop_is_only_info(find):
    text = HOW_TO + "These moves may further reduce your tax burden.. Look beyond the new deductions."
    assert find(text, "MT.RepeatedPunctuation") == [("MT.RepeatedPunctuation", "..", "info")]


def test_a_review_named_as_such_is_conversational(find):
    text = "In this review the kettle boiled fast.. It stayed quiet, At the end of the test it was warm."
    assert {(r, s) for r, _t, s in find(text)} == {("MT.RepeatedPunctuation", "info"), ("MT.MidSentenceCapital", "info")}
