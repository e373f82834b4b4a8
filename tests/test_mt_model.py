"""The MT model end to end: `detector train` on a tiny JSONL, `evaluate`, `convert`, `check --model`,
the shipped model on the seeds, and a missing model failing once instead of crashing the run."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

from detector.article import Article, Document
from detector.checks.mt_model import MTModelCheck
from detector.config import load_config
from detector.mt.model.model import SHIPPED_DIR
from detector.scanner import Scanner

ROOT = Path(__file__).resolve().parent.parent


def tiny_jsonl(path: Path, n: int = 10) -> Path:
    """Translated-looking texts with a ".." artefact (label mt) and clean twins (label human)."""
    rows = []
    for i in range(n):
        bad = f"The soldiers stopped in the center of town number {i}.. It prevented the convoy from moving."
        cut = bad.index("..")
        rows.append({"text": bad, "spans": [{"start": cut, "end": cut + 2, "label": "error"}], "label": "mt"})
        rows.append({"text": f"Residents of town number {i} gathered outside city hall on Tuesday.", "spans": [], "label": "human"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained through `detector train` (seconds: the encoder is frozen)."""
    from detector.cli import main

    tmp = tmp_path_factory.mktemp("mt")
    data = tiny_jsonl(tmp / "train.jsonl")
    argv = ["detector", "train", "--train", str(data), "--dev", str(data), "--output", str(tmp / "out"), "--epochs", "4", "--lr", "0.01"]
    old = sys.argv
    sys.argv = argv
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv = old
    assert exc.value.code in (0, None)
    return tmp / "out"


def test_train_saves_best_and_last_with_meta(trained: Path) -> None:
    for name in ("model-best", "model-last"):
        meta = json.loads((trained / name / "meta.json").read_text())
        assert meta["span_labels"] == ["error"] and meta["doc_labels"] == ["human", "mt"]
        assert meta["encoder"] == "auto" and len(meta["data"]["train"]["sha1"]) == 16
        assert "spans" in meta["metrics"]["dev"] and "docs" in meta["metrics"]["dev"]
    size = sum(p.stat().st_size for p in (trained / "model-best").iterdir())
    assert size < 5_000_000  # heads only: the encoder is never saved


def test_trained_model_learns_the_document_label(trained: Path) -> None:
    from detector.mt.model.model import MTModel

    model = MTModel.load(trained / "model-best")
    mt, human = model.predict([
        "The soldiers stopped in the center of town number 99.. It prevented the convoy from moving.",
        "Residents of town number 99 gathered outside city hall on Tuesday.",
    ])
    assert mt.doc_probs["mt"] > human.doc_probs["mt"]


def test_train_adds_a_document_head_and_models_without_one_fall_back(trained: Path) -> None:
    from detector.mt.model.model import MTModel

    best, last = MTModel.load(trained / "model-best"), MTModel.load(trained / "model-last")
    meta = json.loads((trained / "model-best" / "meta.json").read_text())
    assert best.document is not None and meta["document_head"]["features"] == ["sentence_log_odds", "lexical_log_odds"]
    assert "documents_head" in meta["metrics"]["dev"]
    assert last.document is None  # only model-best gets a head; the sentence votes still answer
    text = "The soldiers stopped in the center of town number 99.. It prevented the convoy from moving."
    for model in (best, last):
        probs = model.predict([text])[0].doc_probs
        assert list(probs) == ["human", "mt"] and sum(probs.values()) == pytest.approx(1.0)
    votes = [lp for _, lp in last.predict_sentences([text])]
    assert last.doc_probs(votes, text) == pytest.approx(last.doc_probs(votes))
    assert not MTModel(["error"], ["fake", "real"], best.encoder).has_document_head_labels()


def test_evaluate_prints_per_label_scores(trained: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    data = tiny_jsonl(tmp_path / "dev.jsonl", n=3)
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "evaluate", str(data), "--model", str(trained))
    assert code == 0 and "span:error" in out and "doc:mt" in out and "AUC" in out


def test_evaluate_scores_the_probabilities_the_model_outputs(trained: Path, tmp_path: Path) -> None:
    """With a document head, `evaluate` reports the head's document scores (what mt_probability
    is), and the plain sentence votes beside them."""
    from detector.ml.labeled import read_jsonl
    from detector.mt.model.metrics import doc_scores
    from detector.mt.model.model import MTModel, resolve_model_dir
    from detector.mt.model.train import evaluate

    model = MTModel.load(resolve_model_dir(str(trained)))
    assert model.document is not None
    examples = read_jsonl(tiny_jsonl(tmp_path / "test.jsonl", n=3))
    got = evaluate(model, examples)
    preds = model.predict([ex.text for ex in examples])
    want = doc_scores([ex.label for ex in examples], [p.doc_probs for p in preds], model.doc_labels, positive="mt")
    assert got["docs"]["auc"] == pytest.approx(want["auc"]) and got["docs"]["mcc"] == pytest.approx(want["mcc"])
    assert "auc" in got["sentence_votes"]


