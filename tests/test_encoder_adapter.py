"""LoRA adaptation of the encoder: `detector train --adapt-epochs` saves a small adapter with the
model, loading merges it (outputs change, and match after a reload), continuing a model keeps it,
and its cache of encoder outputs never mixes with the frozen encoder's."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli
from test_mt_model import tiny_jsonl

from detector.ml import encoder as encoder_module
from detector.ml.encoder import load_encoder
from detector.ml.encoder_adapter import ADAPTER_DIR, balanced_epoch
from detector.mt.model.model import MTModel

TEXTS = ["The soldiers stopped in the center of town number 7.. It prevented the convoy from moving.",
         "Residents of town number 7 gathered outside city hall on Tuesday."]


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model whose encoder was adapted (seconds: one fresh MiniLM, a few LoRA steps)."""
    from detector.cli import main

    tmp = tmp_path_factory.mktemp("adapt")
    data = tiny_jsonl(tmp / "train.jsonl")
    argv = ["detector", "train", "--train", str(data), "--dev", str(data), "--output", str(tmp / "out"), "--epochs", "2",
            "--lr", "0.01", "--adapt-epochs", "2", "--cache", str(tmp / "cache")]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as exc:
            main()
    assert exc.value.code in (0, None)
    return tmp


def test_adapter_is_saved_small_with_both_models(adapted: Path) -> None:
    for name in ("model-best", "model-last"):
        folder = adapted / "out" / name / ADAPTER_DIR
        assert (folder / "adapter_config.json").is_file()
        assert (folder / "adapter_model.safetensors").stat().st_size < 2_000_000  # rank-16 LoRA in half precision
        assert sorted(p.name for p in folder.iterdir()) == ["adapter_config.json", "adapter_model.safetensors"]
        config = json.loads((folder / "adapter_config.json").read_text())
        assert config["base_model_name_or_path"] == "auto"  # not this machine's path to the encoder
        assert config["target_modules"] == sorted(config["target_modules"]) and config["r"] == 16
        meta = json.loads((adapted / "out" / name / "meta.json").read_text())
        assert meta["encoder_adapter"]["folder"] == ADAPTER_DIR and len(meta["encoder_adapter"]["sha1"]) == 12


def test_loading_merges_the_adapter_into_the_encoder(adapted: Path) -> None:
    model = MTModel.load(adapted / "out" / "model-best")
    frozen = load_encoder("auto")
    assert model.encoder.adapter is not None and frozen.adapter is None and model.encoder is not frozen
    a, b = model.encoder.embed(TEXTS), frozen.embed(TEXTS)
    assert np.abs(a - b).max() > 1e-4  # the adapter changed the encoder (merging a zero adapter gives 0)...
    assert np.allclose(a, b, atol=0.1)  # ...by fine-tuning steps, not into noise
    assert MTModel.load(adapted / "out" / "model-last").encoder.adapter == model.encoder.adapter  # one adapter
    before = [p.doc_probs["mt"] for p in model.predict(TEXTS)]
    encoder_module._cache.clear()  # a fresh process: the adapter merged again from its files
    again = MTModel.load(adapted / "out" / "model-best")
    assert again.encoder is not model.encoder
    assert [p.doc_probs["mt"] for p in again.predict(TEXTS)] == pytest.approx(before, abs=1e-6)


def test_adapted_encodings_get_their_own_cache(adapted: Path) -> None:
    names = sorted(p.name for p in (adapted / "cache").glob("encoded-*.pt"))
    sha = json.loads((adapted / "out" / "model-best" / "meta.json").read_text())["encoder_adapter"]["sha1"]
    assert len(names) == 1 and names[0].endswith(f"-{sha}.pt")  # the frozen encoder was never run


def test_continuing_a_model_keeps_its_adapter(adapted: Path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(monkeypatch, capsys, adapted, "train", "--train", "train.jsonl", "--dev", "train.jsonl",
                           "--output", "more", "--epochs", "1", "--base", str(adapted / "out" / "model-best"))
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, adapted, "train", "--train", "train.jsonl", "--dev", "train.jsonl",
                           "--output", "further", "--epochs", "1", "--adapt-epochs", "1", "--base", str(adapted / "out" / "model-best"))
    assert code == 0, err

    def sha(run: str) -> str:
        return json.loads((adapted / run / "model-best" / "meta.json").read_text())["encoder_adapter"]["sha1"]

    assert sha("more") == sha("out")  # heads trained on, the adapter as it was
    assert sha("further") != sha("out")  # --adapt-epochs trains the adapter on from where it was
    assert (adapted / "out" / "model-best" / ADAPTER_DIR / "adapter_config.json").is_file()  # the base is untouched


def test_an_adapted_model_refuses_another_encoder(adapted: Path) -> None:
    with pytest.raises(ValueError, match="adapts its encoder"):
        MTModel.load(adapted / "out" / "model-best", encoder="sentence-transformers/paraphrase-MiniLM-L3-v2")


def test_adapting_needs_two_document_labels(tmp_path: Path, monkeypatch, capsys) -> None:
    rows = [{"text": "The soldiers stopped in the center of town.. It rained.", "spans": [{"start": 37, "end": 39, "label": "error"}]}] * 4
    (tmp_path / "spans.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "train", "--train", "spans.jsonl", "--dev", "spans.jsonl",
                           "--output", "o", "--adapt-epochs", "1")
    assert code == 2 and "two or more document labels" in err and len(err.strip().splitlines()) == 1


def test_balanced_epoch_samples_every_label_equally() -> None:
    labels = [0] * 3 + [1] * 30
    rng = random.Random(0)
    first, second = balanced_epoch(labels, rng), balanced_epoch(labels, rng)
    assert sorted(labels[i] for i in first) == [0, 0, 0, 1, 1, 1]
    assert len(set(first)) == 6 and {i for i in first if labels[i] == 0} == {0, 1, 2}
    assert {i for i in first if labels[i]} != {i for i in second if labels[i]}  # a new MT sample each epoch


def test_the_check_turns_off_in_one_line_when_an_adapted_model_gets_another_encoder(adapted: Path, caplog) -> None:
    import logging

    from detector.article import Article
    from detector.config import load_config
    from detector.scanner import Scanner

    cfg = load_config().with_overrides({"select": ["MT.ModelSpan"], "checks.mt_model.model": str(adapted / "out"),
                                        "checks.mt_model.encoder": "sentence-transformers/paraphrase-MiniLM-L3-v2"})
    with caplog.at_level(logging.WARNING):
        reports = list(Scanner(cfg).scan([Article("a", TEXTS[0])]))
    assert reports[0].mt_probability is None
    offs = [r.getMessage() for r in caplog.records if "mt_model check is off" in r.getMessage()]
    assert len(offs) == 1 and "adapts its encoder" in offs[0] and "\n" not in offs[0]
