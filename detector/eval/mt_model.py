"""Train (``make train-mt``) and measure (``make eval-mt``) the shipped MT model on ../shared/data.

    python -m detector.eval.mt_model                     # evaluate models/mt
    python -m detector.eval.mt_model --train             # retrain all of models/mt first (adapter, heads, document model)

Reported, never on a split used for training, selection or calibration:
(a) WMT22 uk-en/ru-en test documents (``corpus.split_of``, by document), each as its human reference
and one MT output, through the scanner's own path (document ROC AUC, MCC, AUC by length), and MQM
zh-en test documents (character-level span P/R/F1 against every rater);
(b) per source language: the shipped head on held-out documents of every language (it learnt
uk and ru only), and leave-one-language-out of the version-2 document model (``doc_train``: its
heads above the fixed encoder refitted without a source language and scored on its test documents;
the encoder adapter saw uk and ru, so those folds are optimistic);
(c) HT-vs-MT test documents against the published 83.1%; (d) the seeds;
and ``mt`` warnings on clean articles (native English news outside the calibration split, WCXB
test-half sites). Writes bench/results/mt.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch

from detector.eval.mt_clean import measure as clean_measure
from detector.eval.mt_honest import PER_LANGUAGE, print_summary, seeds
from detector.ml.encoder_adapter import ADAPTER_DIR, AdaptConfig
from detector.ml.labeled import Example
from detector.mt.model.corpus import shipped_corpus
from detector.mt.model.doc_train import DEFAULT_CACHE
from detector.mt.model.doc_train import run as run_document
from detector.mt.model.metrics import auc_interval, doc_scores, span_prf
from detector.mt.model.model import SHIPPED_DIR as SHIPPED
from detector.mt.model.model import MTModel
from detector.mt.model.sentence_cache import SentenceCache, model_key

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results" / "mt.json"


def retrain(splits: dict[str, list[Example]], stats: Counter, cache: Path) -> None:
    """Train on train/dev and install model-best as models/mt (with its data note)."""
    from detector.mt.model.train import TrainConfig, train

    with tempfile.TemporaryDirectory() as tmp:
        extra = {"sources": {
            "spans": "WMT-QE 2023 task 2 zh-en (news, TED) and Google MQM TED zh-en (Apache-2.0); research use",
            "documents": "WMT22 general test uk-en, ru-en references and system outputs; generaltest2022.en-uk "
                         "English sources; research use",
            "synthetic": "seed-style junction artefacts on human train sentences (train only)",
        }, "span_cleaning": dict(stats)}
        config = TrainConfig(epochs=3, lr=2e-3, batch_size=128, adapt=AdaptConfig(epochs=2))
        train(splits["train"], splits["dev"], Path(tmp), config=config, cache_dir=cache, extra_meta=extra)
        SHIPPED.mkdir(parents=True, exist_ok=True)
        for name in ("heads.safetensors", "meta.json", "document.npz", "lexical.npz", "window.npz"):  # README.md stays
            if (Path(tmp) / "model-best" / name).is_file():
                shutil.copyfile(Path(tmp) / "model-best" / name, SHIPPED / name)
            else:
                (SHIPPED / name).unlink(missing_ok=True)
        shutil.rmtree(SHIPPED / ADAPTER_DIR, ignore_errors=True)
        if (Path(tmp) / "model-best" / ADAPTER_DIR).is_dir():
            shutil.copytree(Path(tmp) / "model-best" / ADAPTER_DIR, SHIPPED / ADAPTER_DIR)


def paired_documents(test: list[Example], seed: int = 0) -> list[Example]:
    """Per WMT22 test document: the human reference and one of its MT versions."""
    rng = random.Random(seed)
    by_group: dict[str, list[Example]] = {}
    for ex in test:
        if ex.label is not None and (ex.group or "").startswith("wmt22:"):
            by_group.setdefault(ex.group, []).append(ex)
    out = []
    for _group, versions in sorted(by_group.items()):
        human = [v for v in versions if v.label == "human"]
        mt = [v for v in versions if v.label == "mt"]
        if human and mt:
            out += [human[0], rng.choice(mt)]
    return out


def measure(model: MTModel, test: list[Example]) -> dict:
    torch.set_num_threads(2)
    span_ex = [ex for ex in test if ex.spans is not None and not ex.meta.get("synthetic")]
    docs = paired_documents(test)
    t0 = time.perf_counter()
    span_pred = model.predict([ex.text for ex in span_ex])
    doc_pred = model.predict([ex.text for ex in docs])
    seconds = time.perf_counter() - t0
    sentences = sum(len(p.sentence_probs) for p in span_pred + doc_pred)
    spans = span_prf([ex.text for ex in span_ex], [[(s.start, s.end, s.label) for s in ex.spans or []] for ex in span_ex],
                     [[(p.start, p.end, p.label) for p in pred.spans] for pred in span_pred])
    documents = doc_scores([ex.label for ex in docs], [p.doc_probs for p in doc_pred], model.doc_labels, "mt")
    documents["auc_ci95"] = auc_interval([ex.label == "mt" for ex in docs], [p.doc_probs["mt"] for p in doc_pred],
                                         [ex.group or "" for ex in docs])
    result = {
        "documents": documents,
        "sentences": _sentence_auc(docs, doc_pred),
        "spans": spans,
        "span_examples": len(span_ex),
        "by_length": _by_length(docs, doc_pred, model),
        "by_domain": _by_domain(docs, doc_pred, model),
        "inference": {"sentences": sentences, "seconds": round(seconds, 1),
                      "sentences_per_second": round(sentences / seconds, 1), "threads": 2},
        "training_seconds": model.meta.get("training_seconds"),
        "model": {"encoder": model.encoder_name, "version": model.meta.get("version"),
                  "span_thresholds": model.span_thresholds, "warning_thresholds": model.warning_thresholds,
                  "calibration": model.meta.get("calibration"), "document_head": model.meta.get("document_head")},
    }
    return result


def _sentence_auc(docs: list[Example], preds: list) -> float:
    from sklearn.metrics import roc_auc_score

    y, s = [], []
    for ex, p in zip(docs, preds, strict=True):
        for probs in p.sentence_probs:
            y.append(ex.label == "mt")
            s.append(probs.get("mt", 0.0))
    return float(roc_auc_score(y, s))


def _subset(docs: list[Example], preds: list, model: MTModel, pick: list[int]) -> dict:
    """Document count, AUC and MCC of the documents at ``pick``."""
    got = doc_scores([docs[i].label for i in pick], [preds[i].doc_probs for i in pick], model.doc_labels, "mt")
    return {k: got[k] for k in ("documents", "auc", "mcc") if k in got}


def _by_length(docs: list[Example], preds: list, model: MTModel) -> dict:
    buckets = (("1-2 sentences", 1, 2), ("3-9 sentences", 3, 9), ("10+ sentences", 10, 10**9),
               ("3+ sentences (article-like)", 3, 10**9))
    picks = {name: [i for i, p in enumerate(preds) if lo <= len(p.sentence_probs) <= hi] for name, lo, hi in buckets}
    return {name: _subset(docs, preds, model, pick) for name, pick in picks.items() if pick}


def _by_domain(docs: list[Example], preds: list, model: MTModel) -> dict:
    """AUC per WMT22 pair and domain: ru-en has news and e-commerce, uk-en's documents carry none."""
    from detector.datasets import iter_wmt22

    domain = {f"wmt22:{pair}:{d.id}": f"{pair} {d.domain or 'unlabelled'}" for pair in ("uk-en", "ru-en") for d in iter_wmt22(pair)}
    of = [domain.get(ex.group or "", "other") for ex in docs]
    return {name: _subset(docs, preds, model, [i for i, d in enumerate(of) if d == name]) for name in sorted(set(of))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", action="store_true", help="retrain models/mt from ../shared/data first")
    ap.add_argument("--sentences", type=Path, default=DEFAULT_CACHE, help="sentence encodings cache (per encoder)")
    ap.add_argument("--no-folds", action="store_true", help="skip leave-one-language-out (b)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "detector" / "mt-encoded")
    ap.add_argument("--clean", type=int, default=None, help="at most this many clean articles per population (0: skip)")
    ap.add_argument("--per-language", type=int, default=PER_LANGUAGE, help="test documents per source language in (b)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    torch.set_num_threads(2)
    stats: Counter = Counter()
    splits = shipped_corpus(stats=stats)
    if args.train:
        retrain(splits, stats, args.cache)
    model = MTModel.load(SHIPPED)
    r = measure(model, splits["test"])
    cache = SentenceCache(args.sentences / model_key(SHIPPED), model)
    r["honest"], _ = run_document(cache, args.per_language, folds=not args.no_folds, head=model.document)
    # The seeds through the scanner's own path (the cache path above reads the same encodings).
    r["honest"]["all_languages"]["seeds_runtime"] = seeds(lambda texts: [p.doc_probs["mt"] for p in model.predict(list(texts))])
    if args.clean != 0:
        r["clean"] = clean_measure(model=True, half="test", limit=args.clean)
    d = r["documents"]
    print(f"{'measure':<44}{'value':>10}")
    print(f"{'WMT22 test documents (paired human/MT)':<44}{d['documents']:>10}")
    print(f"{'document ROC AUC':<44}{d['auc']:>10.3f}")
    print(f"{'  95% interval (bootstrap over documents)':<44}{d['auc_ci95'][0]:>6.3f} – {d['auc_ci95'][1]:.3f}")
    print(f"{'document MCC (p >= 0.5)':<44}{d['mcc']:>10.3f}")
    print(f"{'document accuracy':<44}{d['accuracy']:>10.3f}")
    print(f"{'sentence ROC AUC (same documents)':<44}{r['sentences']:>10.3f}")
    for name, m in {**r["by_length"], **r["by_domain"]}.items():
        print(f"{'  AUC, ' + name + ' (' + str(m['documents']) + ' docs)':<44}{m.get('auc', float('nan')):>10.3f}")
    s = r["spans"]["ALL"]
    print(f"{'MQM test span P / R / F1 (chars, ' + str(r['span_examples']) + ' ann.)':<44}"
          f"{s['precision']:>6.3f} / {s['recall']:.3f} / {s['f1']:.3f}")
    print(f"{'inference sentences/second (2 threads)':<44}{r['inference']['sentences_per_second']:>10.1f}")
    print(f"{'training seconds (incl. encoding)':<44}{r['training_seconds']!s:>10}")
    print_summary(r["honest"]["all_languages"], "the shipped head per source language (seen: it learnt them), (c) HT-vs-MT test, (d) seeds:")
    for lang, m in r["honest"].get("leave_one_language_out", {}).items():
        print(f"  (b) LOLO {lang:<5}{m['documents']:>5} docs  AUC {m.get('auc', float('nan')):.3f} {m.get('auc_ci95')}  "
              f"acc {m['accuracy']:.3f}{'  (the adapter saw it: optimistic)' if m['adapter_saw_language'] else ''}")
    for name, c in r.get("clean", {}).items():
        print(f"  clean {name}: {c['articles']} articles, {c['share_with_mt_warning']:.1%} with an mt warning, "
              f"{c['warnings_per_1000_words']:.3f} warnings/1,000 words")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
