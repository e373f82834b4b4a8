"""Would an early stop on long articles lose MT quality? Measured, not shipped.

    python bench/mt_early_stop.py [--docs 120] [--min-sentences 24]  # -> bench/results/mt_early_stop.json

The rule under test: encode only the first K voting sentences of a long article, score the
document from them (the lexical and evidence features still read the whole text; they cost no
encoder pass), and encode the rest only when that score does not settle the span gate (spans are
reported only in articles at P(mt) >= 0.5). The WMT22 test documents of `make eval-mt` are too short
for it to matter (median 2 voting sentences, none over 15), so this runs on the long documents of the
HT-vs-MT test split (human and DeepL/Google translations of the same news and literary sources),
paired by source document. Reported per K: document AUC with all sentences and with the rule, the
encoder sentences saved, and articles whose span gate flips.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GATE = 0.5  # checks.mt_model.WARNING_DOCUMENT_PROBABILITY


def long_documents(n: int, min_sentences: int, seed: int = 0) -> list[tuple[str, bool]]:
    from detector.article import Article, Document
    from detector.mt.context import mt_sentences
    from detector.mt.model.model import votes
    from detector.mt.model.sources import ht_vs_mt_docs

    by_group: dict[str, list] = {}
    for d in ht_vs_mt_docs():
        if d.split == "test" and d.kind in ("ht", "mt"):
            if sum(votes(s.text) for s in mt_sentences(Document(Article("x", d.text)))) >= min_sentences:
                by_group.setdefault(d.group, []).append(d)
    rng = random.Random(seed)
    out = []
    for _g, versions in sorted(by_group.items()):
        ht, mt = [v for v in versions if v.kind == "ht"], [v for v in versions if v.kind == "mt"]
        if ht and mt:
            out += [(ht[0].text, False), (rng.choice(mt).text, True)]
    return out[:n]


def main() -> None:
    from sklearn.metrics import roc_auc_score

    from detector.article import Article, Document
    from detector.mt.context import mt_sentences
    from detector.mt.model.model import SHIPPED_DIR, MTModel, votes

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--min-sentences", type=int, default=24)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "mt_early_stop.json")
    args = ap.parse_args()
    docs = long_documents(args.docs, args.min_sentences)
    texts, labels = [t for t, _ in docs], [y for _, y in docs]
    model = MTModel.load(SHIPPED_DIR, runtime="auto")
    mt = model.doc_labels.index("mt")
    sents = [[s.text for s in mt_sentences(Document(Article("x", t))) if votes(s.text)] for t in texts]
    distinct = list(dict.fromkeys(s for ss in sents for s in ss))
    odds = {s: float(lp[mt] - lp[1 - mt]) for s, (_, lp) in zip(distinct, model.predict_sentences(distinct), strict=True)}

    def probs(k: int | None) -> np.ndarray:
        votes_ = [(np.array([odds[s] for s in ss[:k]]), np.array([len(s.split()) for s in ss[:k]])) for ss in sents]
        return model.document.probabilities(votes_, texts)

    full = probs(None)
    total = sum(map(len, sents))
    result: dict = {"command": f"python bench/mt_early_stop.py --docs {args.docs} --min-sentences {args.min_sentences}",
                    "documents": len(texts), "mt_documents": int(sum(labels)), "voting_sentences": total,
                    "median_voting_sentences": float(np.median([len(s) for s in sents])),
                    "source": "HT-vs-MT test split, paired by source document, >= min voting sentences",
                    "load_average_1min": round(os.getloadavg()[0], 1),
                    "auc_all_sentences": round(float(roc_auc_score(labels, full)), 4), "rules": {}}
    for k in (8, 16, 24):
        for margin in (0.0, 0.15):
            prefix = probs(k)
            stop = (prefix < GATE - margin)  # settled as human: the rest is never encoded, the prefix score stands
            rule = np.where(stop, prefix, full)
            encoded = sum(min(k, len(ss)) if s else len(ss) for ss, s in zip(sents, stop, strict=True))
            result["rules"][f"first {k}, stop below {GATE - margin:.2f}"] = {
                "auc": round(float(roc_auc_score(labels, rule)), 4),
                "auc_change": round(float(roc_auc_score(labels, rule) - result["auc_all_sentences"]), 4),
                "sentences_encoded_share": round(encoded / total, 3),
                "articles_stopped": int(stop.sum()),
                "span_gate_lost (full >= 0.5, stopped)": int((stop & (full >= GATE)).sum()),
                "mean_abs_probability_change": round(float(np.abs(rule - full).mean()), 4),
            }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
