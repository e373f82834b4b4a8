"""What the words around a date say about it: publication date, year, and reasons not to judge it.

A date is only wrong relative to something: the publication date, the year the paragraph is
talking about, the weekday written beside it. These helpers establish those references from the
text, and recognise the contexts where a date after publication is not a mistake (announced
events, anniversaries and named days, datelines, live-blog updates).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from detector.dates.extract import DateMention, valid_day
from detector.dates.index import text_index

#: Words that put the date itself in the future: grammatical future and schedule words ("will",
#: "scheduled", "set for", "next", "until", "due", "expected" — the issue's list — and relatives).
_GRAMMAR_CUES = (
    r"will|won['’]t|shall|would|scheduled|rescheduled|set\s+(?:for|to)|next|until|till|due|expected|expects?"
    r"|upcoming|forthcoming|slated|planned|planning|plans?\s+to|intends?|aims?\s+to|ahead\s+of|deadline|expires?|expiry"
    r"|valid|going\s+to|(?:is|are|was|were)\s+to|postponed|delayed|moved\s+to|pushed\s+back|tentative(?:ly)?"
    r"|forecasts?|projected|starting|starts?|begins?|opens?|launch(?:es)?|runs?\s+(?:from|through|until|till)"
    r"|on\s+sale|register|effective|takes?\s+effect"
    r"|comes?\s+into\s+force|tonight|tomorrow|(?:the|this)\s+coming|coming\s+(?:days?|weeks?|months?|year)"
    r"|soon(?!\s+(?:after|afterwards))"
)
#: Words of a topic that is often ahead (an event, a schedule, the reader): they excuse a late date
#: only when no past verb reports it ("shelved its plans ... on November 30" is a report).
_TOPIC_CUES = (
    r"plans?|available|tickets?|agenda|calendar|event|conference"
    r"|summit|meeting|vote|referendum|elections?|trial|hearing|festival|you|your"
)
GRAMMAR_CUE = re.compile(rf"\b(?:{_GRAMMAR_CUES})\b", re.IGNORECASE)
FUTURE_CUE = re.compile(rf"\b(?:{_GRAMMAR_CUES}|{_TOPIC_CUES})\b", re.IGNORECASE)
#: "The deadline is April 15", "the vote falls on June 2": a present-tense schedule.
#: "We are reducing prices ... on January 1": a present progressive before the date plans it.
_SCHEDULE_BEFORE = re.compile(
    r"\b(?:is|are|falls?|lands?)\s+(?:on\s+)?$|\b(?:is|are|am|['’]re)\s+(?:\w+ly\s+)?\w+ing\b(?P<rest>[^.;:]{0,60})$"
)
#: Anniversaries, commemorations and named days: "Victory Day on May 9", "marks the anniversary".
NAMED_DAY = re.compile(
    r"\b(?:[A-Z][a-z]+(?:['’]s)?\s+Day|Christmas|Easter|New\s+Year|Hanukkah|Ramadan|Eid|Thanksgiving|Halloween"
    r"|anniversary|anniversaries|commemorat\w*|celebrat\w*|holiday|annual(?:ly)?|every\s+year|each\s+year"
    r"|observed\s+(?:as|on|by|each|every)|mark(?:s|ed|ing)?\s+(?:the\s+)?(?:\w+\s+)?(?:day|date|occasion|memory)"
    r"|birthday|on\s+this\s+day)\b"
)
#: Nouns a date modifies in "the Feb. 24 invasion", "the March 16 referendum" (a name, not an event date).
_FUNCTION_WORDS = frozenset(
    """and or to at in on of when as after before the a an was is were will would with by from for through until
    till that which amid during but last this he she it they we i his her their its said says had has have while
    where against since than there""".split()
)
#: "KYIV, March 5 (Reuters) -", "MINSK, 20 June": place in capitals at a line start, a comma, the date.
_DATELINE_BEFORE = re.compile(r"(?:^|\n)\s*[A-Z][A-Z .'’-]{2,40}(?:\([^)\n]{1,30}\))?,\s*$")
_STAMP_BEFORE = re.compile(
    r"\b(?:[Uu]pdate[sd]?|UPDATED?|[Mm]odified|[Rr]evised|[Cc]orrected|[Ee]ditor['’]s\s+[Nn]ote|[Aa]s\s+of|[Rr]etrieved|[Aa]ccessed)(?:\s+on)?[:,]?\s*$"
)
#: A changelog heading: dates listed under it are revisions, not events.
_LOG_HEADING = re.compile(r"(?im)^\W*(?:updates?|update history|change\s?log|revision history|revisions|edits)\W*$")
_TIME_NEAR = re.compile(r"^[\s,–—-]*(?:at\s+)?\d{1,2}[:.]\d{2}\b|^[\s,–—-]*\d{1,2}\s*[ap]\.?m\b", re.IGNORECASE)
_LIVE = re.compile(r"(?i:\blive\b\s*(?:updates?|blog|coverage|news|:)|as it happened)|\bLIVE\b")


@dataclass
class Publication:
    """The article's reference date: given in the record, or inferred from the text."""

    date: dt.date | None
    source: str  # "record", "dateline", "latest explicit date", "none"
    latest: dt.date | None = None  # the latest update stamp after publication (live blogs)

    @property
    def inferred(self) -> bool:
        return self.source != "record"

    @property
    def effective(self) -> dt.date | None:
        """Publication or the latest update, whichever is later."""
        if self.date and self.latest:
            return max(self.date, self.latest)
        return self.date or self.latest


