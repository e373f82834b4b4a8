"""Where each copy-eval split's texts come from, and the fresh held-out split ``test2``.

Every article's truth names its ``source``: a WMT document (``wmt22/uk-en/test_uk_257``), a window
of consecutive lines of a line-aligned WMT set (``wmt21/cs-en/lines 120-131``), a page of a site
(``wcxb/<site>/<page>``, ``scrapinghub/<site>/<page>``) or a line of an HT-vs-MT file
(``ht-vs-mt/org_en_wmt18.txt:4``). No source document, and no site, is in two splits
(``disjointness``; dev_hard is dev's hard half and shares its sources on purpose).

``test2`` was built after ``test`` had been looked at twice, from what no other split reads:

- stories: WMT22 ja-en news documents, and WMT21 cs/de/ha/zh-en (all news; no document ids) as
  pseudo-documents of 8-20 consecutive lines, each window followed by a skipped gap as long as
  itself, so two windows are rarely neighbours in one source document;
- verbatim copies and body negatives: WCXB and ScrapingHub pages of sites no other split drew;
- negatives: spare stories, spare bodies and HT-vs-MT original English news, in turn.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

import numpy as np

from detector.datasets import WmtDoc, iter_wmt22, require_shared

LINE_PAIRS = ("cs-en", "de-en", "ha-en", "zh-en")
_WINDOW = re.compile(r"(.+)/lines (\d+)-(\d+)")


def site(source: str) -> str | None:
    """The site of a page's source (``wcxb/<site>/<page>``), ``www.`` dropped; None for other sources."""
    kind, _, rest = source.partition("/")
    if kind not in ("wcxb", "scrapinghub"):
        return None
    host = rest.split("/", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def keys(sources: Iterable[str]) -> set[str]:
    """What two splits must not share: each source document, each page's site, and each line of a
    line window (two windows of one set must not overlap)."""
    out = set()
    for s in sources:
        out.add(s)
        if (h := site(s)) is not None:
            out.add(f"site:{h}")
        if (m := _WINDOW.fullmatch(s)) is not None:
            out.update(f"{m[1]}/line {i}" for i in range(int(m[2]), int(m[3]) + 1))
    return out


def disjointness(splits: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """For every two splits, what they share (an empty list when nothing): dev and dev_hard
    share their sources by design and are taken as one."""
    groups: dict[str, set[str]] = {}
    for name, sources in splits.items():
        groups.setdefault("dev" if name == "dev_hard" else name, set()).update(keys(sources))
    names = sorted(groups)
    return {f"{a}/{b}": sorted(groups[a] & groups[b]) for i, a in enumerate(names) for b in names[i + 1:]}


def line_windows(folder: Path, pair: str, rng: np.random.Generator, per_pair: int, year: str = "2021",
                 sizes: tuple[int, int] = (8, 20), stem: str | None = None, reference: str = "A") -> list[WmtDoc]:
    """Pseudo-documents of consecutive lines of a line-aligned WMT set (``folder`` holds its
    ``sources``, ``references`` and ``system-outputs``, named ``stem``.*): one reference, and every
    system with all lines."""
    stem = stem or f"newstest{year}.{pair}"

    def lines(path: Path) -> list[str]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return [x.rstrip("\n").strip() for x in f]

    src = lines(next((folder / "sources").glob(f"{stem}.src.*.gz")))
    ref = lines(folder / "references" / f"{stem}.ref.{reference}.en.gz")
    hyps = {p.name[len(stem) + 5:-6]: lines(p) for p in sorted((folder / "system-outputs").glob(f"{stem}.hyp.*.en.gz"))}
    hyps = {k: v for k, v in hyps.items() if len(v) == len(ref)}
    out, start = [], 0
    while len(out) < per_pair:
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        if start + size > len(ref):
            break
        sl = slice(start, start + size)
        out.append(WmtDoc(id=f"wmt{year[2:]}/{pair}/lines {start}-{start + size - 1}", origlang=pair[:2], domain="news",
                          src=src[sl], ref=ref[sl], hyps={k: v[sl] for k, v in hyps.items()}))
        start += 2 * size  # a gap as long as the window
    return out


def test2_docs(seed: int = 0, per_pair: int = 15) -> list[WmtDoc]:
    """WMT22 ja-en news documents (ids prefixed with their set) and WMT21 line windows."""
    data = require_shared() / "mt"
    rng = np.random.default_rng(seed + 2100)
    ja = []
    for d in iter_wmt22("", data / "wmt22" / "wmttest2022.ja-en.all.xml"):
        if d.domain == "news":
            d.id = f"wmt22/ja-en/{d.id}"
            ja.append(d)
    return ja + [w for p in LINE_PAIRS for w in line_windows(data / "wmt21" / "txt", p, rng, per_pair)]


def interleave(*lists: list[Any]) -> list[Any]:
    """One of each list in turn, until all are used."""
    return [x for x in chain.from_iterable(zip_longest(*lists)) if x is not None]


def test2_bodies(used: set[str], seed: int = 0, per_source: int = 30) -> list[tuple[str, str, list[str], str]]:
    """WCXB and ScrapingHub bodies, in turn, of sites whose key is not in ``used`` (``keys``)."""
    from detector.eval.copies_corpus import _bodies

    rng = np.random.default_rng(seed + 2200)
    out = []
    for kind in ("dev", "test"):  # the readers: WCXB, ScrapingHub
        fresh = [b for b in _bodies(kind) if not keys([b[3]]) & used]
        one_per_site: dict[str | None, tuple] = {}
        for b in fresh:  # one page a site: sites, not pages, are what a user's data differs by
            one_per_site.setdefault(site(b[3]), b)
        pages = list(one_per_site.values())
        out.append([pages[i] for i in rng.permutation(len(pages))[:per_source]])
    return interleave(*out)


def ht_vs_mt_news(n: int, used: set[str] = frozenset(), newest_first: bool = False) -> list[tuple[str, str]]:
    """(text, source) of HT-vs-MT original English news documents of 120-900 words."""
    folder = require_shared() / "mt" / "ht-vs-mt" / "deepl" / "train"
    files = sorted(folder.glob("org_en_wmt1*.txt"), reverse=newest_first)
    docs = ((line.strip(), f"ht-vs-mt/{f.name}:{i}") for f in files for i, line in enumerate(f.open(encoding="utf-8")))
    return [(t, s) for t, s in docs if 120 <= len(t.split()) <= 900 and s not in used][:n]
