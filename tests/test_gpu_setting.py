"""checks.mt_model.device = "cuda" on a machine without CUDA is refused before any model loads:
one line on stderr, exit 2, no traceback (a scan asked for the GPU must not run 50x slower on the
CPU unnoticed). With CUDA present the setting runs the encoder in fp16 (bench/compare.py)."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli

from detector.checks.mt_model import check_device
from detector.config import ConfigError


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.skipif(_cuda(), reason="this machine has CUDA: the setting is valid here")
def test_cuda_without_a_gpu_is_a_one_line_error(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("The minister spoke on Tuesday. The bridge opens in May.", encoding="utf-8")
    (tmp_path / "detector.toml").write_text('[checks.mt_model]\ndevice = "cuda"\n', encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--fail-on", "never")
    assert code == 2
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "CUDA is not available" in lines[0] and 'device = "cpu"' in lines[0]
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "gpu", ""])
def test_unknown_devices_are_refused(device: str) -> None:
    with pytest.raises(ConfigError, match="must be"):
        check_device(device)


def test_cpu_is_always_accepted() -> None:
    check_device("cpu")  # no torch import, no error
