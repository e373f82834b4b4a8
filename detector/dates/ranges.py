"""Date ranges: "from April 20 to May 2, 2026", "between 3 May and 1 April 2024", "April 20–May 2".

A month typo in one end of a range often leaves both dates plausible on their own; only their
order shows it. News style writes a range's year once, at its end, when both ends fall in that
year (AP gives both years when the range crosses a new year), so a year-less start is read in the
year written at the end. Ranges whose end has no year are not judged for order: "from December 20
to January 5" may straddle a new year. Any range whose start has come tells that its end may lie
after publication: "the exhibition runs from 29 November to 20 January".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from detector.dates.extract import DateMention, valid_day

#: "from" or "between" right before the start of a range (a dash alone also joins one: "April 20–May 2").
_OPEN = re.compile(r"\b(?:[Ff]rom|[Bb]etween)\s+$")
_WORD_JOIN = re.compile(r",?\s+(?:to|until|till|through|thru|and)\s+")
_DASH_JOIN = re.compile(r"\s?[-–—]\s?")
#: Event listings also join a period's ends with a bar: "29 November 2018 | 20 January 2019".
_LISTING_JOIN = re.compile(r"\s?[-–—|]\s?")


def _joined(text: str, a: DateMention, b: DateMention, listing: bool) -> bool:
    if not (a.is_day and b.is_day) or a.impossible or b.impossible:
        return False
    word = _WORD_JOIN.fullmatch(text, a.end, b.start)
    if word is not None:
        opener = _OPEN.search(text, max(0, a.start - 9), a.start)
        return opener is not None and (word.group().strip(" ,") != "and" or opener.group()[0] in "Bb")
    return (_LISTING_JOIN if listing else _DASH_JOIN).fullmatch(text, a.end, b.start) is not None


def ranges(text: str, mentions: list[DateMention], listing: bool = False) -> Iterator[tuple[int, DateMention, DateMention]]:
    """(index of the start in ``mentions``, start, end) for each range of two full dates; unless
    ``listing``, only those whose end carries a year and no bar joins."""
    for i, (a, b) in enumerate(zip(mentions, mentions[1:])):
        if (listing or b.value is not None) and _joined(text, a, b, listing):
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
