"""Sentences/s of the MT model's encoder per runtime path (torch fp32, ONNX fp32, ONNX int8), and
whether int8 changes what the evals measure: document AUC on held-back WMT22 test documents (the
scan's path: numpy heads, document head), source-language top-1 on test documents of the
source-language split, and the sentence vectors copy detection compares (cosine to fp32).

    python bench/encoder_paths.py [--docs 160] [--rounds 3] [--source-docs 300]   # -> bench/results/encoder_paths.json
    python bench/encoder_paths.py --student --docs 400 --out bench/results/mt_student.json

``--student`` compares the distilled 3-layer encoder (models/mt/student, ``make distill-mt``) under
the shipped heads with the 6-layer teacher: teacher ONNX fp32 (the reference), teacher int8,
student int8, timed and evaluated alike.

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
from detector.mt.model.model import SHIPPED_DIR, MTModel, encode
from detector.mt.typography import normalize_with_offsets

ROOT = Path(__file__).resolve().parent.parent
#: Paths of the accuracy part (torch fp32 equals ONNX fp32 to 1e-6: tests/test_export_onnx.py; add it with --eval-torch).
EVAL_PATHS = ("onnx fp32", "onnx int8")
PATHS = {"torch fp32": "torch", "onnx fp32": "onnx", "onnx int8": "onnx-int8"}
#: ``--student``: (runtime, student) per path, all evaluated; the first is the reference.
STUDENT_PATHS = {"onnx fp32": ("onnx", False), "onnx int8": ("onnx-int8", False),
                 "student onnx int8": ("onnx-int8", True)}


def documents(n: int) -> tuple[str, list[str], list[bool] | None]:
    """(description, texts, is-MT labels or None): paired WMT22 test documents, else the seeds."""
    if shared_data_dir() is not None:
        from detector.eval.mt_model import paired_documents
        from detector.mt.model.corpus import shipped_corpus

        docs = paired_documents(shipped_corpus()["test"])[:n]
        return f"{len(docs)} WMT22 test documents (paired human/MT)", [d.text for d in docs], [d.label == "mt" for d in docs]
    texts = [json.loads(line)["text"] for line in (ROOT / "seeds" / "articles.jsonl").read_text().splitlines() if line.strip()]
    return f"{len(texts)} seed articles", texts, None


def timed_pass(name: str, enc: object, sentences: list[str]) -> None:
    """One encoder pass the way the scan runs it: torch padded batches, ONNX unpadded same-length batches."""
    if name.startswith("torch"):
        encode(enc, sentences)
    else:
        enc.states_each([normalize_with_offsets(t)[0] for t in sentences], 64)  # type: ignore[attr-defined]


def source_language_eval(models: dict[str, MTModel], n: int) -> dict:
    """Top-1 of the shipped source-language head on ``n`` test documents (seeded sample) and their
    8-sentence windows, with each path's vectors, and of the head the scan reads for that path's
    encoder (``heads.load_head``: the student's own, when trained); and the cosine of each path's
    copy vectors to fp32's."""
    import random

    from detector.mt.source_language import corpus
    from detector.mt.source_language.embed import voting_sentences
    from detector.mt.source_language.heads import load_head
    from detector.mt.source_language.model import SourceLanguageModel, window_bounds

    head = SourceLanguageModel.load()
    docs = [d for d in corpus.documents(int((head.meta or {}).get("systems", 3))) if corpus.split(d) == "test"]
    random.Random(0).shuffle(docs)
    docs = [(d, ss) for d in docs[:n] if (ss := voting_sentences(d.text))]
    distinct = list(dict.fromkeys(s for _, ss in docs for s in ss))
    out: dict = {"documents": len(docs), "sentences": len(distinct), "top1_documents": {}, "top1_windows": {}}
    vectors = {}
    for name, model in models.items():
        vecs = dict(zip(distinct, model.sentence_vectors(distinct), strict=True))
        vectors[name] = np.stack([vecs[s] for s in distinct])
        doc_hits, win_hits = [], []
        for d, ss in docs:
            v = np.stack([vecs[s] for s in ss])
            p = head.probabilities(v, ss)
            doc_hits.append(max(p, key=p.get) == d.language)
            for a, b in window_bounds(len(ss)):
                p = head.probabilities(v[a:b], ss[a:b])
                win_hits.append(max(p, key=p.get) == d.language)
        out["top1_documents"][name] = round(float(np.mean(doc_hits)), 4)
        out["top1_windows"][name] = round(float(np.mean(win_hits)), 4)
        out["windows"] = len(win_hits)
        try:
            own = load_head(model.encoder.adapter)
        except FileNotFoundError:
            continue
        hits = []
        for d, ss in docs:
            p = own.probabilities(np.stack([vecs[s] for s in ss]), ss)
            hits.append(max(p, key=p.get) == d.language)
        out.setdefault("top1_documents_own_head", {})[name] = round(float(np.mean(hits)), 4)
    ref = next(iter(vectors.values()))[:, :ref_dim(models)]
    for name, v in list(vectors.items())[1:]:
        a, b = ref, v[:, :ref.shape[1]]
        cos = (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
        out.setdefault(f"copy_vector_cosine_to_{next(iter(vectors))}", {})[name] = {"mean": round(float(cos.mean()), 5),
                                                                      "p01": round(float(np.quantile(cos, 0.01)), 5),
                                                                      "min": round(float(cos.min()), 5)}
    return out


def seed_scans() -> dict:
    """The seeds (``make demo``'s input) scanned with the full encoder and with the student: every
    finding (rule, severity, offsets), ``mt_probability`` and source language, and whether they match."""
    from detector.config import load_config
    from detector.io.readers import ReaderOptions, read_jsonl
    from detector.scanner import Scanner

    articles = list(read_jsonl(ROOT / "seeds" / "articles.jsonl", ReaderOptions()))
    out: dict = {}
    for name, student in (("full", False), ("student", True)):
        scanner = Scanner(load_config(start=ROOT).with_overrides({"checks.mt_model.student": student}, "bench"))
        out[name] = {r.article.id: {"findings": sorted([f.rule, f.severity.value, f.start, f.end] for f in r.findings),
                                    "mt_probability": None if r.mt_probability is None else round(r.mt_probability, 4),
                                    "source_language": r.source_language}
                     for r in scanner.check_articles(articles)}
    same = {k: out["full"][k]["findings"] == out["student"][k]["findings"] for k in out["full"]}
    out["findings_unchanged"] = all(same.values())
    out["findings_unchanged_per_article"] = same
    out["source_language_unchanged"] = all(out["full"][k]["source_language"] == out["student"][k]["source_language"]
                                           for k in out["full"])
    return out


def ref_dim(models: dict[str, MTModel]) -> int:
    return next(iter(models.values())).encoder.dim


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=160)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--source-docs", type=int, default=300, help="source-language test documents (0: skip)")
    ap.add_argument("--eval-torch", action="store_true", help="also run the accuracy part on torch (slow)")
    ap.add_argument("--student", action="store_true", help="the distilled student beside the teacher (STUDENT_PATHS)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "encoder_paths.json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # the ONNX sessions run this many batches side by side
    described, texts, labels = documents(args.docs)
    sentences = list(dict.fromkeys(s.text for t in texts for s in Document(Article("x", t)).sentences))
    paths = STUDENT_PATHS if args.student else {name: (rt, False) for name, rt in PATHS.items()}
    models = {name: MTModel.load(SHIPPED_DIR, runtime=rt, student=st) for name, (rt, st) in paths.items()}
    encoders = {name: m.encoder for name, m in models.items()}
    for name, enc in encoders.items():  # warm-up: the torch model is built on first use; first-call allocations
        timed_pass(name, enc, sentences[:64])
    load = [os.getloadavg()[0]]
    rates: dict[str, list[float]] = {name: [] for name in paths}
    cpu_rates: dict[str, list[float]] = {name: [] for name in paths}
    for r in range(args.rounds):
        for name, enc in (encoders.items() if r % 2 == 0 else reversed(encoders.items())):  # A B C C B A ...
            c0, t0 = time.process_time(), time.perf_counter()
            timed_pass(name, enc, sentences)
            rates[name].append(len(sentences) / (time.perf_counter() - t0))
            cpu_rates[name].append(len(sentences) / max(time.process_time() - c0, 1e-9))
        load.append(os.getloadavg()[0])
        print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.0f}/s ({cpu_rates[n][-1]:.0f}/CPU-s)" for n, v in rates.items()), flush=True)
    base = "onnx int8" if args.student else "torch fp32"
    result: dict = {
        "command": "python bench/encoder_paths.py " + f"--docs {args.docs} --rounds {args.rounds} --threads {args.threads} "
                   f"--source-docs {args.source_docs}" + (" --eval-torch" if args.eval_torch else "")
                   + (f" --student --out {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}" if args.student else ""),
        "machine": {"cpus": os.cpu_count(), "threads": args.threads, "python": platform.python_version(),
                    "load_average_1min": [round(x, 1) for x in load],
                    "note": "shared with other jobs: absolute rates are noisy; sentences per CPU second and the within-round ratios less so"},
        "sentences": len(sentences), "source": described, "batch_size": 64,
        "sentences_per_second": {n: {"median": round(statistics.median(v), 1), "rounds": [round(x, 1) for x in v]}
                                 for n, v in rates.items()},
        "sentences_per_cpu_second": {n: {"median": round(statistics.median(v), 1), "rounds": [round(x, 1) for x in v]}
                                     for n, v in cpu_rates.items()},
        f"speedup_vs_{base}": {n: round(statistics.median(a / b for a, b in zip(v, rates[base])), 2)
                               for n, v in rates.items()},
        f"cpu_speedup_vs_{base}": {n: round(statistics.median(a / b for a, b in zip(v, cpu_rates[base])), 2)
                                   for n, v in cpu_rates.items()},
    }
    evaluated = (models if args.student else
                 {n: models[n] for n in (("torch fp32",) if args.eval_torch else ()) + EVAL_PATHS})
    if labels is not None:
        from sklearn.metrics import roc_auc_score

        probs, alone = {}, {}
        for name, model in evaluated.items():
            probs[name] = np.array([p.doc_probs["mt"] for p in model.predict(texts)])
            # The same documents one at a time: does an article's score depend on its batch-mates?
            alone[name] = np.array([model.predict([t])[0].doc_probs["mt"] for t in texts[:40]])
        ref = next(iter(probs))
        result["mt_eval"] = {
            "documents": len(texts),
            "document_auc": {n: round(float(roc_auc_score(labels, p)), 4) for n, p in probs.items()},
            f"max_abs_probability_difference_vs_{ref}": {n: round(float(np.abs(p - probs[ref]).max()), 4)
                                                         for n, p in probs.items() if n != ref},
            f"mean_abs_probability_difference_vs_{ref}": {n: round(float(np.abs(p - probs[ref]).mean()), 5)
                                                          for n, p in probs.items() if n != ref},
            "max_abs_difference_batched_vs_alone_40_docs": {n: round(float(np.abs(probs[n][:40] - a).max()), 5)
                                                            for n, a in alone.items()},
        }
        print(json.dumps(result["mt_eval"], indent=1), flush=True)
        if args.source_docs:
            result["source_language_eval"] = source_language_eval(evaluated, args.source_docs)
            print(json.dumps(result["source_language_eval"], indent=1), flush=True)
    if args.student:
        result["seeds"] = seed_scans()
        print(json.dumps({k: v for k, v in result["seeds"].items() if not isinstance(v, dict) or "per_article" in k}), flush=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("sentences_per_cpu_second", f"cpu_speedup_vs_{base}")}, indent=1))


if __name__ == "__main__":
    main()
