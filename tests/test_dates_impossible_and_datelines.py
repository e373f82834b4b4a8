"""Days 32-39, datelines against publication, and the year a past-tense year-less date is read in."""

from __future__ import annotations

import datetime as dt

import pytest
from dates_helpers import run_dates

run = run_dates


def rules(text: str, published: dt.date | None = dt.date(2022, 8, 10), **kw) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in run(text, published, **kw)]


# -- days 32-39 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, written", [
    ("The minister resigned on July 32 after the scandal.", "July 32"),
    ("He has been detained since 32 January.", "32 January"),
    ("Crowds marked the Victory Day on May 32 in Minsk.", "May 32"),
    ("The decree was signed on the 33rd of March.", "the 33rd of March"),
    ("The order dated 35/01/2022 was annulled.", "35/01/2022"),
    ("The order dated 2022-01-36 was annulled.", "2022-01-36"),
    ("Talks on Monday, June 39, 2022 failed.", "Monday, June 39, 2022"),
    ("An October 34 presentation to bondholders was cancelled.", "October 34"),
    ("Below is the original announcement from 12/36/25.", "12/36/25"),
    ("The week of talks (Oct. 37-Nov. 5, 2016) was cut.", "Oct. 37"),
    ("He resigned on Jan. 34 officials said.", "Jan. 34"),
    ("Turnout fell after March 33 elections in the region.", "March 33"),
    ("Unrest grew after Nov. 35 protests in the capital.", "Nov. 35"),
    ("Turnout after Nov. 36 midterms fell.", "Nov. 36"),
])
def test_days_32_to_39_are_impossible_in_every_written_form(text, written):
    assert rules(text) == [("Date.Impossible", written)]


@pytest.mark.parametrize("text", [
    "May 32 killed in the attack, officials said.",
    "In March 35 people died in the region.",
    "Since June 33 soldiers have deserted.",
    "The shelling on Sunday left March 38 wounded, the mayor said.",
    "In Kharkiv on April 40 houses burned.",
    "Since May 35,000 troops have crossed the border.",
    "In June 33-year-old Ivan Petrenko was detained.",
    "Of the 33 May Day marchers, ten were detained.",
    "In May 34 of them voted against.",
])
def test_a_number_after_a_month_that_counts_things_is_not_a_day(text):
    assert rules(text) == []


# -- datelines -----------------------------------------------------------------------------------
PUB = dt.date(2022, 2, 16)


@pytest.mark.parametrize("line", [
    "MINSK, 16 March (BelTA) – The president met the delegation.",
    "KYIV, March 16 (Reuters) - The president met the delegation.",
    "Kyiv, 16 March (Ukrinform) – The president met the delegation.",
    "WARSAW (PAP), March 16, 2022 – The president met the delegation.",
])
def test_a_dateline_after_publication_is_flagged_with_the_publication_day(line):
    found = run(line, PUB)
    assert [f.rule for f in found] == ["Date.Dateline"]
    assert found[0].severity.value == "warning" and found[0].data["days_after"] == 28
    assert "16 February" in found[0].suggestion or "February 16" in found[0].suggestion


@pytest.mark.parametrize("day", [16, 15, 14])
def test_a_dateline_on_publication_day_or_a_day_or_two_earlier_is_safe(day):
    assert rules(f"MINSK, {day} February (BelTA) – The president met the delegation.", PUB) == []


def test_an_old_dateline_is_only_info():
    found = run("MINSK, 2 February (BelTA) – The president met the delegation.", PUB)
    assert [(f.rule, f.severity.value) for f in found] == [("Date.Dateline", "info")]


def test_a_dateline_tolerance_can_be_set():
    assert rules("MINSK, 17 February (BelTA) – The president met the delegation.", PUB) == [("Date.Dateline", "17 February")]
    assert rules("MINSK, 17 February (BelTA) – The president met.", PUB, dateline_tolerance_days=1) == []


def test_datelines_are_not_judged_against_an_inferred_publication():
    assert rules("MINSK, 16 March (BelTA) – The president met the delegation.", None) == []


# -- the nearer year for past-tense reports --------------------------------------------------------
def test_a_past_tense_date_weeks_after_publication_is_flagged_with_both_readings():
    found = run("The official said as he met the minister on 14 March in Kyiv.", dt.date(2022, 2, 14))
    assert [(f.rule, f.text) for f in found] == [("Date.Future", "14 March")]
    assert "March 14, 2022" in found[0].message and "March 14, 2021" in found[0].message
    assert found[0].data["readings"] == ["2022-03-14", "2021-03-14"]
    assert found[0].suggestion == "14 February"


def test_the_nearer_reading_wins_even_three_months_ahead_in_a_past_report():
    # Published 14 February: 14 May is 89 days ahead and 275 behind; the old 3x forward cost read last May.
    assert rules("The official said he met the minister on 14 May in Kyiv.", dt.date(2022, 2, 14)) == [
        ("Date.Future", "14 May")]


@pytest.mark.parametrize("text", [
    "Last year the official said he met the minister on 14 May in Kyiv.",
    "The official said he met the minister on 14 May, a year ago, in Kyiv.",
    "In 2021 the talks stalled. The official said he met the minister on 14 May in Kyiv.",
    "The official will meet the minister on 14 May in Kyiv.",
])
def test_a_cue_for_another_year_or_the_future_keeps_the_date_safe(text):
    assert rules(text, dt.date(2022, 2, 14)) == []


def test_a_date_a_few_months_back_still_reads_as_last_year():
    assert rules("The official said he met the minister on 20 October in Kyiv.", dt.date(2022, 2, 14)) == []


