"""Date ranges that end before they start: "from April 20 to January 22, 2026".

A month typo in one end of a range often leaves both dates plausible on their own; only their
order shows it. News style writes a range's year once, at its end, when both ends fall in that
year ("from April 20 to May 2, 2026"; AP gives both years when the range crosses a new year), so
a year-less start is read in the year written at the end. Ranges whose end has no year are left
alone: "from December 20 to January 5" may straddle a new year.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from detector.dates.extract import DateMention, valid_day

#: "from" or "between" right before the start of a range ("a dash alone also joins one: "April 20–May 2").
_OPEN = re.compile(r"\b(?:[Ff]rom|[Bb]etween)\s+$")
_WORD_JOIN = re.compile(r",?\s+(?:to|until|till|through|thru|and)\s+")
_DASH_JOIN = re.compile(r"\s?[-–—]\s?")


def ranges(text: str, mentions: list[DateMention]) -> Iterator[tuple[int, DateMention, DateMention]]:
    """(index of the start, start, end) for each range of two full dates whose end carries a year."""
    for i, (a, b) in enumerate(zip(mentions, mentions[1:])):
        if not (a.is_day and b.is_day and b.year) or a.impossible or b.impossible or b.value is None:
            continue
        joined = _WORD_JOIN.fullmatch(text, a.end, b.start)
        if joined is not None:
            opener = _OPEN.search(text, max(0, a.start - 9), a.start)
            if opener is None or joined.group().strip() == "and" and not opener.group().lower().startswith("between"):
                continue  # "from May 3 and June 1": not a range
        elif _DASH_JOIN.fullmatch(text, a.end, b.start) is None:
            continue
        yield i, a, b


def range_years(text: str, mentions: list[DateMention]) -> dict[int, int]:
    """The year a range's year-less start takes from its end, by the start's index in ``mentions``."""
    return {i: b.year for i, a, b in ranges(text, mentions) if not a.year}


def reversed_ranges(text: str, mentions: list[DateMention]) -> Iterator[tuple[DateMention, DateMention, dt.date, dt.date]]:
    """(start mention, end mention, start date, end date) for each range whose start is after its end."""
    for _, a, b in ranges(text, mentions):
        year = a.year or b.year
        if valid_day(year, a.month, a.day) and (start := dt.date(year, a.month, a.day)) > b.value:
            yield a, b, start, b.value
