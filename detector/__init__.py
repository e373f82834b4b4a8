"""detector: flags machine-translation artefacts, transliteration inconsistencies, mistyped dates
and boilerplate in news articles, and scores each outlet's reliability from what it finds.

The Python API that the CLI, notebooks and reports share::

    import detector
    report = detector.check(text, outlet="example.com", published="2022-03-01")
    for report in detector.scan(articles, batch_size=32): ...
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable, Iterator

__version__ = "0.1.0"

if TYPE_CHECKING:
    from detector.article import Article
    from detector.findings import ArticleReport
    from detector.scanner import Scanner

_default_scanner: "Scanner | None" = None


def default_scanner() -> "Scanner":
    """The process-wide scanner with the effective config (built lazily, once)."""
    global _default_scanner
    if _default_scanner is None:
        from detector.scanner import Scanner

        _default_scanner = Scanner()
    return _default_scanner


def check(
    text: str,
    *,
    outlet: str | None = None,
    published: "dt.date | str | None" = None,
    title: str | None = None,
    id: str = "article",
    url: str | None = None,
) -> "ArticleReport":
    """Check one article's text and return its report."""
    from detector.article import Article
    from detector.io.readers import parse_date

    article = Article(
        id=id,
        text=text,
        outlet=outlet or "unknown",
        url=url,
        title=title,
        published=parse_date(published) if isinstance(published, str) else published,
    )
    return default_scanner().check_articles([article])[0]


def scan(articles: "Iterable[Article]", *, batch_size: int | None = None) -> "Iterator[ArticleReport]":
    """Check many articles, batch by batch, yielding reports in input order."""
    return default_scanner().scan(articles, batch_size=batch_size)


__all__ = ["check", "scan", "default_scanner", "__version__"]