# -- the first dates work's traps, through the new rules ------------------------------------------------
def test_trap_may_as_a_verb_and_counts_are_not_days_32_to_39():
    assert rules("Residents may 35 times fail. May 35 soldiers return? Officials say they may.") == []


def test_trap_announced_events_weeks_ahead_stay_safe_in_the_nearer_year():
    assert rules("The summit is scheduled for 14 March in Kyiv.", dt.date(2022, 2, 14)) == []
    assert rules("Ministers will meet on 14 March, the agency said.", dt.date(2022, 2, 14)) == []


def test_trap_historical_dates_after_a_year_keep_their_year():
    assert rules("In 2014, Russia annexed Crimea. Troops seized the parliament on 27 February.", dt.date(2022, 2, 14)) == []


def test_trap_anniversaries_of_known_events_are_not_mistyped_events():
    assert rules("Kyiv marked the anniversary of the invasion on February 24, 2023.", dt.date(2023, 2, 25)) == []


def test_trap_live_blog_entries_with_datelines_after_first_publication():
    text = ("Live updates: war in Ukraine\n\nKYIV, March 4 (Reuters) - Shelling continued in Kharkiv.\n\n"
            "Updated March 6\nKYIV, March 6 (Reuters) - A convoy was seen.")
    assert rules(text, dt.date(2022, 3, 1)) == []


# -- a future cue must govern the date -------------------------------------------------------------
def test_a_future_word_across_a_past_verb_does_not_excuse_a_late_date():
    text = "Reed, who will be chairman, told investors on Dec. 31 that the merger would help."
    assert rules(text, dt.date(2019, 11, 19)) == [("Date.Future", "Dec. 31")]


@pytest.mark.parametrize("text", [
    "He said the vote will be held on March 5 in Kyiv.",
    "Beginning March 1, runners will be included in the quota.",
    "Officials said talks, which were planned for March 5, went ahead.",
])
def test_trap_future_words_that_govern_the_date_still_excuse_it(text):
    assert rules(text, dt.date(2022, 2, 14)) == []


# -- topic words (a summit, a vote, plans) excuse a late date only when nothing narrates it as past -----
@pytest.mark.parametrize("text", [
    "The company shelved its plans for an initial public offering on November 30 after investors grew wary.",
    "Voters went to the polls in the election on November 30, and turnout fell.",
    "Troops crossed the river on November 30 during the summit.",
])
def test_a_past_report_is_not_excused_by_a_topic_word(text):
    assert rules(text, dt.date(2019, 11, 18)) == [("Date.Future", "November 30")]


@pytest.mark.parametrize("text", [
    "Officials confirmed the summit on November 30 in Kyiv.",
    "He said the vote on November 30 would be free.",
    "The conference on November 30 is open to the press.",
    "This will impact self-hosted runner pricing starting November 30.",
    "Tickets for the festival on November 30 went on sale.",
])
def test_announced_events_stay_safe_with_a_topic_word(text):
    assert rules(text, dt.date(2019, 11, 18)) == []


def test_an_agenda_excuses_its_late_dates_but_not_one_narrated_as_past():
    text = ("The summit on 2 December opens the season. A conference on 9 December follows, and the vote on "
            "16 December closes it.\n\nThe minister resigned on 5 December after the scandal.")
    assert rules(text, dt.date(2019, 11, 18)) == [("Date.Future", "5 December")]


def test_a_year_in_the_sentence_that_is_the_nearer_reading_keeps_it():
    # 20 May is 95 days after publication: without the nearer reading it would read as last May.
    text = "The minister met his counterpart on 20 May to agree the 2022 budget."
    assert rules(text, dt.date(2022, 2, 14)) == [("Date.Future", "20 May")]


@pytest.mark.parametrize("text", [
    "Monitors observed heavy shelling on November 30 near the plant.",
    "The talks marked a turning point on November 30, officials said.",
    "Soon after November 30, the troops withdrew.",
])
def test_narrow_words_do_not_excuse_a_past_report(text):
    assert [r for r, _ in rules(text, dt.date(2019, 11, 18))] == ["Date.Future"]


@pytest.mark.parametrize("text", [
    "The town marked the day on November 30 with a parade.",
    "Prices will rise in the coming weeks, from November 30.",
    "The holiday is observed on November 30 every year.",
])
def test_named_days_and_coming_weeks_stay_safe(text):
    assert rules(text, dt.date(2019, 11, 18)) == []


def test_a_present_progressive_does_not_excuse_a_date_a_past_verb_narrates():
    text = "The company is facing a lawsuit filed on November 30 by its investors."
    assert rules(text, dt.date(2019, 11, 18)) == [("Date.Future", "November 30")]
    assert rules("We are reducing prices, as announced, on November 30.", dt.date(2019, 11, 18)) == []


def test_an_agenda_keeps_a_date_reported_in_the_past_tense():
    text = ("The summit on 2 December opens the season. A conference on 9 December follows, and the vote on "
            "16 December closes it.\n\nThe meeting was held on 5 December in Kyiv.")
    assert rules(text, dt.date(2019, 11, 18)) == [("Date.Future", "5 December")]


@pytest.mark.parametrize("text, expected", [
    ("The meeting was held on November 30 in Kyiv.", [("Date.Future", "November 30")]),
    ("The meeting was scheduled for November 30 in Kyiv.", []),
    ("The vote was postponed to November 30.", []),
])
def test_a_past_passive_reports_the_date(text, expected):
    assert rules(text, dt.date(2019, 11, 18)) == expected
