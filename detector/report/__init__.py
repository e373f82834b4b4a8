"""``detector report``: a static HTML report from the results store (no server, no JavaScript).

index.html ranks the outlets; outlets/<outlet>.html is an outlet's "nutrition label" (what each
category costs its score), its evidence and its trend; articles/<outlet>/<id>.html shows one text
with its defects highlighted (hover a highlight for message, rule and suggestion). Templates
(Jinja2, autoescaped) and the stylesheet live beside this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from detector import __version__
from detector.copies.views import CopyViews
from detector.mt.source_language.model import NAMES as LANGUAGE_NAMES
from detector.outlets import OutletAnalysis, analyze_outlet, countable, monthly_rates, source_language_words
from detector.reliability import OutletScore, score_outlets
from detector.report import plots
from detector.report.highlight import highlight
from detector.store import Store

HERE = Path(__file__).resolve().parent
MAX_EVIDENCE = 300  # findings listed on an outlet page (the article pages have all of them)
#: The files a report wrote, so replacing it deletes those and nothing else in the folder.
MANIFEST = ".detector-report.json"


def http_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address with a host; None for anything a browser would run
    or resolve locally (``javascript:``, ``data:``, ``file:``, relative paths)."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def slug(name: str) -> str:
    """A safe, stable file name: readable part plus a short hash (two names never collide)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or "x"
    return f"{readable}-{hashlib.sha1(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, d=1: f"{v:,.{d}f}"
    env.filters["http_url"] = http_url
    env.filters["language"] = lambda code: LANGUAGE_NAMES.get(code, code)
    return env


def write_report(store: Store, out: Path, settings: Mapping[str, Any]) -> int:
    """Write the report into ``out``; returns pages written.

    ``out`` may be new, empty, or hold an earlier report: then exactly the files that report
    listed in its manifest are replaced, and anything else in the folder is left alone. A folder
    with other files and no manifest is refused (FileExistsError): it is not ours to empty.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file; --out needs a folder")
    earlier = _manifest(out) if out.is_dir() else None
    if out.is_dir() and earlier is None and any(out.iterdir()):
        raise FileExistsError(f"{out} holds files that no detector report wrote (no {MANIFEST}); "
                              "refusing to write into it: choose a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        pages = _write(store, tmp, settings)
        written = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        (tmp / MANIFEST).write_text(json.dumps({"detector": __version__, "files": written}, indent=1), encoding="utf-8")
        if not out.exists():
            tmp.rename(out)  # atomic: the report appears whole or not at all
        else:
            _remove_listed(out, earlier or [])
            for rel in [*written, MANIFEST]:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp / rel, out / rel)
            shutil.rmtree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return pages


def _manifest(out: Path) -> list[str] | None:
    try:
        files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else None


def _remove_listed(out: Path, files: list[str]) -> None:
    """Delete an earlier report's own files (never a path outside ``out``) and the folders they leave empty."""
    root = out.resolve()
    folders: set[Path] = set()
    for rel in files:
        target = (out / rel).resolve()
        if root not in target.parents or not target.is_file():
            continue
        target.unlink()
        folders.update(p for p in target.parents if root in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _write(store: Store, out: Path, settings: Mapping[str, Any]) -> int:
    env = _env()
    categories = list(settings["weights"])
    analyses = {o: analyze_outlet(store, o, settings) for o in store.outlets()}
    scores, _ = score_outlets({o: a.counts for o, a in analyses.items()}, store.outlet_totals(), settings)
    scores = _with_copies(store, scores, settings)
    meta = {"version": __version__, "runs": [dict(r) for r in store.runs()], "categories": categories,
            "d0": float(settings["d0"]), "weights": settings["weights"],
            "short": {"transliteration": "translit", "boilerplate": "boiler.", "language": "lang."}}
    (out / "outlets").mkdir()
    (out / "articles").mkdir()
    shutil.copy(HERE / "style.css", out / "style.css")
    rows = [{"s": s, "slug": slug(s.outlet), "rules": analyses[s.outlet].rules.most_common(3)} for s in scores]
    figure = plots.forest([s.outlet for s in scores], [s.score for s in scores], [s.low for s in scores],
                          [s.high for s in scores], [s.sufficient for s in scores])
    _render(env, "index.html", out / "index.html", rows=rows, figure=figure, meta=meta, root=".")
    pages = 1
    with CopyViews(store) as views:
        for s in scores:
            pages += _outlet_pages(env, out, s, analyses[s.outlet], settings, meta, views)
    return pages


def _with_copies(store: Store, scores: list[OutletScore], settings: Mapping[str, Any]) -> list[OutletScore]:
    """The copy columns and their weight (``detector.copies.evidence``), when a copy index exists."""
    from detector.copies import evidence

    found = evidence.outlet_copies(store)
    return evidence.apply(scores, found[0], settings) if found is not None else scores


def _outlet_pages(env: Environment, out: Path, s: OutletScore, analysis: OutletAnalysis,
                  settings: Mapping[str, Any], meta: dict, views: CopyViews) -> int:
    oslug = slug(s.outlet)
    folder = out / "articles" / oslug
    folder.mkdir()
    label = nutrition_label(s, settings)
    months = monthly_rates(analysis, settings)
    figures = {
        "label": plots.load_breakdown([r["category"] for r in label], [r["contribution"] for r in label], meta["d0"]),
        "trend": plots.trend([m[0] for m in months], [1000.0 * m[3] / max(m[2], 1) for m in months], [m[1] for m in months]),
    }
    articles, evidence = [], []
    by_rule: Counter[str] = Counter()
    for a in analysis.articles:
        aslug = slug(a.article.id)
        counted = [f for f in a.findings if countable(f, settings)]
        articles.append({"a": a, "slug": aslug, "findings": len(a.findings), "counted": len(counted)})
        for f in a.findings:
            by_rule[f.rule] += 1
            if len(evidence) < MAX_EVIDENCE:
                evidence.append({"a": a, "slug": aslug, "f": f, "counted": f in counted})
        _render(env, "article.html", folder / f"{aslug}.html", a=a, outlet_slug=oslug, meta=meta, root="../..",
                body=highlight(a.article.text, a.findings), findings=a.findings, outlet=s.outlet,
                copies=views.html(a.pk, lambda o, i: f"../{slug(o)}/{slug(i)}.html"))
    _render(env, "outlet.html", out / "outlets" / f"{oslug}.html", s=s, label=label, figures=figures, months=months,
            articles=articles, evidence=evidence, by_rule=by_rule.most_common(), total=sum(by_rule.values()),
            max_evidence=MAX_EVIDENCE, meta=meta, root="..", oslug=oslug,
            sources=source_language_words(analysis.source_languages()))
    return 1 + len(articles)


def nutrition_label(s: OutletScore, settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What each category costs an outlet's score, largest first (the outlet page's table)."""
    weights = {k: float(v) for k, v in settings["weights"].items()}
    label = [{"category": k, "count": s.counts[k], "raw": s.raw_rates[k], "rate": s.rates[k], "weight": weights[k],
              "contribution": weights[k] * s.rates[k], "share": weights[k] * s.rates[k] / s.load if s.load else 0.0}
             for k in weights]
    label.sort(key=lambda r: -r["contribution"])
    return label


def _render(env: Environment, template: str, path: Path, **context: Any) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")
