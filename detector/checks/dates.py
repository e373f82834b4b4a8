"""Mistyped dates: days that do not exist, weekdays that do not match, dates after publication.

Machine-translated and hastily edited news gets dates wrong in a few recurring ways: a weekday
copied from another day, a month typed one off (in non-leap years February and March share
weekdays, so "Monday, March 28" for Monday, February 28 survives a weekday check), February 30.
Each is checked by calendar arithmetic over the mentions ``detector.dates.extract`` finds, against
the references ``detector.dates.context`` establishes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Result
from detector.checks.dates_rules import (
    DATELINE,
    FUTURE,
    IMPOSSIBLE,
    KNOWN_EVENT,
    MIXED_FORMAT,
    OUTLIER,
    RANGE_ORDER,
    WEEKDAY_MISMATCH,
)
from detector.dates.context import (
    NEARER_AHEAD_DAYS,
    Publication,
    has_future_cue,
    infer_publication,
    is_attributive,
    is_byline,
    is_dateline,
    is_entry_stamp,
    is_live,
    is_named_or_anniversary,
    is_past_report,
    is_update_stamp,
    names_year,
    paragraph_years,
    relative_year,
    reports_past,
    resolve_year,
    says_last_year,
    sentence_bounds,
)
from detector.dates.events import attachments, compile_events, load_events
from detector.dates.extract import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    DateMention,
    days_in_month,
    extract_dates,
    format_date,
    valid_day,
)
from detector.dates.ranges import range_years, ranges, reversed_ranges
from detector.dates.suggest import OneLess, earlier_twin, one_typo_away, rewrite_weekday, span_text
from detector.findings import Finding, Severity


@register
class DatesCheck(Check):
    """Calendar checks over the dates an article writes."""

    name = "dates"
    rules = (IMPOSSIBLE, WEEKDAY_MISMATCH, FUTURE, OUTLIER, MIXED_FORMAT, DATELINE, KNOWN_EVENT, RANGE_ORDER)
    defaults = {
        "future_tolerance_days": 2,
        "dateline_tolerance_days": 0,
        "dateline_max_lag_days": 2,
        "known_events": [],
        "live_tolerance_days": 7,
        "future_max_days": 400,
        "forward_looking_min": 3,
        "outlier_days": 120,
        "outlier_cluster_days": 45,
        "outlier_min_cluster": 3,
    }

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        compile_events(self.settings["known_events"])  # a bad user entry fails here, before any article

    def setup(self) -> None:
        self.events = load_events(self.settings["known_events"])

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
        from_end = range_years(text, mentions)  # "from April 20 to May 2, 2026": the start is in 2026
        stated: dict[int, int | None] = {}  # id(mention) -> the year the text gives it, if any
        for i, m in enumerate(mentions):
            if not m.is_day:
                continue
            year = m.year or relative_year(text, m, pub.date) or from_end.get(i) or para_years[i]
            stated[id(m)] = year
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
                near, _ = resolve_year(m.month, m.day, None, pub.date, 183)
                nearer = m.weekday is None and (is_past_report(text, m, near.year if near else None)
                                                or is_dateline(text, m))
                # Up to three months ahead (a month typo), or half a year when the sentence names that year.
                ahead = 0 if not nearer else 183 if near and names_year(text, m, near.year) else NEARER_AHEAD_DAYS
                reading, agrees = resolve_year(m.month, m.day, m.weekday, pub.date, ahead)
                if reading is not None and reading > pub.date and m.weekday is None and not is_dateline(text, m) \
                        and says_last_year(text, m) and valid_day(reading.year - 1, m.month, m.day):
                    reading = reading.replace(year=reading.year - 1)
                if reading is None:  # February 29 with no leap year around publication
                    findings.append(self._impossible(doc, m, pub.date.year, ctx))
                    continue
                if not agrees:
                    findings.append(self._weekday(doc, m, reading, ctx, confidence=0.8))
                    continue
            else:
                continue
            resolved.append((m, reading, m.year is not None or year is not None))
        readings = {id(m): r for m, r, _ in resolved}
        events, attached = self._known_events(doc, mentions, resolved, stated, pub, ctx)
        findings += events
        rest = [x for x in resolved if id(x[0]) not in attached]  # an event's date is judged by its event
        findings += self._datelines(doc, rest, pub, ctx)
        # The end of a period that has begun may lie ahead ("the exhibition runs from 29 November to 20
        # January"), unless the sentence tells it as past ("ran from 1 to 10 March").
        begun = {id(b) for _, a, b in ranges(text, mentions, listing=True)
                 if pub.effective and (r := readings.get(id(a))) and r <= pub.effective
                 and not (id(b) in readings and is_past_report(text, b, readings[id(b)].year))}
        findings += self._future(doc, [x for x in rest if id(x[0]) not in begun], pub, live, ctx)
        findings += self._outliers(doc, rest, pub, ctx)
        findings += self._mixed(doc, mentions)
        findings += self._ranges(doc, mentions, findings)
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
            suggestion=rewrite_weekday(m, actual),
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
        year_less = {id(m) for m, _, known in resolved if not known}
        # A byline (a date alone on its line, outside live blogs) contradicts the record whatever the
        # article is about; other late dates in an agenda or a release calendar are its subject.
        bylines = {id(m) for m, _ in late if not live and is_byline(text, m) and not is_update_stamp(text, m)}
        events = [(m, r) for m, r in late if id(m) not in bylines]
        if len({r for _, r in events}) >= self.settings["forward_looking_min"]:
            # An agenda or a preview: its late dates are its subject, unless a sentence narrates one as past.
            late = [(m, r) for m, r in late if id(m) in bylines or reports_past(text, m)
                    or is_past_report(text, m, r.year)]
        out = []
        for m, reading in late:
            if id(m) in bylines:
                pass
            elif (has_future_cue(text, m) or is_attributive(text, m) or is_named_or_anniversary(text, m)
                    or is_dateline(text, m) or is_update_stamp(text, m) or live and is_entry_stamp(text, m)):
                continue
            elif id(m) in year_less and not is_past_report(text, m, reading.year):
                continue  # a year-less date ahead, not reported as past ("the tour picks up February 7th")
            days = (reading - pub.date).days if pub.date else (reading - ref).days
            since = "inferred publication date" if pub.inferred else "publication date"
            intended = earlier_twin(m, reading, ref)
            # A year-less date: say which other reading was passed over (a year earlier).
            alt = reading.replace(year=reading.year - 1) if id(m) in year_less and valid_day(
                reading.year - 1, reading.month, reading.day) else None
            out.append(FUTURE.finding(
                doc, m.start, m.end,
                f"“{m.text}” reads as {format_date(reading.day, reading.month, reading.year)}"
                + (" (the nearer year)" if alt else "")
                + f", {days} days after the article's {since} ({format_date(ref.day, ref.month, ref.year)}), and "
                "nothing here announces a future event."
                + (f" Read as {format_date(alt.day, alt.month, alt.year)}, {(ref - alt).days} days before, it would "
                   "need a cue such as \"last year\"." if alt else "")
                + (f" {format_date(intended.day, intended.month, weekday=m.weekday)} has the same weekday and "
                   "precedes publication." if intended and m.weekday is not None else ""),
                suggestion=format_date(intended.day, intended.month, intended.year if m.year else None,
                                       weekday=m.weekday, order=m.order if m.order in ("md", "dm") else "md")
                if intended else None,
                confidence=0.85 if intended and m.weekday is not None else 0.6 if alt else 0.7,
                data={**ctx, "date": reading.isoformat(), "days_after": days,
                      "readings": [reading.isoformat(), alt.isoformat()] if alt else [reading.isoformat()],
                      "intended": intended.isoformat() if intended else None, "live": live},
            ))
        return out

    def _known_events(
        self, doc: Document, mentions: list[DateMention], resolved: list[tuple[DateMention, dt.date, bool]],
        stated: dict[int, int | None], pub: Publication, ctx: dict[str, Any],
    ) -> tuple[list[Finding], set[int]]:
        """Findings for dates that contradict their event, and the ids of every mention attached to one."""
        text = doc.text
        readings = {id(m): r for m, r, _ in resolved}

        def year_of(m: DateMention) -> int | None:
            r = readings.get(id(m))
            return stated.get(id(m)) or (r.year if r else pub.date.year if pub.date else None)

        out, attached = [], set()
        for a in attachments(text, [m for m in mentions if id(m) in readings], self.events,
                             lambda m: sentence_bounds(text, m), year_of):
            m, ev, year = a.mention, a.event, stated.get(id(a.mention))
            attached.add(id(m))
            if ev.agrees(m, year):
                continue
            same_day = any((d.month, d.day) == (m.month, m.day) for d in ev.dates)
            if not same_day and year is not None and ev.dates and all(d.year != year for d in ev.dates):
                continue  # "the invasion on 20 February 2014": another invasion, not a typo
            if same_day and is_named_or_anniversary(text, m):
                continue  # "on February 24, 2023, a year after the invasion"
            day, month, right_year = ev.right_date(m, year_of(m))
            shown = right_year if m.year else None
            weekday = dt.date(right_year, month, day).weekday() if m.weekday is not None and right_year else None
            out.append(KNOWN_EVENT.finding(
                doc, m.start, m.end,
                f"“{m.text}” is given as the date of {ev.name} (“{a.phrase}”), which "
                + (f"was {format_date(day, month, right_year)}." if ev.dates else f"falls on {format_date(day, month)}."),
                suggestion=format_date(day, month, shown, weekday=weekday, order=m.order if m.order in ("md", "dm") else "md"),
                confidence=0.8,
                data={**ctx, "event": ev.name, "event_date": f"{right_year}-{month:02d}-{day:02d}" if right_year
                      else f"--{month:02d}-{day:02d}", "source": ev.source},
            ))
        return out, attached

    def _datelines(
        self, doc: Document, resolved: list[tuple[DateMention, dt.date, bool]], pub: Publication, ctx: dict[str, Any],
    ) -> list[Finding]:
        """Datelines later than publication (warning) or older than a couple of days (info)."""
        if pub.source != "record" or pub.date is None:
            return []
        s, text, out = self.settings, doc.text, []
        live = is_live(text, doc.article.title)
        # A live blog's entries carry their own datelines, up to its latest update.
        tolerance = s["live_tolerance_days"] + (pub.effective - pub.date).days if live else s["dateline_tolerance_days"]
        for m, reading, _ in resolved:
            if not is_dateline(text, m):
                continue
            days = (reading - pub.date).days
            if -s["dateline_max_lag_days"] <= days <= tolerance or live and days < 0:
                continue
            late = days > 0
            fix = format_date(pub.date.day, pub.date.month, pub.date.year if m.year else None,
                              weekday=pub.date.weekday() if m.weekday is not None else None,
                              order=m.order if m.order in ("md", "dm") else "md")
            when = format_date(pub.date.day, pub.date.month, pub.date.year)
            out.append(DATELINE.finding(
                doc, m.start, m.end,
                f"The dateline “{m.text}” reads as {format_date(reading.day, reading.month, reading.year)}, "
                + (f"{days} days after the article's publication date ({when}): a report cannot be filed after "
                   "it is published." if late else
                   f"{-days} days before the article's publication date ({when}): republished, or a typo."),
                suggestion=fix if late else None, confidence=0.8 if late else 0.5,
                severity=None if late else Severity.INFO,
                data={**ctx, "date": reading.isoformat(), "days_after": days},
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
            others = OneLess(every, reading)
            if len(others) < s["outlier_min_cluster"] or (others[-1] - others[0]).days > s["outlier_cluster_days"]:
                continue
            centre = others[len(others) // 2]
            distance = abs((reading - centre).days)
            if distance <= s["outlier_days"]:
                continue
            if is_attributive(text, m) or is_named_or_anniversary(text, m) or has_future_cue(text, m):
                continue
            lo, hi = others[0] - dt.timedelta(days=7), others[-1] + dt.timedelta(days=7)
            fix = next((d for d in one_typo_away(m, reading) if lo <= d <= hi), None)
            hint = f"; {MONTH_NAMES[fix.month]} {fix.day} would fit" if fix else ""
            out.append(OUTLIER.finding(
                doc, m.start, m.end,
                f"“{m.text}” can only be {format_date(reading.day, reading.month, reading.year)}, {distance} days from "
                f"the article's other dates ({span_text(others[0], others[-1])}){hint}.",
                suggestion=format_date(fix.day, fix.month, None, weekday=m.weekday, order=m.order or "md") if fix else None,
                confidence=0.7 if fix else 0.5,
                data={**ctx, "date": reading.isoformat(), "cluster": [others[0].isoformat(), others[-1].isoformat()],
                      "intended": fix.isoformat() if fix else None},
            ))
        return out

    def _ranges(self, doc: Document, mentions: list[DateMention], found: list[Finding]) -> list[Finding]:
        """Ranges that end before they start; not where another rule already marks either end."""
        taken = [(f.start, f.end) for f in found if f.severity.rank >= Severity.WARNING.rank]
        out = []
        for a, b, start, end in reversed_ranges(doc.text, mentions):
            if any(s < b.end and a.start < e for s, e in taken):
                continue
            out.append(RANGE_ORDER.finding(
                doc, a.start, b.end,
                f"The range “{doc.text[a.start:b.end]}” ends before it starts: "
                f"{format_date(start.day, start.month, start.year)} is {(start - end).days} days after "
                f"{format_date(end.day, end.month, end.year)}. One end probably has a mistyped month or day.",
                confidence=0.8, data={"start": start.isoformat(), "end": end.isoformat()},
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


__all__ = ["DatesCheck", "IMPOSSIBLE", "WEEKDAY_MISMATCH", "FUTURE", "OUTLIER", "MIXED_FORMAT", "DATELINE", "KNOWN_EVENT",
           "RANGE_ORDER"]
