"""Find English date expressions with exact offsets: regular expressions plus calendar arithmetic.

Why not ``dateparser.search_dates``: it silently drops a weekday that contradicts the date (the very
error we look for), reads "We" as Wednesday and "may" as May, cannot represent "February 30", and
is two orders of magnitude slower. This extractor keeps what was written — weekday, day, month,
year, order — and leaves judging it to ``detector.checks.dates``.

Forms (news style guides: AP "Monday, March 28"; Reuters/BBC "28 March"; ISO 8601; numeric):
``Monday, March 28``, ``March 28, 2022``, ``Feb. 24``, ``28 March``, ``the 1st of March``,
``24/02/2022``, ``24.02.2022``, ``2022-02-24``, a weekday alone (``on Tuesday``, ``last Tuesday``),
``yesterday``/``today``/``tomorrow``; plus ``March 2014`` and bare years, which give later
year-less dates their context.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = [calendar.month_name[i] for i in range(13)]
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WEEKDAY_NAMES = list(calendar.day_name)

_MONTH_WORDS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_WEEKDAY_FULL = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Abbreviated weekdays only ever count in front of a date ("Sat., March 5"), never alone:
# "We", "Sat" and "Sun" are ordinary words.
_WEEKDAY_ABBR = "(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\\.?"


def _with_caps(alternation: str) -> str:
    """Title-case words plus their ALL-CAPS forms (headlines, datelines); never lower case."""
    return alternation + "|" + alternation.upper()


MONTH_RE = f"(?:{_with_caps(_MONTH_WORDS)})"
# "the Sun, March 5" is a newspaper; "the Monday 21st of June" is a date.
WEEKDAY_RE = f"(?:{_with_caps(_WEEKDAY_FULL)}|(?<!\\bthe\\s)(?<!\\bThe\\s)(?:{_with_caps(_WEEKDAY_ABBR)}))"
_DAY = r"(?P<day>\d{1,2})(?P<ord>st|nd|rd|th)?"
_YEAR = r"(?:,?[ \u00a0](?P<year>1[89]\d\d|20\d\d)(?![\d,.]\d))"
#: The end of a day range, "June 17-20, 2026": the year that follows belongs to the first day too.
_RANGE_END = r"(?:\s?[-–—]\s?\d{1,2}(?!\d)(?:st|nd|rd|th)?)?"
_WD_PREFIX = rf"(?:(?P<wd>{WEEKDAY_RE}),?[ \u00a0]+(?:the[ \u00a0]+)?)?"

#: "Monday, March 28", "March 28, 2022", "Feb. 24", "Mon., Mar. 28th 2022".
MONTH_DAY = re.compile(
    rf"(?<![\w.]){_WD_PREFIX}(?P<mon>{MONTH_RE})[ \u00a0]+{_DAY}(?![\d:])(?!\s?(?:%|percent\b)){_RANGE_END}{_YEAR}?\b"
)
#: "28 March", "28 March 2022", "Monday 28 March", "the 1st of March".
DAY_MONTH = re.compile(
    rf"(?<![\w$£€.,/-]){_WD_PREFIX}(?:(?P<the>the)[ \u00a0]+)?{_DAY}(?:[ \u00a0]+of)?[ \u00a0]+(?P<mon>{MONTH_RE})(?![\w]){_YEAR}?"
)
#: 24/02/2022, 02/24/2022, 24.02.2022, 24-02-2022 (two-digit years only with "/").
NUMERIC = re.compile(
    r"(?<![\w./:-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|(?<=/)\d{2})(?![\w/-]|[.:]\d)"
)
#: ISO 8601 calendar dates: 2022-02-24 (also inside timestamps: 2022-02-24T10:00).
ISO = re.compile(r"(?<![\w./:-])(?P<y>1[89]\d\d|20\d\d)-(?P<m>\d{2})-(?P<d>\d{2})(?![\d/-])")
#: A weekday on its own: "on Tuesday", "last Tuesday", "next Friday"; not "Mondays" or "Black Friday".
WEEKDAY_ALONE = re.compile(
    rf"(?:(?<![\w-])(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Oo]n)\s+)?(?<![\w-])(?P<wd>{_with_caps(_WEEKDAY_FULL)})(?![\w-])"
)
RELATIVE = re.compile(r"(?<![\w-])(?P<w>(?:the day before |the day after )?(?:[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight))(?![\w-])")
#: "March 2014", "in March of 2014": a month of a known year (context for later dates).
MONTH_YEAR = re.compile(rf"(?<![\w.])(?P<mon>{MONTH_RE})\s+(?:of\s+)?(?P<year>1[89]\d\d|20\d\d)(?![\d])")
#: A bare year, 1800-2099, not an amount or part of a longer number.
YEAR = re.compile(r"(?<![\w$£€.,/:-])(?P<year>1[89]\d\d|20\d\d)(?![\w%]|[.,:/-]\d)")

# Words after which a bare "Month NN" is a count, not a day ("In March 30 people died"); at a
# sentence start too ("May 5 people ...").
_COUNT_BEFORE = re.compile(r"(?:\b[Ii]n|\b[Dd]uring|\b[Ss]ince|\b[Bb]y|^|[.!?]\s)\s*$")
_FUNCTION_AFTER = frozenset(
    """and or to at in on of when as after before the a an was is were will would with by from for
    through until till that which amid during but last this he she it they we i his her their its
    said says had has have while where against, since than there""".split()
)


@dataclass(frozen=True)
class DateMention:
    """One date expression as written, ``text == article[start:end]``.

    ``kind``: "date" (a day with a month name), "numeric", "iso", "weekday" (alone), "relative"
    (yesterday/today/tomorrow), "month" (month and year, no day) or "year" (bare year).
    ``weekday`` is the weekday *stated* in the text (0 = Monday), not the computed one.
    """

    start: int
    end: int
    text: str
    kind: str
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    order: str | None = None  # "dm"/"md" for written months; "dmy"/"mdy"/"ymd" for numeric
    ambiguous: bool = False  # numeric with day and month both <= 12 (03/04/2022)
    impossible: bool = False  # no calendar reading: February 30, month 13
    relation: str | None = None  # weekday alone: last/next/this/on; relative: offset in words
    offset_days: int | None = None  # relative words: -1 yesterday, 0 today, +1 tomorrow
    has_ordinal: bool = False

    @property
    def value(self) -> dt.date | None:
        """The calendar date when the text gives day, month and year and they exist."""
        if self.year and self.month and self.day and not self.impossible and valid_day(self.year, self.month, self.day):
            return dt.date(self.year, self.month, self.day)
        return None

    @property
    def is_day(self) -> bool:
        """A specific calendar day with a month (the mentions the checks judge)."""
        return self.kind in ("date", "numeric", "iso")


def days_in_month(year: int | None, month: int) -> int:
    """Days in ``month``; February has 29 when the year is unknown (it might be a leap year)."""
    if month == 2 and year is None:
        return 29
    return calendar.monthrange(year or 2001, month)[1]


def valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS[w[:3]]


def weekday_number(word: str) -> int:
    return WEEKDAYS[word.lower().rstrip(".")[:3]]


def _is_count(text: str, m: re.Match) -> bool:
    """"In March 30 people", "May 5 votes": a month followed by a number that counts things."""
    if m.group("ord") or m.group("year") or m.group("wd"):
        return False
    after = re.match(r"\s+([a-z]+,?)", text[m.end():m.end() + 30])
    if not after or after.group(1) in _FUNCTION_AFTER:
        return False
    before = text[max(0, m.start() - 12):m.start()]
    return bool(_COUNT_BEFORE.search(before))


_COUNTED = frozenset("killed dead wounded injured died people men women children more others troops soldiers".split())


_RANGE_TO_MONTH = re.compile(rf"\s?[-–—]\s?(?:{MONTH_RE})")


def _count_follows(text: str, m: re.Match) -> bool:
    """"May 32 killed", "June 35 soldiers": a number of people or things, not a day. Not after an
    article or a possessive ("an October 34 presentation", "this year's April 34 due date")."""
    follows = text[m.end():m.end() + 12]
    if re.match(r"[,.]\d|-[A-Za-z]", follows) and not _RANGE_TO_MONTH.match(follows):
        return True  # "May 35,000 troops", "in June 33-year-old ..." (not "Oct. 37-Nov. 5", a range)
    if re.match(r"\s+(?:Day\b|of\s+(?:them|those|whom|these)\b)", follows):
        return True  # "the 33 May Day marchers", "May 34 of them"
    before = text[max(0, m.start() - 12):m.start()].lower()
    if re.search(r"(?:\b(?:a|an|the|this|that|its|their|his|her|our|on)|['’]s)\s+$", before):
        return False  # "on Jan. 34 officials said": a count needs "in May", never "on May"
    after = re.match(r"\s+([a-z]+)", follows + text[m.end() + 12:m.end() + 30])
    word = after.group(1) if after else ""
    if word in _COUNTED:
        return True
    # Other plurals count only where a clause can start at the number: after a leading "In May", "Since
    # June" or at a sentence start ("Since June 33 soldiers have deserted"), not "after Nov. 35 rallies".
    return word.endswith("s") and word not in _FUNCTION_AFTER and word not in _NOT_COUNTED \
        and bool(_COUNT_BEFORE.search(text[max(0, m.start() - 12):m.start()]))


#: Words ending in "s" that do not make the number before them a count: verbs and adverbs ("May 33
#: was", "May 33 plus"), and the events a date names ("the March 33 elections", "Nov. 34 talks").
_NOT_COUNTED = frozenset(
    """was is has as this its his does goes says plus versus thus across always perhaps towards afterwards unless
    besides whereas us less regardless nevertheless elections polls talks protests attacks strikes riots meetings
    hearings negotiations celebrations events results reports rallies games races ceremonies festivities
    commemorations parades marches demonstrations""".split()
)


def _named_day(text: str, start: int) -> bool:
    """"Black Friday", "Super Tuesday", "Easter Sunday": a capitalised word before, mid-sentence."""
    before = re.search(r"(\S+)\s+$", text[max(0, start - 30):start])
    if not before:
        return False
    word = before.group(1)
    if word[-1] in ".!?:;\"“”'‘’—–-(":
        return False
    head = text[max(0, start - 30):start - len(before.group(0))].rstrip()
    at_sentence_start = not head or head[-1] in ".!?\n\"“"
    return word[:1].isupper() and not at_sentence_start and word.lower() not in ("on", "since", "until", "by", "from")


def _written(text: str, m: re.Match, order: str) -> DateMention | None:
    day = int(m.group("day"))
    month = month_number(m.group("mon"))
    year = int(m.group("year")) if m.group("year") else None
    if order == "md" and _is_count(text, m):
        return None
    if day == 0 or day > 39 and not m.group("ord"):
        return None  # "March 45" is a count or a typo we cannot place
    if day > 31 and not m.group("ord") and not m.group("year") and _count_follows(text, m):
        return None  # "May 32 killed", "on 35 January protesters ...": no month has a 32nd, so a count
    wd = m.group("wd")
    return DateMention(
        start=m.start(), end=m.end(), text=m.group(), kind="date", day=day, month=month, year=year,
        weekday=weekday_number(wd) if wd else None, order=order,
        impossible=not valid_day(year, month, day), has_ordinal=bool(m.group("ord")),
    )


def _numeric(m: re.Match) -> DateMention | None:
    a, b, y = int(m.group("a")), int(m.group("b")), m.group("y")
    year = int(y) if len(y) == 4 else 2000 + int(y)
    readings = [(o, d, mo) for o, d, mo in (("dmy", a, b), ("mdy", b, a)) if valid_day(year, mo, d)]
    base = dict(start=m.start(), end=m.end(), text=m.group(), kind="numeric", year=year)
    if not readings:
        day_32_39 = (1 <= a <= 12 and 32 <= b <= 39) or (1 <= b <= 12 and 32 <= a <= 39)
        if (len(y) != 4 and not day_32_39) or a == 0 or b == 0:
            return None  # "15/17/22" is more likely a score or a reference than a date; "12/36/25" is a day 36
        # Month 13+ or a day past the month's end in every reading.
        mo, d = (b, a) if b <= 12 else (a, b)
        return DateMention(**base, day=d, month=mo, order="dmy" if b <= 12 else "mdy", impossible=True)
    order, day, month = readings[0]
    ambiguous = len(readings) == 2 and a != b
    return DateMention(**base, day=day, month=month, order=order if not ambiguous else None, ambiguous=ambiguous)


def _iso(m: re.Match) -> DateMention:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    return DateMention(m.start(), m.end(), m.group(), "iso", day=d, month=mo, year=y, order="ymd",
                       impossible=not valid_day(y, mo, d))


_RELATIVE_OFFSETS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}


def _relative(m: re.Match) -> DateMention:
    w = m.group("w").lower()
    off = _RELATIVE_OFFSETS[w.rsplit(" ", 1)[-1]]
    off += -1 if w.startswith("the day before") else 1 if w.startswith("the day after") else 0
    return DateMention(m.start(), m.end(), m.group(), "relative", relation=w, offset_days=off)


# A cheap first pass: only lines holding a month or weekday word, a relative day, a year or a
# numeric date are scanned, and each only with the patterns its anchors can start (most lines hold
# none; most of the rest hold one kind).
_MON, _WD, _NUM, _REL, _YR = 1, 2, 4, 8, 16
#: The first three letters of month and weekday words (title case or capitals), a numeric date's
#: "d/d", a year. The pattern opens with one character class (the rest checks it by lookbehind), so
#: the regex engine skips to candidate characters in C: an alternation of words scans ~4-20x slower.
_ANCHOR = re.compile(
    r"[JFMASONDTW0-9](?:(?<=[JFMASONDTW])(?:an|u[nl]|eb|a[ry]|on|pr|ug|ep|at|un|ct|ov|ec|ue|hu|ed|ri"
    r"|AN|U[NL]|EB|A[RY]|ON|PR|UG|EP|AT|UN|CT|OV|EC|UE|HU|ED|RI)|(?<=\d)[./-]\d|(?<=1)[89]\d\d|(?<=2)0\d\d)"
)
_ANCHOR_BITS = {**{w[:3]: _MON for w in MONTHS}, **{w[:3]: _WD for w in WEEKDAYS}}
_ANCHOR_BITS.update({w.title(): b for w, b in _ANCHOR_BITS.items()} | {w.upper(): b for w, b in _ANCHOR_BITS.items()})
_RELATIVE_TAILS = ("esterday", "oday", "omorrow", "onight")  # after [Yy] / [Tt]: RELATIVE's words


def _candidate_lines(text: str) -> list[tuple[int, int, int]]:
    """Bounds of the lines holding an anchor, in order, with the kinds of anchor each holds (bits).

    One sweep over the anchors: a line is found once (``rfind``/``find`` bounded by the previous
    line's end), so every character is scanned O(1) times.
    """
    hits: list[tuple[int, int]] = []
    get = _ANCHOR_BITS.get
    for m in _ANCHOR.finditer(text):
        g = m.group()
        if g[0].isdigit():
            hits.append((m.start(), _NUM if g[1] in "./-" else _YR))
        elif (bit := get(g)) is not None:
            hits.append((m.start(), bit))
    for tail in _RELATIVE_TAILS:
        i = text.find(tail, 1)
        while i >= 0:
            hits.append((i - 1, _REL))
            i = text.find(tail, i + len(tail))
    hits.sort()
    out: list[tuple[int, int, int]] = []
    end = -1  # the newline that ends the last line taken (or -1)
    for p, bit in hits:
        if p <= end:
            s, e, bits = out[-1]
            out[-1] = (s, e, bits | bit)
            continue
        start = max(text.rfind("\n", end + 1, p), end) + 1
        end = text.find("\n", p)
        end = len(text) if end < 0 else end
        out.append((start, end, bit))
    return out


def extract_dates(text: str) -> list[DateMention]:
    """All date expressions in ``text``, sorted by offset, without overlaps (longest wins)."""
    found: list[DateMention] = []
    for start, end, kinds in _candidate_lines(text):
        found.extend(_extract_span(text, start, end, kinds))
    return [d for d in _without_overlaps(text, found) if not _in_url(text, d)]


_URL_WINDOW = 300  # the longest token looked at around a date


def _in_url(text: str, d: DateMention) -> bool:
    """Dates inside URLs and query strings ("?from=2025-01-01") are data, not prose."""
    lo, hi = max(0, d.start - _URL_WINDOW), min(len(text), d.end + _URL_WINDOW)
    left = max(text.rfind(" ", lo, d.start), text.rfind("\n", lo, d.start), lo - 1) + 1
    right = min((i for i in (text.find(" ", d.end, hi), text.find("\n", d.end, hi)) if i >= 0), default=hi)
    token = text[left:right]
    return "://" in token or "=" in token or "www." in token


def _extract_span(text: str, pos: int, endpos: int, kinds: int = _MON | _WD | _NUM | _REL | _YR) -> list[DateMention]:
    found: list[DateMention] = []
    if kinds & _MON:
        for m in MONTH_DAY.finditer(text, pos, endpos):
            if (d := _written(text, m, "md")) is not None:
                found.append(d)
        for m in DAY_MONTH.finditer(text, pos, endpos):
            if (d := _written(text, m, "dm")) is not None:
                found.append(d)
        if kinds & _YR:
            for m in MONTH_YEAR.finditer(text, pos, endpos):
                found.append(DateMention(m.start(), m.end(), m.group(), "month", month=month_number(m.group("mon")),
                                         year=int(m.group("year"))))
    if kinds & _NUM:
        for m in NUMERIC.finditer(text, pos, endpos):
            if (d := _numeric(m)) is not None:
                found.append(d)
        if kinds & _YR:
            found.extend(_iso(m) for m in ISO.finditer(text, pos, endpos))
    if kinds & _WD:
        for m in WEEKDAY_ALONE.finditer(text, pos, endpos):
            rel = (m.group("rel") or "").lower() or None
            if rel is None and _named_day(text, m.start()):
                continue
            found.append(DateMention(m.start("wd") if rel == "on" else m.start(), m.end(), "", "weekday",
                                     weekday=weekday_number(m.group("wd")), relation=rel))
    if kinds & _REL:
        found.extend(_relative(m) for m in RELATIVE.finditer(text, pos, endpos))
    if kinds & _YR:
        found.extend(DateMention(m.start(), m.end(), m.group(), "year", year=int(m.group("year")))
                     for m in YEAR.finditer(text, pos, endpos))
    return found


_PRIORITY = {"date": 0, "iso": 0, "numeric": 1, "month": 2, "weekday": 3, "relative": 3, "year": 4}


def _without_overlaps(text: str, found: list[DateMention]) -> list[DateMention]:
    """Keep the best of overlapping mentions (a full date over its bare year, the longest first).

    Mentions are cut into runs of mutually overlapping ones by a sweep over their starts; the
    greedy choice is made inside each run, which holds a handful, so this is n log n overall.
    """
    kept: list[DateMention] = []
    found = sorted(found, key=lambda d: d.start)
    i = 0
    while i < len(found):
        j, reach = i + 1, found[i].end
        while j < len(found) and found[j].start < reach:
            reach = max(reach, found[j].end)
            j += 1
        taken: list[tuple[int, int]] = []
        for d in sorted(found[i:j], key=lambda d: (_PRIORITY[d.kind], -(d.end - d.start), d.start)):
            if any(d.start < e and s < d.end for s, e in taken):
                continue
            taken.append((d.start, d.end))
            if not d.text:  # weekday alone: text filled from offsets
                d = DateMention(**{**d.__dict__, "text": text[d.start:d.end]})
            kept.append(d)
        i = j
    kept.sort(key=lambda d: d.start)
    return kept


def format_date(day: int, month: int, year: int | None = None, *, weekday: int | None = None, order: str = "md") -> str:
    """Write a date the way the article does ("Monday, February 28" / "28 February 2022")."""
    core = f"{MONTH_NAMES[month]} {day}" if order == "md" else f"{day} {MONTH_NAMES[month]}"
    if year is not None:
        core += f", {year}" if order == "md" else f" {year}"
    return f"{WEEKDAY_NAMES[weekday]}, {core}" if weekday is not None else core
