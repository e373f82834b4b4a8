"""Run the dates check on one text as the scanner would (shared by the dates tests)."""

from __future__ import annotations

import datetime as dt

from detector.article import Article, Document
from detector.checks.dates import DatesCheck
from detector.findings import Finding


def run_dates(text: str, published: dt.date | None, title: str | None = None, **settings) -> list[Finding]:
    """The dates check's findings on ``text``; every finding's offsets are checked against the text."""
    check = DatesCheck(settings)
    check.ensure_setup()
    found = check.check(Document(Article(id="t", text=text, published=published, title=title))).findings
    for f in found:
        assert text[f.start:f.end] == f.text
    return found
