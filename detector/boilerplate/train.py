"""Train the furniture line classifier: ``python -m detector.boilerplate.train`` (``make train-boilerplate``).

Reads ../shared/data/boilerplate in place (see ``detector.boilerplate.data``), fits one boosted-tree
model on the train sites, picks its decision threshold on the val sites (disjoint from the train and
test sites) so that at most ``--max-clean-rate`` of clean body lines are flagged, and writes
``models/boilerplate/model.json`` and ``meta.json``. Deterministic: the same data and seed give the
same file (single-threaded scikit-learn, no encoder).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from detector.boilerplate.data import LabelledDoc, scrapinghub_docs, site_split, trafilatura_docs, wcxb_injected
from detector.boilerplate.features import FEATURES, batch_features
from detector.boilerplate.model import MODEL_DIR, TreeEnsemble, save_model
from detector.datasets import require_shared

VERSION = "2.0.0"
PARAMS = {"n_estimators": 250, "max_depth": 3, "learning_rate": 0.08, "subsample": 0.8, "min_samples_leaf": 20}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_training_docs(split: str, seed: int) -> list[LabelledDoc]:
    """Injected WCXB bodies, ScrapingHub pages and their trafilatura leftovers of ``split`` sites."""
    return list(wcxb_injected(split, seed=seed)) + list(scrapinghub_docs(split)) + list(trafilatura_docs(split))


def featurize(docs: list[LabelledDoc]) -> list[np.ndarray]:
    return batch_features([d.lines for d in docs])


def pick_threshold(p: np.ndarray, y: np.ndarray, clean: np.ndarray, max_clean_rate: float) -> float:
    """The threshold with the best F1 among those flagging at most ``max_clean_rate`` of clean lines."""
    best, best_f1 = 0.99, -1.0
    for t in np.arange(0.05, 0.99, 0.01):
        flag = p >= t
        if clean.any() and flag[clean].mean() > max_clean_rate:
            continue
        tp = float((flag & y).sum())
        f1 = 2 * tp / max(flag.sum() + y.sum(), 1)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return round(best, 2)


def line_metrics(p: np.ndarray, y: np.ndarray, clean: np.ndarray, t: float) -> dict[str, float]:
    flag = p >= t
    tp = float((flag & y).sum())
    prec, rec = tp / max(flag.sum(), 1), tp / max(y.sum(), 1)
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4),
            "clean_line_rate": round(float(flag[clean].mean()) if clean.any() else 0.0, 4)}


def main(argv: list[str] | None = None) -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--max-clean-rate", type=float, default=0.008)
    args = ap.parse_args(argv)

    t0 = time.time()
    # Fit on the train sites; pick the threshold on the val sites (never the test sites).
    docs = load_training_docs("train", args.seed) + load_training_docs("val", args.seed)
    X = np.concatenate(featurize(docs))
    print(f"{len(docs)} training articles featurized in {time.time() - t0:.0f}s")
    is_val = np.concatenate([[site_split(d.site) == "val"] * len(d.lines) for d in docs])
    y = np.concatenate([d.labels for d in docs]).astype(bool)
    # Clean lines of the WCXB hosts: what the clean-line ceiling is about.
    clean = np.concatenate([[d.source == "wcxb" and not lab for lab in d.labels] for d in docs])

    gbm = GradientBoostingClassifier(random_state=args.seed, **PARAMS)
    gbm.fit(X[~is_val], y[~is_val])
    model = TreeEnsemble.from_sklearn(gbm, list(FEATURES))
    p = model.predict_proba(X[is_val])
    assert np.allclose(p, gbm.predict_proba(X[is_val])[:, 1], atol=1e-4), "export mismatch"
    model.threshold = pick_threshold(p, y[is_val], clean[is_val], args.max_clean_rate)
    metrics = {"threshold": model.threshold, **line_metrics(p, y[is_val], clean[is_val], model.threshold)}
    top = sorted(zip(gbm.feature_importances_, FEATURES, strict=False), reverse=True)[:8]
    print(metrics, "top features:", ", ".join(f"{f} {v:.2f}" for v, f in top))

    save_model(model, args.out)
    shared = require_shared() / "boilerplate"
    meta = {
        "name": "boilerplate-line-classifier",
        "version": VERSION,
        "model": "sklearn GradientBoostingClassifier exported to JSON trees",
        "params": PARAMS,
        "seed": args.seed,
        "features": list(FEATURES),
        "encoder": None,
        "training": {
            "articles": len(docs), "lines": int(len(y)), "furniture_lines": int(y.sum()),
            "validation_lines": int(is_val.sum()),
        },
        "validation_metrics": metrics,
        "max_clean_rate": args.max_clean_rate,
        "data": {
            "wcxb-dev-articles.jsonl.gz": _sha256(shared / "wcxb-dev-articles.jsonl.gz"),
            "scrapinghub/ground-truth.json": _sha256(shared / "scrapinghub" / "ground-truth.json"),
        },
        "sources": "ScrapingHub article-extraction-benchmark (MIT); WCXB dev articles (CC-BY-4.0, (c) 2026 Murrough Foley)",
        "licence": "weights derived from MIT and CC-BY-4.0 data; attribution as in sources",
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}/model.json and meta.json in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
