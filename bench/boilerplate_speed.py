"""Articles per second of the boilerplate check alone, with its ``encoder`` setting "auto" and "none".

    python bench/boilerplate_speed.py [--n 96] [--rounds 3] [--out FILE]

Runs ``BoilerplateCheck.check_batch`` (batches of 32, after one warm-up batch) on the first ``n``
untouched WCXB bodies of the val sites, the two settings interleaved ``rounds`` times so a busy
machine slows both alike, and reports the median articles/s of each. Since boilerplate model 2 the
check runs no encoder, so both settings measure the same code; run this file at a commit before
model 2 (e.g. ``git archive eb29263 | tar -x -C /tmp/bp1``) to get the MiniLM path's speed on the
same articles. Writes bench/results/boilerplate_speed.json (``--out`` to write elsewhere).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "boilerplate_speed.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    from detector.article import Article, Document
    from detector.boilerplate.data import wcxb_injected
    from detector.checks.boilerplate import BoilerplateCheck
    from detector.datasets import shared_data_dir

    if shared_data_dir() is None:
        print("error: ../shared/data (WCXB dev articles) not found; set DETECTOR_SHARED_DATA", file=sys.stderr)
        return 2
    try:
        import torch

        torch.set_num_threads(1)  # what the encoder path got on the shared machine before model 2
    except ImportError:
        pass
    docs = [Document(Article(id=d.id, text=d.text, title=d.title or None))
            for d in list(wcxb_injected("val", clean_share=1.0))[:args.n]]
    checks = {}
    for setting in ("none", "auto"):
        check = BoilerplateCheck({"encoder": setting})
        check.check_batch(docs[:4])  # loads the model (and, before model 2, the encoder)
        checks[setting] = check
    rates: dict[str, list[float]] = {k: [] for k in checks}
    for _ in range(args.rounds):
        for setting, check in checks.items():
            t0 = time.perf_counter()
            for b in range(0, len(docs), 32):
                check.check_batch(docs[b:b + 32])
            rates[setting].append(len(docs) / (time.perf_counter() - t0))
    report = {
        "articles": len(docs), "lines": sum(len(d.lines) for d in docs), "rounds": args.rounds,
        "articles_per_s": {k: round(statistics.median(v), 1) for k, v in rates.items()},
        "runs": {k: [round(x, 1) for x in v] for k, v in rates.items()},
        "uses_encoder": {k: bool(getattr(c, "_embed", None)) for k, c in checks.items()},
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    print(json.dumps(report, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
