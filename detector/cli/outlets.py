"""``detector outlets`` (rank outlets, or list one outlet's defects) and ``detector report`` (HTML)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from detector.cli.app import UsageError, app, warn
from detector.findings import Category
from detector.io.writers import printable

CATEGORIES = tuple(c.value for c in Category if c is not Category.INTERNAL)
SHORT = {"transliteration": "translit", "boilerplate": "boiler", "language": "lang"}


def _settings(config: Optional[Path]) -> dict:
    from detector.config import load_config

    return load_config(config).get("outlets")


def _open(db: Path) -> Store:  # noqa: F821
    from detector.store import Store, StoreError

    try:
        store = Store(db, readonly=True)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if store.notice:
        warn(store.notice)
    return store


@app.command()
def outlets(
    outlet: Optional[str] = typer.Argument(None, help="An outlet: list its defects instead of ranking all outlets."),
    db: Path = typer.Option(..., "--db", help="The results store written by 'detector check --db'."),
    format: str = typer.Option("text", "--format", "-f", help="text | json | csv"),
    rule: Optional[str] = typer.Option(None, "--rule", help="With OUTLET: only rules with this id prefix."),
    category: Optional[str] = typer.Option(None, "--category", help="With OUTLET: only this category."),
    since: Optional[str] = typer.Option(None, "--since", help="With OUTLET: only articles published on or after YYYY-MM-DD."),
    top: int = typer.Option(3, "--top", min=0, help="Rules shown per outlet in the ranking."),
    config: Optional[Path] = typer.Option(None, "--config", help="A detector.toml or pyproject.toml (its tool.detector.outlets settings)."),
) -> None:
    """Rank outlets by reliability score, or list one outlet's defects."""
    from detector import outlets as phase2

    if format not in ("text", "json", "csv"):
        raise UsageError("--format must be text, json or csv")
    if category is not None and category not in CATEGORIES:
        raise UsageError(f"unknown --category {category!r} (use one of {', '.join(CATEGORIES)})")
    try:
        since_date = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise UsageError(f"--since must be a date like 2022-03-01, not {since!r}") from None
    settings = _settings(config)
    store = _open(db)
    try:
        if outlet is None:
            if rule or category or since:
                raise UsageError("--rule, --category and --since filter one outlet's defects: give an OUTLET")
            scores, rules, _ = phase2.analyze(store, settings)
            _print_ranking(scores, rules, list(settings["weights"]), format, top, phase2.main_source_languages(store))
            return
        if outlet not in store.outlets():
            raise UsageError(f"no outlet {outlet!r} in {db} (run 'detector outlets --db {db}' for the list)")
        analysis = phase2.analyze_outlet(store, outlet, settings)
        rows = [_defect_row(a, f) for a, f in phase2.defects(analysis, rule=rule, category=category, since=since_date)]
        _print_defects(outlet, rows, format)
        if format == "text":
            languages = phase2.main_source_languages(store).get(outlet, [])
            typer.echo(f"Main source languages (articles judged machine-translated from them): {phase2.source_language_words(languages)}.")
    finally:
        store.close()


