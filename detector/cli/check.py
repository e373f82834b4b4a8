"""``detector check``: scan articles and print findings like a linter."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Iterator, Optional

import typer

from detector.article import Article
from detector.cli.app import UsageError, app, warn
from detector.findings import Severity

FAIL_ON = ("error", "warning", "info", "never")


def load_effective_config(config: Optional[Path], overrides: dict) -> "Config":  # noqa: F821
    from detector.config import load_config

    return load_config(config).with_overrides(overrides)


def open_output(path: Optional[Path], force: bool, protected: "list[tuple[Path, str]]" = ()) -> IO[str]:  # noqa: F821
    """stdout, or a new file; an existing file is never overwritten without --force, and never
    when it is one of this run's inputs or its results store (``protected``)."""
    if path is None or str(path) == "-":
        return sys.stdout
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder; give a file name")
    for other, what in protected:
        same = os.path.samefile(path, other) if path.exists() and other.exists() else path.resolve() == other.resolve()
        if same:
            raise UsageError(f"--output {path} is also {what} of this run; writing it would destroy it")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; choose another --output or pass --force to overwrite it")
    return path.open("w", encoding="utf-8", newline="")


def articles_only(items: Iterator, errors: list) -> Iterator[Article]:
    """Pass articles through; report broken records on stderr and count them."""
    for item in items:
        if isinstance(item, Article):
            yield item
        else:
            errors.append(item)
            warn(f"skipped {item}")


