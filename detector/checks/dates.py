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
from detector.dates import judge
from detector.dates.context import (
    NEARER_AHEAD_DAYS,
    infer_publication,
    is_dateline,
    is_live,
    is_past_report,
    names_year,
    paragraph_years,
    relative_year,
    resolve_year,
    says_last_year,
)
from detector.dates.events import compile_events, load_events
from detector.dates.extract import extract_dates, valid_day
from detector.dates.ranges import range_years, ranges
from detector.dates.rules import RULES
from detector.findings import Finding


@register
class DatesCheck(Check):
    """Calendar checks over the dates an article writes."""

    name = "dates"
    rules = RULES
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
        resolved: list[judge.Resolved] = []  # (mention, reading, year was written)
        para_years = paragraph_years(text, mentions)
        from_end = range_years(text, mentions)  # "from April 20 to May 2, 2026": the start is in 2026
        stated: dict[int, int | None] = {}  # id(mention) -> the year the text gives it, if any
        for i, m in enumerate(mentions):
            if not m.is_day:
                continue
            year = m.year or relative_year(text, m, pub.date) or from_end.get(i) or para_years[i]
            stated[id(m)] = year
            if m.impossible or (year and not valid_day(year, m.month, m.day)):
                findings.append(judge.impossible(doc, m, year or (pub.date.year if pub.date else None), ctx))
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
                    findings.append(judge.weekday(doc, m, reading, ctx, confidence=0.95 if m.year else 0.8))
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
                    findings.append(judge.impossible(doc, m, pub.date.year, ctx))
                    continue
                if not agrees:
                    findings.append(judge.weekday(doc, m, reading, ctx, confidence=0.8))
                    continue
            else:
                continue
            resolved.append((m, reading, m.year is not None or year is not None))
        readings = {id(m): r for m, r, _ in resolved}
        events, attached = judge.known_events(doc, mentions, resolved, stated, pub, ctx, self.events)
        findings += events
        rest = [x for x in resolved if id(x[0]) not in attached]  # an event's date is judged by its event
        findings += judge.datelines(doc, rest, pub, ctx, self.settings)
        # The end of a period that has begun may lie ahead ("the exhibition runs from 29 November to 20
        # January"), unless the sentence tells it as past ("ran from 1 to 10 March").
        begun = {id(b) for _, a, b in ranges(text, mentions, listing=True)
                 if pub.effective and (r := readings.get(id(a))) and r <= pub.effective
                 and not (id(b) in readings and is_past_report(text, b, readings[id(b)].year))}
        findings += judge.future(doc, [x for x in rest if id(x[0]) not in begun], pub, live, ctx, self.settings)
        findings += judge.outliers(doc, rest, pub, ctx, self.settings)
        findings += judge.mixed_formats(doc, mentions)
        findings += judge.range_order(doc, mentions, findings)
        annotations = {
            "publication": ctx["publication"],
            "publication_source": pub.source,
            "dates": [{"start": m.start, "end": m.end, "value": r.isoformat()} for m, r, _ in resolved],
        }
        return Result(findings, annotations=annotations)


__all__ = ["DatesCheck"]
