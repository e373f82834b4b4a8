"""Shared fixtures: the seeds, a CLI runner that goes through the real entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def seed_text():
    def read(prefix: str) -> str:
        return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")

    return read


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run ``detector ARGS`` in-process through ``main()``: (exit code, stdout, stderr).

    Runs in an empty temporary directory so no project config leaks in, unless ``cwd`` is given.
    """
    from detector.cli import main

    def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd or tmp_path)
        monkeypatch.setattr(sys, "argv", ["detector", *args])
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main()
        out, err = capsys.readouterr()
        return int(exc.value.code or 0), out, err

    return run


@pytest.fixture(scope="session")
def shared_data() -> Path:
    from detector.datasets import shared_data_dir

    d = shared_data_dir()
    if d is None:
        pytest.skip("needs ../shared/data (research data, not shipped)")
    return d


@pytest.fixture(scope="session")
def boilerplate_check():
    """One set-up boilerplate check for every test module: the model loads once."""
    from detector.checks.boilerplate import BoilerplateCheck

    check = BoilerplateCheck()
    check.ensure_setup()
    return check
