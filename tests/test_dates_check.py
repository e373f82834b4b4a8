"""The dates check: each rule on a defect and on clean text, the traps, and the seeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dates_helpers import run_dates

from detector.article import Article
from detector.checks.dates import DatesCheck
from detector.scanner import Scanner

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PUB = dt.date(2022, 3, 2)


def run(text: str, published: dt.date | None = PUB, title: str | None = None, **settings):
    return run_dates(text, published, title, **settings)


def rules(text: str, published: dt.date | None = PUB, **kw) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in run(text, published, **kw)]


# -- Date.Impossible ---------------------------------------------------------------------------
def test_impossible_days_are_errors_with_a_suggestion():
    f = run("Shelling resumed on February 30, residents said.")[0]
    assert (f.rule, f.severity.value, f.text) == ("Date.Impossible", "error", "February 30")
    assert f.suggestion == "February 28"


def test_impossible_day_with_weekday_suggests_that_weekday():
    f = run("The decree was signed on Tuesday, April 31, 2022.")[0]
    assert f.rule == "Date.Impossible"
    assert f.suggestion == "Tuesday, April 26, 2022"


def test_february_29_in_a_non_leap_year_and_month_13():
    assert rules("Filed on February 29, 2022.") == [("Date.Impossible", "February 29, 2022")]
    assert rules("Filed on February 29, 2024.", published=dt.date(2024, 3, 1)) == []
    assert rules("The order dated 2022-13-01 was leaked.") == [("Date.Impossible", "2022-13-01")]
    assert rules("Filed on February 29.") == [("Date.Impossible", "February 29")]


def test_valid_days_are_not_impossible():
    assert rules("It happened on February 28 and on April 30, 2021.") == []


# -- Date.WeekdayMismatch -----------------------------------------------------------------------
def test_wrong_weekday_with_a_written_year():
    f = run("The talks opened on Monday, March 1, 2022 in Gomel.")[0]
    assert f.rule == "Date.WeekdayMismatch" and f.severity.value == "error"
    assert "Tuesday" in f.message and f.suggestion == "Tuesday, March 1, 2022"


def test_wrong_weekday_year_read_from_publication():
    f = run("Russian troops entered on Friday, February 24.")[0]
    assert f.rule == "Date.WeekdayMismatch"
    assert f.data["date"] == "2022-02-24" and f.data["actual_weekday"] == "Thursday"


def test_right_weekdays_are_silent():
    assert rules("It began on Thursday, February 24, and on Saturday, February 26 the city fell.") == []


# -- Date.Future and its traps ------------------------------------------------------------------
def test_future_date_names_publication_and_suggests_the_february_twin():
    f = run("Another video aired on Monday, March 28, showed residents.")[0]
    assert (f.rule, f.severity.value) == ("Date.Future", "warning")
    assert "March 2, 2022" in f.message
    assert f.suggestion == "Monday, February 28"
    assert f.data["publication_source"] == "record"


def test_two_day_tolerance():
    assert rules("The convoy was seen on March 4.") == []
    assert rules("The convoy was seen on March 5.") == [("Date.Future", "March 5")]


def test_trap_future_cues():
    assert rules("The referendum will be held on March 28.") == []
    assert rules("Talks are scheduled for March 20 in Istanbul.") == []
    assert rules("The curfew lasts until March 14.") == []


def test_trap_historical_date_after_a_year_in_the_paragraph():
    text = "In 2014, Russia annexed Crimea after a referendum on Sunday, March 16, which Kyiv rejected."
    assert rules(text) == []


def test_a_stated_weekday_overrules_an_unrelated_year_in_the_paragraph():
    assert rules("Russia has occupied Crimea since 2014. Its troops crossed on Thursday, February 24.") == []


def test_trap_anniversaries_and_named_days():
    assert rules("Since the Feb. 24 invasion, prices doubled.", published=dt.date(2023, 1, 10)) == []
    assert rules("Moscow prepares to mark Victory Day on May 9.") == []


def test_trap_datelines_on_or_just_before_publication():
    for day in (25, 24, 23):
        assert rules(f"MINSK, {day} May (Reuters) - Belarus said troops stayed.", published=dt.date(2022, 5, 25)) == []


def test_a_dateline_after_publication_is_a_dateline_finding_not_a_future_one():
    assert rules("MINSK, 20 June (Reuters) - Belarus said troops stayed.", published=dt.date(2022, 5, 25)) == [
        ("Date.Dateline", "20 June")]


def test_trap_live_blog_updated_after_publication():
    text = "Live updates: Russia invades Ukraine\n\nMarch 4, 10:15 GMT\nShelling continued in Kharkiv on March 4.\n\n" \
           "Updated March 6\nA convoy was seen on March 6."
    assert rules(text, published=dt.date(2022, 3, 1), title="Live updates: Russia invades Ukraine") == []


def test_publication_inferred_when_absent_and_said_so():
    text = "KYIV, March 2, 2022 - Shelling went on. A new video aired on Monday, March 28, showed a tank."
    f = run(text, published=None)[0]
    assert f.rule == "Date.Future"
    assert f.data["publication_inferred"] is True and f.data["publication_source"] == "dateline"
    assert "inferred publication date" in f.message


def test_no_publication_no_future_findings():
    assert rules("A video aired on Monday, March 28, showed a tank.", published=None) == []


def test_agenda_articles_are_not_flagged():
    text = "Upcoming events\n\nExpo Berlin - April 21, 2022\nTech Paris - June 17, 2022\nWeb Lisbon - November 9, 2022"
    assert rules(text) == []


# -- Date.Outlier ----------------------------------------------------------------------------------
def test_outlier_far_from_a_tight_cluster():
    text = ("The invasion began on February 24. Kherson fell on March 1 and Melitopol on February 26. "
            "Troops shelled Okhtyrka on February 27. On October 20, they reached the river.")
    assert rules(text) == [("Date.Outlier", "October 20")]


def test_no_outlier_without_a_tight_cluster():
    assert rules("The war began on February 24. On October 20, they reached the river.") == []


# -- Date.MixedFormat -----------------------------------------------------------------------------
def test_mixed_orders_is_one_info_finding_on_the_minority():
    found = run("Kyiv was shelled on February 24, on February 25 and again on 26 February.")
    assert [(f.rule, f.severity.value, f.text) for f in found] == [("Date.MixedFormat", "info", "26 February")]
    assert found[0].suggestion == "February 26"


def test_ambiguous_numeric_date_is_info():
    found = run("The order of 03/04/2021 was published.")
    assert [(f.rule, f.text) for f in found] == [("Date.MixedFormat", "03/04/2021")]


def test_one_order_throughout_is_silent():
    assert rules("Kyiv was shelled on February 24 and again on February 26.") == []


# -- the seeds, through the scanner as a user runs it ------------------------------------------------
@pytest.fixture(scope="module")
def seed_reports():
    records = [json.loads(line) for line in (SEEDS / "articles.jsonl").open(encoding="utf-8")]
    articles = [Article(id=r["id"], text=r["text"], published=dt.date.fromisoformat(r["published"])) for r in records]
    scanner = Scanner(checks=[DatesCheck()])
    return {r.article.id[:3]: r for r in scanner.check_articles(articles)}


def test_seed_002_only_monday_march_28(seed_reports):
    found = [f for f in seed_reports["002"].findings if f.category.value == "date"]
    assert [(f.rule, f.text) for f in found] == [("Date.Future", "Monday, March 28")]
    assert "March 2, 2022" in found[0].message
    assert found[0].suggestion == "Monday, February 28"


@pytest.mark.parametrize("seed", ["000", "001"])
def test_seeds_000_001_have_no_date_findings(seed_reports, seed):
    assert [f for f in seed_reports[seed].findings if f.category.value == "date"] == []


def test_seed_002_through_the_public_api():
    import detector

    rec = json.loads((SEEDS / "articles.jsonl").read_text(encoding="utf-8").splitlines()[2])
    report = detector.check(rec["text"], published=rec["published"], id=rec["id"])
    dates = [f for f in report.findings if f.category.value == "date"]
    assert [(f.rule, f.suggestion) for f in dates] == [("Date.Future", "Monday, February 28")]


def test_the_word_live_does_not_make_a_live_blog():
    from detector.dates.context import is_live

    assert is_live("Live updates: Russia invades Ukraine", None)
    assert is_live("LIVE: shelling in Kharkiv", None)
    assert not is_live("the way we live and work", None)


def test_a_byline_after_publication_is_flagged_even_in_an_agenda():
    text = ("November 13, 2025\n\nThe year's events:\n\nCES - January 6, 2026\nMWC - March 2, 2026\n"
            "Computex - June 2, 2026\n")
    assert rules(text, published=dt.date(2025, 10, 13)) == [("Date.Future", "November 13, 2025")]


def test_state_run_is_not_a_future_cue():
    assert rules("He ate a rabbit on March 20, according to the state-run agency.") == [("Date.Future", "March 20")]
