"""The date extractor: what it reads, with exact offsets, and the words it must leave alone."""

from __future__ import annotations

import datetime as dt

import pytest

from detector.dates.extract import extract_dates, format_date


def days(text: str):
    return [m for m in extract_dates(text) if m.is_day]


def only(text: str):
    found = days(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, written, value, weekday",
    [
        ("It began on Monday, March 28, at dawn.", "Monday, March 28", (None, 3, 28), 0),
        ("Signed March 28, 2022 in Kyiv.", "March 28, 2022", (2022, 3, 28), None),
        ("Troops left on 28 March.", "28 March", (None, 3, 28), None),
        ("Talks resumed on the 1st of March.", "the 1st of March", (None, 3, 1), None),
        ("Since Feb. 24 the city has been shelled.", "Feb. 24", (None, 2, 24), None),
        ("Decree of 24/02/2022 on martial law.", "24/02/2022", (2022, 2, 24), None),
        ("Decree of 24.02.2022 on martial law.", "24.02.2022", (2022, 2, 24), None),
        ("Logged 2022-02-24 at noon.", "2022-02-24", (2022, 2, 24), None),
        ("On Thursday 24 February 2022 it began.", "Thursday 24 February 2022", (2022, 2, 24), 3),
        ("Mon., Mar. 28th 2022, was cold.", "Mon., Mar. 28th 2022", (2022, 3, 28), 0),
        ("Viva Technology - June 17-20, 2026, Paris", "June 17-20, 2026", (2026, 6, 17), None),
    ],
)
def test_reads_common_news_forms_with_exact_offsets(text, written, value, weekday):
    m = only(text)
    assert text[m.start:m.end] == m.text == written
    assert (m.year, m.month, m.day) == value
    assert m.weekday == weekday


def test_normalised_value_only_when_the_year_is_written():
    assert only("on March 28, 2022").value == dt.date(2022, 3, 28)
    assert only("on March 28").value is None


def test_weekday_alone_last_weekday_and_relative_days():
    found = extract_dates("On Tuesday the mayor spoke; last Friday he had left, and yesterday he returned.")
    kinds = [(m.kind, m.text, m.relation) for m in found]
    assert ("weekday", "Tuesday", "on") in kinds
    assert ("weekday", "last Friday", "last") in kinds
    assert any(m.kind == "relative" and m.offset_days == -1 for m in found)


def test_impossible_and_month_13_are_kept_and_marked():
    assert only("on February 30").impossible
    assert only("on April 31, 2022").impossible
    assert only("on February 29, 2022").impossible
    assert not only("on February 29, 2024").impossible
    assert not only("on February 29").impossible  # depends on the year: the check decides
    assert only("filed 2022-13-01").impossible
    assert only("filed 31/13/2022").impossible


def test_numeric_order_and_ambiguity():
    assert only("on 24/02/2022").order == "dmy"
    assert only("on 02/24/2022").order == "mdy"
    m = only("on 03/04/2022")
    assert m.ambiguous and m.order is None


def test_may_as_a_verb_or_modal_is_not_a_month():
    assert days("Residents may leave. May the talks succeed. Officials said it may 5 times fail.") == []


def test_a_month_followed_by_a_count_is_not_a_date():
    assert days("In February 30 people were detained.") == []
    assert days("In May 2 soldiers were wounded.") == []
    assert len(days("On May 2 soldiers were wounded.")) == 1


def test_we_sat_and_sun_are_words_not_weekdays():
    found = extract_dates("We sat in the Sat lounge. The Sun reported it. We will see.")
    assert [m for m in found if m.kind == "weekday"] == []
    m = only("The Sun, March 5 edition, ran it.")
    assert m.weekday is None


def test_named_days_are_not_weekday_mentions():
    found = extract_dates("Shops opened on Black Friday and on Super Tuesday.")
    assert [m.text for m in found if m.kind == "weekday"] == []


def test_dates_in_urls_and_query_strings_are_ignored():
    assert days("GET /reports?from=2025-01-01&to=2025-12-31 and https://x.org/2022-02-24/") == []


def test_dates_do_not_span_lines():
    assert days("He was born in July\n3 of us stayed.") == []


def test_format_date_follows_the_article_order():
    assert format_date(28, 2, weekday=0) == "Monday, February 28"
    assert format_date(28, 2, 2022, order="dm") == "28 February 2022"
