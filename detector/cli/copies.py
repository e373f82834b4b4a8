"""``detector copies``: stories copied across outlets, with each story's original."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from detector.cli.app import UsageError, app, warn
from detector.io.writers import printable

CSV_COLUMNS = ["story", "original", "id", "outlet", "published", "link", "similarity", "evidence"]


@app.command()
def copies(
    outlet: Optional[str] = typer.Argument(None, help="Only stories with a member from this outlet."),
    db: Path = typer.Option(..., "--db", help="The results store written by 'detector check --db'."),
    format: str = typer.Option("text", "--format", "-f", help="text | json | csv"),
    min_similarity: Optional[float] = typer.Option(None, "--min-similarity", help="Drop links below this similarity (0-1; default: copies.min_similarity)."),
    index_dir: Optional[Path] = typer.Option(None, "--index", help="The copy index folder (default: DB.copies beside the store)."),
    config: Optional[Path] = typer.Option(None, "--config", help="A detector.toml or pyproject.toml (its tool.detector.copies settings)."),
) -> None:
    """Find verbatim, near-verbatim, machine-rewritten and partial copies across outlets, grouped into stories."""
    from detector import copies as cp
    from detector.cli.outlets import _open
    from detector.config import load_config

    if format not in ("text", "json", "csv"):
        raise UsageError("--format must be text, json or csv")
    settings = dict(load_config(config).get("copies") or {})
    if min_similarity is None:
        min_similarity = float(settings.get("min_similarity", 0.0))
    if not 0.0 <= min_similarity <= 1.0:
        raise UsageError(f"--min-similarity must be between 0 and 1, not {min_similarity:g}")
    store = _open(db)
    try:
        if outlet is not None and outlet not in store.outlets():
            raise UsageError(f"no outlet {outlet!r} in {db} (run 'detector outlets --db {db}' for the list)")
        try:
            found, stats, index = cp.find(store, settings, folder=index_dir, min_similarity=min_similarity)
        except PermissionError as exc:
            raise UsageError(f"cannot write the copy index ({exc}); give a writable folder with --index") from None
        if outlet is not None:
            found = [s for s in found if any(m.meta.outlet == outlet for m in s.members)]
        clusters = [cp.story_dict(s, index) for s in found]
        index.close()
    finally:
        store.close()
    if index.rebuilt:
        warn("the copy index was built with other settings (or an older detector): rebuilt it from the store")
    if stats.added:
        warn(f"indexed {stats.added} new article(s), {stats.compared} candidate pair(s) compared in {stats.seconds:.1f} s")
    if stats.notice():
        warn(stats.notice())
    _print(clusters, format)


def _print(clusters: list[dict], format: str) -> None:
    if format == "json":
        typer.echo(json.dumps({"clusters": clusters}, indent=2, ensure_ascii=False))
        return
    if format == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for c in clusters:
            for m in c["members"]:
                w.writerow({"story": c["id"], "original": c["original"], **{k: m[k] for k in CSV_COLUMNS[2:7]},
                            "evidence": json.dumps(m["evidence"], ensure_ascii=False)})
        return
    if not clusters:
        typer.echo("no copies found")
        return
    for c in clusters:
        typer.echo(printable(f"{c['id']}: {len(c['members'])} article(s), original {c['original']}"))
        for m in c["members"]:
            ev = m["evidence"]
            how = (f"{ev['aligned_sentences']}/{ev['of_sentences']} sentences aligned, {ev['verbatim_sentences']} verbatim"
                   if ev else "earliest, fewest defects")
            names = ", ".join(ev.get("shared_names_numbers", [])[:5])
            typer.echo(printable(f"  {m['link']:<9} {m['similarity']:5.2f}  {m['outlet']}  {m['id']}  {m['published'] or '-'}"
                                 f"  ({how}{'; shared: ' + names if names else ''})"))
    typer.echo(f"{len(clusters)} stor{'y' if len(clusters) == 1 else 'ies'} with copies.")
