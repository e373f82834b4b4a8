"""Documents for the dates evaluation, and the errors injected into them.

Each kind of injected error is one the issues name: a wrong weekday, a month shifted past
publication (1-3 months), an impossible day (a month's last day + 1, and days 32-39), a year one
off, a dateline later than publication, and a mistyped date of a well-known event. Datelines and
known-event sentences are written in, from forms and templates that differ between the dev and the
test split (``DATELINE_FORMS``, ``EVENT_TEMPLATES``): the test split's forms were never looked at
while tuning, so its numbers say how the rules generalise beyond the wording they were built on.
A third kind, ``dateline-real``, takes its forms from real datelines (``real_dateline_forms``: the
place, agency and punctuation as the articles in ../shared/data write them), not from templates.
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
import re
import zlib
from dataclasses import dataclass

from detector.datasets import iter_scrapinghub, iter_wcxb, iter_wmt22, require_shared, wmt22_english_sources
from detector.dates.context import is_update_stamp, resolve_year, sentence_bounds
from detector.dates.extract import (
    MONTH_NAMES,
    MONTH_RE,
    WEEKDAY_NAMES,
    DateMention,
    days_in_month,
    extract_dates,
    format_date,
    valid_day,
)
from detector.language import detect_language

#: The future cues the issue names; an injected future date in such a sentence is not an error
#: the rule can be asked to see.
ISSUE_FUTURE_CUES = re.compile(r"\b(?:will|scheduled|set for|next|until|due|expected)\b", re.IGNORECASE)
#: Errors injected into a date the document already has.
TYPES = ("weekday", "future", "impossible", "impossible>31", "year+1", "year-1")
#: Errors written in with a new line or sentence (any document with a publication date).
WRITTEN_TYPES = ("dateline", "known-event")


@dataclass
class Sample:
    id: str
    text: str
    published: dt.date | None
    source: str
    injected: str | None = None  # error type
    span: tuple[int, int] | None = None  # the edited span in ``text``
    detectable: bool = True  # future/year errors: the new date lies beyond publication + 2 days
    true_date: dt.date | None = None
    site: str = ""  # the outlet (web domain; WMT document): the unit of the dev/test split
    label: str | None = None  # month shifts: what the text says about it (``dates_shifts.label``)
    months: int = 0  # month shifts: by how many months

    @property
    def split(self) -> str:
        """dev (tuned on) or test (reported), by a hash of the site: no outlet is in both."""
        return "test" if zlib.crc32(self.site.encode()) % 2 else "dev"


#: A publication date in a news URL path: /2019/11/19/ or /2019-11-19/.
_URL_DATE = re.compile(r"/(20\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
#: ...else the page's own publication metadata (Open Graph / schema.org); never a modified date.
_META_DATE = re.compile(
    rb"""(?:property|name|itemprop)=["'](?:article:published_time|datePublished|og:published_time|parsely-pub-date"""
    rb"""|sailthru\.date|pubdate|publish-date|article\.published)["'][^>]{0,80}?content=["'](20\d\d-\d\d-\d\d)"""
    rb"""|["']datePublished["']\s*:\s*["'](20\d\d-\d\d-\d\d)""", re.IGNORECASE)


def load_corpus(wmt_block: int = 12) -> list[Sample]:
    """English documents with their publication date where one is known: WCXB's ``publish_date``,
    a ScrapingHub page's URL date or else its publication metadata, none for WMT text."""
    out: list[Sample] = []
    for rec in iter_wcxb():
        gt = rec["ground_truth"]
        body, pub = gt.get("main_content") or "", gt.get("publish_date")
        if not pub or len(body) < 200:
            continue
        try:
            published = dt.date.fromisoformat(str(pub)[:10])
        except ValueError:
            continue
        if detect_language(body) == "en":
            out.append(Sample(f"wcxb:{rec['id']}", body, published, "wcxb", site=rec.get("domain") or rec["id"]))
    for page_id, html, body, url in iter_scrapinghub():
        got = _URL_DATE.search(url or "")
        meta = None if got else _META_DATE.search(html)
        if (got or meta) and len(body) >= 200 and detect_language(body) == "en":
            try:
                published = dt.date(*map(int, got.groups())) if got else dt.date.fromisoformat(
                    (meta.group(1) or meta.group(2)).decode())
            except ValueError:
                continue
            site = (url or "").split("/")[2] if "://" in (url or "") else page_id
            out.append(Sample(f"scrapinghub:{page_id}", body, published, "scrapinghub" if got else "scrapinghub-meta",
                              site=site.removeprefix("www.")))
    lines = wmt22_english_sources()
    for i in range(0, len(lines), wmt_block):
        out.append(Sample(f"wmt-en:{i}", "\n\n".join(lines[i:i + wmt_block]), None, "wmt22-en", site=f"wmt-en:{i}"))
    for pair in ("uk-en", "ru-en"):
        for doc in iter_wmt22(pair):
            text = "\n\n".join(doc.ref)
            if any(m.is_day for m in extract_dates(text)):
                out.append(Sample(f"wmt-{pair}:{doc.id}", text, None, f"wmt22-{pair}-ref", site=doc.id))
    return out


