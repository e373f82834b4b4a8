"""ONNX export of a model's encoder (adapter merged): ONNX Runtime fp32 and int8 give the torch
path's probabilities, a stale export is never used, and the runtime switch picks the path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_cli

pytest.importorskip("onnxruntime")

from tiny_mt import TEXTS, train_tiny_mt  # noqa: E402

from detector.ml.export import export_encoder  # noqa: E402
from detector.ml.onnx_runtime import MANIFEST, ONNX_DIR, with_runtime  # noqa: E402
from detector.mt.model.model import MTModel  # noqa: E402


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model on a 2-layer random BERT (MiniLM's tokenizer), LoRA-adapted, trained and exported."""
    tmp = tmp_path_factory.mktemp("export")
    folder = train_tiny_mt(tmp, layers=2, epochs=3)
    export_encoder(folder, log=lambda _: None)
    return folder


def _probs(model: MTModel) -> tuple[np.ndarray, list]:
    preds = model.predict(TEXTS)
    return np.array([p.doc_probs["mt"] for p in preds]), [s["mt"] for p in preds for s in p.sentence_probs]


def test_onnx_fp32_and_int8_agree_with_torch(model_dir: Path) -> None:
    model = MTModel.load(model_dir)
    assert model.encoder.adapter is not None  # the export carries the merged adapter
    torch_enc = with_runtime(model.encoder, model_dir, "torch")
    assert torch_enc.session is None
    model.encoder = torch_enc
    ref_doc, ref_sent = _probs(model)
    for runtime in ("onnx", "onnx-int8"):
        model.encoder = with_runtime(torch_enc, model_dir, runtime)
        assert model.encoder.session is not None and model.encoder.session.path.parent == model_dir / ONNX_DIR
        doc, sent = _probs(model)
        assert np.abs(doc - ref_doc).max() < 0.02, runtime
        assert np.abs(np.array(sent) - np.array(ref_sent)).max() < 0.02, runtime
    enc, states = torch_enc.token_states(TEXTS)
    _, onnx_states = with_runtime(torch_enc, model_dir, "onnx").token_states(TEXTS)
    real = enc["attention_mask"].numpy().astype(bool)  # padding positions: zeros on ONNX (each text runs unpadded)
    assert np.allclose(states.numpy()[real], onnx_states.numpy()[real], atol=1e-4)  # same graph, same weights
    assert not onnx_states.numpy()[~real].any()


def test_auto_uses_int8_then_fp32_and_ignores_a_stale_export(model_dir: Path, tmp_path: Path, caplog) -> None:
    model = MTModel.load(model_dir)
    assert with_runtime(model.encoder, model_dir, "auto").session.path.name == "encoder.int8.onnx"
    older = tmp_path / "older"
    shutil.copytree(model_dir, older)
    (older / ONNX_DIR / "encoder.int8.onnx").unlink()  # an export without the int8 graph
    assert with_runtime(model.encoder, older, "auto").session.path.name == "encoder.fp32.onnx"
    stale = tmp_path / "stale"
    shutil.copytree(model_dir, stale)
    manifest = json.loads((stale / ONNX_DIR / MANIFEST).read_text())
    (stale / ONNX_DIR / MANIFEST).write_text(json.dumps(manifest | {"adapter": "0123456789ab"}))  # a retrained model
    with caplog.at_level("WARNING", logger="detector"):
        assert with_runtime(model.encoder, stale, "auto").session is None
    assert "of another model" in caplog.text
    with pytest.raises(FileNotFoundError, match="of another model"):
        with_runtime(model.encoder, stale, "onnx-int8")
    shutil.rmtree(stale / ONNX_DIR)
    assert with_runtime(model.encoder, stale, "auto").session is None  # no export: torch, quietly
    with pytest.raises(FileNotFoundError, match="make export"):
        with_runtime(model.encoder, stale, "onnx")
    with pytest.raises(ValueError, match="runtime must be one of"):
        with_runtime(model.encoder, stale, "tensorrt")