def line_bounds(text: str, m: DateMention) -> tuple[int, int]:
    """The line holding a mention."""
    return text_index(text).line(m.start)


def sentence_bounds(text: str, m: DateMention) -> tuple[int, int]:
    """The sentence around a mention (the shared splitter: "U.S." and "E. Washington" do not end one),
    at most ``MAX_SENTENCE`` characters either side of it."""
    return text_index(text).sentence(m.start)


def _short_line(text: str, m: DateMention, slack: int) -> str | None:
    """The mention's line when it is at most ``slack`` characters longer than the mention."""
    s, e = line_bounds(text, m)
    return text[s:e] if e - s <= len(m.text) + slack else None


#: Irregular past forms beyond the commonest (which the patterns below name themselves).
IRREGULAR_PAST = (
    "ate|drank|ran|rode|flew|drove|stood|sat|threw|caught|bought|brought|thought|taught|sold|kept|slept|felt|paid"
    "|built|spent|lent|heard|hid|bit|chose|froze|stole|swore|wore|tore|woke|rose|shook|forgot|got|became|grew|knew"
    "|drew|withdrew|blew|hung|fed|meant|dealt|sought|swam|sang|rang|sprang|stuck|struck|swung|wound|overthrew"
    "|undertook|overtook|forbade|arose|awoke|beat|bore|bred|clung|crept|dug|flung|forgave"
)
#: A finite past-tense verb (not a participle after an auxiliary: "will be held" is no past).
_FINITE_PAST = re.compile(
    r"(?<!\bbe )(?<!\bbeen )(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bto )(?<!\bhas )(?<!\bhave )(?<!\bhad )"
    r"(?<!\bget )(?<!\bgot )(?<!-)\b(?:told|said|met|took|gave|went|came|began|saw|fled|fell|won|lost|spoke|wrote|sent|found"
    r"|sank|broke|" + IRREGULAR_PAST + r"|\w{3,}ed)\b(?!-)"
)
#: Words that open another clause: a cue after one of them belongs to that clause, not to the date.
_CLAUSE = re.compile(r"\b(?:that|which|who|because|while|but|and|after|before)\b")


def _past_verb_between(text: str, start: int, end: int) -> bool:
    return any(w.group().lower() not in _NOT_PAST for w in _FINITE_PAST.finditer(text, start, end))


def _governs(text: str, m: DateMention, cue: re.Match) -> bool:
    """A cue governs the date unless a finite past verb stands between them ("Reed, who will be
    chairman, told investors on Dec. 31"), or it follows the date in another clause ("on Dec. 31
    that the merger would allow")."""
    if cue.end() <= m.start:
        return not _past_verb_between(text, cue.end(), m.start)
    if cue.start() >= m.end:
        return not _CLAUSE.search(text, m.end, cue.start())
    return True


