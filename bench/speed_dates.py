"""Articles per second of the dates check alone, on the dates evaluation's 840 documents.

    python bench/speed_dates.py [--runs 3] [--out bench/results/speed_dates.json]

Each run is a fresh check over every document (as ``detector.eval.dates`` times it); the machine is
shared, so we report every run, their median and the load average around them (``os.getloadavg``):
a number taken under load says so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

from detector.eval.dates import run_ours
from detector.eval.dates_inject import load_corpus


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("bench/results/speed_dates.json"))
    args = ap.parse_args(argv)
    corpus = load_corpus()
    chars = sum(len(s.text) for s in corpus)
    runs = []
    for _ in range(args.runs):
        load_before = os.getloadavg()[0]
        _, seconds = run_ours(corpus)
        runs.append({"articles_per_s": round(len(corpus) / seconds, 1), "seconds": round(seconds, 3),
                     "load_1min_before": round(load_before, 2), "load_1min_after": round(os.getloadavg()[0], 2)})
        print(f"{runs[-1]['articles_per_s']} articles/s ({seconds:.2f} s; 1-min load {load_before:.2f} -> "
              f"{runs[-1]['load_1min_after']:.2f} on {os.cpu_count()} cores)")
    median = statistics.median(r["articles_per_s"] for r in runs)
    print(f"median {median} articles/s over {args.runs} runs of {len(corpus)} documents ({chars / len(corpus):.0f} chars each)")
    result = {"documents": len(corpus), "mean_chars": round(chars / len(corpus)), "cores": os.cpu_count(),
              "runs": runs, "median_articles_per_s": median,
              "command": "python bench/speed_dates.py " + " ".join(argv or [])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