# -- injection ------------------------------------------------------------------------------------
def _reading(m: DateMention, published: dt.date | None) -> dt.date | None:
    if m.impossible or m.ambiguous or not m.is_day:
        return None
    if m.year:
        return m.value
    if published is None:
        return None
    reading, _ = resolve_year(m.month, m.day, None, published)
    return reading


def _replace(s: Sample, start: int, end: int, new: str, kind: str, true_date: dt.date | None, detectable: bool = True) -> Sample:
    text = s.text[:start] + new + s.text[end:]
    return Sample(s.id, text, s.published, s.source, kind, (start, start + len(new)), detectable, true_date, s.site)


def _day_digits(m: DateMention) -> tuple[int, int]:
    """Offsets of the day number inside the mention (written and numeric forms)."""
    if m.kind == "iso":
        return m.end - 2, m.end
    if m.kind == "numeric":
        a = re.match(r"\d{1,2}", m.text)
        if m.order == "dmy":
            return m.start, m.start + a.end()
        b = re.match(r"\d{1,2}[./-](\d{1,2})", m.text)
        return m.start + b.start(1), m.start + b.end(1)
    for g in re.finditer(r"\d{1,2}(?!\d)", m.text):
        if int(g.group()) == m.day:
            return m.start + g.start(), m.start + g.end()
    raise ValueError(m.text)


def inject(s: Sample, kind: str, rng: random.Random) -> Sample | None:
    """One error of ``kind`` in ``s``, or None when the document offers no place for it."""
    # A later "Updated ..." date is no error, so update stamps are no place to inject one.
    ms = [m for m in extract_dates(s.text) if m.is_day and not m.impossible and not m.ambiguous
          and not is_update_stamp(s.text, m)]
    rng.shuffle(ms)
    pub = s.published
    for m in ms:
        true = _reading(m, pub)
        if true is None:
            continue
        if kind == "weekday" and m.kind == "date":
            wrong = rng.choice([w for w in range(7) if w != true.weekday()])
            if m.weekday is not None:
                head = m.text.split(",", 1)[0].split(" ", 1)[0]
                return _replace(s, m.start, m.start + len(head), WEEKDAY_NAMES[wrong], kind, true)
            at = m.start + (4 if m.text.startswith("the ") else 0)
            return _replace(s, at, at, f"{WEEKDAY_NAMES[wrong]}, ", kind, true) if m.order == "md" else \
                _replace(s, at, at, f"{WEEKDAY_NAMES[wrong]} ", kind, true)
        if kind == "future" and m.kind == "date" and pub is not None and true <= pub and m.year in (None, pub.year):
            for k in (1, 2, 3):
                mo = true.month + k
                y = true.year + (mo - 1) // 12
                mo = (mo - 1) % 12 + 1
                if valid_day(y, mo, true.day) and dt.date(y, mo, true.day) > pub + dt.timedelta(days=2):
                    mon_start, mon_end = _month_span(m)
                    written = s.text[mon_start:mon_end]
                    new = MONTH_NAMES[mo][:3] + "." if written.endswith(".") or len(written) <= 4 else MONTH_NAMES[mo]
                    if y != true.year:
                        break  # the year would roll over: a written year stays, a missing one reads as last year
                    # Detectable unless the sentence announces the future in the issue's own words.
                    sa, sb = sentence_bounds(s.text, m)
                    cue = ISSUE_FUTURE_CUES.search(s.text, sa, sb) is not None
                    return _replace(s, mon_start, mon_end, new, kind, true, detectable=not cue)
        if kind == "impossible":
            last = days_in_month(true.year, true.month)
            d0, d1 = (x - m.start for x in _day_digits(m))
            if last < 31:  # April 31, February 29/30
                day = f"{last + 1:02d}" if m.kind == "iso" else str(last + 1)
                return _replace(s, m.start, m.end, m.text[:d0] + day + m.text[d1:], kind, true)
            if m.kind != "date":
                continue
            g0, g1 = (x - m.start for x in _month_span(m))
            short = rng.choice(["April", "June", "September", "November"])
            parts = [(d0, d1, "31"), (g0, g1, short)]
            text = m.text
            for a, b, rep in sorted(parts, reverse=True):
                text = text[:a] + rep + text[b:]
            return _replace(s, m.start, m.end, text, kind, true)
        if kind == "impossible>31" and m.kind in ("date", "numeric", "iso"):
            day = rng.randint(32, 39)
            d0, d1 = (x - m.start for x in _day_digits(m))
            written = m.text[:d0] + str(day) + m.text[d1:]
            if m.has_ordinal:  # "the 2nd of May" -> "the 33rd of May"
                written = re.sub(rf"(?<=\b{day})(?:st|nd|rd|th)", _ordinal(day), written, count=1)
            return _replace(s, m.start, m.end, written, kind, true)
        if kind in ("year+1", "year-1") and m.year is not None:
            y = m.year + (1 if kind == "year+1" else -1)
            at = m.start + (0 if m.kind == "iso" else m.text.rfind(str(m.year)))
            # Detectable: a past date pushed past publication, or a stated weekday that no longer fits.
            after = pub is not None and true <= pub + dt.timedelta(days=2) and valid_day(y, m.month, m.day) \
                and dt.date(y, m.month, m.day) > pub + dt.timedelta(days=2)
            return _replace(s, at, at + 4, str(y), kind, true, detectable=after or m.weekday is not None)
    return None


