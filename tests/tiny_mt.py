"""A tiny MT model trained in seconds, for the tests of what is built on a trained model (its ONNX
export, a student distilled from it): a random BERT with MiniLM's tokenizer, LoRA-adapted and
trained through ``detector train`` on eight junction artefacts and eight clean sentences."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from detector.ml.encoder import packaged_model_dir

#: The texts those tests score: a junction artefact, clean news, a calque.
TEXTS = ["The soldiers stopped in the center of town number 7.. It prevented the convoy from moving.",
         "Residents of town number 7 gathered outside city hall on Tuesday. The mayor spoke briefly.",
         "In the result of the meeting it was decided to carry out the inspection of all the bridges."]


def train_tiny_mt(tmp: Path, layers: int, epochs: int, **bert: float) -> Path:
    """Train the tiny model under ``tmp``; returns its ``model-best`` folder. ``bert``: more
    ``BertConfig`` settings (e.g. ``initializer_range``)."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from detector.cli import main

    base = tmp / "tiny-bert"
    tok = AutoTokenizer.from_pretrained(str(packaged_model_dir()))
    BertModel(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=layers, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128, **bert)).save_pretrained(str(base))
    tok.save_pretrained(str(base))
    rows = []
    for i in range(8):
        bad = f"The soldiers stopped in the center of town number {i}.. It prevented the convoy from moving."
        rows.append({"text": bad, "spans": [{"start": bad.index(".."), "end": bad.index("..") + 2, "label": "error"}],
                     "label": "mt"})
        rows.append({"text": f"Residents of town number {i} gathered outside city hall on Tuesday.", "spans": [],
                     "label": "human"})
    (tmp / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    argv = ["detector", "train", "--train", str(tmp / "train.jsonl"), "--dev", str(tmp / "train.jsonl"),
            "--output", str(tmp / "out"), "--epochs", str(epochs), "--lr", "0.01", "--adapt-epochs", "1",
            "--base", str(base)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as exc:
            main()
    assert exc.value.code in (0, None)
    return tmp / "out" / "model-best"
