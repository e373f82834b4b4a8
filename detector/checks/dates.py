"""Mistyped dates: days that do not exist, weekdays that do not match, dates after publication.

Machine-translated and hastily edited news gets dates wrong in a few recurring ways: a weekday
copied from another day, a month typed one off (in non-leap years February and March share
weekdays, so "Monday, March 28" for Monday, February 28 survives a weekday check), February 30.
Each is checked by calendar arithmetic over the mentions ``detector.dates.extract`` finds, against
the references ``detector.dates.context`` establishes.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from typing import Any

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Result, Rule
from detector.dates.context import (
    Publication,
    has_future_cue,
    infer_publication,
    is_attributive,
    is_byline,
    is_dateline,
    is_entry_stamp,
    is_live,
    is_named_or_anniversary,
    is_update_stamp,
    paragraph_years,
    relative_year,
    resolve_year,
)
from detector.dates.extract import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    DateMention,
    days_in_month,
    extract_dates,
    format_date,
    valid_day,
)
from detector.findings import Category, Finding, Severity

IMPOSSIBLE = Rule(
    id="Date.Impossible", category=Category.DATE, severity=Severity.ERROR,
    summary="A date that does not exist: February 30, April 31, February 29 in a non-leap year, month 13.",
    doc=(
        "Flags a written date with no calendar reading: a day past the end of its month (\"April 31\", "
        "\"February 30\", \"February 29, 2022\"), or a numeric date whose month is 13 or more in every reading "
        "(\"2022-13-01\", \"31/13/2022\"). A year-less February 29 is judged in the year the article implies. "
        "\"In February 30 people died\" is read as a count, not a date. When the text states a weekday, the "
        "suggestion is the nearest real date in that month with that weekday; otherwise the month's last day."
    ),
)
WEEKDAY_MISMATCH = Rule(
    id="Date.WeekdayMismatch", category=Category.DATE, severity=Severity.ERROR,
    summary="The stated weekday is not the weekday of the date.",
    doc=(
        "\"Tuesday, March 1, 2022\" is right; \"Monday, March 1, 2022\" is not. The date is read in the year "
        "written, else the year the paragraph is about (\"In 2014 ... on Sunday, March 16\"), else the reading "
        "closest to publication (within a year; a stated weekday may pick the neighbouring year). The "
        "suggestion keeps the date and corrects the weekday; `data.nearest` names the nearest date that has "
        "the stated weekday, which is often what was meant."
    ),
)
FUTURE = Rule(
    id="Date.Future", category=Category.DATE, severity=Severity.WARNING,
    summary="A date after publication (beyond a 2-day tolerance) written as if it had happened.",
    doc=(
        "A reported event dated after the article's publication (or its latest update, for live blogs) is "
        "usually a typo: a month or year one off. Not flagged when the sentence announces the future (\"will\", "
        "\"scheduled\", \"set for\", \"next\", \"until\", \"due\", \"expected\", ...), when the date names an "
        "event (\"the Feb. 24 invasion\") or a named day or anniversary (\"Victory Day on May 9\"), in a "
        "dateline (\"MINSK, 20 June\"), or when the paragraph's own year places it in the past. The tolerance "
        "(`future_tolerance_days`, default 2) covers time zones and overnight publication. Because February "
        "and March share weekdays in non-leap years, the suggestion is the same day one or two months "
        "earlier when that date has the stated weekday and precedes publication (\"Monday, March 28\" in a "
        "story of 2 March 2022 -> \"Monday, February 28\"). When the record has no publication date, it is "
        "inferred (dateline, else latest explicit date) and `data.publication_inferred` is true."
    ),
)
OUTLIER = Rule(
    id="Date.Outlier", category=Category.DATE, severity=Severity.WARNING,
    summary="A year-less date that can only be read far outside the article's tight cluster of dates.",
    doc=(
        "When an article's other dates sit within a few weeks (at least `outlier_min_cluster` of them, "
        "spanning at most `outlier_cluster_days`, default 3 and 45) and a year-less date, read in the year "
        "nearest publication, falls more than `outlier_days` (default 120) before them, it is probably a "
        "mistyped month or day. When a one-keystroke change (month one off, day digits swapped) puts it "
        "inside the cluster, that date is the suggestion. Dates with a written year, dates in a paragraph "
        "that names its own year, anniversaries, named days, event names (\"the Feb. 24 invasion\") and "
        "sentences about the future are skipped."
    ),
)
MIXED_FORMAT = Rule(
    id="Date.MixedFormat", category=Category.DATE, severity=Severity.INFO,
    summary="Day-month and month-day orders mixed in one article, or an ambiguous numeric date.",
    doc=(
        "Style, not substance: \"28 March\" and \"March 28\" in one article, or a numeric date that reads "
        "both ways (\"03/04/2022\": 3 April or March 4). Mixed orders often mean text pasted from several "
        "sources or a partial machine translation. One finding marks the first mention in the minority order, "
        "with the majority form as suggestion; each ambiguous numeric date gets its own."
    ),
)


@register
class DatesCheck(Check):
    """Calendar checks over the dates an article writes."""

    name = "dates"
    rules = (IMPOSSIBLE, WEEKDAY_MISMATCH, FUTURE, OUTLIER, MIXED_FORMAT)
    defaults = {
        "future_tolerance_days": 2,
        "live_tolerance_days": 7,
        "future_max_days": 400,
        "forward_looking_min": 3,
        "outlier_days": 120,
        "outlier_cluster_days": 45,
        "outlier_min_cluster": 3,
    }

    def check(self, doc: Document) -> Result:
        text = doc.text
        mentions = extract_dates(text)
        live = is_live(text, doc.article.title)
        pub = infer_publication(text, mentions, doc.article.published, live)
        ctx = {"publication": pub.date.isoformat() if pub.date else None, "publication_source": pub.source}
        if pub.inferred:
            ctx["publication_inferred"] = True
        findings: list[Finding] = []
        resolved: list[tuple[DateMention, dt.date, bool]] = []  # (mention, reading, year was written)
        para_years = paragraph_years(text, mentions)
        for i, m in enumerate(mentions):
            if not m.is_day:
                continue
            year = m.year or relative_year(text, m, pub.date) or para_years[i]
            if m.impossible or (year and not valid_day(year, m.month, m.day)):
                findings.append(self._impossible(doc, m, year or (pub.date.year if pub.date else None), ctx))
                continue
            if year is not None and not m.year and m.weekday is not None and pub.date is not None \
                    and dt.date(year, m.month, m.day).weekday() != m.weekday:
                # "Crimea since 2014 ... on Thursday, February 24": the weekday overrules the paragraph's year.
                near, agrees = resolve_year(m.month, m.day, m.weekday, pub.date)
                if near is not None and agrees:
                    year = near.year
            if year is not None:
                reading = dt.date(year, m.month, m.day)
                if m.weekday is not None and reading.weekday() != m.weekday:
                    findings.append(self._weekday(doc, m, reading, ctx, confidence=0.95 if m.year else 0.8))
                    continue
            elif pub.date is not None:
                reading, agrees = resolve_year(m.month, m.day, m.weekday, pub.date)
                if reading is None:  # February 29 with no leap year around publication
                    findings.append(self._impossible(doc, m, pub.date.year, ctx))
                    continue
                if not agrees:
                    findings.append(self._weekday(doc, m, reading, ctx, confidence=0.8))
                    continue
            else:
                continue
            resolved.append((m, reading, m.year is not None or year is not None))
        findings += self._future(doc, resolved, pub, live, ctx)
        findings += self._outliers(doc, resolved, pub, ctx)
        findings += self._mixed(doc, mentions)
        annotations = {
            "publication": ctx["publication"],
            "publication_source": pub.source,
            "dates": [{"start": m.start, "end": m.end, "value": r.isoformat()} for m, r, _ in resolved],
        }
        return Result(findings, annotations=annotations)

    # -- rules ------------------------------------------------------------------------------
    def _impossible(self, doc: Document, m: DateMention, year: int | None, ctx: dict[str, Any]) -> Finding:
        if not 1 <= m.month <= 12:
            swapped = m.kind == "iso" and valid_day(m.year, m.day, m.month)
            return IMPOSSIBLE.finding(
                doc, m.start, m.end, f"There is no month {m.month}: “{m.text}” is not a date.",
                suggestion=f"{m.year}-{m.day:02d}-{m.month:02d}" if swapped else None,
                data={**ctx, "month": m.month, "day": m.day},
            )
        last = days_in_month(year, m.month)
        when = f"{MONTH_NAMES[m.month]} {year}" if year else MONTH_NAMES[m.month]
        leap = " (not a leap year)" if m.month == 2 and m.day == 29 and year else ""
        suggestion = None
        if m.kind == "date":
            day = last
            if m.weekday is not None and year:
                day = next(d for d in range(last, 0, -1) if dt.date(year, m.month, d).weekday() == m.weekday)
            suggestion = format_date(day, m.month, m.year, weekday=m.weekday, order=m.order or "md")
        return IMPOSSIBLE.finding(
            doc, m.start, m.end,
            f"{MONTH_NAMES[m.month]} {m.day} does not exist: {when} has {last} days{leap}.",
            suggestion=suggestion, confidence=0.95 if m.year or not leap else 0.7,
            data={**ctx, "month": m.month, "day": m.day, "year": year},
        )

    def _weekday(self, doc: Document, m: DateMention, reading: dt.date, ctx: dict[str, Any], confidence: float) -> Finding:
        actual = reading.weekday()
        stated = m.weekday
        assert stated is not None
        back = (reading.weekday() - stated) % 7
        nearest = min((reading - dt.timedelta(days=back), reading + dt.timedelta(days=7 - back)),
                      key=lambda d: abs((d - reading).days))
        written_year = "" if m.year else f" (read as {reading.year})"
        published = ctx.get("publication")
        tense = "is" if published and reading.isoformat() > published else "was"
        return WEEKDAY_MISMATCH.finding(
            doc, m.start, m.end,
            f"{format_date(reading.day, reading.month, reading.year)} {tense} a {WEEKDAY_NAMES[actual]}, "
            f"not a {WEEKDAY_NAMES[stated]}{written_year}.",
            suggestion=_rewrite_weekday(m, actual),
            confidence=confidence,
            data={**ctx, "date": reading.isoformat(), "stated_weekday": WEEKDAY_NAMES[stated],
                  "actual_weekday": WEEKDAY_NAMES[actual], "nearest": nearest.isoformat()},
        )

    def _future(
        self, doc: Document, resolved: list[tuple[DateMention, dt.date, bool]], pub: Publication, live: bool,
        ctx: dict[str, Any],
    ) -> list[Finding]:
        ref = pub.effective
        if ref is None:
            return []
        text = doc.text
        tolerance = self.settings["live_tolerance_days" if live else "future_tolerance_days"]
        limit = ref + dt.timedelta(days=tolerance)
        horizon = ref + dt.timedelta(days=self.settings["future_max_days"])
        late = [(m, r) for m, r, _ in resolved if limit < r <= horizon]
        # A byline (a date alone on its line, outside live blogs) contradicts the record whatever the
        # article is about; other late dates in an agenda or a release calendar are its subject.
        bylines = {id(m) for m, _ in late if not live and is_byline(text, m) and not is_update_stamp(text, m)}
        events = [(m, r) for m, r in late if id(m) not in bylines]
        if len({r for _, r in events}) >= self.settings["forward_looking_min"]:
            late = [(m, r) for m, r in late if id(m) in bylines]
        out = []
        for m, reading in late:
            if id(m) in bylines:
                pass
            elif (has_future_cue(text, m) or is_attributive(text, m) or is_named_or_anniversary(text, m)
                    or is_dateline(text, m) or is_update_stamp(text, m) or live and is_entry_stamp(text, m)):
                continue
            days = (reading - pub.date).days if pub.date else (reading - ref).days
            since = "inferred publication date" if pub.inferred else "publication date"
            intended = _earlier_twin(m, reading, ref)
            out.append(FUTURE.finding(
                doc, m.start, m.end,
                f"“{m.text}” reads as {format_date(reading.day, reading.month, reading.year)}, {days} days after "
                f"the article's {since} ({format_date(ref.day, ref.month, ref.year)}), and nothing here announces "
                "a future event."
                + (f" {format_date(intended.day, intended.month, weekday=m.weekday)} has the same weekday and "
                   "precedes publication." if intended and m.weekday is not None else ""),
                suggestion=format_date(intended.day, intended.month, intended.year if m.year else None,
                                       weekday=m.weekday, order=m.order if m.order in ("md", "dm") else "md")
                if intended else None,
                confidence=0.85 if intended and m.weekday is not None else 0.7,
                data={**ctx, "date": reading.isoformat(), "days_after": days,
                      "intended": intended.isoformat() if intended else None, "live": live},
            ))
        return out

    def _outliers(
        self, doc: Document, resolved: list[tuple[DateMention, dt.date, bool]], pub: Publication, ctx: dict[str, Any],
    ) -> list[Finding]:
        """Year-less past dates far from a tight cluster of the article's other dates."""
        s = self.settings
        text = doc.text
        out = []
        every = sorted(r for _, r, _ in resolved)  # the others are these less one copy of the reading
        for m, reading, year_known in resolved:
            if year_known or m.kind != "date" or (pub.effective and reading > pub.effective):
                continue  # written years are deliberate; later dates are Date.Future's
            others = _OneLess(every, reading)
            if len(others) < s["outlier_min_cluster"] or (others[-1] - others[0]).days > s["outlier_cluster_days"]:
                continue
            centre = others[len(others) // 2]
            distance = abs((reading - centre).days)
            if distance <= s["outlier_days"]:
                continue
            if is_attributive(text, m) or is_named_or_anniversary(text, m) or has_future_cue(text, m):
                continue
            lo, hi = others[0] - dt.timedelta(days=7), others[-1] + dt.timedelta(days=7)
            fix = next((d for d in _one_typo_away(m, reading) if lo <= d <= hi), None)
            hint = f"; {MONTH_NAMES[fix.month]} {fix.day} would fit" if fix else ""
            out.append(OUTLIER.finding(
                doc, m.start, m.end,
                f"“{m.text}” can only be {format_date(reading.day, reading.month, reading.year)}, {distance} days from "
                f"the article's other dates ({_span(others[0], others[-1])}){hint}.",
                suggestion=format_date(fix.day, fix.month, None, weekday=m.weekday, order=m.order or "md") if fix else None,
                confidence=0.7 if fix else 0.5,
                data={**ctx, "date": reading.isoformat(), "cluster": [others[0].isoformat(), others[-1].isoformat()],
                      "intended": fix.isoformat() if fix else None},
            ))
        return out

    def _mixed(self, doc: Document, mentions: list[DateMention]) -> list[Finding]:
        out = []
        text = doc.text
        written = [m for m in mentions if m.kind == "date" and " of " not in m.text and not is_dateline(text, m)]
        dm = [m for m in written if m.order == "dm"]
        md = [m for m in written if m.order == "md"]
        if dm and md:
            minority, majority = (dm, md) if len(dm) < len(md) else (md, dm)
            first = minority[0]
            order = majority[0].order or "md"
            out.append(MIXED_FORMAT.finding(
                doc, first.start, first.end,
                f"Dates are written both day-first (“{dm[0].text}”, {len(dm)}×) and month-first "
                f"(“{md[0].text}”, {len(md)}×) in this article.",
                suggestion=format_date(first.day, first.month, first.year, weekday=first.weekday, order=order),
                data={"day_month": len(dm), "month_day": len(md)},
            ))
        numeric_orders = {m.order for m in mentions if m.kind == "numeric" and m.order}
        for m in mentions:
            if m.kind == "numeric" and m.ambiguous:
                a, b = m.day, m.month
                known = f" Other numeric dates here are {'/'.join(sorted(numeric_orders))}." if numeric_orders else ""
                out.append(MIXED_FORMAT.finding(
                    doc, m.start, m.end,
                    f"“{m.text}” reads as {a} {MONTH_NAMES[b]} or {MONTH_NAMES[a]} {b}.{known}",
                    suggestion=f"{m.year}-{b:02d}-{a:02d}" if numeric_orders != {"mdy"} else f"{m.year}-{a:02d}-{b:02d}",
                    data={"readings": ["dmy", "mdy"]},
                ))
        return out


class _OneLess:
    """A sorted list without one copy of ``value``, indexed in O(1) (no copy per mention)."""

    def __init__(self, values: list[dt.date], value: dt.date) -> None:
        self.values, self.gap = values, bisect_left(values, value)

    def __len__(self) -> int:
        return len(self.values) - 1

    def __getitem__(self, k: int) -> dt.date:
        k = k % len(self)
        return self.values[k if k < self.gap else k + 1]


def _span(a: dt.date, b: dt.date) -> str:
    return f"{format_date(a.day, a.month, a.year)} to {format_date(b.day, b.month, b.year)}"


def _rewrite_weekday(m: DateMention, weekday: int) -> str:
    """The mention with its weekday word replaced, keeping everything else as written."""
    head = m.text.split(",", 1)[0].split(" ", 1)[0]
    new = WEEKDAY_NAMES[weekday]
    if head.endswith(".") or len(head.rstrip(".")) <= 4:
        new = new[:3] + ("." if head.endswith(".") else "")
    if head.isupper():
        new = new.upper()
    return new + m.text[len(head):]


def _earlier_twin(m: DateMention, reading: dt.date, ref: dt.date) -> dt.date | None:
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


def _one_typo_away(m: DateMention, reading: dt.date) -> list[dt.date]:
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


__all__ = ["DatesCheck", "IMPOSSIBLE", "WEEKDAY_MISMATCH", "FUTURE", "OUTLIER", "MIXED_FORMAT"]
