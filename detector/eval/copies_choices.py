"""Two design choices of copy detection, measured (``make eval-copies`` runs them with every split):
which MinHash library, and whether the MT model's encoder pass serves sentence similarity as well
as the plain MiniLM it was adapted from."""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def minhash_libraries(n: int = 300) -> dict[str, float]:
    """Articles/s of rensa's and datasketch's MinHash (128 permutations) on the same 5-gram sets."""
    from detector.copies.signature import words
    from detector.datasets import iter_wcxb

    texts = [d["ground_truth"].get("main_content") or "" for _, d in zip(range(n), iter_wcxb())]
    grams = [list({" ".join(w[i:i + 5]) for i in range(max(1, len(w) - 4))}) for w in map(words, texts)]
    out = {}
    from rensa import RMinHash

    t0 = time.perf_counter()
    for g in grams:
        m = RMinHash(num_perm=128, seed=1)
        m.update(g)
        m.digest()
    out["rensa"] = round(len(grams) / (time.perf_counter() - t0), 1)
    try:
        import datasketch
    except ImportError:
        return out
    t0 = time.perf_counter()
    for g in grams:
        m = datasketch.MinHash(num_perm=128, seed=1)
        m.update_batch([x.encode() for x in g])
        m.digest()
    out["datasketch"] = round(len(grams) / (time.perf_counter() - t0), 1)
    return out


def encoder_choice(docs: int = 60) -> dict[str, Any]:
    """Are the MT-adapted encoder's mean-pooled states (the scan's pass, reused) as good for sentence
    similarity as the plain MiniLM's? WMT22 uk-en reference sentences against one MT system's output
    of the same segment (positives) and against the other segments of the same document (hard
    negatives): ROC AUC, and encoder sentences/s."""
    from sklearn.metrics import roc_auc_score

    from detector.datasets import iter_wmt22
    from detector.ml.encoder import load_encoder
    from detector.mt.model.model import SHIPPED_DIR, MTModel, encode

    refs, hyps, doc = [], [], []
    for k, d in enumerate(x for x in iter_wmt22("uk-en") if len([s for s in x.ref if s]) >= 8):
        if k >= docs:
            break
        hyp = d.hyps[sorted(d.hyps)[0]]
        for r, h in zip(d.ref, hyp):
            if len(r.split()) >= 5 and h:
                refs.append(r)
                hyps.append(h)
                doc.append(k)
    same_doc = np.equal.outer(doc, doc) & ~np.eye(len(doc), dtype=bool)
    out: dict[str, Any] = {"pairs": len(refs)}
    for name, enc in (("mt_adapted", MTModel.load(SHIPPED_DIR).encoder), ("plain_minilm", load_encoder("auto"))):
        t0 = time.perf_counter()
        a, b = (encode(enc, t).pooled[:, :enc.dim].numpy() for t in (refs, hyps))
        rate = 2 * len(refs) / (time.perf_counter() - t0)
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        sim = a @ b.T
        pos, neg = np.diag(sim), sim[same_doc]
        out[name] = {"auc_same_document": round(float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg])), 4),
                     "positive_mean": round(float(pos.mean()), 3), "negative_mean": round(float(neg.mean()), 3),
                     "sentences_per_s": round(rate, 1)}
    return out
