"""``detector rules`` and ``detector config``: what each rule means, and which settings apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from detector.cli.app import UsageError, app


@app.command()
def rules(
    rule_id: Optional[str] = typer.Argument(None, help="A rule id (Date.Future) or prefix (Date) to document."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """List the rules, or print the documentation of one rule."""
    from detector.checks import all_rules

    known = all_rules()
    chosen = [r for rid, r in sorted(known.items()) if rule_id is None or rid == rule_id or rid.startswith(rule_id)]
    if rule_id is not None and not chosen:
        raise UsageError(f"no rule {rule_id!r} (run 'detector rules' for the list)")
    if format == "json":
        typer.echo(json.dumps([
            {"id": r.id, "category": r.category.value, "severity": r.severity.value, "summary": r.summary,
             "doc": r.doc, "outlet_level": r.outlet_level} for r in chosen], indent=2))
        return
    if format != "text":
        raise UsageError("--format must be text or json")
    if rule_id is not None and len(chosen) == 1 or (rule_id and "." in rule_id):
        for r in chosen:
            scope = "outlet-level" if r.outlet_level else "per article"
            typer.echo(f"{r.id}  ({r.category.value}, default severity {r.severity.value}, {scope})\n")
            typer.echo(f"{r.summary}\n\n{r.doc}\n")
        return
    width = max(len(r.id) for r in chosen)
    for r in chosen:
        typer.echo(f"{r.id:<{width}}  {r.severity.value:<7}  {r.summary}")


@app.command("config")
def config_cmd(
    config: Optional[Path] = typer.Option(None, "--config", help="Read this file instead of searching from the working directory."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """Print the effective configuration and where each value comes from."""
    from detector.config import load_config

    cfg = load_config(config)
    if format == "json":
        typer.echo(json.dumps({"file": str(cfg.path) if cfg.path else None,
                               "values": cfg.values, "sources": dict(cfg.flat_sources())}, indent=2, default=str))
        return
    typer.echo(f"# config file: {cfg.path or 'none found (built-in defaults)'}")
    for key, value, source in cfg.flat():
        typer.echo(f"{key} = {json.dumps(value, default=str)}    # {source}")
