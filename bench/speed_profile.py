"""Where the full scan's CPU time goes, per component of the MT check (`python bench/speed_profile.py`).

    python bench/speed_profile.py [--n 12] [--tree PATH] [--out FILE]
        -> bench/results/speed_profile.json (one tree; run it on two trees to compare them)

One worker thread (``OMP_NUM_THREADS=1``) and the profiler's clock is the thread's CPU time, so the
numbers are CPU seconds, which load from other jobs on the machine barely moves (wall seconds are
reported beside them, and the load average). ``--tree`` runs another checkout of detector (an older
commit unpacked with git archive, its ignored exports linked in) on the same articles; ``--config``
runs each tree with a given detector.toml (e.g. the student encoder: bench/student.toml).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Profiled functions: (file name ending, function name) -> component.
COMPONENTS = {
    ("onnxruntime_inference_collection.py", "run"): "encoder (ONNX Runtime)",
    ("module.py", "_call_impl"): "encoder (torch)",
    ("~", "<method 'encode_batch' of 'tokenizers.Tokenizer' objects>"): "tokenization",
    ("numpy_heads.py", "__call__"): "token tagger and sentence head (numpy)",
    ("numpy_heads.py", "predict_numpy"): "encoder pass with heads, total",
    ("model.py", "docs_probs"): "document head",
    ("source_language.py", "result"): "source language (hashed n-grams, head, names)",
    ("scanner.py", "copy_signals"): "copy signatures (MinHash, shingles, vectors)",
    ("mt_model.py", "check_batch"): "mt_model check, total",
}

CHILD = r"""
import cProfile, itertools, json, os, pstats, sys, time
from pathlib import Path
os.environ["OMP_NUM_THREADS"] = "1"
from detector.article import Article
from detector.config import load_config
from detector.scanner import Scanner
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
arts = [Article(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in rows]
scanner = Scanner(load_config(Path(sys.argv[2])) if len(sys.argv) > 2 else load_config(start=Path.cwd()))
scanner.check_articles(arts[:2])
per_check = {}
run_check = scanner._run_check
def timed(check, docs):
    t = time.thread_time()
    try:
        return run_check(check, docs)
    finally:
        per_check[check.name] = per_check.get(check.name, 0.0) + time.thread_time() - t
scanner._run_check = timed
prof = cProfile.Profile(time.thread_time)
load = os.getloadavg()[0]
c0, t0 = time.process_time(), time.perf_counter()
prof.enable()
list(scanner.scan(arts, batch_size=32))
prof.disable()
cpu, wall = time.process_time() - c0, time.perf_counter() - t0
stats = pstats.Stats(prof).stats
found = {}
for (file, _line, func), (_cc, _nc, _tt, cum, _callers) in stats.items():
    found[f"{file}|{func}"] = found.get(f"{file}|{func}", 0.0) + cum
print(json.dumps({"cpu_seconds": cpu, "wall_seconds": wall, "load_average_1min": [load, os.getloadavg()[0]],
                  "per_check_cpu_seconds": per_check, "functions": found}))
"""


def corpus(n: int, path: Path) -> int:
    from detector.datasets import iter_wcxb

    rows = [{"id": str(a["id"]), "text": a["ground_truth"].get("main_content") or "", "outlet": a.get("domain", "x")}
            for a in itertools.islice(iter_wcxb(), n)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def profile(tree: Path, corpus_path: Path, config: Path | None = None) -> dict:
    env = os.environ | {"PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    extra = [str(config.resolve())] if config is not None else []
    proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus_path), *extra], capture_output=True, text=True, env=env, cwd=tree)
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    comps: dict[str, float] = {}
    for key, cum in raw["functions"].items():
        file, func = key.split("|", 1)
        for (suffix, name), comp in COMPONENTS.items():
            if func == name and (file.endswith(suffix) or suffix == "~" == file):
                comps[comp] = comps.get(comp, 0.0) + cum
    return {"cpu_seconds": round(raw["cpu_seconds"], 2), "wall_seconds": round(raw["wall_seconds"], 2),
            "load_average_1min": [round(x, 1) for x in raw["load_average_1min"]],
            "per_check_cpu_seconds": {k: round(v, 2) for k, v in raw["per_check_cpu_seconds"].items()},
            "components_cpu_seconds": {k: round(v, 2) for k, v in sorted(comps.items(), key=lambda kv: -kv[1])}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=12, help="WCXB article bodies")
    ap.add_argument("--tree", type=Path, action="append", help="a detector checkout to profile (repeatable; default: this one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed_profile.json")
    ap.add_argument("--config", type=Path, action="append",
                    help="a detector.toml to profile each tree with (repeatable, e.g. checks.mt_model.student = true; default: the tree's own)")
    args = ap.parse_args()
    path = args.out.with_suffix(".corpus.jsonl")
    n = corpus(args.n, path)
    try:
        trees = args.tree or [ROOT]
        result = {"command": "python bench/speed_profile.py " + " ".join(sys.argv[1:]), "articles": n,
                  "note": "one worker thread; CPU seconds of that thread (cProfile on time.thread_time), wall beside",
                  "trees": {}}
        for tree, config in itertools.product(trees, args.config or [None]):
            rev = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip()
            label = f"{tree} {rev}".strip() + (f" {config}" if config is not None else "")
            result["trees"][label] = got = profile(tree, path, config)
            print(label, json.dumps(got, indent=1), flush=True)
    finally:
        path.unlink(missing_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