@app.command()
def check(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin (.txt .jsonl[.gz] .json .csv .parquet .html)."),
    format: str = typer.Option("text", "--format", "-f", help="text | json | jsonl | csv | sarif"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout (never overwrites without --force, never an input or the --db store)."),
    force: bool = typer.Option(False, "--force", help="Allow --output to replace an existing file."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 when a finding is at least this severe: error | warning | info | never."),
    select: Optional[list[str]] = typer.Option(None, "--select", help="Only these rule-id prefixes or categories (repeatable, or comma-separated)."),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help="Skip these rule-id prefixes or categories."),
    config: Optional[Path] = typer.Option(None, "--config", help="A detector.toml or pyproject.toml (default: found from the working directory)."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Outlet of plain files and of records without one."),
    glob: str = typer.Option("**/*", "--glob", help="Which files to read inside folders."),
    text_key: str = typer.Option("text", "--text-key", help="Record field holding the text."),
    id_key: str = typer.Option("id", "--id-key", help="Record field holding the id."),
    outlet_key: str = typer.Option("outlet", "--outlet-key", help="Record field holding the outlet."),
    html_text: str = typer.Option("main", "--html-text", help="HTML pages: main (article text) or full (every visible line)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Articles per batch."),
    jobs: str = typer.Option("auto", "--jobs", "-j", help="Worker processes on this machine: a number, or auto (one per core for 16 or more countable articles, else 1)."),
    ray: Optional[str] = typer.Option(None, "--ray", help="Scan on Ray: a cluster address ('auto', 'ray://host:10001') or 'local'."),
    db: Optional[Path] = typer.Option(None, "--db", help="Also store every report in this SQLite results store (for 'detector outlets' and 'detector report'); a re-scan with other rules or settings is kept beside earlier results."),

    model: Optional[str] = typer.Option(None, "--model", help="MT model folder (from `detector train`) for the mt_model check."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is shown only when stderr is a terminal)."),
) -> None:
    """Check articles and report their defects."""
    from detector.checks import all_rules
    from detector.cli.progress import count_records, progress, wanted
    from detector.io.readers import InputFile, ReaderOptions, expand_inputs, iter_files
    from detector.io.writers import FORMATS, make_writer
    from detector.scanner import Scanner

    if format not in FORMATS:
        raise UsageError(f"unknown --format {format!r} (use one of {', '.join(FORMATS)})")
    if html_text not in ("main", "full"):
        raise UsageError("--html-text must be main or full")
    workers = parse_jobs(jobs)
    if ray is not None:
        _require_ray()
    overrides = {"select": _split(select), "ignore": _split(ignore), "fail_on": fail_on, "batch_size": batch_size,
                 "checks.mt_model.model": model}
    cfg = load_effective_config(config, overrides)
    threshold = str(cfg.get("fail_on")).lower()
    if threshold not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {threshold!r}")
    scanner = Scanner(cfg)  # cheap (checks load their resources on first use); validates select/ignore
    opts = ReaderOptions(text_key=text_key, id_key=id_key, outlet_key=outlet_key, outlet=outlet, glob=glob, html_text=html_text)
    files = expand_inputs(paths, opts)  # a missing path is an error before any output is opened
    errors: list = []
    first = _peek(iter_files(files, opts))
    protected = [(f.path, "an input") for f in files if isinstance(f, InputFile)] + ([(db, "the --db store")] if db else [])
    out = open_output(output, force, protected)
    announce_preflight(cfg)
    color = out is sys.stdout and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    writer = make_writer(format, out, rules=list(all_rules().values()), color=color)
    stored = _open_store(db, cfg, scanner)
    worst, seen = 0, 0
    show = wanted(quiet)
    total = count_records(files) if show or (workers is None and ray is None) else None
    if workers is None:  # auto: on Ray, the cluster's CPUs; here, by cores and the articles counted
        from detector.parallel import auto_jobs

        workers = 1 if ray is not None else auto_jobs(total)
    try:
        reports = run_scan(articles_only(first, errors), scanner, jobs=workers, ray=ray)
        for report in progress(reports, total, show):
            seen += 1
            writer.write(report)
            if stored is not None:
                stored.write(report)
            sev = report.max_severity()
            worst = max(worst, sev.rank if sev else 0)
        writer.close()
    finally:
        if out is not sys.stdout:
            out.close()
        if stored is not None:
            stored.close()
            stored.store.close()
    if stored is not None and stored.alternates:
        warn(f"{stored.alternates} result(s) were stored in {db} as extra versions beside a fuller result of the same "
             "article (made with more rules); 'detector outlets' and 'detector report' keep using the fuller ones")
    if stored is not None and stored.errors:
        warn(f"{len(stored.errors)} report(s) could not be stored in {db}; the other {stored.stored} were")
        raise typer.Exit(2)
    if errors:
        warn(f"{len(errors)} record(s) could not be read and were skipped")
        raise typer.Exit(2)
    if not seen:
        warn(f"no articles found in {', '.join(paths)}" + (f" matching --glob {glob!r}" if glob != "**/*" else ""))
        raise typer.Exit(2)
    if threshold != "never" and worst >= Severity.parse(threshold).rank:
        raise typer.Exit(1)


def parse_jobs(value: str) -> Optional[int]:
    """``--jobs``: a positive number, or None for auto."""
    if value.strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise UsageError(f"--jobs must be a positive number or auto, not {value!r}")
    return n


def run_scan(articles: Iterator[Article], scanner: "Scanner", jobs: int = 1, ray: Optional[str] = None) -> Iterator:  # noqa: F821
    """Reports in input order: in this process, on worker processes, or on Ray."""
    cfg = scanner.config
    batch = int(cfg.get("batch_size"))
    if ray is not None:
        from detector.parallel import scan_ray

        return scan_ray(articles, cfg, address=ray, workers=jobs if jobs > 1 else None, batch_size=batch)
    if jobs > 1:
        from detector.parallel import scan_processes

        return scan_processes(articles, cfg, jobs=jobs, batch_size=batch)
    return scanner.scan(articles, batch_size=batch)


def _require_ray() -> None:
    """Ray is an optional extra: without it, --ray is a usage error that says how to install it."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise UsageError("--ray needs Ray, which is not installed; install it with pip install 'detector[ray]'")


def _open_store(db: Optional[Path], cfg: "Config", scanner: "Scanner") -> "Optional[StoreWriter]":  # noqa: F821
    """A writer into the results store at ``db``, with this run's metadata recorded."""
    if db is None:
        return None
    from detector.store import Store, StoreError, StoreWriter, reports_models

    try:
        store = Store(db)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    run = store.start_run(config=cfg.values, models=reports_models(scanner.checks), command=" ".join(sys.argv))
    return StoreWriter(store, run, scope=scanner.scope(),
                       on_error=lambda r, msg: warn(f"could not store {r.article.location}: {msg}"))


def _peek(items: Iterator) -> Iterator:
    """Start the generator so missing inputs raise before any output is opened."""
    try:
        head = next(items)
    except StopIteration:
        return iter(())

    def chained() -> Iterator:
        yield head
        yield from items

    return chained()


def _split(values: Optional[list[str]]) -> Optional[list[str]]:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def announce_preflight(cfg) -> None:
    """Say once on stderr which enabled checks are off as configured (e.g. grammar without LanguageTool)."""
    from detector.checks import all_checks
    from detector.scanner import rule_matches

    select, ignore = list(cfg.get("select") or []), list(cfg.get("ignore") or [])
    for name, cls in all_checks().items():
        enabled = [r for r in cls.rules if (not select or rule_matches(r, select)) and not rule_matches(r, ignore)]
        note = cls.preflight({**cls.defaults, **cfg.check_settings(name)}) if enabled else None
        if note:
            warn(note)
