"""Copy detection's sentence-similarity threshold on the tuning splits, for another encoder's vectors.

Why (issue 19): ``copies.sentence_similarity`` (0.6) was chosen on the full encoder's sentence
vectors; the distilled student's are another geometry (cosine 0.78 to the teacher's), so with the
student a threshold is chosen again, on dev and dev_hard only (the scans are the eval's cached ones):

    python bench/copies_threshold_sweep.py --config bench/student.toml --out bench/results/copies_student_sweep.json

The lowest threshold at which dev F1 >= 0.95, precision >= 0.98, verbatim recall 1.0 and dev_hard
precision 1.0 all hold is reported as ``chosen``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from detector.config import load_config
from detector.eval.copies import evaluate

THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8)


def passes(r: dict) -> bool:
    dev, hard = r["dev"], r["dev_hard"]
    return (dev["f1"] >= 0.95 and dev["precision"] >= 0.98 and dev["recall_by_kind"]["verbatim"] == 1.0
            and hard["precision"] == 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    config = load_config(args.config)
    base = dict(config.get("copies"))
    sweep = {}
    for t in THRESHOLDS:
        settings = base | {"sentence_similarity": t}
        r = {}
        for name, hard in (("dev", False), ("dev_hard", True)):
            full = evaluate("dev", settings, embed_threshold=0.9, hard=hard, config=config)["full"]
            r[name] = {k: full[k] for k in ("precision", "recall", "f1", "recall_by_kind")}
        r["passes"] = passes(r)
        sweep[str(t)] = r
        print(t, json.dumps(r), flush=True)
    chosen = next((float(t) for t, r in sweep.items() if r["passes"]), None)
    out = {"command": f"python bench/copies_threshold_sweep.py --config {args.config} --out {args.out}",
           "config": str(args.config), "mt_model": dict(config.get("checks")["mt_model"]),
           "splits": "dev, dev_hard (tuning splits)", "sweep": sweep, "chosen": chosen}
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print("chosen", chosen)


if __name__ == "__main__":
    main()
