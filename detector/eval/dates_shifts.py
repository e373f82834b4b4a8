"""Month shifts for the dates evaluation: many seeded injections, each labelled detectable or not.

A month typo ("14 March" for "14 February") is only an error a reader can see when the article
holds evidence against it. The old ``future`` injection drew one shift per chosen document and
round, so the test half held 23 distinct cases: a lottery. Here every eligible date of every
article gets shifts of -3..-1 and +1..+3 months (the written month replaced in the article's own
form; optionally capped per article, seeded), and each is labelled by what the injected
text and the publication date alone say, never by what the detector outputs:

- ``weekday``: a weekday written beside the date contradicts the shifted date (read in its written
  year; a year-less one in every year that lies within half a year of publication);
- ``after-publication``: the shifted date lies more than 2 days after publication in a sentence
  that narrates the past (a past-tense verb, no word announcing the future: ``FUTURE_WORDS``),
  where the original date was not after publication. A year-less date is read in the nearer year
  (issue 18, item 3) when that lies at most ``AHEAD_DAYS`` ahead (half a year when its sentence names
  that year), and counts only when nothing puts it in another year (a year written in its sentence or
  earlier in its paragraph, "last year", "a year ago", a month named alone in its sentence: "arrested
  in April for the December 21 call");
- ``stamp``: the shifted date lies more than 2 days after publication and is the date of the article
  or of a post it embeds ("Posted March 5", a date alone on one of the first or last three lines, an
  embedded post's sign-off "— Name (@handle) November 9, 2018"), which cannot postdate it;
- ``range-order``: the date is one end of a range ("from 3 March to 10 March", "between ... and ...")
  whose start now lies after its end;
- else ``undetectable`` with the reason (``earlier``: the shift keeps the date before publication;
  ``future-words``; ``no-past-verb``; ``annual``: a named day or an anniversary; ``year-cue``;
  ``no-publication``).

The label is computed before the detector runs and does not import its rules: the tense and cue
words are this module's own, fixed lists.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace

from detector.article import split_sentences
from detector.dates.extract import MONTH_NAMES, MONTH_RE, DateMention, extract_dates, valid_day

SHIFTS = (-3, -2, -1, 1, 2, 3)
TOLERANCE_DAYS = 2
#: A year-less date is read ahead of publication only this close: a shift of up to three months of a
#: date up to publication (+ the tolerance) lands within it; further ahead, last year's reading is the
#: likelier one ("the night of March 10" in November), unless the sentence names the year ahead.
AHEAD_DAYS = 94
#: Words by which a sentence gives a date as planned or announced (the issue's list, plus the
#: modal, schedule and plan words with the same meaning): a shift there proves nothing.
FUTURE_WORDS = re.compile(
    r"\b(?:will|won['’]t|shall|would|scheduled|rescheduled|set\s+(?:for|to)|next|until|till|due"
    r"|expected|expects?|upcoming|forthcoming|slated|plans?|planned|planning|intends?|postponed|delayed|deadline"
    r"|expires?|valid|effective|starting|starts?|begins?|opens?|tomorrow|tonight|coming|ahead|going\s+to"
    r"|(?:is|are)\s+to)\b",
    re.IGNORECASE,
)
#: A finite past-tense verb of narration (an -ed form or a common irregular past; not a participle
#: after an auxiliary: "has been designated", "will be held").
PAST_VERB = re.compile(
    r"(?<!\bbe )(?<!\bbeen )(?<!\bhas )(?<!\bhave )(?<!\bis )(?<!\bare )(?<!\bto )"
    r"\b(?:was|were|had|did|said|told|met|took|gave|went|came|left|began|held|made|saw|fled|fell|won|lost|spoke"
    r"|wrote|sent|found|shot|hit|struck|led|sank|broke|ran|became|got|paid|put|kept|brought|bought|sold|thought"
    r"|ate|drank|rode|flew|drove|stood|sat|threw|caught|taught|felt|built|spent|heard|hid|chose|stole|wore|woke|rose"
    r"|shook|grew|knew|drew|withdrew|blew|fed|fought|sought|swam|sang|rang|stuck|dug|forgave"
    r"|\w{3,}ed)\b"
)
_NOT_PAST = frozenset("united need speed hundred indeed proceed exceed succeed embed breed sacred naked wicked "
                      "rugged based expected scheduled planned proposed intended red bed feed seed shed".split())
_OTHER_YEAR = re.compile(r"\b(?:last|previous|past)\s+year\b|\ba\s+year\s+(?:ago|earlier|before)\b"
                         r"|\b(?:1[89]|20)\d\d\b", re.IGNORECASE)
#: An annual day or an anniversary: the date names a day of every year, so no year reading is wrong.
ANNUAL = re.compile(r"\b(?:[A-Z][a-z]+\s+Day|anniversary|annual(?:ly)?|every\s+year|each\s+year|holiday|birthday)\b")
_UPDATE = re.compile(r"\b(?:updated?|modified|revised|corrected|as\s+of|retrieved|accessed)(?:\s+on)?[:,]?\s*$",
                     re.IGNORECASE)
_POSTED = re.compile(r"\b(?:published|posted)(?:\s+on)?[:,]?\s*$", re.IGNORECASE)
#: An embedded post's sign-off: "— Name (@handle) November 9, 2018".
_SIGN_OFF = re.compile(r"\s*[—–-]\s.{0,80}\(@\w+\)\s*$")


def is_stamp(text: str, start: int, end: int) -> bool:
    """The date of the article or of a post it embeds: "Posted March 5", a date alone on one of the
    first or last three lines, or an embedded post's sign-off. None can be later than publication."""
    if _POSTED.search(text, max(0, start - 25), start):
        return True
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    if text[end:le].strip() == "" and _SIGN_OFF.fullmatch(text, ls, start):
        return True
    if text[ls:le].strip(" \t·•|-–—,.:📅🗓") != text[start:end]:
        return False
    lines = [x for x in text.split("\n") if x.strip()]
    k = sum(1 for x in text[:ls].split("\n") if x.strip())
    return k < 3 or k >= len(lines) - 3
