"""``detector serve``: the check page, the outlet dashboard and the HTTP API (``detector.web``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from detector.cli.app import UsageError, app


@app.command()
def serve(
    db: Optional[Path] = typer.Option(None, "--db", help="Results store for /outlets and ?store=true (created if missing)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (localhost unless you say otherwise)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes running checks (each loads the models once)."),
    queue: Optional[int] = typer.Option(None, "--queue", min=0, help="Checks that may wait for a worker before 503 (default: --workers)."),
    deadline: float = typer.Option(60.0, "--deadline", min=0.001, help="Seconds a check may take before it is answered 503."),
    max_body_bytes: int = typer.Option(2 * 1024 * 1024, "--max-body-bytes", min=1, help="Larger request bodies get 413."),
    max_chars: int = typer.Option(200_000, "--max-chars", min=1, help="Longer article texts get 413."),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="Require 'Authorization: Bearer <token>' (else DETECTOR_TOKEN, if set)."),
    cors_origin: Optional[list[str]] = typer.Option(None, "--cors-origin", help="Allow browser calls from this origin (repeatable; CORS is off by default)."),
    config: Optional[Path] = typer.Option(None, "--config", help="A detector.toml or pyproject.toml (default: found from the working directory)."),
    select: Optional[list[str]] = typer.Option(None, "--select", help="Only these rule-id prefixes or categories."),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help="Skip these rule-id prefixes or categories."),
    model: Optional[str] = typer.Option(None, "--model", help="MT model folder (from `detector train`) for the mt_model check."),
) -> None:
    """Serve the check page, the outlet dashboard and the JSON API (LanguageTool-compatible /v2/check too)."""
    import uvicorn

    from detector.cli.check import _split, load_effective_config
    from detector.web import ServeSettings, create_app, load_token

    try:
        token = load_token(token_file)
    except OSError as exc:
        raise UsageError(f"cannot read --token-file: {exc}") from None
    overrides = {"select": _split(select), "ignore": _split(ignore), "checks.mt_model.model": model}
    cfg = load_effective_config(config, overrides)
    shown = f"[{host}]" if ":" in host else host
    settings = ServeSettings(db=db, workers=workers, queue=queue, max_body_bytes=max_body_bytes, max_chars=max_chars,
                             deadline_s=deadline, token=token, cors_origins=list(cors_origin or []), config_path=config,
                             url=f"http://{shown}:{port}/")
    _check_store(db)
    _check_port(host, port)
    asgi = create_app(settings, cfg)
    uvicorn.run(asgi, host=host, port=port, log_level="info", lifespan="on", timeout_graceful_shutdown=5)


def _check_store(db: Optional[Path]) -> None:
    """Create or upgrade the store now: a file that is not a store is a one-line error, before any worker starts."""
    if db is None:
        return
    from detector.store import Store, StoreError

    try:
        Store(db).close()
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _check_port(host: str, port: int) -> None:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
