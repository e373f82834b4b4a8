"""Builders shared by the tests/test_outlets_*.py files: reports and stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detector.article import Article
from detector.findings import ArticleReport, Category, Finding, Severity
from detector.store import Store

CLEAN = ("The council met on Tuesday to discuss the new budget for schools and roads.\n"
         "Members agreed to publish the full plan next month after a public hearing.\n")


def finding(text: str, word: str, category: str = "mt", rule: str | None = None, **kw: Any) -> Finding:
    start = text.index(word)
    return Finding(rule or f"Test.{category}", Category(category), Severity(kw.pop("severity", "warning")),
                   start, start + len(word), word, kw.pop("message", f"{word} is wrong"), **kw)


def report(aid: str, text: str = CLEAN, outlet: str = "daily", findings: Sequence[Finding] = (),
           published: str | None = "2022-03-01", annotations: dict | None = None, words: int | None = None) -> ArticleReport:
    art = Article(aid, text, outlet=outlet, published=dt.date.fromisoformat(published) if published else None)
    return ArticleReport(art, list(findings), score=90.0, language="en",
                         words=words if words is not None else len(text.split()), annotations=annotations or {})


def store_with(path: Path, reports: Sequence[ArticleReport]) -> Store:
    store = Store(path)
    stored, errors = store.add_reports(reports, store.start_run(config={"x": 1}))
    assert not errors, errors
    return store


BODIES = [
    "Farmers in the south expect a late harvest after weeks of rain.",
    "The city opened a new library with a reading room for children.",
    "Rail workers agreed a pay deal after talks that lasted all night.",
    "A local bakery won a national prize for its rye bread this year.",
    "Police closed the bridge for repairs until the end of the month.",
]
