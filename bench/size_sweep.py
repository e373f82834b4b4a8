"""Cost of one article as it grows from 10 KB to 10 MB: seconds per check and peak memory.

    python bench/size_sweep.py                      # fast profile, sizes 10k..10M -> bench/results/size_sweep.json
    python bench/size_sweep.py --ignore Date        # without a check (e.g. while it is quadratic)
    python bench/size_sweep.py --sizes 10000,100000 --max-chars 1000000
    python bench/size_sweep.py --text dates --select Date --sizes 62500,125000,250000,500000 \
        --out bench/results/size_sweep_dates.json  # one check on date-dense text

Each size runs in a fresh process (so the peak resident memory it reports is that size's own),
on the seed articles repeated to the size; ``max_chars`` is raised above the largest size so the
whole text is checked and the per-check cost can be seen growing. A check whose seconds per MB
grow with the size is superlinear; the summary gives each check's slope on a log-log fit
(1.0 = linear, 2.0 = quadratic). A final run at the default ``max_chars`` shows the cap: the cost
of a 10 MB article stays that of a 1 MB one.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = {"ignore": ["MT.ModelSpan"]}


#: A line with three dates, for the worst case of the date extractor.
DATES_UNIT = "On Monday, March 1, 2022, officials met. The talks of 3 March continued until 2022-03-05 in Kyiv.\n"


def article_text(chars: int, kind: str = "seeds") -> str:
    """The seed articles (or a date-dense line), repeated to ``chars`` characters."""
    unit = DATES_UNIT if kind == "dates" else "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return (unit * (chars // len(unit) + 1))[:chars]


def one(chars: int, overrides: dict, kind: str = "seeds") -> dict:
    """Run in a child process: check one article of ``chars`` characters, report time and memory."""
    import resource

    from detector.article import Article
    from detector.config import load_config
    from detector.scanner import Scanner

    scanner = Scanner(load_config(start=ROOT).with_overrides(overrides, source="size sweep"))
    scanner.check_articles([Article("warm", article_text(5_000))])  # load resources outside the timing
    for stats in scanner.stats.values():
        stats.seconds = stats.documents = 0
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    text = article_text(chars, kind)
    t0 = time.perf_counter()
    [report] = scanner.check_articles([Article("big", text)])
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"chars": chars, "words": len(text.split()), "seconds": round(seconds, 3),
            "seconds_per_check": {k: round(v.seconds, 3) for k, v in scanner.stats.items()},
            "findings": len(report.findings), "too_long": any(f.rule == "Input.TooLong" for f in report.findings),
            "peak_rss_mb": round(peak_kb / 1024, 1), "rss_before_mb": round(base_kb / 1024, 1)}


def run_child(chars: int, overrides: dict, timeout: float, kind: str = "seeds") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, __file__, "--child", str(chars), "--overrides", json.dumps(overrides), "--text", kind]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"chars": chars, "timeout_seconds": timeout}
    return json.loads(out.stdout.strip().splitlines()[-1])


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(seconds) on log(size): the exponent of the growth."""
    pts = [(math.log(x), math.log(y)) for x, y in points if y > 0.005]  # below 5 ms the timer is noise
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return round(sum((p[0] - mx) * (p[1] - my) for p in pts) / den, 2) if den else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000,3000000,10000000")
    ap.add_argument("--ignore", action="append", default=[], help="also ignore these rules/prefixes")
    ap.add_argument("--select", action="append", default=[], help="only these rules/prefixes")
    ap.add_argument("--text", choices=("seeds", "dates"), default="seeds", help="what the article is made of")
    ap.add_argument("--max-chars", type=int, default=None, help="default: just above the largest size")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per size before giving up on it")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "size_sweep.json")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--overrides", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.child, json.loads(args.overrides), args.text)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    overrides = {**FAST, "ignore": FAST["ignore"] + args.ignore, "max_chars": args.max_chars or max(sizes) + 1,
                 "time_budget": 0, **({"select": args.select} if args.select else {})}
    rows = []
    for chars in sizes:
        rows.append(run_child(chars, overrides, args.timeout, args.text))
        print(json.dumps(rows[-1]), flush=True)
    done = [r for r in rows if "seconds" in r]
    checks = sorted({k for r in done for k in r["seconds_per_check"]})
    summary = {
        "exponent_total": slope([(r["chars"], r["seconds"]) for r in done]),
        "exponent_per_check": {c: slope([(r["chars"], r["seconds_per_check"].get(c, 0.0)) for r in done]) for c in checks},
        "seconds_per_mb": {r["chars"]: round(r["seconds"] / (r["chars"] / 1e6), 2) for r in done},
        "extra_memory_mb_per_mb_of_text": {r["chars"]: round((r["peak_rss_mb"] - r["rss_before_mb"]) / (r["chars"] / 1e6), 1)
                                           for r in done},
    }
    capped = run_child(max(sizes), {**overrides, "max_chars": 1_000_000, "time_budget": 0}, args.timeout, args.text)
    print(json.dumps(capped), flush=True)
    result = {
        "what": f"one article of N characters ({args.text} text repeated), fast profile, whole text checked",
        "settings": overrides, "rows": rows, "summary": summary,
        "default_cap": {"max_chars": 1_000_000, **capped},
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
        "command": "python bench/size_sweep.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(summary, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
