"""Run ``detector`` in-process through its real entry point (shared by the CLI tests)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, cwd: Path, *args: str) -> tuple[int, str, str]:
    """``detector ARGS`` through the real entry point: (exit code, stdout, stderr)."""
    from detector.cli import main

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["detector", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main()
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err
