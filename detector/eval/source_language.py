"""Measure the source-language head and rules (``make eval-source-language``, part of ``make eval-mt``).

    python -m detector.eval.source_language [--cache DIR] [--out bench/results/source_language.json]

Held out by source document (``corpus.split``: every reference and system output of one WMT document
shares its split, so no test document was seen in training as another system's output); train fitted
the classifier, dev its calibration and threshold; only test is reported here:
- known languages: top-1 and the confusion matrix on 8-sentence windows and on whole documents,
  per language and for references (HT) and MT outputs apart;
- leave-one-language-out: per language, a model trained and calibrated without it scores the
  language's test windows: the share given a confident (>= 0.5) language (every one is wrong), and
  the share named at the shipped threshold;
- native English (WMT22 en-uk/en-hr news sources, which no training set holds, split by outlet half:
  the "tune" outlets chose the agreement rule of ``decide``, the "test" outlets are the target; and a
  seeded sample of WCXB article bodies of the test half of sites) through the full scanner: the share
  of articles given a source language (what a user sees) with its 95% Wilson interval;
- the seeds through the scanner: the name evidence, the decided language, the model's view, and
  whether a confident model language contradicts the names;
- the scan's speed with the head on and off (the same encoder pass: the difference is the head),
  and the head's own CPU milliseconds per test document (``head_cost``);
  the native scans run in a second process meanwhile, and leave-one-language-out reuses the folds
  training saved in the cache when the data matches.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from detector.mt.source_language.model import ENGLISH, SHIPPED_DIR, SourceLanguageModel, window_bounds
from detector.mt.source_language.train import (
    DEFAULT_CACHE,
    EVAL_SYSTEMS,
    SYSTEMS,
    Example,
    example_scores,
    featurize,
    load_examples,
    lolo_models,
)

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results" / "source_language.json"
#: WCXB bodies in the native-text measurement (a seeded sample: the scan runs the encoder).
WEB_SAMPLE = 100


def _windows(examples: Sequence[Example]) -> list[tuple[Example, int, int]]:
    return [(e, a, b) for e in examples for a, b in window_bounds(len(e.sentences))]


def _top1(gold: Sequence[str], pred: Sequence[str]) -> dict:
    by_lang = {g: round(float(np.mean([p == g for gg, p in zip(gold, pred, strict=True) if gg == g])), 4) for g in sorted(set(gold))}
    return {"top1": round(float(np.mean([p == g for p, g in zip(pred, gold, strict=True)])), 4),
            "top1_macro": round(float(np.mean(list(by_lang.values()))), 4), "by_language": by_lang,
            "confusion": {g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g)) for g in sorted(set(gold))}}


def accuracy(model: SourceLanguageModel, examples: Sequence[Example]) -> dict:
    """Top-1 and the confusion matrix, for windows and documents: over every label ("en" counting as
    wrong), and, as ``source_languages``, over the source languages only (the best of which is what
    a report names, ``decide``)."""
    out = {}
    units = {"windows": [(e, model.probabilities(e.vectors[a:b], e.sentences[a:b])) for e, a, b in _windows(examples)],
             "documents": [(e, model.probabilities(e.vectors, e.sentences)) for e in examples]}
    for name, scored in units.items():
        gold = [e.label for e, _ in scored]
        pred = [max(p, key=p.get) for _, p in scored]
        source = [max((k for k in p if k != ENGLISH), key=p.get) for _, p in scored]
        by_kind = {}
        for kind in ("ht", "mt"):
            idx = [i for i, (e, _) in enumerate(scored) if e.doc.kind == kind]
            by_kind[kind] = round(float(np.mean([pred[i] == gold[i] for i in idx])), 4) if idx else None
        out[name] = {"n": len(gold), **_top1(gold, pred), "by_kind": by_kind, "source_languages": _top1(gold, source),
                     "named_at_threshold": round(float(np.mean([_named(p, model.threshold) is not None for _, p in scored])), 4),
                     "named_correctly_at_threshold": round(float(np.mean([_named(p, model.threshold) == e.label
                                                                          for e, p in scored])), 4)}
    return out


def _named(probs: dict[str, float], threshold: float) -> str | None:
    """The source language named at ``threshold`` (never "en")."""
    lang, p = max(((k, v) for k, v in probs.items() if k != ENGLISH), key=lambda kv: kv[1])
    return lang if p >= threshold else None


def lolo(train: Sequence[Example], dev: Sequence[Example], test: Sequence[Example], model: SourceLanguageModel,
         store: Path | None = None) -> dict:
    """Per held-out language: shares of its test windows (and documents) given a confident (trust
    >= 0.5) / named (>= the shipped threshold) language, by folds trained and calibrated without it
    (training's own folds from ``store`` when their data matches), with the shipped trust regression."""
    out = {}
    threshold = model.threshold
    for lang, m in lolo_models(train, dev, doc_weight=model.doc_weight, store=store).items():
        m.trust = model.trust
        mine = [e for e in test if e.label == lang]
        scored = example_scores(m, mine, featurize(mine, m.mean, m.scale, m.text_weight, m.name_weight, m.pooling))
        win = np.array([m.assess_logits(lg[i:i + 1])[1] for lg, _ in scored for i in range(len(lg))])
        doc = np.array([m.assess_logits(lg, whole)[1] for lg, whole in scored])
        out[lang] = {"windows": len(win), "confident_wrong": round(float((win >= 0.5).mean()), 4),
                     "named_at_threshold": round(float((win >= threshold).mean()), 4),
                     "documents": len(doc), "documents_confident_wrong": round(float((doc >= 0.5).mean()), 4),
                     "documents_named_at_threshold": round(float((doc >= threshold).mean()), 4)}
        print(f"  LOLO {lang}: {out[lang]}", flush=True)
    pooled = [v for v in out.values()]
    out["mean"] = {k: round(float(np.mean([v[k] for v in pooled])), 4)
                   for k in ("confident_wrong", "named_at_threshold", "documents_confident_wrong", "documents_named_at_threshold")}
    return out


#: Settings every scan of the eval adds (``--student``: the student encoder and so its head).
OVERRIDES: dict = {}


def scan_share(texts: Sequence[str], source_language: bool = True) -> tuple[list, float]:
    """Reports of the full scanner (MT checks) and the seconds it took."""
    from detector.article import Article
    from detector.config import load_config
    from detector.scanner import Scanner

    cfg = load_config().with_overrides({"select": ["MT.", "Translation."], "checks.mt_model.source_language": source_language,
                                        **OVERRIDES})
    scanner = Scanner(cfg)
    t0 = time.perf_counter()
    reports = scanner.check_articles([Article(f"a{i}", t) for i, t in enumerate(texts)])
    return reports, time.perf_counter() - t0


def wilson(k: int, n: int, z: float = 1.96) -> list[float]:
    """95% Wilson interval of a proportion k/n."""
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def outlet(doc_group: str) -> str:
    """The outlet of a WMT22 native-news document ("wmt22:en-uk:bbc.381647" -> "bbc")."""
    return doc_group.split(":")[-1].split(".")[0]


def native_sets(limit_web: int = WEB_SAMPLE) -> dict[str, list]:
    """Native English populations: WMT22 news by outlet half ("tune" outlets chose the decision rule,
    ``decide``; only "test" outlets are reported as the target) and a seeded sample of WCXB bodies
    of the test half of sites."""
    from detector.mt.model.sources import native_english, site_half, wcxb_bodies

    news = native_english("news")
    web = wcxb_bodies("test")
    return {"native_news_test_outlets": [d for d in news if site_half(outlet(d.group)) == "test"],
            "native_news_tune_outlets": [d for d in news if site_half(outlet(d.group)) == "tune"],
            "general_web_test_sites": random.Random(0).sample(web, min(limit_web, len(web)))}


def native(limit_web: int = WEB_SAMPLE) -> dict:
    """Share of native English articles given a source language, per population, with its interval."""
    out = {}
    for name, docs in native_sets(limit_web).items():
        reports, seconds = scan_share([d.text for d in docs])
        given = [r for r in reports if r.source_language]
        out[name] = {"articles": len(reports), "outlets": len({outlet(d.group) if d.group.startswith("wmt22") else d.domain
                                                               for d in docs}),
                     "given_a_source_language": len(given),
                     "share": round(len(given) / max(len(reports), 1), 4), "ci95": wilson(len(given), len(reports)),
                     "languages": dict(Counter(r.source_language for r in given)),
                     "with_name_evidence": sum(any(f.rule == "Translation.SourceLanguage" for f in r.findings) for r in reports),
                     "mt_probability_at_least_0.5": sum((r.mt_probability or 0) >= 0.5 for r in reports),
                     "seconds": round(seconds, 1)}
        print(f"  {name}: {out[name]}", flush=True)
    return out


def seeds() -> dict:
    """The seeds through the scanner: decided language, name evidence, model view, contradiction."""
    records = [json.loads(line) for line in (REPO / "seeds" / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    reports, _ = scan_share([r["text"] for r in records])
    out = {}
    for rec, r in zip(records, reports, strict=True):
        notes = [f for f in r.findings if f.rule == "Translation.SourceLanguage"]
        routes = notes[0].data["routes"] if notes else {}
        model_view = notes[0].data["model"] if notes else {}
        best_route = next(iter(routes), None)
        contradicts = bool(notes) and r.source_language is not None and r.source_language != best_route
        out[rec["id"]] = {"mt_probability": r.mt_probability, "source_language": r.source_language,
                          "source_language_probability": r.source_language_probability,
                          "name_evidence": [{"form": f.data["form"], "start": f.start, "end": f.end,
                                             "occurrences": f.data["occurrences"]} for f in notes],
                          "routes": routes, "model": model_view, "contradicts_names": contradicts}
    return out


def speed(n: int = 30) -> dict:
    """Seconds to scan ``n`` native news articles with the head off and on (best of two runs each)."""
    from detector.mt.model.sources import native_english

    texts = [d.text for d in native_english("news")][:n]
    runs = {"off": [], "on": []}
    for flag in ("off", "on", "off", "on"):
        runs[flag].append(scan_share(texts, flag == "on")[1])
    best = {k: min(v) for k, v in runs.items()}
    return {"articles": len(texts), "seconds_off": round(best["off"], 2), "seconds_on": round(best["on"], 2),
            "runs": {k: [round(x, 2) for x in v] for k, v in runs.items()},
            "slowdown": round(best["on"] / best["off"] - 1.0, 4)}


def head_cost(model: SourceLanguageModel, examples: Sequence[Example]) -> dict:
    """CPU milliseconds per document of the head alone (features, classifier, trust) on the cached
    states of ``examples``: the scan's cost of the source-language step beside the encoder pass
    (thread CPU time, so other processes on busy cores do not count)."""
    t0 = time.thread_time()
    for e in examples:
        model.assess(e.vectors, e.sentences)
    seconds = time.thread_time() - t0
    return {"documents": len(examples), "mean_sentences": round(float(np.mean([len(e.sentences) for e in examples])), 1),
            "cpu_ms_per_document": round(1000 * seconds / max(len(examples), 1), 2)}


def _scans(overrides: dict) -> tuple[dict, dict]:
    OVERRIDES.update(overrides)  # a spawned process: the parent's settings come as an argument
    return native(), speed()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None, help="default: bench/results/source_language.json (--student: source_language_student.json)")
    ap.add_argument("--skip-lolo", action="store_true")
    ap.add_argument("--cached-only", action="store_true", help="only documents whose sentences are all cached")
    ap.add_argument("--student", action="store_true", help="the student encoder and its head (models/mt/student/source_language)")
    ap.add_argument("--split", choices=("dev", "test"), default="test", help="the documents measured (dev: while choosing)")
    ap.add_argument("--head", type=Path, default=None,
                    help="the head folder measured (a scratch head while choosing; default: the shipped one of the encoder)")
    args = ap.parse_args(argv)
    args.out = args.out or (RESULTS.with_name("source_language_student.json") if args.student else RESULTS)
    if args.student:
        from detector.mt.source_language.heads import STUDENT_HEAD_DIR

        OVERRIDES["checks.mt_model.student"] = True
        model = SourceLanguageModel.load(args.head or STUDENT_HEAD_DIR)
    else:  # the 6-layer encoder's head: its scans must run that encoder, not the default student
        OVERRIDES["checks.mt_model.student"] = False
        model = SourceLanguageModel.load(args.head or SHIPPED_DIR)
    meta = model.meta or {}
    # The scans of native text run in a second process meanwhile (they need only the shipped model).
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    scans = pool.submit(_scans, dict(OVERRIDES))
    examples = load_examples(args.cache, int(meta.get("systems", SYSTEMS)),
                             cached_only=args.cached_only or bool(meta.get("cached_only")),
                             eval_systems=int(meta.get("eval_systems", EVAL_SYSTEMS)), student=args.student)
    split = {s: [e for e in examples if e.split == s] for s in ("train", "dev", "test")}
    test = [e for e in split[args.split] if e.label != ENGLISH]
    result: dict = {"command": "make eval-source-language", "model": model.meta, "encoder": "student" if args.student else "teacher",
                    "measured_split": args.split,
                    "split": "by source document (corpus.split): all versions of a document share one split",
                    "test_documents": dict(Counter(e.label for e in test))}
    result["known_languages"] = accuracy(model, test)
    print(json.dumps({k: {kk: v[kk] for kk in ("n", "top1", "top1_macro")} for k, v in result["known_languages"].items()}), flush=True)
    if not args.skip_lolo:
        result["leave_one_language_out"] = lolo(split["train"], split["dev"], test, model, args.cache)
    result["seeds"] = seeds()
    result["native_english"], result["speed"] = scans.result()
    result["speed"]["head"] = head_cost(model, test)
    pool.shutdown()
    result["targets"] = {
        "windows_top1>=0.7": result["known_languages"]["windows"]["top1"] >= 0.7,
        "documents_top1>=0.85": result["known_languages"]["documents"]["top1"] >= 0.85,
        "lolo_confident_wrong<=0.3": (result.get("leave_one_language_out", {}).get("mean", {}).get("named_at_threshold", 1.0) <= 0.3),
        "native_news_given_language<=0.02": result["native_english"]["native_news_test_outlets"]["share"] <= 0.02,
        "seeds_no_contradiction": not any(v["contradicts_names"] for v in result["seeds"].values()),
    }
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["targets"]), flush=True)
    return result


if __name__ == "__main__":
    main()