def test_check_runtime_setting_reaches_the_encoder(model_dir: Path, monkeypatch, capsys, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXTS[0] + " " + TEXTS[2], encoding="utf-8")
    for runtime, used in (("torch", False), ("onnx-int8", True)):
        (tmp_path / "detector.toml").write_text(f'[checks.mt_model]\nmodel = "{model_dir}"\nruntime = "{runtime}"\n')
        from detector.checks.mt_model import MTModelCheck
        from detector.config import load_config

        check = MTModelCheck(load_config(tmp_path / "detector.toml").check_settings("mt_model"))
        check.setup()
        assert (check.model.encoder.session is not None) is used
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--format", "json", "--fail-on", "never")
    assert code == 0, err
    assert json.loads(out)  # the scan ran through the ONNX encoder


def test_onnx_path_never_builds_the_torch_encoder_and_ignores_batch_mates(model_dir: Path) -> None:
    from detector.ml import encoder as encoder_module

    encoder_module._cache.clear()  # a fresh process
    model = MTModel.load(model_dir)
    for runtime in ("onnx", "onnx-int8"):
        model.encoder = with_runtime(model.encoder, model_dir, runtime)
        together = [p.doc_probs["mt"] for p in model.predict(TEXTS)]
        alone = [model.predict([t])[0].doc_probs["mt"] for t in TEXTS]
        # an article's score does not depend on its batch (int8 too: each text runs alone; batched it moved by 0.027)
        assert together == pytest.approx(alone, abs=1e-5), runtime
    assert "model" not in model.encoder.loaded  # no weights loaded, no adapter merged: the cold start saved
    assert model.encoder.dim == 32  # from config.json
    assert with_runtime(model.encoder, model_dir, "torch").model is not None and "model" in model.encoder.loaded


def test_numpy_heads_on_onnx_give_the_torch_models_numbers(model_dir: Path) -> None:
    from detector.mt.model.numpy_heads import NumpyHeads

    reference = MTModel.load(model_dir, runtime="torch")
    fast = MTModel.load(model_dir, runtime="onnx")
    assert isinstance(fast.heads, NumpyHeads) and fast.encoder.session is not None
    assert not isinstance(reference.heads, NumpyHeads) and reference.encoder.session is None
    (ref_doc, ref_sent), (doc, sent) = _probs(reference), _probs(fast)
    assert np.abs(doc - ref_doc).max() < 1e-4 and np.abs(np.array(sent) - np.array(ref_sent)).max() < 1e-4
    ref_spans = [(s.start, s.end, s.label) for p in reference.predict(TEXTS) for s in p.spans]
    assert [(s.start, s.end, s.label) for p in fast.predict(TEXTS) for s in p.spans] == ref_spans
    assert fast.encoder.tokenize_np(TEXTS)["input_ids"].tolist() == reference.encoder.tokenize(TEXTS)["input_ids"].tolist()


def test_export_command_refuses_a_missing_folder(tmp_path: Path, capsys) -> None:
    from detector.ml.export import main

    assert main([str(tmp_path / "nope")]) == 2
    assert "no model folder" in capsys.readouterr().err


def test_side_by_side_runs_give_one_threads_states_in_order(model_dir: Path) -> None:
    from detector.ml.onnx_runtime import OnnxSession

    model = MTModel.load(model_dir, runtime="onnx")
    texts = [*TEXTS, "Short one.", "Short two.", TEXTS[0]]  # equal lengths share a batch
    enc = model.encoder.tokenize_np(texts)
    ids = [row[:n].tolist() for row, n in zip(enc["input_ids"], enc["attention_mask"].sum(1))]
    one = OnnxSession(model_dir / ONNX_DIR / "encoder.fp32.onnx", threads=1).run_each(ids, batch_size=2)
    two = OnnxSession(model_dir / ONNX_DIR / "encoder.fp32.onnx", threads=2).run_each(ids, batch_size=2)
    assert [len(s) for s in one] == [len(i) for i in ids] == [len(s) for s in two]
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(one, two))
    assert np.allclose(one[0], one[-1], atol=1e-5)  # the same text alone and in a batch
    padded = model.encoder.states_np(texts)[1]  # the padded call: the same states, zeros after each text
    assert all(np.allclose(padded[i, :len(s)], s, atol=1e-5) and not padded[i, len(s):].any() for i, s in enumerate(one))
    assert OnnxSession(model_dir / ONNX_DIR / "encoder.int8.onnx", threads=2).per_text