def test_check_uses_model_option(trained: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "a.txt").write_text("The soldiers stopped in the center of town.. It prevented the convoy from moving.\n")
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--model", str(trained), "-f", "jsonl", "--fail-on", "never")
    assert code == 0, err
    assert json.loads(out)["mt_probability"] is not None


def test_convert_exports_predictions_and_imports_reviewed_tasks(trained: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    data = tiny_jsonl(tmp_path / "in.jsonl", n=2)
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "convert", str(data), "tasks.json", "--to", "labelstudio", "--model", str(trained))
    assert code == 0 and '<Labels name="label"' in err
    tasks = json.loads((tmp_path / "tasks.json").read_text())
    assert len(tasks) == 4 and all("predictions" in t for t in tasks)
    # A reviewer accepts the first task's prediction; the others stay unreviewed.
    tasks[0]["annotations"] = [{"result": tasks[0]["predictions"][0]["result"]}]
    (tmp_path / "reviewed.json").write_text(json.dumps(tasks))
    code, _, _ = run_cli(monkeypatch, capsys, tmp_path, "convert", "reviewed.json", "back.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "back.jsonl").read_text().splitlines()]
    assert code == 0 and len(rows) == 1 and rows[0]["text"] == tasks[0]["data"]["text"]


def test_train_rejects_bad_data_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "bad.jsonl").write_text('{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "e"}]}\n')
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "train", "--train", "bad.jsonl", "--dev", "bad.jsonl", "--output", "o")
    assert code == 2 and "bad.jsonl:1" in err and len(err.strip().splitlines()) == 1


def test_missing_model_warns_once_and_the_run_goes_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = load_config().with_overrides({"select": ["MT.ModelSpan"], "checks.mt_model.model": str(tmp_path / "nowhere")})
    scanner = Scanner(cfg)
    with caplog.at_level(logging.WARNING):
        reports = list(scanner.scan([Article("a", "One sentence here."), Article("b", "Another one here.")], batch_size=1))
    assert [r.mt_probability for r in reports] == [None, None]
    assert all(not r.findings for r in reports)
    offs = [r for r in caplog.records if "mt_model check is off" in r.getMessage()]
    assert len(offs) == 1 and "\n" not in offs[0].getMessage()


# -- the shipped model ------------------------------------------------------------------------
needs_shipped = pytest.mark.skipif(not (SHIPPED_DIR / "meta.json").is_file(), reason="models/mt not trained")


def _seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_reports() -> dict:
    scanner = Scanner(load_config().with_overrides({"select": ["MT.ModelSpan"]}))
    reports = scanner.check_articles([Article(p, _seed(p)) for p in ("000", "001", "002")])
    return {r.article.id: r for r in reports}


@needs_shipped
def test_shipped_model_ranks_translated_seeds_above_the_original(seed_reports: dict) -> None:
    p = {k: r.mt_probability for k, r in seed_reports.items()}
    assert p["002"] > p["000"] and p["001"] > p["000"], p


@needs_shipped
def test_shipped_model_raises_no_warnings_on_the_original_reporting(seed_reports: dict) -> None:
    warnings = [f.text for f in seed_reports["000"].findings if f.severity.value == "warning"]
    assert warnings == []


@needs_shipped
def test_batching_does_not_change_results() -> None:
    check = MTModelCheck()
    check.ensure_setup()
    from detector.article import Document

    docs = [Document(Article(p, _seed(p))) for p in ("000", "002")]
    together = check.check_batch(docs)
    alone = [check.check_batch([d])[0] for d in docs]
    for a, b in zip(together, alone, strict=True):
        assert a.metrics["mt_probability"] == pytest.approx(b.metrics["mt_probability"], abs=1e-4)
        assert [(f.start, f.end) for f in a.findings] == [(f.start, f.end) for f in b.findings]


@pytest.mark.parametrize("text, word, shown", [
    ("In our testing, the machine was outstanding at removing stains from every shirt.", "outstanding", True),
    ("Credit Hour | $337 | $516 per credit for the standard online semester.", "337", False),  # no lower-case letter
    ("Cost for one | Public, in-state | Private", "one", False),  # a table cell
    ("How much should I tip cross-country movers?", "should", False),  # a question heading
    ("Machine learning in eCommerce", "learning", False),  # a heading: no full stop
    ("A. ML in eCommerce involves using algorithms to analyze data.", "A.", False),
])
def test_model_spans_are_shown_only_in_running_text(text: str, word: str, shown: bool) -> None:
    from detector.checks.mt_model import _in_running_text
    from detector.mt.context import mt_sentences
    from detector.mt.model.model import SpanPrediction

    doc = Document(Article("t", text))
    sentences = mt_sentences(doc)
    start = text.index(word)
    span = SpanPrediction(start, start + len(word), "error", 0.9)
    assert _in_running_text(text, span, sentences, [s.start for s in sentences]) is shown