def _ordinal(n: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n // 10 != 1 else 0, "th")


def _month_span(m: DateMention) -> tuple[int, int]:
    g = re.search(MONTH_RE, m.text)
    return m.start + g.start(), m.start + g.end()


# -- written-in errors: datelines and well-known events -------------------------------------------------
#: Dateline forms per split: {P} place, {D} the date as written, {A} agency. Test adds forms unseen in tuning.
DATELINE_FORMS = {
    "dev": ["{P}, {D} ({A}) – ", "{P}, {D} ({A}) - "],
    "test": ["{P}, {D} ({A}) — ", "{Pt}, {D} ({A}) – ", "{P}, {D} /{A}/ – ", "{P} ({A}), {D} – "],
}
_PLACES = ["KYIV", "MINSK", "WARSAW", "LONDON", "WASHINGTON", "KHARKIV", "LVIV", "VILNIUS"]
_AGENCIES = ["Reuters", "AP", "AFP", "BelTA", "Ukrinform", "PAP", "UNIAN"]

#: (phrase, right month, right day, right year or None for an annual day, words giving the country)
EVENTS = [
    ("Russia's full-scale invasion of Ukraine", 2, 24, 2022, ""),
    ("the invasion", 2, 24, 2022, " against Ukraine"),
    ("the annexation of Crimea", 3, 18, 2014, ""),
    ("Ukraine's Independence Day", 8, 24, None, " in Kyiv"),
    ("Victory Day", 5, 9, None, " in Moscow"),
    ("Constitution Day", 6, 28, None, " in Ukraine"),
    ("the Crimean bridge explosion", 10, 8, 2022, ""),
    ("the destruction of the Kakhovka dam", 6, 6, 2023, ""),
    ("the Kursk incursion", 8, 6, 2024, ""),
    ("the downing of MH17", 7, 17, 2014, ""),
    ("the Wagner mutiny", 6, 23, 2023, ""),
    ("the liberation of Kherson", 11, 11, 2022, ""),
]
#: Sentence templates per split: {E} the event, {D} its date as written, {C} the country words.
EVENT_TEMPLATES = {
    "dev": ["In the first hours of {E} on {D}{C}, little was clear.", "{E} on {D}{C} was recalled by officials."],
    "test": ["Since {E} on {D}{C}, much has changed, analysts said.", "Officials recalled {E} ({D}){C} at the briefing.",
             "He spoke of {E}, on {D}{C}, as a turning point."],
}


def _written_date(day: int, month: int, year: int | None, rng: random.Random) -> str:
    form = rng.choice(["md", "dm", "abbr"])
    if form == "abbr":
        text = f"{MONTH_NAMES[month][:3]}. {day}" if month != 5 else f"May {day}"
    else:
        text = f"{MONTH_NAMES[month]} {day}" if form == "md" else f"{day} {MONTH_NAMES[month]}"
    if year is not None and rng.random() < 0.4:
        text += f", {year}" if form != "dm" else f" {year}"
    return text


def _wrong_day(month: int, day: int, year: int | None, rng: random.Random) -> tuple[int, int]:
    """A typo of (month, day): the month one off (the common slip), else the day one or two off or swapped."""
    y = year or 2001
    options = [(month + k, day) for k in (-1, 1) if 1 <= month + k <= 12 and valid_day(y, month + k, day)]
    options += [(month, day + k) for k in (-2, -1, 1, 2) if valid_day(y, month, day + k)]
    if day >= 10 and valid_day(y, month, int(str(day)[::-1])) and str(day)[::-1] != str(day):
        options.append((month, int(str(day)[::-1])))
    return options[0] if rng.random() < 0.5 and options[0][1] == day else rng.choice(options)


def inject_written(s: Sample, kind: str, rng: random.Random, correct: bool = False) -> Sample | None:
    """A dateline (later than publication) or a known-event sentence (a mistyped date) written into ``s``.

    With ``correct`` the same text carries the right date: a control that must not be flagged.
    """
    if s.published is None:
        return None
    forms = DATELINE_FORMS[s.split] if kind == "dateline" else EVENT_TEMPLATES[s.split]
    form = rng.choice(forms)
    if kind == "dateline":
        pub = s.published
        if correct:
            d = pub - dt.timedelta(days=rng.choice([0, 0, 1, 2]))
        else:
            mo = pub.month % 12 + 1
            y = pub.year + (pub.month == 12)
            d = dt.date(y, mo, pub.day) if valid_day(y, mo, pub.day) else pub + dt.timedelta(days=rng.randint(3, 30))
            if rng.random() < 0.3:
                d = pub + dt.timedelta(days=rng.randint(1, 20))
        place = rng.choice(_PLACES)
        written = _written_date(d.day, d.month, d.year if rng.random() < 0.3 else None, rng)
        line = form.format(P=place, Pt=place.title(), A=rng.choice(_AGENCIES), D=written)
        at = line.index(written)
        return Sample(s.id, line + s.text, s.published, s.source, None if correct else kind,
                      (at, at + len(written)), True, d, s.site)
    phrase, month, day, year, country = rng.choice(EVENTS)
    if not correct:
        month, day = _wrong_day(month, day, year, rng)
    written = _written_date(day, month, year, rng)
    sentence = form.format(E=phrase, D=written, C=country)
    sentence = sentence[0].upper() + sentence[1:]
    cut = s.text.find("\n\n")
    cut = cut + 2 if cut > 0 else 0
    text = s.text[:cut] + sentence + ("\n\n" if cut == 0 else " ") + s.text[cut:]
    at = cut + sentence.index(written)
    return Sample(s.id, text, s.published, s.source, None if correct else kind, (at, at + len(written)), True,
                  None, s.site)


# -- datelines as real articles write them -------------------------------------------------------------
#: A dateline's head: a place of up to five capitalised words (", Mich.", ", United Arab Emirates"), then
#: a comma or an opening parenthesis right before the date; its tail: a year, an agency, a dash.
_REAL_HEAD = re.compile(r"[A-Z][\w.'’-]*(?:[ ,\u00a0]+[A-Z][\w.'’-]*){0,4}(?:,\s*|\s*\(\s*)")
_REAL_TAIL = re.compile(r"(?:,?\s*\d{4})?\)?\s*(?:\([^)\n]{1,40}\)\s*)?[–—-]+\s")


@dataclass(frozen=True)
class RealDateline:
    """A dateline found in real text with its date cut out: ``form`` holds ``{D}`` where it was."""

    form: str
    order: str
    with_year: bool
    source: str


def _dateline_form(line: str, source: str) -> RealDateline | None:
    for m in extract_dates(line[:100]):
        if m.kind != "date" or m.start > 60:
            continue
        tail = _REAL_TAIL.match(line, m.end)
        if _REAL_HEAD.fullmatch(line, 0, m.start) and tail:
            form = line[:m.start] + "{D}" + line[m.end:tail.end()]
            return RealDateline(form, m.order or "md", m.year is not None, source)
        return None
    return None


def real_dateline_forms(corpus: list[Sample]) -> list[RealDateline]:
    """Every dated dateline opening a line of the WMT21/22 English references or of a corpus document's
    first lines, in a stable order (by form)."""
    found: dict[str, RealDateline] = {}
    for path in sorted((require_shared() / "mt").glob("wmt2*/txt/references/*.en.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                if (got := _dateline_form(line, path.name)) is not None:
                    found.setdefault(got.form, got)
    for s in corpus:
        for line in s.text.split("\n")[:5]:
            if (got := _dateline_form(line, s.id)) is not None:
                found.setdefault(got.form, got)
    return [found[k] for k in sorted(found)]


def inject_real_dateline(s: Sample, forms: list[RealDateline], rng: random.Random, correct: bool = False) -> Sample | None:
    """One real dateline form opening ``s``, dated later than publication (or, with ``correct``, on it
    or a day or two before: a control)."""
    if s.published is None or not forms:
        return None
    pub, f = s.published, rng.choice(forms)
    if correct:
        d = pub - dt.timedelta(days=rng.choice([0, 0, 1, 2]))
    else:
        d = pub + dt.timedelta(days=rng.choice([rng.randint(1, 20), rng.randint(21, 62)]))
    written = format_date(d.day, d.month, d.year if f.with_year else None, order=f.order)
    line = f.form.replace("{D}", written)
    at = line.index(written)
    return Sample(s.id, line + s.text, pub, s.source, None if correct else "dateline-real",
                  (at, at + len(written)), True, d, s.site)
