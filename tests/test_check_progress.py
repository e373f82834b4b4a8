"""`detector check` progress on a real terminal (a pty): articles done and the total when it can be
counted, the same under --jobs; nothing with --quiet or when stderr is a pipe. And --ray without
Ray installed is a usage error that says how to install it."""

from __future__ import annotations

import fcntl
import gzip
import importlib.util
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from cli_helpers import run_cli

from detector.cli.progress import count_records
from detector.io.readers import ReaderOptions, expand_inputs

ROOT = Path(__file__).resolve().parent.parent
TEXT = "The ministry said on 31 September 2024 that the bridge in Kyiv would reopen. Officials agreed."


def _corpus(folder: Path, n: int = 5) -> Path:
    path = folder / "a.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": TEXT}) + "\n\n" for i in range(n)), encoding="utf-8")
    return path


def _run_on_pty(folder: Path, *args: str) -> tuple[int, str, str]:
    """``detector check ARGS`` with stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a new pty is 0 columns wide
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TQDM_MININTERVAL": "0"}  # redraw every article
    proc = subprocess.Popen([sys.executable, "-m", "detector", "check", *args], cwd=folder, stdout=subprocess.PIPE,
                            stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read().decode()
    code = proc.wait(timeout=60)
    os.close(master)
    return code, out, shown.decode(errors="replace")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_bar_on_a_terminal_counts_articles_with_a_total(tmp_path: Path, jobs: str) -> None:
    _corpus(tmp_path)
    code, out, shown = _run_on_pty(tmp_path, "a.jsonl", "--select", "Date", "--fail-on", "never", "--format", "jsonl",
                                   "--batch-size", "2", "--jobs", jobs)
    assert code == 0, shown
    assert len(out.splitlines()) == 5  # the reports still go to stdout, untouched
    assert "5/5" in shown and "article/s" in shown, shown  # done/total and the rate


def test_no_progress_bar_with_quiet_or_off_a_terminal(tmp_path: Path, monkeypatch, capsys) -> None:
    _corpus(tmp_path)
    code, out, shown = _run_on_pty(tmp_path, "a.jsonl", "--select", "Date", "--fail-on", "never", "--quiet")
    assert code == 0 and "article" not in shown and "Date.Impossible" in out
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.jsonl", "--select", "Date", "--fail-on", "never")
    assert code == 0 and "article/s" not in err and "checking" not in err  # stderr captured: not a terminal


def test_records_are_counted_only_where_cheap(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _corpus(tmp_path, 3)  # blank lines between records do not count
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    pq.write_table(pa.table({"id": ["x", "y"], "text": [TEXT, TEXT]}), tmp_path / "c.parquet")
    opts = ReaderOptions()
    assert count_records(expand_inputs([str(tmp_path)], opts)) == 3 + 1 + 2
    with gzip.open(tmp_path / "d.jsonl.gz", "wt") as f:
        f.write(json.dumps({"text": TEXT}) + "\n")
    assert count_records(expand_inputs([str(tmp_path)], opts)) is None  # open-ended: would mean decompressing
    assert count_records(expand_inputs(["-"], opts)) is None


def test_ray_without_ray_says_how_to_install_it(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--ray", "local", "-o", "out.txt")
    assert code == 2 and out == ""
    assert "install it with pip install 'detector[ray]'" in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out.txt").exists()
