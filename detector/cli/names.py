"""``detector names``: how detector reads a place or person name, and which names are one entity."""

from __future__ import annotations

import json

import typer

from detector.cli.app import UsageError, app


@app.command()
def names(
    names: list[str] = typer.Argument(..., help="Names to resolve; quote multi-word names (\"Kryvyi Rih\", \"Dmitry Kuleba\")."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """Resolve names to their standard spelling (KMU 2010 or the established English name) and say
    which variant each is: standard, nonstandard, russian, former, garbled. With several names,
    also print which of them are the same entity."""
    from detector.translit import fold_key, resolve, same_entity

    if format not in ("text", "json"):
        raise UsageError("--format must be text or json")
    cleaned = [" ".join(n.split()) for n in names]
    if any(not n for n in cleaned):
        raise UsageError("empty name")
    rows = []
    for name in cleaned:
        r = resolve(name)
        rows.append({"name": name, "canonical": r.canonical if r else None, "kind": r.kind if r else None,
                     "variant": r.variant if r else "unknown", "matched_by": r.how if r else None,
                     "country": r.country if r else None, "key": fold_key(name)})
    groups: list[list[str]] = []
    for name in cleaned:
        for g in groups:
            if same_entity(g[0], name):
                g.append(name)
                break
        else:
            groups.append([name])
    if format == "json":
        typer.echo(json.dumps({"names": rows, "same_entity": groups}, ensure_ascii=False, indent=2))
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        if r["canonical"] is None:
            typer.echo(f"{r['name']:<{width}}  unknown (key {r['key']!r})")
        else:
            typer.echo(f"{r['name']:<{width}}  {r['variant']:<11}  {r['kind']:<6}  -> {r['canonical']}"
                       f"  ({r['country']}, by {r['matched_by']})")
    if len(cleaned) > 1:
        typer.echo("same entity: " + "; ".join(" = ".join(g) for g in groups))
