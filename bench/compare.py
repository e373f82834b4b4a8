"""This version beside a previous release, in one run, on the same articles (`make bench`).

    python bench/compare.py [--previous f66c365] [--n 300] [--cold 5] [--scaling 24]
        -> bench/results/speed.json (and a table on stdout; docs/speed.md explains it)

The previous release is the commit given (default: the one whose bench measured 1.5 articles/s),
unpacked with ``git archive`` into a temporary folder and run by the same interpreter and packages
(``PYTHONPATH``; the same pinned torch), so only the code and models differ. Each measurement runs in
a fresh process; the versions alternate (A B B A), and the 1-minute load average is recorded with
every timing, because other jobs share the cores: compare the ratios within this run, not absolute
rates across runs. Measured: articles/s and words/s of the full and fast profiles (one Scanner in
one process, as the Python API runs) with seconds per check and peak RSS; `detector check` on the
whole corpus with each version's defaults (this one's ``--jobs auto``: a worker per core); cold start of `detector check one.txt` (median of ``--cold`` runs, wall and
CPU seconds); `--jobs 1/2` and `--ray local` on 2 workers (peak RSS per worker); sentences/s per
encoder path (``bench/encoder_paths.py``); and the CUDA profile when a GPU is present.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = "f66c365"  # bench/results/speed.json of 2026-11-30: 1.5 articles/s full, 19.1 fast
PROFILES: dict[str, dict[str, object]] = {
    "full": {},
    # No encoder pass (MTModelCheck.needs_encoder): the model's spans and mt_probability off, source language from names.
    "fast": {"ignore": ["MT.ModelSpan"]},
    "cuda": {"checks.mt_model.device": "cuda"},
}
#: What the previous release needs on top for the same profile: its boilerplate ran MiniLM unless told not to
#: (this version's boilerplate runs no encoder and accepts the setting only for old config files).
PREVIOUS_EXTRA: dict[str, dict[str, object]] = {"fast": {"checks.boilerplate.encoder": "none"}}
ONE = ("The minister said on Tuesday that the new bridge over the river would open on 31 February 2024. "
       "Vladimir Zelenskiy visited Kyiv and Kiev on the same day. Subscribe to our newsletter for more news.\n")

# Runs inside the measured version's tree: the same articles, one Scanner, the scanner's own counters.
CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
from detector.article import Article
from detector.config import load_config
from detector.scanner import Scanner
from detector.checks import all_checks, all_rules
tree, corpus, overrides = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
known = set(all_rules()) | {r.id for c in all_checks().values() for r in c.rules}
if "ignore" in overrides:
    overrides["ignore"] = [r for r in overrides["ignore"] if r in known]  # rules a release lacks: nothing to ignore
arts = [Article(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in map(json.loads, corpus.open(encoding="utf-8"))]
load0 = os.getloadavg()[0]
scanner = Scanner(load_config(start=tree).with_overrides(overrides, source="bench profile"))
t0 = time.perf_counter(); scanner.check_articles(arts[:2]); setup = time.perf_counter() - t0
for st in scanner.stats.values():
    st.seconds = st.documents = st.findings = 0
c0 = time.process_time(); t0 = time.perf_counter()
findings = sum(len(r.findings) for r in scanner.scan(arts, batch_size=32))
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"setup_seconds": round(setup, 2), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
                  "findings": findings, "seconds_per_check": {k: round(v.seconds, 2) for k, v in scanner.stats.items()},
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "load_average_1min": [round(load0, 1), round(os.getloadavg()[0], 1)],
                  "torch_imported": "torch" in sys.modules}))
"""