def has_future_cue(text: str, m: DateMention) -> bool:
    """A future word that governs the date, or a present-tense copula right before it ("is April 15").

    Topic words (a summit, a vote, "plans") count only when no past verb reports the date
    (:func:`reports_past`): "voters went to the polls in the election on March 5" is a report.
    """
    s, e = sentence_bounds(text, m)
    window = text[max(s, m.start - 90):m.start]
    if (sched := _SCHEDULE_BEFORE.search(window)) and not (
            sched.group("rest") and _narrates(window, max(sched.start("rest"), len(window) - 30), len(window))):
        return True  # not "is facing a suit filed on December 11": the past verb dates the suit
    topical = None
    for cue in FUTURE_CUE.finditer(text, s, e):
        if _governs(text, m, cue):
            if GRAMMAR_CUE.fullmatch(cue.group()):
                return True
            if topical is None:
                topical = not reports_past(text, m)
            if topical:
                return True
    return False


#: Verbs that report or announce rather than narrate: "said", "announced", "confirmed" can govern a
#: future date ("confirmed the summit on March 5"), so they do not make a sentence a past report.
_REPORTING = frozenset(
    """said told announced confirmed agreed approved called urged warned promised pledged vowed decided invited
    proposed demanded asked requested insisted stated added noted reported revealed unveiled published issued
    released declared wrote tweeted posted hoped predicted suggested recommended ordered signed booked bought
    booked registered reserved set fixed chose selected named moved rescheduled postponed delayed scheduled
    planned expected intended wanted needed""".split()
)


def reports_past(text: str, m: DateMention) -> bool:
    """A narrating finite past verb in the date's clause: before it in the sentence, or after it before
    another clause begins ("met the minister on 14 March", "on 14 March troops crossed")."""
    s, e = sentence_bounds(text, m)
    clause_end = _CLAUSE.search(text, m.end, e)
    return _narrates(text, s, m.start) or _narrates(text, m.end, clause_end.start() if clause_end else e)


#: A past passive: "was held", "were killed" (not "was scheduled", "was to": see ``_REPORTING``).
_PAST_PASSIVE = re.compile(
    r"\b(?:was|were)\s+(?:\w+ly\s+)?(\w{3,}ed|held|made|taken|given|seen|found|shot|hit|struck|born|built|sold"
    r"|won|lost|sent|brought|caught|done|fought|thrown|stolen|broken|beaten|driven|torn|blown|sunk|shut|cut|led)\b(?!-)",
    re.IGNORECASE,
)


def _narrates(text: str, start: int, end: int) -> bool:
    """A finite past verb or a past passive in text[start:end] that tells what happened (not "said",
    "announced", "was scheduled")."""
    for w in _FINITE_PAST.finditer(text, start, end):
        word = w.group().lower()
        if word not in _NOT_PAST and word not in _REPORTING:
            return True
    return any(w.group(1).lower() not in _NOT_PAST and w.group(1).lower() not in _REPORTING
               for w in _PAST_PASSIVE.finditer(text, start, end))


def is_named_or_anniversary(text: str, m: DateMention) -> bool:
    s, e = sentence_bounds(text, m)
    return bool(NAMED_DAY.search(text, s, e))


def is_attributive(text: str, m: DateMention) -> bool:
    """"the Feb. 24 invasion": the date names an event rather than dating the sentence."""
    before = text[max(0, m.start - 12):m.start].lower()
    if not re.search(r"\b(?:the|a|an|this|that|its|their|his|her|our)\s+$", before) and not before.endswith(("’s ", "'s ")):
        return False
    after = re.match(r"[\s-]+([a-z]+)", text[m.end:m.end + 30])
    return bool(after) and after.group(1) not in _FUNCTION_WORDS


#: "Kyiv, 16 March (Ukrinform) –": a title-case place is a dateline only with the agency or dash after.
_TITLE_PLACE_BEFORE = re.compile(r"(?:^|\n)\s*[A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+){0,2},\s*$")
_DATELINE_AFTER = re.compile(r",?\s*(?:\d{4}\s*)?(?:\([^)\n]{1,30}\)\s*)?[-–—]")
#: "WASHINGTON (March 5) —", "Kyiv (5 March 2024) –": the date in parentheses after the place, then a dash.
_PAREN_PLACE_BEFORE = re.compile(r"(?:^|\n)\s*(?:[A-Z][A-Z.'’-]+|[A-Z][a-z'’-]+)(?:[ -](?:[A-Z][A-Z.'’-]+|[A-Z][a-z'’-]+)){0,2}\s*\(\s*$")
_PAREN_DATELINE_AFTER = re.compile(r",?\s*(?:\d{4}\s*)?\)\s*[-–—]")


