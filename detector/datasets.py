"""Readers for the research data in ``../shared/data`` (training and evaluation only).

That data is research-use and never shipped: these functions read it where it lies. A user's clone
has no ``../shared``; ``shared_data_dir()`` then returns None and tests that need it skip.
Set ``DETECTOR_SHARED_DATA`` to point elsewhere.
"""

from __future__ import annotations

import gzip
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

_REPO = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path | None:
    """``$DETECTOR_SHARED_DATA``, else ``../shared/data`` beside the repository or the cwd."""
    env = os.environ.get("DETECTOR_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates += [_REPO.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c
    return None


def require_shared() -> Path:
    d = shared_data_dir()
    if d is None:
        raise FileNotFoundError("research data not found: set DETECTOR_SHARED_DATA or put shared/data beside the repo")
    return d


# -- WCXB: clean article bodies with their page furniture -------------------------------------
def iter_wcxb(path: Path | None = None) -> Iterator[dict]:
    """WCXB dev article pages: id, domain, url, ground_truth{title, publish_date, main_content, with, without}."""
    path = path or require_shared() / "boilerplate" / "wcxb-dev-articles.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# -- ScrapingHub article-extraction benchmark --------------------------------------------------
def iter_scrapinghub(folder: Path | None = None) -> Iterator[tuple[str, bytes, str, str]]:
    """(page_id, html bytes, ground-truth article body, url) for each page."""
    folder = folder or require_shared() / "boilerplate" / "scrapinghub"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html_path = folder / "html" / f"{page_id}.html.gz"
        if html_path.is_file():
            yield page_id, gzip.open(html_path, "rb").read(), truth[page_id]["articleBody"], truth[page_id].get("url", "")


# -- WMT22 general test sets -------------------------------------------------------------------
@dataclass
class WmtDoc:
    """One WMT22 document: source, human reference and MT outputs, as lists of segments."""

    id: str
    origlang: str
    domain: str | None
    src: list[str]
    ref: list[str]
    hyps: dict[str, list[str]] = field(default_factory=dict)


def _segments(el: ET.Element) -> list[str]:
    return [(seg.text or "").strip() for seg in el.iter("seg")]


def iter_wmt22(pair: str, path: Path | None = None) -> Iterator[WmtDoc]:
    """Documents of ``wmttest2022.<pair>.all.xml`` (pair "uk-en" or "ru-en"), streamed."""
    path = path or require_shared() / "mt" / "wmt22" / f"wmttest2022.{pair}.all.xml"
    for _event, el in ET.iterparse(path, events=("end",)):
        if el.tag != "doc":
            continue
        src = el.find("src")
        ref = el.find("ref")
        doc = WmtDoc(
            id=el.get("id", ""),
            origlang=el.get("origlang", ""),
            domain=el.get("domain"),
            src=_segments(src) if src is not None else [],
            ref=_segments(ref) if ref is not None else [],
            hyps={h.get("system", "?"): _segments(h) for h in el.findall("hyp")},
        )
        el.clear()
        yield doc


def wmt22_english_sources(path: Path | None = None) -> list[str]:
    """Original English news sentences (generaltest2022.en-uk.src.en), one per line."""
    path = path or require_shared() / "mt" / "wmt22" / "generaltest2022.en-uk.src.en"
    return [line.rstrip("\n") for line in path.open(encoding="utf-8") if line.strip()]


# -- SpellingUkraine ---------------------------------------------------------------------------
def iter_spellingukraine(folder: Path | None = None) -> Iterator[dict]:
    """Entries with ``kind`` (places, people, ...) added; sorted for reproducible splits."""
    folder = folder or require_shared() / "translit" / "spellingukraine"
    for path in sorted(folder.glob("*/*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["kind"] = path.parent.name
        entry["key"] = f"{path.parent.name}/{path.stem}"
        yield entry
