"""The distilled student encoder (``encoder_student``, ``distill``): distillation lowers the loss to
its teacher, the config switch loads the student's layers under the same heads, its ONNX export
gives the torch path's probabilities, and a missing student is a one-line warning, not a crash."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from tiny_mt import TEXTS, train_tiny_mt  # noqa: E402

from detector.ml.encoder import adapter_hash  # noqa: E402
from detector.ml.encoder_student import CONFIG, STUDENT_DIR, has_student  # noqa: E402
from detector.ml.export import export_encoder  # noqa: E402
from detector.ml.onnx_runtime import ONNX_DIR, with_runtime  # noqa: E402
from detector.mt.model.model import SHIPPED_DIR, MTModel  # noqa: E402


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model on a 3-layer random BERT (MiniLM's tokenizer; large initial weights, so its layers differ), LoRA-adapted and trained, with a
    1-layer student distilled from it for a few seconds; teacher and student exported."""
    from detector.mt.model import distill

    tmp = tmp_path_factory.mktemp("student")
    folder = train_tiny_mt(tmp, layers=3, epochs=2, initializer_range=0.5)
    teacher = MTModel.load(folder)
    words = "the a town city convoy mayor spoke soldiers bridge meeting result number council".split()
    rng = random.Random(0)
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + "." for _ in range(96)]
    train = distill.teacher_targets(teacher.encoder, sentences[:64], folder)
    dev = distill.teacher_targets(teacher.encoder, sentences[64:], folder)
    _, report = distill.train_student(teacher.encoder.model, teacher.heads, (0,), train, dev, minutes=0.05, lr=1e-3, log=lambda _: None,
                                      batch_size=8, out=folder / STUDENT_DIR, every=5,
                                      meta={"teacher_adapter": adapter_hash(folder / "adapter")})
    report_path = folder / "distill_report.json"
    report_path.write_text(json.dumps(report))
    export_encoder(folder, log=lambda _: None)
    export_encoder(folder, log=lambda _: None, student=True)
    return folder


def test_distillation_lowers_the_dev_loss_and_saves_one_layer(model_dir: Path) -> None:
    report = json.loads((model_dir / "distill_report.json").read_text())
    history = report["history"]
    init = sum(v for k, v in history[0]["dev"].items() if k != "cosine")
    assert report["best_dev_loss"] < init
    assert has_student(model_dir / STUDENT_DIR)
    saved = json.loads((model_dir / STUDENT_DIR / CONFIG).read_text())
    assert saved["num_hidden_layers"] == 1 and saved["layers_from"] == [0]


def test_student_loads_its_layers_and_onnx_agrees_with_torch(model_dir: Path) -> None:
    teacher = MTModel.load(model_dir)
    model = MTModel.load(model_dir, student=True)
    assert len(model.encoder.model.encoder.layer) == 1 and len(teacher.encoder.model.encoder.layer) == 3
    assert model.encoder.adapter != teacher.encoder.adapter  # its own tag: exports and copy vectors never mix
    # The embeddings are the base's (frozen in distillation); the layer is the distilled one.
    assert np.allclose(model.encoder.model.embeddings.word_embeddings.weight.detach().numpy(),
                       teacher.encoder.model.embeddings.word_embeddings.weight.detach().numpy())
    ref = np.array([p.doc_probs["mt"] for p in model.predict(TEXTS)])
    for runtime in ("onnx", "onnx-int8"):
        onnx = MTModel.load(model_dir, runtime=runtime, student=True)
        assert onnx.encoder.session.path.parent == model_dir / STUDENT_DIR / ONNX_DIR
        got = np.array([p.doc_probs["mt"] for p in onnx.predict(TEXTS)])
        assert np.abs(got - ref).max() < 0.02, runtime
    # The teacher's export is not the student's: asking the teacher's folder for it finds another model.
    with pytest.raises(FileNotFoundError, match="of another model"):
        with_runtime(model.encoder, model_dir, "onnx")


def test_config_switch_and_missing_student(model_dir: Path, tmp_path: Path, caplog) -> None:
    from detector.checks.mt_model import MTModelCheck
    from detector.config import ConfigError, load_config

    bare = tmp_path / "bare"
    shutil.copytree(model_dir, bare, ignore=shutil.ignore_patterns(STUDENT_DIR))
    cases = ((model_dir, "true", 1), (model_dir, '"auto"', 1), (model_dir, None, 1), (model_dir, "false", 3),
             (bare, '"auto"', 3), (bare, None, 3), (bare, "true", None))  # None: not set, the default ("auto")
    for folder, student, layers in cases:
        line = "" if student is None else f"student = {student}\n"
        (tmp_path / "detector.toml").write_text(f'[checks.mt_model]\nmodel = "{folder}"\n{line}runtime = "torch"\n')
        check = MTModelCheck(load_config(tmp_path / "detector.toml").check_settings("mt_model"))
        with caplog.at_level("WARNING"):
            check.setup()
        if layers is None:
            assert check.model is None and "no distilled student encoder" in caplog.text
        else:
            assert len(check.model.encoder.model.encoder.layer) == layers
    caplog.clear()
    # A retrained model (another adapter) never runs a student distilled from the old one.
    stale = tmp_path / "stale"
    shutil.copytree(model_dir, stale)
    config = json.loads((stale / STUDENT_DIR / CONFIG).read_text())
    (stale / STUDENT_DIR / CONFIG).write_text(json.dumps(config | {"teacher_adapter": "0123456789ab"}))
    with caplog.at_level("WARNING", logger="detector"):
        assert len(MTModel.load(stale, student="auto").encoder.model.encoder.layer) == 3
    assert "distilled from another encoder" in caplog.text
    with pytest.raises(FileNotFoundError, match="distilled from another encoder"):
        MTModel.load(stale, student=True)
    (tmp_path / "detector.toml").write_text('[checks.mt_model]\nstudent = "yes"\n')
    with pytest.raises(ConfigError, match="student must be true, false or"):
        MTModelCheck(load_config(tmp_path / "detector.toml").check_settings("mt_model"))