def is_dateline(text: str, m: DateMention) -> bool:
    """"MINSK, 16 March (BelTA) –", "KYIV, March 5 (Reuters) -", "WASHINGTON (March 5) —": the place and
    date of a report."""
    before = text[max(0, m.start - 60):m.start]
    if _TITLE_PLACE_BEFORE.search(before) and _DATELINE_AFTER.match(text, m.end, m.end + 40):
        return True
    if _PAREN_PLACE_BEFORE.search(before) and _PAREN_DATELINE_AFTER.match(text, m.end, m.end + 12):
        return True
    return bool(_DATELINE_BEFORE.search(before)) or (
        (m.start == 0 or text[m.start - 1] == "\n") and re.match(r"\s*\((?:Reuters|AP|AFP|UPI|Xinhua)\)", text[m.end:m.end + 40])
        is not None
    )


def is_update_stamp(text: str, m: DateMention) -> bool:
    """"Updated March 3", "Editor's note, March 3:", a changelog entry: a later revision, legitimately
    after publication."""
    return bool(_STAMP_BEFORE.search(text[max(0, m.start - 25):m.start])
                or _LOG_HEADING.search(text, max(0, m.start - 300), m.start))


def is_entry_stamp(text: str, m: DateMention) -> bool:
    """A live-blog entry header: a date with a time ("March 3, 10:15 GMT") or alone on its line."""
    if _TIME_NEAR.match(text[m.end:m.end + 16]):
        return True
    line = _short_line(text, m, 40)
    return line is not None and len(line.strip()) <= len(m.text) + 12


_POSTED_BEFORE = re.compile(r"\b(?:[Pp]osted|[Pp]ublished|PUBLISHED|POSTED)(?:\s+on)?(?:\s+the)?:?\s*$")


def is_byline(text: str, m: DateMention) -> bool:
    """The article's own date: "Posted on March 3", or a date alone on a line at the top or bottom."""
    if _POSTED_BEFORE.search(text[max(0, m.start - 25):m.start]):
        return True
    if 500 < m.start < len(text) - 300:
        return False
    line = _short_line(text, m, 40) or ""
    return line.strip(" \t·•|-–—,.:📅🗓") == m.text or bool(_TIME_NEAR.match(text[m.end:m.end + 16]))


def is_live(text: str, title: str | None) -> bool:
    head = (title or "") + "\n" + text[:200]
    return bool(_LIVE.search(head))


_RELATIVE_YEAR = re.compile(r"^,?\s+(?:of\s+)?(last|this|next)\s+year\b")


def relative_year(text: str, m: DateMention, ref: dt.date | None) -> int | None:
    """"January 10 last year", "June 5 this year": the year stated in words after the date."""
    got = _RELATIVE_YEAR.match(text[m.end:m.end + 20])
    if got is None or ref is None:
        return None
    return ref.year + {"last": -1, "this": 0, "next": 1}[got.group(1)]


def paragraph_years(text: str, mentions: list[DateMention]) -> list[int | None]:
    """For each mention, the latest year written before it in its paragraph ("In 2014 ... on March 16");
    one pass over the mentions (sorted by offset)."""
    index = text_index(text)
    out: list[int | None] = []
    year, para = None, -1
    for m in mentions:
        start = index.paragraph_start(m.start)
        if start != para:
            year, para = None, start
        out.append(year)
        if m.year is not None and m.kind != "weekday":
            year = m.year
    return out


def infer_publication(text: str, mentions: list[DateMention], published: dt.date | None, live: bool = False) -> Publication:
    """The record's date; else a dateline; else the latest explicit date outside future contexts.

    Update stamps ("Updated March 3"), and in live blogs entry headers, move the effective date on.
    """
    stamps = [m.value for m in mentions if m.value and (is_update_stamp(text, m) or live and is_entry_stamp(text, m))]
    if published is not None:
        later = [d for d in stamps if d > published]
        return Publication(published, "record", max(later) if later else None)
    for m in mentions[:3]:
        if m.value and is_dateline(text, m):
            return Publication(m.value, "dateline")
    explicit = [m.value for m in mentions if m.value and not m.ambiguous and not has_future_cue(text, m)]
    if explicit:
        return Publication(max(explicit), "latest explicit date")
    return Publication(None, "none")


