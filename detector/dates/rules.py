"""The date rules: stable ids, severities and their documentation (``detector rules Date.X``).

Kept apart from the check (``detector.checks.dates``) and the judging (``detector.dates.judge``) because the docs are long: they say what each
rule flags, what it leaves alone and why.
"""

from __future__ import annotations

from detector.checks.base import Rule
from detector.findings import Category, Severity

IMPOSSIBLE = Rule(
    id="Date.Impossible", category=Category.DATE, severity=Severity.ERROR,
    summary="A date that does not exist: February 30, April 31, July 32, February 29 in a non-leap year, month 13.",
    doc=(
        "Flags a written date with no calendar reading: a day past the end of its month (\"April 31\", "
        "\"February 30\", \"February 29, 2022\"; days 32-39 in any form: \"July 32\", \"32 January\", \"the 33rd of March\", "
        "\"35/01/2022\", \"2022-01-36\"), or a numeric date whose month is 13 or more in every reading "
        "(\"2022-13-01\", \"31/13/2022\"). A year-less February 29 is judged in the year the article implies. "
        "\"In February 30 people died\", \"May 32 killed\" and \"June 35 soldiers\" are read as counts, not dates. When the text states a weekday, the "
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
        "\"scheduled\", \"set for\", \"next\", \"until\", \"due\", \"expected\", ...; a cue counts only when it governs the "
        "date: not across a past-tense verb, \"who will be chairman, told investors on Dec. 31\", nor in a later "
        "clause, \"on Dec. 31 that the merger would\"), when the date names an "
        "event (\"the Feb. 24 invasion\") or a named day or anniversary (\"Victory Day on May 9\"), in a "
        "dateline (judged by `Date.Dateline`), or when the paragraph's own year places it in the past. A year-less "
        "date in a past-tense report with no cue for another year (\"last year\", \"a year ago\", a year in the "
        "sentence) is read in the nearer year when that lies at most 94 days ahead (how far a month typo of up "
        "to three months moves a date; half a year when the sentence names that year), and the message names "
        "the other reading (`data.readings`); with such a cue it reads as last year. A year-less date ahead that "
        "no past-tense verb reports (\"the tour picks up February 7th\") and the end of a period under way "
        "(\"runs from 29 November to 20 January\") are left alone. The tolerance "
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

DATELINE = Rule(
    id="Date.Dateline", category=Category.DATE, severity=Severity.WARNING,
    summary="A dateline dated after publication (or, as info, more than two days before it).",
    doc=(
        "A dateline (\"MINSK, 16 March (BelTA) –\", \"KYIV, March 5 (Reuters) -\", \"WASHINGTON (March 5) —\") states when "
        "the report was "
        "filed. It may carry the publication day or a day or two before (`dateline_max_lag_days`, default 2); "
        "one after publication (beyond `dateline_tolerance_days`, default 0) is an error like any other "
        "date (warning; the suggestion is the publication day in the dateline's form). One older than the lag is "
        "reported as info: a wire story republished later, or a typo. A year-less dateline is read in the "
        "nearer year. Judged only against a publication date given in the record."
    ),
)
KNOWN_EVENT = Rule(
    id="Date.KnownEvent", category=Category.DATE, severity=Severity.WARNING,
    summary="A date attached to a well-known event that disagrees with the event's date.",
    doc=(
        "\"In the first hours of the invasion on January 24\" (24 February 2022), \"Victory Day on May 8\" in a "
        "Russian context (9 May). No calendar rule sees these. The event's name must sit right beside the "
        "date (\"the invasion on ...\", \"Victory Day (May 9)\", \"the Feb. 24 invasion\", \"the Kakhovka dam was "
        "destroyed on ...\"), with only a few linking words between. The table, with a source for each date, is "
        "`detector/dates/events.json`: the full-scale invasion (24 Feb 2022), the annexation of Crimea (18/21 "
        "March 2014), Ukraine's Independence Day (24 Aug) and declaration of independence (1991), Victory Day "
        "(9 May in Russia and Belarus and in Ukraine before 2023, 8 May in Ukraine since 2023), VE Day (8 May), "
        "Ukraine's Constitution Day (28 June), the Kerch bridge attacks (8 Oct 2022, 17 July 2023), the "
        "Kakhovka dam breach (6 June 2023), the Kursk incursion (6 Aug 2024), MH17 (17 July 2014), the Mariupol "
        "theatre airstrike (16 March 2022), Russia's partial mobilisation (21 Sept 2022), the annexation of four "
        "regions (30 Sept 2022), the liberation of Kherson (11 Nov 2022), the Wagner mutiny (23-24 June 2023) "
        "and the sinking of the Moskva (13-14 April 2022). A date whose written year differs from a one-off "
        "event's is left alone (another event of that name) unless day and month match (a year typo, not in "
        "an anniversary sentence). Days of the same name in several countries choose by the sentence's words. "
        "Add events with `[[tool.detector.checks.dates.known_events]]` (keys `name`, `phrase`, `dates`, and "
        "optionally `requires`, `excludes`, `scope`, `years`, `source`; see docs/configuration.md). The "
        "suggestion is the event's date in the article's form; `data.event` names the event."
    ),
)
RANGE_ORDER = Rule(
    id="Date.RangeOrder", category=Category.DATE, severity=Severity.WARNING,
    summary="A date range that ends before it starts: \"from April 20 to January 22, 2026\".",
    doc=(
        "A month typo in one end of a range leaves both dates plausible alone; their order shows it. Ranges "
        "are \"from A to/until/through B\", \"between A and B\" and \"A–B\" with both ends full dates. News style "
        "writes the year once, at the end, when both ends fall in that year (AP gives both years when a range "
        "crosses a new year), so a year-less start is read in the end's year. Only ranges whose end carries a "
        "year are judged: \"from December 20 to January 5\" may straddle a new year and is left alone, as is "
        "\"from Dec. 14, 2025, to Jan. 16, 2026\". No suggestion: either end may hold the typo."
    ),
)

#: Every date rule, in the order the docs list them.
RULES = (IMPOSSIBLE, WEEKDAY_MISMATCH, FUTURE, OUTLIER, MIXED_FORMAT, DATELINE, KNOWN_EVENT, RANGE_ORDER)