@pytest.mark.parametrize(("student", "encoder", "device", "expected"), [
    (True, None, "cpu", True), (True, None, "cuda", True), ("auto", None, "cpu", True),
    ("auto", None, "cuda", False),  # a GPU runs the full encoder
    ("auto", "sentence-transformers/all-MiniLM-L6-v2", "cpu", False),  # a named encoder has no student
    (False, None, "cpu", False),
])
def test_when_the_student_is_looked_for(student, encoder, device, expected) -> None:
    from detector.mt.model.model import wants_student

    assert wants_student(student, encoder, device) is expected


@pytest.mark.skipif(not has_student(SHIPPED_DIR / STUDENT_DIR), reason="no shipped student (make distill-mt)")
def test_shipped_student_is_three_layers_of_minilm() -> None:
    saved = json.loads((SHIPPED_DIR / STUDENT_DIR / CONFIG).read_text())
    model = MTModel.load(SHIPPED_DIR, runtime="torch", student=True)
    assert saved["num_hidden_layers"] == 3 == len(model.encoder.model.encoder.layer)
    assert model.encoder.dim == 384
    probs = model.predict(TEXTS)
    assert all(0.0 <= p.doc_probs["mt"] <= 1.0 for p in probs)


def _head_for(root: Path, name: str, adapter: str) -> Path:
    """A copy of the shipped source-language head, stamped as trained on the encoder ``adapter``."""
    from detector.mt.source_language.model import SHIPPED_DIR as HEAD

    folder = root / name
    shutil.copytree(HEAD, folder)
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps(meta | {"encoder": {**(meta.get("encoder") or {}), "adapter": adapter}}))
    return folder


@pytest.mark.skipif(not (Path(__file__).resolve().parents[1] / "models/mt/source_language/source_language.npz").is_file(),
                    reason="no shipped source-language head")
def test_student_scans_tag_their_vectors_and_read_their_own_head(model_dir: Path, tmp_path: Path, monkeypatch, caplog) -> None:
    from detector.article import Article, Document
    from detector.checks.mt_model import MTModelCheck, encoder_tag
    from detector.config import load_config
    from detector.ml.encoder_student import student_hash
    from detector.mt.source_language import heads

    teacher_tag, student_tag = adapter_hash(model_dir / "adapter"), student_hash(model_dir / STUDENT_DIR)
    both = (_head_for(tmp_path, "teacher", teacher_tag), _head_for(tmp_path, "student", student_tag))
    checks = {}
    for student in ("true", "false"):
        (tmp_path / "detector.toml").write_text(f'[checks.mt_model]\nmodel = "{model_dir}"\nstudent = {student}\nruntime = "torch"\n')
        monkeypatch.setattr(heads, "HEAD_DIRS", both)
        check = MTModelCheck(load_config(tmp_path / "detector.toml").check_settings("mt_model"))
        check.setup()
        checks[student] = check
    tags = {k: encoder_tag(c.model.encoder) for k, c in checks.items()}
    assert tags["true"].endswith(student_tag) and tags["false"].endswith(teacher_tag)  # copy vectors never mix
    assert checks["true"].source.model.meta["encoder"]["adapter"] == student_tag
    assert checks["false"].source.model.meta["encoder"]["adapter"] == teacher_tag
    checks["true"].source = None  # the shipped head reads 768-d states, not the tiny encoder's
    (result,) = checks["true"].check_batch([Document(Article("a", TEXTS[1]))])
    assert result.signals["encoder"] == tags["true"]
    # Only the teacher's head there: the student's scan gets names only, never the teacher's head.
    monkeypatch.setattr(heads, "HEAD_DIRS", both[:1])
    (tmp_path / "detector.toml").write_text(f'[checks.mt_model]\nmodel = "{model_dir}"\nstudent = true\nruntime = "torch"\n')
    check = MTModelCheck(load_config(tmp_path / "detector.toml").check_settings("mt_model"))
    with caplog.at_level("WARNING"):
        check.setup()
    assert check.model is not None and check.source is not None and check.source.model is None
    assert "no source-language head was trained on this encoder" in caplog.text


def test_the_state_cache_of_the_student_is_stamped_apart(model_dir: Path, tmp_path: Path) -> None:
    from detector.ml.encoder_student import student_hash
    from detector.mt.source_language.embed import VectorCache, encoder_stamp

    teacher, student = encoder_stamp(model_dir), encoder_stamp(model_dir, student=True)
    assert student["adapter"] == student_hash(model_dir / STUDENT_DIR) != teacher["adapter"]
    assert student["runtime"] == "onnx-int8" and student["export_sha1"] != teacher["export_sha1"]
    VectorCache(tmp_path / "cache", teacher)
    with pytest.raises(ValueError, match="another encoder"):  # the teacher's states are never read as the student's
        VectorCache(tmp_path / "cache", student)
