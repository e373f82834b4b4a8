"""Sentences/s of the MT model's encoder per runtime path (torch fp32, ONNX fp32, ONNX int8), and
whether int8 changes the MT eval (document AUC on held-back WMT22 test documents).

    python bench/encoder_paths.py [--docs 160] [--rounds 3]   # -> bench/results/encoder_paths.json

Needs the export (``make export``). The paths run interleaved (A B C A B C ...) on the same
sentences, so load from other processes hits each alike; ratios are taken within a round, and the
load average is recorded. Without ../shared/data the seeds' sentences are timed and the AUC skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from detector.article import Article, Document
from detector.datasets import shared_data_dir
from detector.ml.onnx_runtime import with_runtime
from detector.mt.model.model import SHIPPED_DIR, MTModel, encode

ROOT = Path(__file__).resolve().parent.parent
PATHS = {"torch fp32": "torch", "onnx fp32": "onnx", "onnx int8": "onnx-int8"}


def documents(n: int) -> tuple[str, list[str], list[bool] | None]:
    """(description, texts, is-MT labels or None): paired WMT22 test documents, else the seeds."""
    if shared_data_dir() is not None:
        from detector.eval.mt_model import paired_documents
        from detector.mt.model.corpus import shipped_corpus

        docs = paired_documents(shipped_corpus()["test"])[:n]
        return f"{len(docs)} WMT22 test documents (paired human/MT)", [d.text for d in docs], [d.label == "mt" for d in docs]
    texts = [json.loads(line)["text"] for line in (ROOT / "seeds" / "articles.jsonl").read_text().splitlines() if line.strip()]
    return f"{len(texts)} seed articles", texts, None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=160)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "encoder_paths.json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    described, texts, labels = documents(args.docs)
    sentences = list(dict.fromkeys(s.text for t in texts for s in Document(Article("x", t)).sentences))
    model = MTModel.load(SHIPPED_DIR)
    encoders = {name: with_runtime(model.encoder, SHIPPED_DIR, rt) for name, rt in PATHS.items()}
    for enc in encoders.values():  # warm-up: the torch model is built on first use; first-call allocations
        encode(enc, sentences[:64])
    load = [os.getloadavg()[0]]
    rates: dict[str, list[float]] = {name: [] for name in PATHS}
    for r in range(args.rounds):
        for name, enc in (encoders.items() if r % 2 == 0 else reversed(encoders.items())):  # A B C C B A ...
            t0 = time.perf_counter()
            encode(enc, sentences)
            rates[name].append(len(sentences) / (time.perf_counter() - t0))
        load.append(os.getloadavg()[0])
        print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.0f}/s" for n, v in rates.items()), flush=True)
    result: dict = {
        "command": "python bench/encoder_paths.py " + f"--docs {args.docs} --rounds {args.rounds} --threads {args.threads}",
        "machine": {"cpus": os.cpu_count(), "threads": args.threads, "python": platform.python_version(),
                    "load_average_1min": [round(x, 1) for x in load],
                    "note": "shared with other jobs: absolute rates are noisy, the within-round ratios less so"},
        "sentences": len(sentences), "source": described, "batch_size": 64,
        "sentences_per_second": {n: {"median": round(statistics.median(v), 1), "rounds": [round(x, 1) for x in v]}
                                 for n, v in rates.items()},
        "speedup_vs_torch_fp32": {n: round(statistics.median(a / b for a, b in zip(v, rates["torch fp32"])), 2)
                                  for n, v in rates.items()},
    }
    if labels is not None:
        from sklearn.metrics import roc_auc_score

        probs, alone = {}, {}
        for name in PATHS:
            model.encoder = encoders[name]
            probs[name] = np.array([p.doc_probs["mt"] for p in model.predict(texts)])
            # The same documents one at a time: does an article's score depend on its batch-mates?
            alone[name] = np.array([model.predict([t])[0].doc_probs["mt"] for t in texts[:40]])
        result["mt_eval"] = {
            "documents": len(texts),
            "document_auc": {n: round(float(roc_auc_score(labels, p)), 4) for n, p in probs.items()},
            "max_abs_probability_difference_vs_torch": {n: round(float(np.abs(p - probs["torch fp32"]).max()), 4)
                                                        for n, p in probs.items() if n != "torch fp32"},
            "mean_abs_probability_difference_vs_torch": {n: round(float(np.abs(p - probs["torch fp32"]).mean()), 5)
                                                         for n, p in probs.items() if n != "torch fp32"},
            "max_abs_difference_batched_vs_alone_40_docs": {n: round(float(np.abs(probs[n][:40] - a).max()), 5)
                                                            for n, a in alone.items()},
        }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("sentences_per_second", "speedup_vs_torch_fp32")}, indent=1))
    if "mt_eval" in result:
        print(json.dumps(result["mt_eval"], indent=1))


if __name__ == "__main__":
    main()
