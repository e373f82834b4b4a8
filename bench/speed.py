"""Articles per second of `detector check`, and where the time goes (per check).

    python bench/speed.py [--n 300]                       # every check -> bench/results/speed-full.json
    python bench/speed.py --profile fast                  # no MT model, TF-IDF boilerplate -> speed-fast.json

Uses WCXB article bodies from ../shared/data when present (real lengths), else the seeds
repeated. One version; `make bench` (bench/compare.py) runs this one beside the previous release. The per-check seconds come from the scanner's own
counters, so they add up to the scan time minus reading and language detection.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import time
from pathlib import Path

from detector.article import Article
from detector.config import load_config
from detector.datasets import iter_wcxb, shared_data_dir
from detector.scanner import Scanner

ROOT = Path(__file__).resolve().parent.parent

#: Config overrides per profile; "fast" is what a user sets for corpus-scale triage.
PROFILES: dict[str, dict[str, object]] = {
    "full": {},
    "fast": {"ignore": ["MT.ModelSpan"]},
}


def corpus(n: int) -> tuple[str, list[Article]]:
    if shared_data_dir() is not None:
        arts = [
            Article(id=str(a["id"]), text=a["ground_truth"].get("main_content") or "", outlet=a.get("domain", "x"))
            for a in itertools.islice(iter_wcxb(), n)
        ]
        return "WCXB dev article bodies", arts
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    return "seed articles, repeated", [Article(id=str(i), text=texts[i % len(texts)]) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="full",
                    help="full: every check; fast: --ignore MT.ModelSpan (no encoder pass)")
    args = ap.parse_args()
    name, arts = corpus(args.n)
    words = sum(len(a.text.split()) for a in arts)
    scanner = Scanner(load_config(start=ROOT).with_overrides(PROFILES[args.profile], source="bench profile"))
    t0 = time.perf_counter()
    scanner.check_articles(arts[:2])  # load models and resources once, outside the timing
    setup = time.perf_counter() - t0
    for stats in scanner.stats.values():
        stats.seconds = stats.documents = stats.findings = 0
    t0 = time.perf_counter()
    n_findings = sum(len(r.findings) for r in scanner.scan(arts, batch_size=args.batch_size))
    elapsed = time.perf_counter() - t0
    per_check = {k: round(v.seconds, 3) for k, v in scanner.stats.items()}
    result = {
        "profile": args.profile, "settings": PROFILES[args.profile],
        "corpus": name, "articles": len(arts), "words": words, "findings": n_findings,
        "setup_seconds": round(setup, 2), "seconds": round(elapsed, 2),
        "articles_per_second": round(len(arts) / elapsed, 1), "words_per_second": round(words / elapsed),
        "seconds_per_check": per_check,
        "other_seconds (parse, language id, merge)": round(elapsed - sum(per_check.values()), 3),
        "machine": f"{platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores",
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / f"speed-{args.profile}.json"  # speed.json: bench/compare.py
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
