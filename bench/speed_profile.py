"""Where the full scan's CPU time goes, per check and per component of the MT check (`python bench/speed_profile.py`).

    python bench/speed_profile.py [--n 12] [--repeat 1] [--tree PATH [--label TEXT]]... [--config TOML]... [--out FILE]
        -> bench/results/speed_profile.json (every --tree on the same articles, in one run)

One worker thread (``OMP_NUM_THREADS=1``); the clocks are CPU seconds (process and thread time),
which load from other jobs on the machine barely moves (wall seconds and the load average are
reported beside them). Each tree is run three times, each in a fresh process on the same articles:
- ``plain``: the full profile, no profiler: CPU seconds per check and per article, what a user gets,
  and the encoder's ONNX runs timed apart (their CPU time moves most with load on the machine);
- ``fast``: the same with ``ignore = ["MT.ModelSpan"]`` (no encoder), no profiler;
- ``profiled``: the full profile under cProfile on the thread clock, for the MT check's components.
  cProfile charges every Python call, so the Python-heavy checks (translit, boilerplate, the MT
  rules) read 2-5x their plain time there: compare components within that run only.
``--tree`` runs another checkout of detector (an older commit unpacked with git archive, its ignored
exports copied in) on the same articles; ``--config`` runs each tree with a given detector.toml
as well (e.g. the student encoder: bench/student.toml against bench/teacher.toml).
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
mode, ignore = sys.argv[2], json.loads(sys.argv[3])
arts = [Article(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in rows]
config = load_config(Path(sys.argv[4])) if len(sys.argv) > 4 else load_config(start=Path.cwd())
if ignore:
    config = config.with_overrides({"ignore": list(config.get("ignore") or []) + ignore})
scanner = Scanner(config)
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
encoder = [0.0]
try:  # the encoder's own runs, timed apart (a few microseconds a call), so load on it is seen apart
    from detector.ml.onnx_runtime import OnnxSession
    session_run = OnnxSession._run
    def run_timed(self, *a, **k):
        t = time.thread_time()
        try:
            return session_run(self, *a, **k)
        finally:
            encoder[0] += time.thread_time() - t
    OnnxSession._run = run_timed
except ImportError:
    pass
prof = cProfile.Profile(time.thread_time) if mode == "profiled" else None
load = os.getloadavg()[0]
c0, t0 = time.process_time(), time.perf_counter()
if prof:
    prof.enable()
list(scanner.scan(arts, batch_size=32))
if prof:
    prof.disable()
cpu, wall = time.process_time() - c0, time.perf_counter() - t0
found = {}
for (file, _line, func), (_cc, _nc, _tt, cum, _callers) in (pstats.Stats(prof).stats.items() if prof else ()):
    found[f"{file}|{func}"] = found.get(f"{file}|{func}", 0.0) + cum
print(json.dumps({"cpu_seconds": cpu, "wall_seconds": wall, "load_average_1min": [load, os.getloadavg()[0]],
                  "per_check_cpu_seconds": per_check, "encoder_run_cpu_seconds": encoder[0], "functions": found}))
"""

#: The runs made of each tree, each in a fresh process: (name, under the profiler, rules ignored).
RUNS = (("plain", False, []), ("fast", False, ["MT.ModelSpan"]), ("profiled", True, []))


def corpus(n: int, path: Path) -> int:
    from detector.datasets import iter_wcxb

    rows = [{"id": str(a["id"]), "text": a["ground_truth"].get("main_content") or "", "outlet": a.get("domain", "x")}
            for a in itertools.islice(iter_wcxb(), n)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def profile(tree: Path, corpus_path: Path, profiled: bool, ignore: list[str], n: int, config: Path | None = None) -> dict:
    env = os.environ | {"PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    extra = [str(config.resolve())] if config is not None else []
    proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus_path), "profiled" if profiled else "plain",
                           json.dumps(ignore), *extra], capture_output=True, text=True, env=env, cwd=tree)
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    comps: dict[str, float] = {}
    for key, cum in raw["functions"].items():
        file, func = key.split("|", 1)
        for (suffix, name), comp in COMPONENTS.items():
            if func == name and (file.endswith(suffix) or suffix == "~" == file):
                comps[comp] = comps.get(comp, 0.0) + cum
    cpu = raw["cpu_seconds"]
    out = {"cpu_seconds": round(cpu, 2), "cpu_seconds_per_article": round(cpu / max(n, 1), 4),
           "articles_per_second_on_2_idle_cores_estimate": round(2 * n / max(cpu, 1e-9), 2),
           "wall_seconds": round(raw["wall_seconds"], 2), "load_average_1min": [round(x, 1) for x in raw["load_average_1min"]],
           "per_check_cpu_seconds": {k: round(v, 3) for k, v in raw["per_check_cpu_seconds"].items()},
           "encoder_runs_cpu_seconds": round(raw["encoder_run_cpu_seconds"], 2),
           "cpu_seconds_outside_encoder_runs": round(cpu - raw["encoder_run_cpu_seconds"], 2)}
    if comps:
        out["components_cpu_seconds"] = {k: round(v, 2) for k, v in sorted(comps.items(), key=lambda kv: -kv[1])}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=12, help="WCXB article bodies")
    ap.add_argument("--tree", type=Path, action="append", help="a detector checkout to profile (repeatable; default: this one)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of the plain and fast profiles per tree (the cheapest is kept)")
    ap.add_argument("--label", action="append", default=[], help="what each --tree is, in the same order (e.g. 'main 9bf68de')")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed_profile.json")
    ap.add_argument("--config", type=Path, action="append",
                    help="a detector.toml to profile each tree with (repeatable, e.g. checks.mt_model.student = true; default: the tree's own)")
    args = ap.parse_args()
    path = args.out.with_suffix(".corpus.jsonl")
    n = corpus(args.n, path)
    try:
        trees = args.tree or [ROOT]
        result = {"command": "python bench/speed_profile.py " + " ".join(sys.argv[1:]), "articles": n,
                  "note": ("one worker thread; CPU seconds (process time; per check: thread time), wall beside. plain: the "
                           "full profile, no profiler; fast: ignore MT.ModelSpan (no encoder); profiled: cProfile on the "
                           "thread clock, which inflates the Python-heavy checks 2-5x, for the MT check's components only. "
                           "Articles/s on 2 idle cores is an estimate: 2 x articles / CPU seconds."),
                  "trees": {}}
        keys, targets = [], []
        for (k, tree), config in itertools.product(enumerate(trees), args.config or [None]):
            rev = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip()
            label = args.label[k] if k < len(args.label) else ""
            keys.append(" ".join(x for x in (str(tree), rev, f"({label})" if label else "", str(config or "")) if x))
            targets.append((tree, config))
            result["trees"][keys[-1]] = {}
        for name, profiled, ignore in RUNS:  # the trees alternate, so load changes reach them alike
            for _ in range(1 if profiled else args.repeat):
                for key, (tree, config) in zip(keys, targets, strict=True):
                    got = profile(tree, path, profiled, ignore, n, config)
                    best = result["trees"][key].get(name)
                    if best is not None:  # repeated: keep the cheapest run, list every run's CPU seconds
                        got["runs_cpu_seconds"] = best.get("runs_cpu_seconds", [best["cpu_seconds"]]) + [got["cpu_seconds"]]
                        got = got if got["cpu_seconds"] < best["cpu_seconds"] else best | {"runs_cpu_seconds": got["runs_cpu_seconds"]}
                    result["trees"][key][name] = got
                    print(key, name, json.dumps(got, indent=1), flush=True)
    finally:
        path.unlink(missing_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
