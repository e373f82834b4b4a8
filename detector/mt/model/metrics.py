"""Scores of the MT model: character-level span P/R/F1 per label and document-level AUC/MCC.

Span scores count characters (whitespace excluded), as the WMT-QE word-level task counts words,
so a prediction that covers half of a gold span earns half the credit instead of none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np


def _chars(text: str, start: int, end: int) -> Iterable[int]:
    return (i for i in range(start, end) if not text[i].isspace())


def span_prf(texts: Sequence[str], gold: Sequence[Iterable[tuple[int, int, str]]],
             pred: Sequence[Iterable[tuple[int, int, str]]]) -> dict[str, dict[str, float]]:
    """Micro-averaged character-level precision/recall/F1 per label (and "ALL")."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for text, g_spans, p_spans in zip(texts, gold, pred, strict=True):
        g: dict[str, set[int]] = defaultdict(set)
        p: dict[str, set[int]] = defaultdict(set)
        for s, e, lab in g_spans:
            g[lab].update(_chars(text, s, e))
        for s, e, lab in p_spans:
            p[lab].update(_chars(text, s, e))
        for lab in set(g) | set(p):
            tp[lab] += len(g[lab] & p[lab])
            fp[lab] += len(p[lab] - g[lab])
            fn[lab] += len(g[lab] - p[lab])
    out = {lab: _prf(tp[lab], fp[lab], fn[lab]) for lab in sorted(set(tp) | set(fp) | set(fn))}
    out["ALL"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn}


def doc_scores(gold: Sequence[str], probs: Sequence[dict[str, float]], labels: Sequence[str],
               positive: str | None = None) -> dict[str, float | dict]:
    """Accuracy, per-label P/R/F1, and for two labels ROC AUC and MCC of ``positive`` (default "mt")."""
    from sklearn.metrics import matthews_corrcoef, roc_auc_score

    if not gold:
        return {}
    predicted = [max(p, key=p.get) for p in probs]
    out: dict[str, float | dict] = {"documents": len(gold), "accuracy": float(np.mean([a == b for a, b in zip(gold, predicted, strict=True)]))}
    per = {}
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != lab and p == lab for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, predicted, strict=True))
        per[lab] = _prf(tp, fp, fn)
    out["labels"] = per
    if len(labels) == 2:
        pos = positive if positive in labels else labels[-1]
        y = [g == pos for g in gold]
        if 0 < sum(y) < len(y):
            out["auc"] = float(roc_auc_score(y, [p[pos] for p in probs]))
            out["mcc"] = float(matthews_corrcoef(y, [p == pos for p in predicted]))
    return out


def format_table(spans: dict[str, dict[str, float]], docs: dict) -> str:
    """The per-label table printed at each evaluation (spaCy-train style)."""
    rows = [f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
    for lab, m in spans.items():
        rows.append(f"span:{lab:<9}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{int(m['support']):>9}")
    for lab, m in (docs.get("labels") or {}).items():
        rows.append(f"doc:{lab:<10}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{int(m['support']):>9}")
    if "auc" in docs:
        rows.append(f"doc AUC {docs['auc']:.3f}  MCC {docs['mcc']:.3f}  accuracy {docs['accuracy']:.3f}  ({docs['documents']} documents)")
    return "\n".join(rows)


def auc_interval(y: Sequence[bool], scores: Sequence[float], groups: Sequence[str], n: int = 2000,
                 seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Bootstrap interval of ROC AUC, resampling whole groups (a document with all its versions),
    because versions of one document are not independent evidence."""
    from sklearn.metrics import roc_auc_score

    y_arr, s_arr = np.asarray(y, dtype=bool), np.asarray(scores, dtype=np.float64)
    names = sorted(set(groups))
    members = {g: [] for g in names}
    for i, g in enumerate(groups):
        members[g].append(i)
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(n):
        idx = np.concatenate([members[names[k]] for k in rng.integers(0, len(names), len(names))])
        if 0 < y_arr[idx].sum() < len(idx):
            stats.append(roc_auc_score(y_arr[idx], s_arr[idx]))
    lo, hi = np.quantile(stats, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
