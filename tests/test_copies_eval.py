"""The copy eval's bookkeeping: another configuration's run is filed apart, held-out looks are
counted, and a cached scan is keyed by the model that made it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detector.config import load_config
from detector.eval import copies as ev


@pytest.fixture
def fake_eval(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def evaluate(split: str, settings: Any, embed_threshold: Any = None, *, hard: bool = False, config: Any = None) -> dict:
        calls.append({"split": split, "threshold": embed_threshold, "model": config.get("checks")["mt_model"]["model"]})
        return {"full": {"f1": 0.5}}

    monkeypatch.setattr(ev, "evaluate", evaluate)
    monkeypatch.setattr(ev, "seeds", lambda settings, config=None: {"000_001_one_story": True})
    return calls


def _results(settings: dict) -> dict:
    return {"settings": settings, "dev": {"embedding_only": {"threshold": 0.8}}, "test3": {"full": {"f1": 0.9}},
            "looks": {"test": 3, "test2": 1, "test3": 1}}


def test_a_labelled_run_is_filed_beside_the_default_and_counts_its_own_looks(tmp_path: Path, fake_eval: list,
                                                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "copies.json"
    out.write_text(json.dumps(_results(dict(load_config().get("copies")))), encoding="utf-8")
    ev.main(["--out", str(out), "--splits", "test3", "--label", "student3"])
    r = json.loads(out.read_text(encoding="utf-8"))
    assert r["test3"] == {"full": {"f1": 0.9}} and r["test3@student3"] == {"full": {"f1": 0.5}}  # the first look stays
    assert r["looks"] == {"test": 3, "test2": 1, "test3": 1, "test3@student3": 1}
    assert fake_eval == [{"split": "test3", "threshold": 0.8, "model": "auto"}]  # the dev-chosen baseline threshold
    assert len(r["runs"]["test3@student3"]["scan_identity"]) == 8 and "seeds@student3" not in r
    ev.main(["--out", str(out), "--splits", "test3", "--label", "student3"])
    assert json.loads(out.read_text(encoding="utf-8"))["looks"]["test3@student3"] == 2
    assert "test3@student3 has now been reported 2 times" in capsys.readouterr().err


def test_bad_config_or_label_is_one_line_and_exit_2(tmp_path: Path, fake_eval: list, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "copies.json"
    for argv in (["--config", str(tmp_path / "missing.toml")], ["--label", "a/b"], ["--splits", "test4"]):
        with pytest.raises(SystemExit) as exc:
            ev.main(["--out", str(out), *argv])
        assert exc.value.code == 2 and "Traceback" not in capsys.readouterr().err
    assert not out.exists() and not fake_eval


def test_scan_identity_follows_the_model_folder(tmp_path: Path) -> None:
    base = load_config()
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, layers in ((a, 6), (b, 3)):
        (folder / "onnx").mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps({"layers": layers}), encoding="utf-8")
        (folder / "onnx" / "encoder.int8.onnx").write_bytes(b"x" * layers)
    ids = [ev.scan_identity(base.with_overrides({"checks.mt_model.model": str(f)})) for f in (a, b, a)]
    assert ids[0] == ids[2] != ids[1] and ev.scan_identity(base) not in ids
    assert ev.scan_identity(base.with_overrides({"checks.mt_model.runtime": "torch"})) != ev.scan_identity(base)


def test_score_names_attribution_misses_and_partials_filed_under_an_overlapping_story() -> None:
    from types import SimpleNamespace as NS

    from detector.eval.copies_corpus import Truth

    truth = {"A-o": Truth("A", "original"), "A-v": Truth("A", "verbatim", note="run-on"),
             "B-o": Truth("B", "original"), "B-r": Truth("B", "rewrite"), "B-m": Truth("B", "mashup", borrowed="C"),
             "C-o": Truth("C", "original"), "C-m": Truth("C", "mashup", borrowed="B"),
             "n1": Truth("n1", "negative", note="same-event")}

    def story(sid: str, original: str, *members: tuple[str, str]) -> NS:
        return NS(id=sid, original=NS(id=original), members=[NS(meta=NS(id=a), link=k) for a, k in members])

    found = [story("s1", "A-v", ("A-v", "original"), ("A-o", "verbatim")),  # the copy named the original
             story("s2", "B-o", ("B-o", "original"), ("B-r", "rewrite"), ("B-m", "rewrite"),
                   ("C-m", "partial"),  # right: C's mashup borrowed from B
                   ("C-o", "partial")),  # wrong story, but C's text is in B's mashup
             story("s3", "C-o", ("C-o", "original"), ("C-m", "rewrite"))]
    got = ev._score(found, truth, {})
    assert got["attribution_accuracy"] == round(2 / 3, 4) and got["attribution_misses_by_copy"] == {"verbatim:run-on": 1}
    assert got["partial_members"] == 2 and got["partial_members_wrong"] == 1 and got["partial_members_wrong_overlapping_a_member"] == 1
    assert got["recall_by_kind"] == {"verbatim": 1.0, "rewrite": 1.0, "mashup": 1.0} and got["mashup_partial_link_recall"] == 0.5
    assert got["by_note"] == {"negative:same-event:in_a_story": {"n": 1, "share": 0.0}, "verbatim:run-on": {"n": 1, "share": 1.0}}
    assert got["precision"] == 1.0 and got["clusters_mixing_stories"] == 0