def _env(tree: Path) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def previous_tree(rev: str, into: Path) -> Path:
    """The release's files (code and models) unpacked from git, without touching the work tree."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def write_corpus(n: int, path: Path) -> tuple[str, int, int]:
    from detector.datasets import iter_wcxb, shared_data_dir

    if shared_data_dir() is not None:
        rows = [{"id": str(a["id"]), "text": a["ground_truth"].get("main_content") or "", "outlet": a.get("domain", "x")}
                for a in itertools.islice(iter_wcxb(), n)]
        name = "WCXB dev article bodies"
    else:
        seeds = sorted((ROOT / "seeds").glob("*.txt"))
        rows = [{"id": str(i), "text": seeds[i % len(seeds)].read_text(encoding="utf-8"), "outlet": "x"} for i in range(n)]
        name = "seed articles, repeated"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return name, len(rows), sum(len(r["text"].split()) for r in rows)


def scan(tree: Path, corpus: Path, profile: str, n: int, words: int) -> dict:
    overrides = PROFILES[profile] | (PREVIOUS_EXTRA.get(profile, {}) if tree != ROOT else {})
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(corpus), json.dumps(overrides)],
                          capture_output=True, text=True, env=_env(tree), cwd=tree)
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    return r | {"articles_per_second": round(n / r["seconds"], 2), "words_per_second": round(words / r["seconds"])}


def timed_cli(tree: Path, args: list[str], cwd: Path) -> dict:
    """Wall and CPU seconds of one `detector` command, and the peak RSS of its largest process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    rss = cwd / "rss.txt"  # GNU time: the peak RSS of the largest process it waited for (workers of --jobs included)
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(rss)] if Path("/usr/bin/time").is_file() else []
    t0 = time.perf_counter()
    proc = subprocess.run([*timer, sys.executable, "-m", "detector", *args], capture_output=True, text=True, env=_env(tree), cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "load_average_1min": round(load, 1), "exit": proc.returncode}
    if timer and rss.is_file() and rss.read_text().strip().splitlines():
        out["peak_rss_mb_largest_process"] = round(int(rss.read_text().strip().splitlines()[-1]) / 1024)
    if proc.returncode not in (0, 1):
        out["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1]
    return out


def cold_start(trees: dict[str, Path], runs: int, work: Path) -> dict:
    (work / "one.txt").write_text(ONE, encoding="utf-8")
    got: dict[str, list[dict]] = {name: [] for name in trees}
    for i in range(runs):
        for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
            got[name].append(timed_cli(tree, ["check", str(work / "one.txt")], work))
    return {name: {"median_seconds": statistics.median(r["seconds"] for r in rs),
                   "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in rs), "runs": rs}
            for name, rs in got.items()}


def scaling(tree: Path, corpus: Path, n: int, work: Path) -> dict:
    """One version's CLI on the same file: --jobs 1, --jobs 2, --ray local with 2 workers."""
    small = work / "scaling.jsonl"
    small.write_text("".join(itertools.islice(corpus.open(encoding="utf-8"), n)), encoding="utf-8")
    runs = {"jobs 1": ["--jobs", "1"], "jobs 2": ["--jobs", "2"], "ray local, 2 workers": ["--ray", "local", "--jobs", "2"]}
    out: dict = {"articles": n, "note": "2 cores bound it: 2 workers share them with each other and with other jobs"}
    for name, extra in runs.items():
        if name.startswith("ray") and shutil.which("ray") is None and not _has_module("ray"):
            out[name] = "skipped: Ray is not installed (pip install 'detector[ray]')"
            continue
        r = timed_cli(tree, ["check", str(small), "--format", "json", *extra], work)
        r["articles_per_second"] = round(n / r["seconds"], 2)
        out[name] = r
    return out


def cli_default(trees: dict[str, Path], corpus: Path, n: int, words: int, work: Path) -> dict:
    """What a user runs: ``detector check corpus.jsonl`` with each version's own defaults (this
    version's ``--jobs auto`` runs one worker per core on a file this long; the previous release ran
    one process), start-up included."""
    out: dict = {}
    for name, tree in trees.items():
        r = timed_cli(tree, ["check", str(corpus), "--format", "jsonl", "--output", str(work / f"cli-{name}.jsonl"), "--force"], work)
        out[name] = r | {"articles_per_second": round(n / r["seconds"], 2), "words_per_second": round(words / r["seconds"])}
    if all("error" not in out[v] for v in trees):
        out["speedup"] = round(out["previous"]["seconds"] / out["this"]["seconds"], 2)
        same = (work / "cli-previous.jsonl").read_text(encoding="utf-8").count("\n") == (work / "cli-this.jsonl").read_text(encoding="utf-8").count("\n")
        out["same_number_of_reports"] = same
    return out


def targets(result: dict) -> dict:
    """Issue 19's targets, read off this run."""
    full, cli, cold = result["profiles"]["full"], result.get("cli_default", {}), result.get("cold_start_one_article", {})
    rss = [full.get("this", {}).get("peak_rss_mb", 0)] + [r.get("peak_rss_mb_largest_process", 0)
                                                          for r in (result.get("scaling_this") or {}).values() if isinstance(r, dict)]
    got = {
        "full profile, one process (library): articles/s": full.get("this", {}).get("articles_per_second"),
        "full profile, one process: x previous": full.get("speedup"),
        "detector check with defaults: articles/s": cli.get("this", {}).get("articles_per_second"),
        "detector check with defaults: x previous": cli.get("speedup"),
        "cold start, one article: seconds": cold.get("this", {}).get("median_seconds"),
        "peak RSS per worker: MB": max(rss),
    }
    got["met"] = {
        ">= 6 articles/s (detector check)": (got["detector check with defaults: articles/s"] or 0) >= 6,
        ">= 4x previous (detector check)": (got["detector check with defaults: x previous"] or 0) >= 4,
        ">= 6 articles/s (one process)": (got["full profile, one process (library): articles/s"] or 0) >= 6,
        ">= 4x previous (one process)": (got["full profile, one process: x previous"] or 0) >= 4,
        "cold start <= 3 s": (got["cold start, one article: seconds"] or 99) <= 3,
        "peak RSS <= 1.5 GB per worker": got["peak RSS per worker: MB"] <= 1536,
    }
    return got


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def cuda_available() -> bool:
    proc = subprocess.run([sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
                          capture_output=True, text=True)
    return proc.stdout.strip() == "True"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--previous", default=PREVIOUS, help="git revision of the previous release")
    ap.add_argument("--n", type=int, default=300, help="articles per profile run")
    ap.add_argument("--cold", type=int, default=5, help="cold-start runs per version")
    ap.add_argument("--scaling", type=int, default=24, help="articles for the --jobs/--ray runs (0: skip)")
    ap.add_argument("--encoder-docs", type=int, default=40, help="documents for bench/encoder_paths.py (0: skip)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="detector-bench-") as tmp:
        work = Path(tmp)
        (work / "previous").mkdir()
        trees = {"previous": previous_tree(args.previous, work / "previous"), "this": ROOT}
        name, n, words = write_corpus(args.n, work / "corpus.jsonl")
        result: dict = {
            "command": f"python bench/compare.py --previous {args.previous} --n {args.n} --cold {args.cold} --scaling {args.scaling}",
            "previous_release": subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ad %s", "--date=short",
                                                args.previous], capture_output=True, text=True).stdout.strip(),
            "this": subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip(),
            "corpus": name, "articles": n, "words": words,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "processor": platform.machine(),
                        "note": "cores shared with other jobs: see load_average_1min beside each timing"},
            "profiles": {},
        }
        for profile, order in (("full", ("previous", "this")), ("fast", ("this", "previous"))):
            result["profiles"][profile] = {v: scan(trees[v], work / "corpus.jsonl", profile, n, words) for v in order}
            got = result["profiles"][profile]
            if all("seconds" in got[v] for v in trees):
                got["speedup"] = round(got["previous"]["seconds"] / got["this"]["seconds"], 2)
                got["cpu_speedup"] = round(got["previous"]["cpu_seconds"] / got["this"]["cpu_seconds"], 2)
            print(profile, json.dumps(got), flush=True)
        result["cli_default"] = cli_default(trees, work / "corpus.jsonl", n, words, work)
        print("detector check, defaults", json.dumps(result["cli_default"]), flush=True)
        if cuda_available():
            result["profiles"]["cuda"] = {"this": scan(ROOT, work / "corpus.jsonl", "cuda", n, words)}
        else:
            result["profiles"]["cuda"] = "skipped: CUDA is not available on this machine (no GPU); checks.mt_model.device = \"cuda\" is measured only where torch.cuda.is_available()"
        print("cuda", json.dumps(result["profiles"]["cuda"]), flush=True)
        if args.cold:
            result["cold_start_one_article"] = cold_start(trees, args.cold, work)
            print("cold start", json.dumps({k: v["median_seconds"] for k, v in result["cold_start_one_article"].items()}), flush=True)
        if args.scaling:
            result["scaling_this"] = scaling(ROOT, work / "corpus.jsonl", args.scaling, work)
            print("scaling", json.dumps(result["scaling_this"]), flush=True)
        if args.encoder_docs:
            out = work / "encoder_paths.json"
            subprocess.run([sys.executable, str(ROOT / "bench" / "encoder_paths.py"), "--docs", str(args.encoder_docs),
                            "--rounds", "2", "--source-docs", "0", "--out", str(out)], env=_env(ROOT), cwd=ROOT, capture_output=True, text=True)
            if out.is_file():
                paths = json.loads(out.read_text(encoding="utf-8"))
                result["encoder_paths"] = {k: paths.get(k) for k in ("command", "sentences", "sentences_per_second",
                                                                   "sentences_per_cpu_second", "speedup_vs_torch_fp32",
                                                                   "cpu_speedup_vs_torch_fp32", "mt_eval", "machine")}
    result["targets"] = targets(result)
    print("targets", json.dumps(result["targets"]), flush=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
