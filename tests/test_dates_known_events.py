"""Date.KnownEvent: a date beside a well-known event that contradicts it; the traps; user entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dates_helpers import run_dates

from detector.checks.dates import DatesCheck
from detector.config import ConfigError, load_config
from detector.dates.events import EVENTS_FILE, load_events


def run(text: str, published: dt.date | None = dt.date(2024, 9, 20), **settings):
    return run_dates(text, published, **settings)


def events(text: str, published: dt.date = dt.date(2024, 9, 20), **settings) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in run(text, published, **settings) if f.rule == "Date.KnownEvent"]


@pytest.mark.parametrize("text, written, right", [
    ("In the first hours of the invasion on January 24, Russian forces shelled Kyiv.", "January 24", "February 24"),
    ("Since Russia's full-scale invasion of Ukraine on 24 March 2022, millions fled.", "24 March 2022", "24 February 2022"),
    ("Since the Jan. 24 invasion, Ukraine has lost ground.", "Jan. 24", "February 24"),
    ("Putin watched the Victory Day parade on May 8 in Moscow.", "May 8", "May 9"),
    ("Lukashenko attended Victory Day celebrations in Minsk on May 10.", None, None),
    ("The Kakhovka dam was destroyed on June 8, flooding Kherson.", "June 8", "June 6"),
    ("Ukraine's incursion into Kursk began on August 9.", "August 9", "August 6"),
    ("Ukraine celebrates Independence Day on August 23 with a parade in Kyiv.", "August 23", "August 24"),
    ("Russia annexed Crimea on March 16, 2014.", "March 16, 2014", "March 18, 2014"),
    ("MH17 was shot down on July 7, 2014, over Donetsk.", "July 7, 2014", "July 17, 2014"),
    ("The Crimean bridge explosion on October 9 cut supplies.", "October 9", "October 8"),
    ("Ukraine marked Constitution Day on June 26 in Kyiv.", "June 26", "June 28"),
])
def test_a_mistyped_event_date_is_flagged_with_the_right_one(text, written, right):
    expected = [(written, right)] if written else []
    assert events(text) == expected


def test_victory_day_in_ukraine_moved_to_may_8_in_2023():
    assert events("Ukraine marked Victory Day on May 8 in Kyiv.", dt.date(2023, 5, 12)) == []
    assert events("Ukraine marked Victory Day on May 9 in Kyiv.", dt.date(2023, 5, 12)) == [("May 9", "May 8")]
    assert events("Ukraine marked Victory Day on May 9 in Kyiv.", dt.date(2021, 5, 12)) == []


@pytest.mark.parametrize("text", [
    "Since the Feb. 24 invasion, Ukraine has lost ground.",
    "Russia's full-scale invasion of Ukraine on February 24, 2022, changed Europe.",
    "Putin watched the Victory Day parade on May 9 in Moscow.",
    "Europe marks VE Day on May 8.",
    "Poland marks Constitution Day on May 3.",
    "Americans celebrate Independence Day on July 4.",
    "Russia's invasion of Ukraine in 2014 began on February 20, 2014, in Crimea.",
    "The US invasion of Iraq on March 20, 2003 divided Europe.",
    "The invasion, which Zelensky said on 3 March was failing, went on.",
    "On February 28, the invasion entered its fifth day.",
    "On February 24, 2023, the anniversary of the invasion, Kyiv held a vigil.",
    "The Kakhovka dam, which Russia seized on February 24, 2022, was later destroyed.",
    "The MH17 trial verdict on November 17, 2022 named three men.",
])
def test_traps_dates_of_other_events_and_right_dates_are_silent(text):
    assert events(text) == []


def test_a_correct_event_date_is_not_read_as_a_future_date():
    # Published in December: the nearer reading of a bare "24 February" would be next February.
    assert run("Since the invasion on 24 February, Ukraine has changed.", dt.date(2025, 12, 19)) == []


def test_users_add_events_in_settings():
    extra = [{"name": "the Chornobyl disaster", "phrase": "Chornobyl disaster", "dates": ["1986-04-26"],
              "source": "Wikipedia, 'Chernobyl disaster'"}]
    text = "The Chornobyl disaster on April 27, 1986 spread fallout."
    assert events(text) == []
    assert events(text, known_events=extra) == [("April 27, 1986", "April 26, 1986")]


def test_a_bad_user_event_is_a_clear_error():
    with pytest.raises(ValueError, match="known event 'broken'"):
        load_events([{"name": "broken", "phrase": "(", "dates": ["2020-01-01"]}])


def test_events_from_a_config_file(tmp_path: Path):
    (tmp_path / "detector.toml").write_text(
        '[[checks.dates.known_events]]\nname = "the Chornobyl disaster"\nphrase = "Chornobyl disaster"\n'
        'dates = ["1986-04-26"]\n', encoding="utf-8")
    cfg = load_config(tmp_path / "detector.toml")
    settings = cfg.values["checks"]["dates"]
    assert events("The Chornobyl disaster on April 27, 1986 spread fallout.", **settings) == [
        ("April 27, 1986", "April 26, 1986")]


def test_every_shipped_event_has_a_source_and_parses():
    shipped = load_events()
    assert len(shipped) >= 15
    assert all(e.source for e in shipped)
    assert EVENTS_FILE.is_file()


def test_unknown_config_keys_still_fail(tmp_path: Path):
    (tmp_path / "detector.toml").write_text("[checks.dates]\nno_such = 1\n", encoding="utf-8")
    with pytest.raises((ConfigError, ValueError)):
        DatesCheck(load_config(tmp_path / "detector.toml").values["checks"]["dates"])


def test_a_bad_user_event_fails_when_the_check_is_built():
    with pytest.raises(ValueError, match="checks.dates.known_events"):
        DatesCheck({"known_events": [{"name": "no dates", "phrase": "x"}]})
