"""Month shifts: reversed ranges, weekday contradictions, parenthesised datelines, and the evaluation's
labelling of injected shifts (decided from the text and publication alone)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from dates_helpers import run_dates

from detector.eval.dates_shifts import shifts, site_bootstrap, wilson
from detector.findings import Severity

PUB = dt.date(2026, 2, 17)


def rules(text: str, published: dt.date | None = PUB, **kw) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in run_dates(text, published, **kw)]


# -- Date.RangeOrder -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, span", [
    ("The event ran from October 9 to August 14, 2025, at various locations.", "October 9 to August 14, 2025"),
    ("Between 3 May and 1 April 2024 the plant was shut.", "3 May and 1 April 2024"),
    ("The fair (April 20–March 2, 2025) drew crowds.", "April 20–March 2, 2025"),
    ("Talks lasted from March 3, 2024, through February 1, 2024.", "March 3, 2024, through February 1, 2024"),
])
def test_a_range_that_ends_before_it_starts_is_flagged(text, span):
    found = run_dates(text, PUB)
    assert [(f.rule, f.text) for f in found] == [("Date.RangeOrder", span)]
    assert found[0].severity.value == "warning" and "ends before it starts" in found[0].message


@pytest.mark.parametrize("text", [
    "The holidays ran from December 20 to January 5, as every year.",  # year-less: may straddle a new year
    "Fares rose from Dec. 14, 2025, to Jan. 16, 2026.",  # both years written
    "The festival ran from April 20 to May 2, 2025, in Lviv.",
    "Between 2020 and 2022 prices doubled, from May to June 2023 they fell.",
    "He was in Kyiv from 3 December, and on 1 April 2025 he left.",  # not one range
    "Sales were counted from December 3 and February 1, 2025 onwards.",  # "from ... and": no range
])
def test_ranges_in_order_or_without_a_year_at_their_end_are_safe(text):
    assert [r for r, _ in rules(text)] == []


def test_a_reversed_range_already_flagged_after_publication_is_reported_once():
    found = rules("Officials said troops stayed from May 9 to February 4, 2026.")
    assert [r for r, _ in found] == ["Date.Future"]


# -- weekdays and the nearer year ---------------------------------------------------------------------
def test_a_shifted_month_that_breaks_its_weekday_is_a_weekday_mismatch():
    # Published 14 February 2022; the clean text said "Monday, February 7".
    assert rules("On Monday, May 7, troops entered the town.", dt.date(2022, 2, 14)) == [
        ("Date.WeekdayMismatch", "Monday, May 7")]


def test_a_shift_that_keeps_the_weekday_is_caught_after_publication_with_the_earlier_twin():
    # February and March 2022 share weekdays: only publication shows the typo.
    found = run_dates("On Monday, March 7, troops entered the town.", dt.date(2022, 2, 14))
    assert [(f.rule, f.suggestion) for f in found] == [("Date.Future", "Monday, February 7")]


# -- datelines with the date in parentheses ---------------------------------------------------------------
@pytest.mark.parametrize("line", ["WASHINGTON (March 20) — ", "WASHINGTON \u00a0(March 20)\u00a0— ",
                                  "Kyiv (20 March 2022) – "])
def test_a_parenthesised_dateline_after_publication_is_flagged(line):
    found = run_dates(line + "The senators voted on the bill.", dt.date(2022, 3, 5))
    assert [(f.rule, f.text) for f in found] == [("Date.Dateline", line.split("(")[1].split(")")[0])]


@pytest.mark.parametrize("day", [5, 4, 3])
def test_a_parenthesised_dateline_on_or_just_before_publication_is_safe(day):
    assert rules(f"WASHINGTON (March {day}) — The senators voted on the bill.", dt.date(2022, 3, 5)) == []


def test_trap_a_parenthesised_date_mid_sentence_is_no_dateline():
    # An announced date in parentheses after a name stays excused by its future word.
    assert rules("The summit in WASHINGTON (March 20) will be held as planned.", dt.date(2022, 3, 5)) == []


# -- the traps of the first dates issue stay quiet with the new rules ----------------------------------------
@pytest.mark.parametrize("text", [
    "The summit is scheduled from March 20 to March 22, 2026, in Kyiv.",  # announced, in order
    "In 2014 Crimea was annexed on March 18, and the vote was on 16 March.",  # historical, after a year
    "Ukrainians marked the anniversary of independence on August 24.",
    "LIVE updates: Russia-Ukraine war\n\nFebruary 20, 10:15 GMT — Shelling continued, officials said.",
    "Officials may 3 times revise the plan, and they may reconsider it.",
    "Ministers will meet on 14 March, and the talks will run until 16 March 2026.",
])
def test_trap_the_first_dates_issue_traps_stay_quiet(text):
    assert [f.rule for f in run_dates(text, PUB) if f.severity.rank >= Severity.WARNING.rank] == []


# -- the evaluation's labels -----------------------------------------------------------------------------
TEXT = ("KYIV, March 5 (Reuters) - Troops crossed the border on 14 January, officials said. The vote will be "
        "held on 20 February.\n\nOn Monday, February 7, he met the minister. The festival ran from 3 February to "
        "10 February 2022. In 2019 he visited Kyiv on 12 January. Jane Day was born on 4 January.")


def _labels() -> dict[tuple[str, int], str]:
    out = {}
    for s in shifts(TEXT, dt.date(2022, 2, 14), random.Random(1), per_doc=1000):
        out[s.text[s.span[0]:s.span[1]], s.months] = s.label
    return out


def test_shift_labels_follow_the_text_and_publication():
    got = _labels()
    assert got["14 March", 2] == "after-publication"  # past tense, nearer reading 28 days ahead
    assert got["14 December", -1] == "undetectable:earlier"
    assert got["20 May", 3] == "undetectable:earlier"  # the original was already ahead: an announcement
    assert got["Monday, May 7", 3] == "weekday"
    assert got["Monday, March 7", 1] == "after-publication"  # same weekday in February and March 2022
    assert got["3 March", 1] == "range-order"  # after its end, 10 February 2022
    assert got["12 March", 2] == "undetectable:year-cue"  # "In 2019"
    assert got["4 March", 2] == "undetectable:annual"  # "Jane Day": a named day is read as every year's
    assert not any(t.startswith("March") for t, _ in got)  # the dateline is its own kind


def test_shifts_are_distinct_seeded_and_capped():
    a = shifts(TEXT, dt.date(2022, 2, 14), random.Random(3), per_doc=5)
    b = shifts(TEXT, dt.date(2022, 2, 14), random.Random(3), per_doc=5)
    assert [s.text for s in a] == [s.text for s in b] and len({s.text for s in a}) == 5
    assert all(s.text[s.span[0]:s.span[1]] != TEXT[s.span[0]:s.span[1]] for s in a)


def test_without_publication_only_the_text_can_tell():
    labels = {s.label for s in shifts(TEXT, None, random.Random(1), per_doc=1000)}
    assert labels <= {"range-order", "undetectable:no-publication", "weekday"} and "range-order" in labels


def test_intervals():
    lo, hi = wilson(37, 63)
    assert 0.46 < lo < 0.47 and 0.70 < hi < 0.71
    assert wilson(0, 0) is None
    lo, hi = site_bootstrap([("a", True)] * 10 + [("b", False)] * 10, reps=400)
    assert lo == 0.0 and hi == 1.0  # two sites: the interval says how little they tell


# -- how far ahead a past-tense year-less date is read, and periods under way ---------------------------
def test_a_past_tense_date_more_than_three_months_ahead_reads_as_last_year():
    # Published 18 November: 10 March is 113 days ahead and 253 behind; a month typo moves a date <= 94 days.
    assert rules("Maitlis asked what he was doing on the night of March 10, when he allegedly met her.",
                 dt.date(2019, 11, 18)) == []


def test_a_past_tense_date_within_three_months_ahead_is_still_flagged():
    assert [r for r, _ in rules("He met the minister on 15 February, officials said.", dt.date(2019, 11, 18))] == [
        "Date.Future"]


@pytest.mark.parametrize("text, published", [
    ("The tour continues November 19th in Greenville; the schedule picks up February 7th in Las Vegas.",
     dt.date(2019, 11, 19)),  # present tense: no past report of a year-less date
    ("7th Amsterdam Light Festival\n29 November 2018 | 20 January 2019", dt.date(2018, 11, 29)),
    ("The exhibition runs from 29 November to 20 January in the old town.", dt.date(2018, 12, 5)),
])
def test_trap_schedules_and_periods_under_way_are_not_future_errors(text, published):
    assert [r for r, _ in rules(text, published)] == []


def test_a_period_told_as_past_still_has_its_end_judged():
    found = rules("The exhibition ran from 1 March to 20 April 2022, the museum said.", dt.date(2022, 3, 5))
    assert found == [("Date.Future", "20 April 2022")]


def test_a_month_named_alone_or_a_date_far_ahead_is_no_evidence():
    text = "He was arrested in April for the March 21 call. The minister met him on 21 July, officials said."
    got = {(s.text[s.span[0]:s.span[1]], s.months): s.label
           for s in shifts(text, dt.date(2019, 11, 18), random.Random(0), per_doc=1000)}
    assert got["December 21", -3] == "undetectable:year-cue"  # "in April" places the call
    assert got["21 October", 3] == "undetectable:earlier"  # 21 July read in 2019: +3 stays before
    # "21 April" is 154 days ahead of 18 November 2019 and 211 behind: read as last April.
    assert got["21 April", -3] == "undetectable:earlier"


def test_the_date_of_the_article_or_of_a_post_it_embeds_is_a_stamp():
    text = ("Posted November 9, 2018\n\nThe senate met on Monday.\n\n"
            "— The Nigerian Senate (@NGRSenate) October 8, 2018\n\nMore followed.")
    got = {(s.text[s.span[0]:s.span[1]], s.months): s.label
           for s in shifts(text, dt.date(2018, 11, 9), random.Random(0), per_doc=1000)}
    assert got["December 9, 2018", 1] == "stamp"
    assert got["December 8, 2018", 2] == "stamp"  # the embedded post cannot postdate the article
    assert got["September 8, 2018", -1] == "undetectable:earlier"
    found = run_dates(text.replace("October 8", "December 8"), dt.date(2018, 11, 9))
    assert [f.rule for f in found] == ["Date.Future"]
