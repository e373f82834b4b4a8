"""What ``detector serve`` is configured with: the store, limits, the token, CORS, the scan config."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


@dataclass
class ServeSettings:
    """Settings of one server (every worker process builds the same scanner from ``config_path``).

    ``capacity`` is how many checks may be accepted at once (running plus waiting for a worker);
    one more is answered 503 with Retry-After at once instead of queueing without bound.
    """

    db: Path | None = None
    workers: int = 1
    queue: int | None = None  # checks allowed to wait for a worker; None = as many as there are workers
    max_body_bytes: int = 2 * MiB
    max_chars: int = 200_000
    deadline_s: float = 60.0
    token: str | None = None
    cors_origins: list[str] = field(default_factory=list)
    config_path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # dotted config keys, as `detector check` options
    url: str | None = None  # announced on stdout once every worker is ready

    @property
    def capacity(self) -> int:
        return self.workers + (self.workers if self.queue is None else self.queue)


def load_token(token_file: Path | None) -> str | None:
    """The bearer token: ``--token-file`` wins over ``DETECTOR_TOKEN``; empty means none."""
    if token_file is not None:
        token = token_file.read_text(encoding="utf-8").strip()
        if not token:
            raise ValueError(f"{token_file} is empty; put the token in it or drop --token-file")
        return token
    return os.environ.get("DETECTOR_TOKEN", "").strip() or None
