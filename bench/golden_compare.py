"""Do two detector trees give the same outputs on a fixed corpus? (`python bench/golden_compare.py`)

    python bench/golden_compare.py --tree /tmp/main --tree . [--wcxb 40] [--mt 16] [--keep DIR [--reuse]] [--out FILE]
        -> exit 0 when every report matches, 1 (with the first differences) when not

A speed change must not change what a user gets. Each tree scans the same articles (WCXB bodies,
the seeds, WMT22 system outputs as whole documents) in its own process, with the default (full)
profile, and dumps per article: the jsonl report, the unrounded MT and source-language
probabilities, every metric, each finding's unrounded confidence and data, the copy signature
(MinHash, sentence hashes, spans, anchors, int8 vectors), and the boilerplate classifier's line
features (a change there can hide under the thresholds). Floats must agree to ``--tol``
(default 1e-6); everything else exactly. The int8 copy vectors may differ by one step in a few
cells (a rounding edge), which is reported as its own count, not as a difference.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
from pathlib import Path
import numpy as np
from detector.article import Article, Document
from detector.config import load_config
from detector.boilerplate.features import line_features
from detector.scanner import Scanner

def plain(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
arts = [Article(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in rows]
scanner = Scanner(load_config(start=Path.cwd()))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for rep in scanner.scan(arts, batch_size=16):
        sig = rep.signals.get("copies")
        d = {"report": rep.to_dict(), "mt_probability": rep.mt_probability,
             "source_language_probability": rep.source_language_probability,
             "metrics": plain(rep.metrics), "confidences": [f.confidence for f in rep.findings],
             "data": [plain(f.data) for f in rep.findings],
             "boilerplate_features": line_features([ln.text for ln in Document(rep.article).lines]).tolist()}
        if sig is not None:
            d["signature"] = {"minhash": plain(sig.minhash), "shingles": sig.shingles, "spans": plain(sig.spans),
                              "hashes": plain(sig.hashes), "anchors": sig.anchors, "encoder": sig.encoder}
            d["vectors"] = None if sig.vectors is None else plain(sig.vectors)
        out.write(json.dumps(d, ensure_ascii=False, default=str) + "\n")
"""


def corpus(path: Path, n_wcxb: int, n_mt: int) -> int:
    """WCXB bodies, the seeds, and WMT22 MT outputs (ru-en, uk-en) as whole documents."""
    from detector.datasets import iter_wcxb, iter_wmt22

    rows = [{"id": f"wcxb-{a['id']}", "text": a["ground_truth"].get("main_content") or "", "outlet": a.get("domain", "x")}
            for a in itertools.islice(iter_wcxb(), n_wcxb)]
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        rows.append({"id": p.stem, "text": p.read_text(encoding="utf-8"), "outlet": "seeds"})
    for pair in ("ru-en", "uk-en"):
        for doc in itertools.islice(iter_wmt22(pair), n_mt // 2):
            for system, segs in itertools.islice(sorted(doc.hyps.items()), 1):
                rows.append({"id": f"{pair}-{doc.id}-{system}", "text": "\n".join(segs), "outlet": f"wmt-{system}"})
            rows.append({"id": f"{pair}-{doc.id}-ref", "text": "\n".join(doc.ref), "outlet": "wmt-ref"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def dump(tree: Path, corpus_path: Path, out: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus_path), str(out)], capture_output=True, text=True,
                          env=env, cwd=tree)
    if proc.returncode:
        raise SystemExit(f"{tree}: {proc.stderr[-2000:]}")


def differences(a: object, b: object, tol: float, where: str = "") -> list[str]:
    """Where two dumped values differ (floats to ``tol``, the rest exactly)."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and (
                math.isclose(a, b, abs_tol=tol, rel_tol=0) or (math.isnan(a) and math.isnan(b))):
            return []
        return [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in one" for k in sorted(set(a) ^ set(b))]
        for k in sorted(set(a) & set(b)):
            out += differences(a[k], b[k], tol, f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, tol, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def vector_steps(a: list | None, b: list | None) -> tuple[int, int]:
    """(cells one int8 step apart, cells further apart or shapes unequal) between two vector dumps."""
    if a is None or b is None:
        return (0, 0) if a is b else (0, 1)
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)):
        return 0, 1
    near = far = 0
    for x, y in zip(a, b):
        for p, q in zip(x, y):
            near += abs(p - q) == 1
            far += abs(p - q) > 1
    return near, far


def compare(a: Path, b: Path, tol: float) -> dict:
    ra = [json.loads(line) for line in a.open(encoding="utf-8")]
    rb = [json.loads(line) for line in b.open(encoding="utf-8")]
    if len(ra) != len(rb):
        return {"articles": [len(ra), len(rb)], "identical": False, "differences": ["report counts differ"]}
    diffs: list[str] = []
    near = far = findings = 0
    for x, y in zip(ra, rb):
        vx, vy = x.pop("vectors", None), y.pop("vectors", None)
        n, f = vector_steps(vx, vy)
        near, far = near + n, far + f
        findings += len(x["report"]["findings"])
        diffs += differences(x, y, tol, x["report"]["id"])
    return {"articles": len(ra), "findings": findings, "identical": not diffs and not far,
            "differences": diffs[:40], "difference_count": len(diffs),
            "copy_vector_cells_one_step_apart": near, "copy_vector_cells_further_apart": far}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, action="append", required=True, help="two detector checkouts (the first is the reference)")
    ap.add_argument("--wcxb", type=int, default=40, help="WCXB article bodies")
    ap.add_argument("--mt", type=int, default=16, help="WMT22 documents (one MT output and the reference of each)")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--keep", type=Path, help="keep the corpus and the dumps in this folder")
    ap.add_argument("--out", type=Path, help="also write the comparison here (e.g. bench/results/golden_compare.json)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse the reference tree's dump kept there")
    args = ap.parse_args()
    if len(args.tree) != 2:
        ap.error("give --tree twice: the reference and the tree to check")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        corpus_path = folder / "corpus.jsonl"
        dumps = [folder / f"golden-{i}.jsonl" for i in range(2)]
        reuse = args.reuse and args.keep is not None and corpus_path.is_file() and dumps[0].is_file()
        n = sum(1 for _ in corpus_path.open(encoding="utf-8")) if reuse else corpus(corpus_path, args.wcxb, args.mt)
        for i, (tree, out) in enumerate(zip(args.tree, dumps)):
            if not (reuse and i == 0):
                dump(tree.resolve(), corpus_path, out)
        result = compare(*dumps, args.tol)
    summary = {"command": "python bench/golden_compare.py " + " ".join(sys.argv[1:]), "trees": [str(t) for t in args.tree],
               "corpus_articles": n, "tolerance": args.tol, **result}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.exit(0 if result["identical"] else 1)


if __name__ == "__main__":
    main()