#: A dateline: the line opens with a place of capitalised words and a comma or parenthesis, and the
#: date is followed by an agency or a dash.
_DATELINE_HEAD = re.compile(r"[A-Z][\w.'’-]*(?:[ ,\u00a0]+[A-Z][\w.'’-]*){0,4}(?:,\s*|\s*\(\s*)")
_DATELINE_TAIL = re.compile(r"(?:,?\s*\d{4})?\)?\s*(?:\([^)\n]{1,40}\)\s*)?[–—-]+\s")
_RANGE_BEFORE = re.compile(r"\b(?:from|between)\s+$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r",?\s*(?:to|until|till|through|and|[-–—])\s*$")


@dataclass(frozen=True)
class Shift:
    """One injected month shift: the text, where it was written, and what the text says about it."""

    text: str
    span: tuple[int, int]
    months: int  # the shift, -3..3
    original: dt.date
    shifted: dt.date  # the shifted date as a reader would read it
    label: str  # weekday, after-publication, stamp, range-order, or undetectable:<reason>

    @property
    def detectable(self) -> bool:
        return not self.label.startswith("undetectable")


def _nearer(month: int, day: int, pub: dt.date, ahead_days: int = AHEAD_DAYS) -> dt.date | None:
    """How a reader reads a year-less date: the nearest reading behind publication, unless one ahead lies
    within ``ahead_days``."""
    options = [dt.date(y, month, day) for y in (pub.year - 1, pub.year, pub.year + 1) if valid_day(y, month, day)]
    ahead = [d for d in options if 0 < (d - pub).days <= ahead_days]
    behind = [d for d in options if d <= pub]
    return min(ahead or behind or options, key=lambda d: abs((d - pub).days)) if options else None


def _reading(m: DateMention, pub: dt.date | None) -> dt.date | None:
    """How the clean article's date reads: its written year, else as ``_nearer`` says."""
    if m.year:
        return m.value
    return _nearer(m.month, m.day, pub) if pub else None


def _month_digits(m: DateMention) -> tuple[int, int]:
    if m.kind == "iso":
        return m.start + 5, m.start + 7
    first = re.match(r"\d{1,2}", m.text)
    if m.order == "mdy":
        return m.start, m.start + first.end()
    second = re.match(r"\d{1,2}[./-](\d{1,2})", m.text)
    return m.start + second.start(1), m.start + second.end(1)


def _month_written(text: str, m: DateMention, month: int) -> tuple[int, int, str]:
    """The span of the mention's month and the shifted month written the same way."""
    if m.kind in ("iso", "numeric"):
        a, b = _month_digits(m)
        return a, b, f"{month:0{b - a}d}"
    g = re.search(MONTH_RE, m.text)
    a, b = m.start + g.start(), m.start + g.end()
    old = text[a:b]
    full = old.rstrip(".").title() in MONTH_NAMES
    new = MONTH_NAMES[month] if full else ("Sept" if month == 9 and old.lower().startswith("sept")
                                           else MONTH_NAMES[month][:3]) + ("." if old.endswith(".") else "")
    if month == 5 and not full:
        new = "May"
    return a, b, new.upper() if old.isupper() and len(old) > 1 else new


def _sentence(text: str, pos: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    le = len(text) if le < 0 else le
    for sp in split_sentences(text, ls, le):
        if sp.start <= pos < sp.end:
            return sp.start, sp.end
    return ls, le


#: A month named alone ("arrested in April for the December 21 call"): it places the date's year.
_MONTH_ALONE = re.compile(rf"(?<![\d\w])(?:{MONTH_RE})(?!\w)(?<!\bMay)")


def _year_cue(text: str, start: int, end: int, year: int) -> bool:
    """A year other than ``year`` written in the date's sentence or earlier in its paragraph, or a month
    named alone in its sentence."""
    para = text.rfind("\n\n", 0, start)
    s, e = _sentence(text, start)
    days = [(d.start, d.end) for d in extract_dates(text[s:e]) if d.is_day]
    if any(not any(a <= w.start() - s < b for a, b in days) for w in _MONTH_ALONE.finditer(text, s, e)):
        return True
    for lo, hi in ((para + 1 if para >= 0 else 0, start), (start, e), (s, start)):
        for got in _OTHER_YEAR.finditer(text, lo, hi):
            if got.group() != str(year):
                return True
    return False


def _joined(text: str, a: DateMention, b: DateMention) -> bool:
    """``a`` and ``b`` are the ends of one range: "from a to b", "between a and b", "a–b"."""
    join = _RANGE_JOIN.fullmatch(text, a.end, b.start) if b.start - a.end <= 10 else None
    if join is None or not a.is_day or not b.is_day:
        return False
    opener = _RANGE_BEFORE.search(text[max(0, a.start - 9):a.start])
    word = join.group().strip(" ,")
    return word in "-–—" or opener is not None and (word != "and" or opener.group().lower().startswith("between"))


def _range_partner(text: str, ms: list[DateMention], i: int) -> tuple[DateMention, bool] | None:
    """The other end of a range the i-th mention opens or closes, and whether the mention is its start."""
    if i + 1 < len(ms) and _joined(text, ms[i], ms[i + 1]):
        return ms[i + 1], True
    if i > 0 and _joined(text, ms[i - 1], ms[i]):
        return ms[i - 1], False
    return None


def _range_end_year(text: str, ms: list[DateMention], i: int) -> tuple[dt.date, bool] | None:
    """The other end of a range the i-th mention is part of, read as the range's written year says, and
    whether the mention opens the range. Only ranges whose end carries a year count: by news style
    ("from April 20 to May 2, 2026"; AP writes both years when the ends fall in different years) the
    year-less start is then in that year, while two year-less ends may straddle a new year."""
    got = _range_partner(text, ms, i)
    if got is None:
        return None
    other, is_start = got
    end = other if is_start else ms[i]
    if not end.year or other.impossible or not valid_day(end.year, other.month, other.day):
        return None
    return dt.date(other.year or end.year, other.month, other.day), is_start


def label(text: str, at: int, end: int, m: DateMention, new: dt.date, original: dt.date, pub: dt.date | None,
          partner: tuple[dt.date, bool] | None) -> str:
    """What the injected text and the publication date say about a shifted date (module doc)."""
    if m.weekday is not None:
        if m.year:
            if new.weekday() != m.weekday:
                return "weekday"
        elif pub is not None:
            near = [dt.date(y, new.month, new.day) for y in (pub.year - 1, pub.year, pub.year + 1)
                    if valid_day(y, new.month, new.day)]
            near = [d for d in near if abs((d - pub).days) <= 183] or [new]
            if all(d.weekday() != m.weekday for d in near):
                return "weekday"
    if partner is not None:
        other, is_start = partner
        if (new > other) if is_start else (new < other):
            return "range-order"
    if pub is None:
        return "undetectable:no-publication"
    limit = pub + dt.timedelta(days=TOLERANCE_DAYS)
    if new <= limit or original > limit:
        return "undetectable:earlier"
    if is_stamp(text, at, end):
        return "stamp"
    s, e = _sentence(text, at)
    if FUTURE_WORDS.search(text, s, at) or FUTURE_WORDS.search(text, end, e):
        return "undetectable:future-words"
    if not any(w.group().lower() not in _NOT_PAST for w in PAST_VERB.finditer(text, s, e)):
        return "undetectable:no-past-verb"
    if ANNUAL.search(text, s, e):
        return "undetectable:annual"
    if not m.year and _year_cue(text, at, end, new.year):
        return "undetectable:year-cue"
    return "after-publication"


def excluded(text: str, m: DateMention) -> bool:
    """Update stamps and datelines: a later revision is no error, and datelines are their own kind."""
    if _UPDATE.search(text, max(0, m.start - 25), m.start):
        return True
    ls = text.rfind("\n", 0, m.start) + 1
    return m.start - ls <= 60 and bool(_DATELINE_HEAD.fullmatch(text, ls, m.start)) \
        and bool(_DATELINE_TAIL.match(text, m.end))


def shifts(text: str, pub: dt.date | None, rng: random.Random, per_doc: int = 0) -> list[Shift]:
    """The distinct month shifts of the article's dates, in a seeded order (``rng``); at most ``per_doc``
    when it is set.

    Eligible: written, ISO and unambiguous numeric dates that exist, whose stated weekday (if any)
    fits their reading and whose shifted day exists; not update stamps or datelines (``excluded``).
    """
    ms = extract_dates(text)
    out = []
    for i, m in enumerate(ms):
        if not m.is_day or m.impossible or m.ambiguous or excluded(text, m):
            continue
        original = _reading(m, pub)
        if original is None or (m.weekday is not None and original.weekday() != m.weekday):
            continue
        partner = _range_end_year(text, ms, i)
        for k in SHIFTS:
            month = (m.month - 1 + k) % 12 + 1
            if not valid_day(m.year or 2000, month, m.day):
                continue  # "April 31": an impossible day, another kind
            a, b, written = _month_written(text, m, month)
            new_text = text[:a] + written + text[b:]
            start, end = m.start, m.end + len(written) - (b - a)
            if m.year:
                new = dt.date(m.year, month, m.day)
            elif partner is not None:  # a range's year-less start is in the year written at its end
                new = dt.date(partner[0].year, month, m.day) if valid_day(partner[0].year, month, m.day) else None
            else:
                s0, s1 = _sentence(text, m.start)
                named = re.search(rf"(?<!\d)(?:{pub.year}|{pub.year + 1})(?!\d)", text[s0:s1])
                new = _nearer(month, m.day, pub, 183 if named else AHEAD_DAYS)
            if new is None:
                continue
            shifted_m = replace(m, month=month, start=start, end=end, text=new_text[start:end])
            out.append(Shift(new_text, (start, end), k, original, new,
                             label(new_text, start, end, shifted_m, new, original, pub, partner)))
    rng.shuffle(out)
    return out[:per_doc] if per_doc else out


# -- intervals -------------------------------------------------------------------------------------------
def wilson(k: int, n: int, z: float = 1.96) -> list[float] | None:
    """The Wilson score interval of k successes in n (95%)."""
    if not n:
        return None
    p = k / n
    mid, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return [round((mid - half) / (1 + z * z / n), 4), round((mid + half) / (1 + z * z / n), 4)]


def site_bootstrap(hits: list[tuple[str, bool]], reps: int = 2000, seed: int = 0) -> list[float] | None:
    """95% interval of a recall, resampling sites: the shifts of one site are not independent."""
    by_site: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for site, hit in hits:
        by_site[site][0] += hit
        by_site[site][1] += 1
    sites = list(by_site.values())
    if not sites:
        return None
    rng, stats = random.Random(f"shift-bootstrap:{seed}"), []
    for _ in range(reps):
        pick = [sites[rng.randrange(len(sites))] for _ in sites]
        stats.append(sum(a for a, _ in pick) / sum(b for _, b in pick))
    stats.sort()
    return [round(stats[int(0.025 * reps)], 4), round(stats[int(0.975 * reps) - 1], 4)]


def site_macro(hits: list[tuple[str, bool]]) -> float | None:
    """Recall with each site weighted once, however many shifts it holds."""
    by_site: dict[str, list[bool]] = defaultdict(list)
    for site, hit in hits:
        by_site[site].append(hit)
    return round(sum(sum(v) / len(v) for v in by_site.values()) / len(by_site), 4) if by_site else None
