"""The MT document evaluation that cannot flatter the model (part of ``make eval-mt``).

For any scorer (texts → probability of MT):
- (b) per source language: held-out test documents (``corpus.split_of``, by document), each as its
  human version and one MT version; a language the scorer was trained on is marked ``seen``, so
  only unseen languages count as leave-one-language-out;
- (c) HT-vs-MT (van der Werff et al. 2022) test documents, DeepL and Google, against the published
  83.1% document accuracy;
- (d) the seeds: 001 and 002 (machine translated) should reach 0.6, 000 (original English) stay at 0.4.
Each set reports ROC AUC with a bootstrap interval over documents, accuracy at 0.5 and AUC by length.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path

from detector.mt.model.corpus import split_of
from detector.mt.model.metrics import auc_interval
from detector.mt.model.sources import HT, MT, ORIGINAL, Doc, ht_vs_mt_docs, txt_docs, xml_docs

Scorer = Callable[[Sequence[str]], list[float]]
#: Word-count buckets for AUC by length.
LENGTHS = (("<100 words", 0, 99), ("100-299 words", 100, 299), ("300+ words", 300, 10**9))
#: Documents per language in (b): enough for a usable interval on 2 CPU cores.
PER_LANGUAGE = 40
PUBLISHED_HTMT_ACCURACY = 0.831
REPO = Path(__file__).resolve().parents[2]


def paired(docs: Sequence[Doc], per_group_mt: int = 1, limit: int | None = None, seed: int = 0) -> list[Doc]:
    """Per group: its first human version (HT, or original English where the set has no HT) and
    ``per_group_mt`` MT versions drawn at random; ``limit`` groups drawn at random."""
    rng = random.Random(seed)
    groups: dict[str, list[Doc]] = {}
    for d in docs:
        groups.setdefault(d.group, []).append(d)
    names = sorted(groups)
    if limit is not None and len(names) > limit:
        names = sorted(rng.sample(names, limit))
    out: list[Doc] = []
    for g in names:
        human = [d for d in groups[g] if d.kind in (HT, ORIGINAL)]
        mt = [d for d in groups[g] if d.kind == MT]
        if human and mt:
            out += [human[0], *rng.sample(mt, min(per_group_mt, len(mt)))]
    return out


def language_sets(shared: Path | None = None, limit: int = PER_LANGUAGE) -> dict[str, list[Doc]]:
    """Held-out test documents per source language (every WMT set of that language pooled)."""
    by_lang: dict[str, list[Doc]] = {}
    for d in xml_docs(shared) + txt_docs(shared=shared):
        if split_of(d.group) == "test":
            by_lang.setdefault(d.language if d.kind != ORIGINAL else "liv", []).append(d)
    return {lang: paired(docs, limit=limit, seed=1) for lang, docs in sorted(by_lang.items())}


def htmt_test(shared: Path | None = None, limit: int | None = None) -> dict[str, list[Doc]]:
    """HT and MT (per engine) of the test documents; ``limit``: a seeded sample of documents."""
    docs = [d for d in ht_vs_mt_docs(shared) if d.split == "test"]
    groups = sorted({d.group for d in docs})
    if limit is not None and limit < len(groups):
        keep = set(random.Random(2).sample(groups, limit))
        docs = [d for d in docs if d.group in keep]
    human = [d for d in docs if d.kind == HT]
    return {engine: human + [d for d in docs if d.system == engine] for engine in ("deepl", "google")}


def scores_of(docs: Sequence[Doc], scores: Sequence[float]) -> dict:
    """AUC (interval over groups), accuracy at 0.5 and AUC by length of scored documents."""
    from sklearn.metrics import roc_auc_score

    y = [d.is_mt for d in docs]
    out: dict = {"documents": len(docs), "mt": sum(y)}
    if 0 < sum(y) < len(y):
        out["auc"] = round(float(roc_auc_score(y, scores)), 4)
        lo, hi = auc_interval(y, scores, [d.group for d in docs], n=1000)
        out["auc_ci95"] = [round(lo, 4), round(hi, 4)]
    out["accuracy"] = round(sum((s >= 0.5) == t for s, t in zip(scores, y, strict=True)) / max(len(y), 1), 4)
    out["mean_p_mt"] = {"mt": _mean([s for s, t in zip(scores, y, strict=True) if t]),
                        "human": _mean([s for s, t in zip(scores, y, strict=True) if not t])}
    by_len = {}
    for name, lo_w, hi_w in LENGTHS:
        pick = [i for i, d in enumerate(docs) if lo_w <= len(d.text.split()) <= hi_w]
        yy = [y[i] for i in pick]
        if 0 < sum(yy) < len(yy) and len(pick) >= 10:
            by_len[name] = {"documents": len(pick), "auc": round(float(roc_auc_score(yy, [scores[i] for i in pick])), 4)}
    out["by_length"] = by_len
    return out


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


def seeds(scorer: Scorer) -> dict:
    """p(MT) of the three seed articles and whether the issue's ordering holds."""
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("00?_*.txt"))}
    p = dict(zip(texts, scorer(list(texts.values())), strict=True))
    out = {k: round(v, 4) for k, v in p.items()}
    out["target_met"] = bool(p.get("001", 0) >= 0.6 and p.get("002", 0) >= 0.6 and p.get("000", 1) <= 0.4)
    out["ordering_met"] = bool(min(p.get("001", 0), p.get("002", 0)) > p.get("000", 1))
    return out


def evaluate(scorer: Scorer, seen_languages: Sequence[str], shared: Path | None = None,
             limit: int = PER_LANGUAGE, htmt_limit: int | None = None) -> dict:
    """(b), (c) and (d) for one scorer; ``seen_languages``: the source languages it was trained on."""
    out: dict = {"languages": {}, "htmt_test": {}}
    for lang, docs in language_sets(shared, limit).items():
        r = scores_of(docs, scorer([d.text for d in docs]))
        r["seen_in_training"] = lang in seen_languages
        out["languages"][lang] = r
    for engine, docs in htmt_test(shared, htmt_limit).items():
        out["htmt_test"][engine] = scores_of(docs, scorer([d.text for d in docs]))
    out["htmt_test"]["published_accuracy"] = PUBLISHED_HTMT_ACCURACY
    unseen = [r["auc"] for lang, r in out["languages"].items() if not r["seen_in_training"] and "auc" in r]
    out["unseen_languages_min_auc"] = min(unseen) if unseen else None
    out["seeds"] = seeds(scorer)
    return out


def print_summary(r: dict, title: str) -> None:
    print(title)
    for lang, m in r["languages"].items():
        ci = m.get("auc_ci95", [float("nan")] * 2)
        print(f"  {lang:<6}{'seen' if m['seen_in_training'] else 'unseen':<8}{m['documents']:>5} docs  AUC {m.get('auc', float('nan')):.3f} "
              f"({ci[0]:.3f}-{ci[1]:.3f})  acc {m['accuracy']:.3f}")
    for engine in ("deepl", "google"):
        m = r["htmt_test"][engine]
        print(f"  HT-vs-MT {engine:<7}{m['documents']:>5} docs  AUC {m['auc']:.3f}  acc {m['accuracy']:.3f} (published 0.831)")
    print(f"  seeds {r['seeds']}")
