"""Dates of well-known events, and the dates an article attaches to them.

No calendar rule sees "the invasion on January 24": the day exists and precedes publication. What
is wrong is the pairing of an event everyone dates (24 February 2022) with another day. The table
(``events.json``, each entry with its source) names each event by a regular expression; a date
counts as attached to it only when it sits right beside the name: "the invasion on January 24",
"Victory Day (May 8)", "the Feb. 24 invasion", "the Kakhovka dam was destroyed on June 6". The
words allowed between them (``_GAP_WORDS``) are few on purpose: "the invasion, which Zelensky
said on 3 March" must not count. Annual days (Victory Day) that differ by country choose their
entry by the words of the sentence (``requires``/``excludes``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from detector.dates.extract import DateMention

EVENTS_FILE = Path(__file__).with_name("events.json")

#: Words allowed between an event's name and a date after it ("invasion of Ukraine began on").
_GAP_WORDS = frozenset(
    """of by into in on at the its it this that was were is be been began begun started start launched kicked
    off took place happened occurred broke out came which first early hours morning night evening day days
    ukraine ukraine's russia russia's russian moscow moscow's kremlin country neighbour neighbor
    destroyed blown up breached collapsed burst bombed struck hit attacked damaged sank sunk shot down downed
    liberated recaptured retaken announced declared proclaimed signed formally officially celebrated marked
    observed celebrations celebration parade parades commemorations holiday falls fell""".split()
)
_GAP_MAX = 60
_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?;:]\s|[\n“”\"]")


@dataclass(frozen=True)
class KnownEvent:
    """An event and the dates it may carry (fixed dates, or annual month-days within ``years``)."""

    name: str
    phrase: re.Pattern
    dates: tuple[dt.date, ...]
    annual: tuple[tuple[int, int], ...]
    requires: re.Pattern | None
    excludes: re.Pattern | None
    years: tuple[int | None, int | None]
    requires_article: bool
    source: str
    keywords: tuple[str, ...] = ()

    def applies(self, year: int | None) -> bool:
        lo, hi = self.years
        if lo is None and hi is None:
            return True
        return year is not None and (lo is None or year >= lo) and (hi is None or year <= hi)

    def agrees(self, m: DateMention, year: int | None) -> bool:
        """The mention may be this event's date: same month and day (and year, when both have one)."""
        if (m.month, m.day) in self.annual:
            return True
        same_day = [d for d in self.dates if (d.month, d.day) == (m.month, m.day)]
        return bool(same_day) and (year is None or any(d.year == year for d in same_day))

    def right_date(self, m: DateMention, year: int | None) -> tuple[int, int, int | None]:
        """The (day, month, year) to suggest: the event's date nearest the written one."""
        options = [(d.day, d.month, d.year) for d in self.dates] + [(d, mo, year) for mo, d in self.annual]

        def distance(o: tuple[int, int, int | None]) -> tuple[int, int]:
            y = o[2] if o[2] is not None else (year or 2001)
            return (0 if year is None or o[2] is None or o[2] == year else 1,
                    abs(dt.date(y, o[1], o[0]).toordinal() - dt.date(y, m.month, min(m.day, 28)).toordinal()))
        return min(options, key=distance)


def _compile(entry: Mapping[str, Any]) -> KnownEvent:
    fixed, annual = [], []
    for d in entry["dates"]:
        if len(d) == 5:
            mo, day = (int(x) for x in d.split("-"))
            annual.append((mo, day))
        else:
            fixed.append(dt.date.fromisoformat(d))
    years = tuple(entry.get("years") or (None, None))
    opt = {k: re.compile(entry[k]) if entry.get(k) else None for k in ("requires", "excludes")}
    return KnownEvent(entry["name"], re.compile(entry["phrase"]), tuple(fixed), tuple(annual), opt["requires"],
                      opt["excludes"], (years[0], years[1]), entry.get("scope") == "article", entry.get("source", ""),
                      tuple(k.lower() for k in entry.get("keywords", ())))


def compile_events(entries: Iterable[Mapping[str, Any]]) -> list[KnownEvent]:
    """Entries as in ``events.json``; ValueError naming the entry when one lacks a key or has a bad
    pattern or date (a config mistake is reported before any article is read)."""
    out = []
    for e in entries:
        try:
            out.append(_compile(e))
        except (KeyError, TypeError, ValueError, AttributeError, re.error) as exc:
            name = e.get("name", e) if isinstance(e, Mapping) else e
            raise ValueError(f"known event {name!r} in checks.dates.known_events: {exc}") from None
    return out


def load_events(extra: Iterable[Mapping[str, Any]] = ()) -> list[KnownEvent]:
    """The shipped table plus a user's entries (``known_events`` in the dates check's settings)."""
    return compile_events(json.loads(EVENTS_FILE.read_text(encoding="utf-8"))["events"] + list(extra))


@dataclass(frozen=True)
class Attachment:
    """A date written beside an event's name."""

    event: KnownEvent
    mention: DateMention
    phrase: str


def _gap_ok(gap: str, after_name: bool) -> bool:
    if len(gap) > _GAP_MAX or _SENTENCE_END.search(gap):
        return False
    if after_name:  # "invasion on 24 February", "Victory Day (May 9)", "Victory Day, May 9"
        stripped = gap.rstrip()
        if not (stripped.endswith(("(", ",", "–", "—")) or re.search(r"\b(?:on|of)(?:\s+the)?$", stripped)
                or not stripped):
            return False
    else:  # "the February 24 invasion", "24 February, 2022 full-scale invasion"
        return bool(re.fullmatch(r"[\s,(–—-]*(?:\d{4}[\s,]*)?", gap))
    return all(w.lower() in _GAP_WORDS for w in _WORD.findall(gap))


def attachments(
    text: str, mentions: list[DateMention], events: list[KnownEvent],
    sentence_of: Callable[[DateMention], tuple[int, int]], year_of: Callable[[DateMention], int | None],
) -> list[Attachment]:
    """Dates written right beside an event's name, in text order; ``year_of`` gives the year a
    mention is read in (it picks among annual days that changed, such as Ukraine's Victory Day).
    Each name's hits are found once and paired with the neighbouring mentions by bisection, so
    this is linear in text size."""
    days = [m for m in mentions if m.is_day and m.kind == "date"]
    starts = [m.start for m in days]
    out: dict[int, Attachment] = {}
    if not days:
        return []
    lowered = text.lower()
    for ev in events:
        if ev.keywords and not any(k in lowered for k in ev.keywords):
            continue
        if ev.requires_article and ev.requires is not None and not ev.requires.search(text):
            continue
        for hit in ev.phrase.finditer(text):
            k = bisect_left(starts, hit.end())
            near = [days[k]] if k < len(days) else []
            if k > 0 and days[k - 1].end <= hit.start():
                near.append(days[k - 1])
            for m in near:
                after_name = m.start >= hit.end()
                gap = text[hit.end():m.start] if after_name else text[m.end:hit.start()]
                if id(m) in out or not _gap_ok(gap, after_name) or not ev.applies(year_of(m)):
                    continue
                s, e = sentence_of(m)
                s, e = min(s, hit.start()), max(e, hit.end())
                if ev.requires is not None and not ev.requires_article and not ev.requires.search(text, s, e):
                    continue
                if ev.excludes is not None and ev.excludes.search(text, s, e):
                    continue
                out[id(m)] = Attachment(ev, m, hit.group())
    return sorted(out.values(), key=lambda a: a.mention.start)