def _print_ranking(scores: list, rules: dict, categories: list[str], format: str, top: int,
                   languages: dict[str, list[tuple[str, int]]] | None = None) -> None:
    from detector.outlets import source_language_words

    languages = languages or {}
    if format == "json":
        typer.echo(json.dumps([{**s.to_dict(), "top_rules": rules.get(s.outlet, {}).most_common(top),
                                "source_languages": languages.get(s.outlet, [])} for s in scores],
                              indent=2, ensure_ascii=False))
        return
    if format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["outlet", "score", "low", "high", "tier", "articles", "words",
                    *[f"{k}_per_1000" for k in categories], "top_rules", "rewrite_share", "syndication_share", "source_languages"])
        for s in scores:
            w.writerow([s.outlet, f"{s.score:.1f}", f"{s.low:.1f}", f"{s.high:.1f}", s.tier, s.articles, s.words,
                        *[f"{s.rates[k]:.3f}" for k in categories],
                        ";".join(f"{r}={n}" for r, n in rules.get(s.outlet, {}).most_common(top)),
                        *(f"{s.copies[k]:.3f}" if s.copies else "" for k in ("rewrite_share", "syndication_share")),
                        ";".join(f"{k}={n}" for k, n in languages.get(s.outlet, []))])
        return
    if not scores:
        typer.echo("no outlets in the store")
        return
    width = max(6, *(len(s.outlet) for s in scores))
    short = {k: SHORT.get(k, k[:8]) for k in categories}
    typer.echo(f"{'outlet':<{width}}  score  90% interval  {'tier':<29} articles    words  "
               + "  ".join(f"{short[k]:>8}" for k in categories) + "  rewrites  syndic.  top rules  |  translated from")
    for s in scores:
        tops = ", ".join(f"{r} ({n})" for r, n in rules.get(s.outlet, {}).most_common(top)) or "-"
        copied = "  ".join(f"{100 * s.copies[k]:7.0f}%" if s.copies else f"{'-':>8}" for k in ("rewrite_share", "syndication_share"))
        typer.echo(printable(f"{s.outlet:<{width}}  {s.score:5.1f}  {s.low:5.1f}–{s.high:5.1f}   {s.tier:<29} {s.articles:8d} "
                   f"{s.words:8d}  " + "  ".join(f"{s.rates[k]:8.2f}" for k in categories) + f"  {copied}  {tops}"
                   f"  |  {source_language_words(languages.get(s.outlet, []))}"))
    typer.echo("Rates are defects per 1,000 words (posterior means, shrunk towards all outlets' typical rate).")
    if any(s.copies for s in scores):
        typer.echo("rewrites: articles that are unattributed machine rewrites of another outlet's earlier article; "
                   "syndic.: verbatim copies of another outlet's (not scored); from the copy index beside the store (docs/copies.md).")


DEFECT_COLUMNS = ["article", "published", "rule", "category", "severity", "start", "end", "text", "message",
                  "suggestion", "excerpt"]


def _defect_row(a, f) -> dict:
    excerpt = a.article.text[max(0, f.start - 40):f.end + 40].replace("\n", " ")
    return {"article": a.article.id, "published": a.article.published.isoformat() if a.article.published else None,
            "rule": f.rule, "category": f.category.value, "severity": f.severity.value, "start": f.start, "end": f.end,
            "text": f.text, "message": f.message, "suggestion": f.suggestion, "excerpt": excerpt}


def _print_defects(outlet: str, rows: list[dict], format: str) -> None:
    if format == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if format == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=DEFECT_COLUMNS)
        w.writeheader()
        w.writerows(rows)
        return
    for r in rows:
        typer.echo(printable(f"{r['article']}:{r['start']}-{r['end']}: {r['severity']} {r['rule']}: {r['message']}"))
        typer.echo(printable(f"    …{r['excerpt']}…"))
        if r["suggestion"]:
            typer.echo(printable(f"    suggestion: {r['suggestion']}"))
    typer.echo(printable(f"{len(rows)} defect(s) in outlet {outlet}."))


@app.command()
def report(
    db: Path = typer.Option(..., "--db", help="The results store written by 'detector check --db'."),
    out: Path = typer.Option(..., "--out", help="Folder to write the HTML report into."),
    force: bool = typer.Option(False, "--force", help="Replace an earlier report in --out: only the files it listed in its .detector-report.json are deleted."),
    config: Optional[Path] = typer.Option(None, "--config", help="A detector.toml or pyproject.toml (its tool.detector.outlets settings)."),
) -> None:
    """Write a static HTML report: outlet table, outlet pages, article pages with defects highlighted."""
    from detector.report import write_report

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder for the report")
    if out.exists() and not force and any(out.iterdir()):
        raise UsageError(f"{out} exists; choose another --out or pass --force to replace the report in it")
    settings = _settings(config)
    store = _open(db)
    try:
        pages = write_report(store, out, settings)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    typer.echo(f"wrote {pages} page(s) to {out}/index.html")
