"""Real ``detector serve`` processes for the web tests, shared across test modules, and a tiny HTTP client.

Starting a server costs its workers' model loading, so each distinct server (arguments, config,
environment) starts once per test session and is stopped at exit. ``start`` launches without
waiting, so several servers load their models at the same time; ``Server.ready`` waits for
``/healthz``.
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Every check but the MiniLM-backed ones: for tests that need a real server but not the model.
LIGHT_CONFIG = 'ignore = ["MT.ModelSpan"]\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.body.decode("utf-8").splitlines() if line.strip()]


class Server:
    """One ``python -m detector serve`` subprocess in its own folder (with ``config`` as detector.toml)."""

    def __init__(self, args: tuple[str, ...], config: str | None, env: dict[str, str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="detector-web-"))
        if config is not None:
            (self.dir / "detector.toml").write_text(config, encoding="utf-8")
        self.db = self.dir / "results.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.dir / "server.log"
        full_env = {k: v for k, v in os.environ.items() if k != "DETECTOR_TOKEN"}  # a token only where asked for
        full_env.update({"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **env})
        cmd = [sys.executable, "-m", "detector", "serve", "--port", str(self.port), "--db", str(self.db), *args]
        self._log = self.log.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=self.dir, env=full_env, stdout=self._log, stderr=subprocess.STDOUT)
        self._ready = False

    def ready(self, timeout: float = 180.0) -> Server:
        deadline = time.monotonic() + timeout
        while not self._ready:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {timeout} s:\n{self.log.read_text()[-3000:]}")
            try:
                self._ready = self.request("GET", "/healthz", timeout=2).body == b"ok"
            except OSError:
                time.sleep(0.2)
        return self

    def request(self, method: str, path: str, body: bytes | str | dict | None = None,
                headers: dict[str, str] | None = None, timeout: float = 120.0) -> Response:
        hdrs = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


_servers: dict[tuple, Server] = {}


def start(*args: str, config: str | None = None, env: dict[str, str] | None = None) -> Server:
    """The session's server with these arguments (started now if it is not running yet)."""
    key = (args, config, tuple(sorted((env or {}).items())))
    if key not in _servers:
        _servers[key] = Server(args, config, env or {})
    return _servers[key]


@atexit.register
def _stop_all() -> None:
    for server in _servers.values():
        server.stop()
