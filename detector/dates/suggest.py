"""Suggestions for the date rules: the date a typo most likely stood for, and small helpers.

Kept apart from ``detector.checks.dates`` (the rules and their wording) so the check stays a thin
registry; everything here is calendar arithmetic on one mention.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left

from detector.dates.extract import WEEKDAY_NAMES, DateMention, format_date, valid_day


class OneLess:
    """A sorted list without one copy of ``value``, indexed in O(1) (no copy per mention)."""

    def __init__(self, values: list[dt.date], value: dt.date) -> None:
        self.values, self.gap = values, bisect_left(values, value)

    def __len__(self) -> int:
        return len(self.values) - 1

    def __getitem__(self, k: int) -> dt.date:
        k = k % len(self)
        return self.values[k if k < self.gap else k + 1]


def span_text(a: dt.date, b: dt.date) -> str:
    return f"{format_date(a.day, a.month, a.year)} to {format_date(b.day, b.month, b.year)}"


def rewrite_weekday(m: DateMention, weekday: int) -> str:
    """The mention with its weekday word replaced, keeping everything else as written."""
    head = m.text.split(",", 1)[0].split(" ", 1)[0]
    new = WEEKDAY_NAMES[weekday]
    if head.endswith(".") or len(head.rstrip(".")) <= 4:
        new = new[:3] + ("." if head.endswith(".") else "")
    if head.isupper():
        new = new.upper()
    return new + m.text[len(head):]


def earlier_twin(m: DateMention, reading: dt.date, ref: dt.date) -> dt.date | None:
    """The same day one or two months (or, with a written year, one year) earlier that is not after
    publication and has the stated weekday: the likeliest intended date of a future typo."""
    candidates = []
    for back in (1, 2):
        y, mo = reading.year, reading.month - back
        if mo < 1:
            y, mo = y - 1, mo + 12
        if valid_day(y, mo, reading.day):
            candidates.append(dt.date(y, mo, reading.day))
    if m.year and valid_day(reading.year - 1, reading.month, reading.day):
        candidates.append(dt.date(reading.year - 1, reading.month, reading.day))
    for c in candidates:
        if c <= ref + dt.timedelta(days=2) and (m.weekday is None or c.weekday() == m.weekday):
            if m.weekday is not None or (ref - c).days <= 31:
                return c
    return None


def one_typo_away(m: DateMention, reading: dt.date) -> list[dt.date]:
    """Dates one keystroke from the written one: month one off, day digits swapped or one off."""
    out = []
    for dm in (-1, 1):
        mo = m.month + dm
        for y in (reading.year - 1, reading.year, reading.year + 1):
            if 1 <= mo <= 12 and valid_day(y, mo, m.day):
                out.append(dt.date(y, mo, m.day))
    if m.day >= 10 and str(m.day)[::-1] != str(m.day):
        d = int(str(m.day)[::-1])
        for y in (reading.year - 1, reading.year, reading.year + 1):
            if valid_day(y, m.month, d):
                out.append(dt.date(y, m.month, d))
    return [d for d in out if m.weekday is None or d.weekday() == m.weekday]