#: How far ahead of publication a past-tense year-less date is still read in the nearer year: a month
#: typo of up to three months in a date up to publication (+2 days' tolerance) lands within it; a date
#: further ahead is likelier last year's ("the night of March 10" in November).
NEARER_AHEAD_DAYS = 94


def reading_cost(d: dt.date, ref: dt.date, ahead_days: int = 0) -> int:
    """How unlikely a year-less date is to mean ``d`` in an article of ``ref``: news looks back more
    than forward, so a day ahead costs three days behind, except within ``ahead_days`` (a past-tense
    report with no cue for another year: ``NEARER_AHEAD_DAYS``), where the nearer reading wins."""
    delta = (d - ref).days
    return -delta if delta <= 0 else delta if delta <= ahead_days else 3 * delta


def candidate_readings(month: int, day: int, ref: dt.date, ahead_days: int = 0) -> list[dt.date]:
    """The existing dates with this month and day in the years around ``ref``, likeliest first."""
    out = [dt.date(y, month, day) for y in (ref.year - 1, ref.year, ref.year + 1) if valid_day(y, month, day)]
    return sorted(out, key=lambda d: reading_cost(d, ref, ahead_days))


def resolve_year(
    month: int, day: int, weekday: int | None, ref: dt.date, ahead_days: int = 0,
) -> tuple[dt.date | None, bool]:
    """The reading of a year-less date, and whether a stated weekday agrees with it.

    The likeliest reading by ``reading_cost`` wins, unless only another reading within a year of
    ``ref`` has the stated weekday and lies within half a year of it (then the weekday decides).
    """
    readings = candidate_readings(month, day, ref, ahead_days)
    if not readings:
        return None, True
    if weekday is None or readings[0].weekday() == weekday:
        return readings[0], True
    for r in readings[1:]:
        if r.weekday() == weekday and abs((r - ref).days) <= 183:
            return r, True
    return readings[0], False


#: A past-tense verb: a report of something that happened ("met", "said", "resigned").
_PAST = re.compile(
    r"(?<!-)\b(?:was|were|had|did|said|told|met|took|gave|went|came|left|began|held|made|saw|fled|fell|won|lost|spoke"
    r"|wrote|sent|found|shot|hit|struck|led|sank|broke|{IRREGULAR}|\w{3,}ed)\b".replace("{IRREGULAR}", IRREGULAR_PAST)
)
_NOT_PAST = frozenset("united need speed hundred indeed proceed exceed succeed embed breed sacred naked wicked "
                      "rugged based expected scheduled planned proposed intended".split())
#: Words that place a year-less date in an earlier year than the nearest: "last year", "a year ago".
_LAST_YEAR = re.compile(
    r"\b(?:last|previous|past)\s+(?:year|spring|summer|autumn|fall|winter)\b|\ba\s+year\s+(?:ago|earlier|before)\b",
    re.IGNORECASE,
)
#: ...or in a year of its own: "in 2021".
_OTHER_YEAR = re.compile(_LAST_YEAR.pattern + r"|\b(?:1[89]|20)\d\d\b", re.IGNORECASE)


def names_year(text: str, m: DateMention, year: int) -> bool:
    """The date's sentence writes ``year`` ("met on 20 May to agree the 2022 budget")."""
    s, e = sentence_bounds(text, m)
    return re.search(rf"(?<!\d){year}(?!\d)", text[s:e]) is not None


def says_last_year(text: str, m: DateMention) -> bool:
    """"Last year ... on 14 May", "on 14 May, a year ago": the sentence puts the date in an earlier year."""
    s, e = sentence_bounds(text, m)
    return _LAST_YEAR.search(text, s, e) is not None


def is_past_report(text: str, m: DateMention, year: int | None = None) -> bool:
    """A past-tense sentence with nothing in it pointing to another year than ``year`` (the nearer
    reading's) and no future word governing the date: the nearer year-reading of a year-less date is
    the likely one (and a month typo likelier still when that is after publication)."""
    s, e = sentence_bounds(text, m)
    for cue in _OTHER_YEAR.finditer(text, s, e):
        if year is None or cue.group() != str(year):
            return False
    if any(_governs(text, m, cue) for cue in GRAMMAR_CUE.finditer(text, s, e)):
        return False
    return any(w.group().lower() not in _NOT_PAST for w in _PAST.finditer(text, s, e))
