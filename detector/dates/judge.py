"""How each date rule judges the mentions the check has read, and what its finding says.

``detector.checks.dates`` reads every date mention in the article's own calendar (publication, the
year each paragraph is about); the functions here take those readings and build the findings, one
function a rule, so each stays small and testable on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from detector.article import Document
from detector.dates.context import (
    Publication,
    has_future_cue,
    is_attributive,
    is_byline,
    is_dateline,
    is_entry_stamp,
    is_live,
    is_named_or_anniversary,
    is_past_report,
    is_update_stamp,
    reports_past,
    sentence_bounds,
)
from detector.dates.events import KnownEvent, attachments
from detector.dates.extract import MONTH_NAMES, WEEKDAY_NAMES, DateMention, days_in_month, format_date, valid_day
from detector.dates.ranges import reversed_ranges
from detector.dates.rules import (
    DATELINE,
    FUTURE,
    IMPOSSIBLE,
    KNOWN_EVENT,
    MIXED_FORMAT,
    OUTLIER,
    RANGE_ORDER,
    WEEKDAY_MISMATCH,
)
from detector.dates.suggest import OneLess, earlier_twin, one_typo_away, rewrite_weekday, span_text
from detector.findings import Finding, Severity

#: A mention, its calendar reading, and whether the text gives its year.
Resolved = tuple[DateMention, dt.date, bool]


def impossible(doc: Document, m: DateMention, year: int | None, ctx: dict[str, Any]) -> Finding:
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


def weekday(doc: Document, m: DateMention, reading: dt.date, ctx: dict[str, Any], confidence: float) -> Finding:
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


def future(
    doc: Document, resolved: list[Resolved], pub: Publication, live: bool, ctx: dict[str, Any],
    settings: Mapping[str, Any],
) -> list[Finding]:
    ref = pub.effective
    if ref is None:
        return []
    text = doc.text
    tolerance = settings["live_tolerance_days" if live else "future_tolerance_days"]
    limit = ref + dt.timedelta(days=tolerance)
    horizon = ref + dt.timedelta(days=settings["future_max_days"])
    late = [(m, r) for m, r, _ in resolved if limit < r <= horizon]
    year_less = {id(m) for m, _, known in resolved if not known}
    # A byline (a date alone on its line, outside live blogs) contradicts the record whatever the
    # article is about; other late dates in an agenda or a release calendar are its subject.
    bylines = {id(m) for m, _ in late if not live and is_byline(text, m) and not is_update_stamp(text, m)}
    events = [(m, r) for m, r in late if id(m) not in bylines]
    if len({r for _, r in events}) >= settings["forward_looking_min"]:
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


def known_events(
    doc: Document, mentions: list[DateMention], resolved: list[Resolved], stated: dict[int, int | None],
    pub: Publication, ctx: dict[str, Any], events: list[KnownEvent],
) -> tuple[list[Finding], set[int]]:
    """Findings for dates that contradict their event, and the ids of every mention attached to one."""
    text = doc.text
    readings = {id(m): r for m, r, _ in resolved}

    def year_of(m: DateMention) -> int | None:
        r = readings.get(id(m))
        return stated.get(id(m)) or (r.year if r else pub.date.year if pub.date else None)

    out, attached = [], set()
    for a in attachments(text, [m for m in mentions if id(m) in readings], events,
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


def datelines(
    doc: Document, resolved: list[Resolved], pub: Publication, ctx: dict[str, Any], settings: Mapping[str, Any],
) -> list[Finding]:
    """Datelines later than publication (warning) or older than a couple of days (info)."""
    if pub.source != "record" or pub.date is None:
        return []
    s, text, out = settings, doc.text, []
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


def outliers(
    doc: Document, resolved: list[Resolved], pub: Publication, ctx: dict[str, Any], settings: Mapping[str, Any],
) -> list[Finding]:
    """Year-less past dates far from a tight cluster of the article's other dates."""
    s = settings
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


def range_order(doc: Document, mentions: list[DateMention], found: list[Finding]) -> list[Finding]:
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


def mixed_formats(doc: Document, mentions: list[DateMention]) -> list[Finding]:
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
