"""The version-2 document model, trained on every document set in ../shared/data/mt above the fixed
encoder, and its leave-one-language-out evaluation.

    python -m detector.mt.model.doc_train --out bench/results/mt_document.json   # measure only
    python -m detector.mt.model.doc_train --install                               # and write it into models/mt

The encoder (LoRA-adapted on WMT22 uk/ru-en) and its sentence head stay as shipped: other heads and
the ONNX export are built on them. What is trained here is cheap, so it is refitted per fold:
- the window head (``window``): a logistic regression on windows of up to ~256 tokens, train split;
- the lexical model (``lexical``): word n-grams, train split;
- the stacked regression over sentence votes, window scores, lexical score and the explainable
  evidence (``evidence``), on the dev split plus native English news, which calibrates it.
Encodings come from ``sentence_cache`` (each distinct sentence once). Languages the adapter or
sentence head saw (uk, ru) are marked ``seen``: their fold is not a clean leave-one-language-out.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from detector.mt.model.corpus import split_of
from detector.mt.model.document import WINDOW_FEATURES, WINDOW_WORDS, DocumentHead
from detector.mt.model.evidence import FEATURES as EVIDENCE_FEATURES
from detector.mt.model.lexical import LexicalModel
from detector.mt.model.sentence_cache import SentenceCache, model_key, voting_sentences
from detector.mt.model.sources import MT, ORIGINAL, Doc, all_documents
from detector.mt.model.window import WindowHead, windows

#: The version-2 head's features (see ``document``, ``window`` and ``evidence``).
FEATURES_V2 = ("sentence_log_odds", *WINDOW_FEATURES, "lexical_log_odds", *EVIDENCE_FEATURES)
#: Source languages the shipped adapter and sentence head were trained on.
ADAPTER_LANGUAGES = ("uk", "ru")
#: At most this many train documents for the lexical model (a seeded sample; keeps a fold under a minute).
LEXICAL_MAX_DOCS = 4000
LEXICAL_MT_PER_GROUP = 1
#: L2 strength (sklearn C) of the window head, chosen on dev window AUC among 0.01, 0.05, 0.2.
WINDOW_C = 0.05
DEFAULT_CACHE = Path.home() / ".cache" / "detector" / "mt-sentences"


def split(d: Doc) -> str:
    return d.split or split_of(d.group)


def language(d: Doc) -> str:
    return "liv" if d.source.endswith("liv-en") else d.language if d.kind != ORIGINAL else "en"


def is_native(d: Doc) -> bool:
    """Native English news (the WMT22 en-uk/en-hr sources): calibration and clean-text test only."""
    return d.source.startswith("wmt22:en-")


#: MT versions per source document kept, and source documents per language and split: encoding is
#: the cost (2 shared CPU cores: 15-90 sentences/s), and every sentence of every version was ~120k.
MT_PER_GROUP = 1
TRAIN_GROUPS_PER_LANGUAGE = 200
DEV_GROUPS_PER_LANGUAGE = 30


def selection(docs: Sequence[Doc], mt_per_group: int = MT_PER_GROUP, seed: int = 0) -> list[Doc]:
    """The documents the v2 heads are trained and calibrated on: per language a seeded sample of
    source documents of the train and dev splits, and per source document every human
    version and ``mt_per_group`` MT versions drawn at random (for HT-vs-MT: one engine's output of
    the German original and one engine's round trip of the English original, so original English
    news is paired with MT of the same story), plus the native English news. Encoding all ~15
    systems per document would cost 10x more for little new phrasing."""
    from detector.mt.model.sources import native_english

    rng = random.Random(seed)
    groups: dict[str, list[Doc]] = {}
    for d in docs:
        if split(d) != "test":  # the test split is read only by the evaluation
            groups.setdefault(d.group, []).append(d)
    names: dict[tuple[str, str], list[str]] = {}
    for g in sorted(groups):
        names.setdefault((split(groups[g][0]), language(groups[g][0])), []).append(g)
    cap = {"train": TRAIN_GROUPS_PER_LANGUAGE, "dev": DEV_GROUPS_PER_LANGUAGE}
    kept = {g for (sp, _lang), gs in sorted(names.items()) for g in rng.sample(gs, min(cap.get(sp, len(gs)), len(gs)))}
    out: list[Doc] = []
    for g in sorted(kept):
        mt = [d for d in groups[g] if d.kind == MT]
        out += [d for d in groups[g] if d.kind != MT] + rng.sample(mt, min(mt_per_group, len(mt)))
    return [truncated(d) if split(d) == "train" else d for d in out] + native_english()


#: Training documents are cut after this many sentences (HT-vs-MT train documents average 410-520
#: words, its test documents 237; the rest of a long document costs encoding and adds little).
TRAIN_SENTENCES = 6


def truncated(d: Doc, n: int = TRAIN_SENTENCES) -> Doc:
    """``d`` up to the end of its ``n``-th sentence (as the scanner splits it)."""
    from dataclasses import replace

    from detector.article import Article, Document
    from detector.mt.context import mt_sentences

    sents = mt_sentences(Document(Article("t", d.text)))
    return d if len(sents) <= n else replace(d, text=d.text[:sents[n - 1].end])


def evaluation_documents(per_language: int | None = None) -> list[Doc]:
    """Every document the evaluation scores from the cache: (b) per language, (c) HT-vs-MT test."""
    from detector.eval.mt_honest import PER_LANGUAGE, htmt_test, language_sets

    sets = language_sets(limit=per_language or PER_LANGUAGE)
    return [d for ds in sets.values() for d in ds] + [d for ds in htmt_test().values() for d in ds]


class Encodings:
    """A document's voting sentences as the scanner reads them, with their cached encodings."""

    def __init__(self, cache: SentenceCache) -> None:
        self.cache = cache

    @lru_cache(maxsize=60_000)  # noqa: B019 (one instance per run; folds read the same documents)
    def sentences(self, text: str) -> tuple[str, ...]:
        return tuple(voting_sentences(text))

    def fill(self, docs: Sequence[Doc]) -> None:
        self.cache.fill([s for d in docs for s in self.sentences(d.text)])

    def votes(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(shipped sentence-head log-odds, word counts, pooled states) of the voting sentences."""
        sents = self.sentences(text)
        self.cache.fill(sents)  # texts outside the data sets (the seeds): encoded on first use
        pooled, odds = self.cache.get(sents)
        return odds.astype(np.float64), np.array([len(s.split()) for s in sents], dtype=np.int64), pooled

    def window_vectors(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Mean pooled state of every window (``WINDOW_WORDS``) of ``docs``, its label and group."""
        vecs, y, groups = [], [], []
        for d in docs:
            _odds, words, pooled = self.votes(d.text)
            for a, b in windows(words, WINDOW_WORDS):
                vecs.append(pooled[a:b].mean(0))
                y.append(d.is_mt)
                groups.append(d.group)
        return np.stack(vecs), np.asarray(y, dtype=bool), groups


def lexical_training(docs: Sequence[Doc], seed: int = 0) -> tuple[list[str], list[bool]]:
    """Train documents for the lexical model: per group every human version and up to
    ``LEXICAL_MT_PER_GROUP`` MT versions (the classes are weighted equally anyway)."""
    rng = random.Random(seed)
    groups: dict[str, list[Doc]] = {}
    for d in docs:
        groups.setdefault(d.group, []).append(d)
    texts, y = [], []
    for g in sorted(groups):
        mt = [d for d in groups[g] if d.kind == MT]
        for d in [d for d in groups[g] if d.kind != MT] + rng.sample(mt, min(LEXICAL_MT_PER_GROUP, len(mt))):
            texts.append(d.text)
            y.append(d.kind == MT)
    if len(texts) > LEXICAL_MAX_DOCS:
        pick = sorted(rng.sample(range(len(texts)), LEXICAL_MAX_DOCS))
        texts, y = [texts[i] for i in pick], [y[i] for i in pick]
    return texts, y


def parts(selected: Sequence[Doc], exclude: str | None = None) -> tuple[list[Doc], list[Doc]]:
    """(train, calibration) documents without the language ``exclude``: train = the train split
    (no native news: unpaired human documents teach topic); calibration = the dev split, native
    news included (the rest of the native news is the clean-text test, ``mt_clean``)."""
    keep = [d for d in selected if exclude is None or language(d) != exclude]
    train = [d for d in keep if split(d) == "train" and not is_native(d)]
    calib = [d for d in keep if split(d) == "dev"]
    return train, calib


def fit_window(enc: Encodings, train: Sequence[Doc], c: float = WINDOW_C) -> WindowHead:
    x, y, _ = enc.window_vectors(train)
    return WindowHead.fit(x, y, c=c)


def fit_head(enc: Encodings, selected: Sequence[Doc], exclude: str | None = None,
             features: Sequence[str] = FEATURES_V2, log=sys.stderr) -> DocumentHead:
    """Window head and lexical model on train documents, the stacked regression on calibration
    documents, all without ``exclude``."""
    train, calib = parts(selected, exclude)
    t0 = time.perf_counter()
    window = fit_window(enc, train)
    lexical = LexicalModel.fit(*lexical_training(train))
    head = DocumentHead.fit(lexical, [enc.votes(d.text) for d in calib], [d.text for d in calib],
                            [d.is_mt for d in calib], features, window=window)
    print(f"fitted without {exclude}: {len(train)} train, {len(calib)} calibration documents, "
          f"{time.perf_counter() - t0:.0f} s", file=log, flush=True)
    return head


def scorer(head: DocumentHead, enc: Encodings):
    def score(texts: Sequence[str]) -> list[float]:
        return [float(p) for p in head.probabilities([enc.votes(t) for t in texts], list(texts))]
    return score


def choose_window_c(enc: Encodings, selected: Sequence[Doc], grid: Sequence[float] = (0.01, 0.05, 0.2)) -> dict:
    """Dev window AUC of the window head per L2 strength (all languages; dev split only)."""
    from sklearn.metrics import roc_auc_score

    train, calib = parts(selected)
    xd, yd, _ = enc.window_vectors([d for d in calib if not is_native(d)])
    out = {}
    for c in grid:
        w = fit_window(enc, train, c)
        out[str(c)] = round(float(roc_auc_score(yd, xd @ w.weights + w.bias)), 4)
    return out


def build(cache: SentenceCache, evaluated: Sequence[Doc] = ()) -> tuple[DocumentHead, Encodings, list[Doc], float]:
    """The all-language head (encoding what the cache lacks first), its encodings, the selected
    documents and the fit's seconds."""
    enc = Encodings(cache)
    selected = selection(all_documents())
    enc.fill([*selected, *evaluated])
    t0 = time.perf_counter()
    head = fit_head(enc, selected)
    return head, enc, selected, time.perf_counter() - t0


def leave_one_language_out(enc: Encodings, selected: Sequence[Doc], per_language: int) -> dict:
    """(b): per source language, a head fitted without it, scored on its test documents."""
    from detector.eval.mt_honest import language_sets, scores_of

    out = {}
    for lang, test_docs in language_sets(limit=per_language).items():
        t0 = time.perf_counter()
        fold = fit_head(enc, selected, exclude=lang)
        r = scores_of(test_docs, scorer(fold, enc)([d.text for d in test_docs]))
        r["adapter_saw_language"] = lang in ADAPTER_LANGUAGES
        r["fit_seconds"] = round(time.perf_counter() - t0, 1)
        out[lang] = r
    return out


def run(cache: SentenceCache, per_language: int, folds: bool = True, htmt_limit: int | None = None,
        head: DocumentHead | None = None, baseline: DocumentHead | None = None) -> tuple[dict, DocumentHead]:
    """The all-language head (or ``head``: the shipped one), its (b)/(c)/(d) scores from the
    cache, one head per held-out language, and ``baseline`` (another head) on the same documents."""
    from detector.eval.mt_honest import evaluate

    t0 = time.perf_counter()
    fitted, enc, selected, fit_seconds = build(cache, evaluation_documents(per_language))
    encode_seconds = time.perf_counter() - t0 - fit_seconds
    train, calib = parts(selected)
    result: dict = {"features": list(FEATURES_V2), "head": fitted.describe(), "fit_seconds": round(fit_seconds, 1),
                    "encoding_seconds_this_run": round(encode_seconds, 1), "cached_sentences": len(cache.index),
                    "train_documents": len(train), "calibration_documents": len(calib),
                    "calibration_native_news": sum(map(is_native, calib)),
                    "refit_equals_shipped": None if head is None else bool(
                        head.features == fitted.features and np.allclose(head.weights, fitted.weights))}
    # A version-1 head (no window head: the shipped one) learnt only the adapter's languages.
    languages = ADAPTER_LANGUAGES if head is not None and head.window is None else sorted({language(d) for d in train} - {"en"})
    if baseline is not None:
        result["baseline"] = evaluate(scorer(baseline, enc), ADAPTER_LANGUAGES, limit=per_language, htmt_limit=htmt_limit)
    result["all_languages"] = evaluate(scorer(head or fitted, enc), languages, limit=per_language, htmt_limit=htmt_limit)
    if folds:
        result["leave_one_language_out"] = leave_one_language_out(enc, selected, per_language)
    return result, fitted


def install(head: DocumentHead, folder: Path, fit_seconds: float) -> None:
    """Write the head's files into a model folder and describe it in its meta.json."""
    tmp = folder / ".document-v2"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    head.save(tmp)
    for path in sorted(tmp.iterdir()):
        shutil.move(str(path), folder / path.name)
    tmp.rmdir()
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["document_head"] = head.describe()
    meta["document_head"]["trained_on"] = ("every document set in shared/data/mt: window head and lexical model on the "
                                           "train split, the regression on the dev split and native English news")
    meta["document_head"]["fit_seconds"] = round(fit_seconds, 1)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="sentence encodings (sentence_cache)")
    ap.add_argument("--per-language", type=int, default=None, help="test groups per language in (b)")
    ap.add_argument("--no-folds", action="store_true")
    ap.add_argument("--htmt-limit", type=int, default=None, help="HT-vs-MT test documents (a seeded sample)")
    ap.add_argument("--choose-c", action="store_true", help="print dev window AUC per window-head L2 strength")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--install", action="store_true", help="write the head into models/mt")
    ap.add_argument("--baseline", action="store_true", help="also score the head now in models/mt on the same documents")
    args = ap.parse_args(argv)
    import torch

    from detector.eval.mt_honest import PER_LANGUAGE, print_summary
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    torch.set_num_threads(2)
    shipped = MTModel.load(SHIPPED_DIR)
    cache = SentenceCache(args.cache / model_key(SHIPPED_DIR), shipped)
    if args.choose_c:
        enc = Encodings(cache)
        selected = selection(all_documents())
        enc.fill(selected)
        print(json.dumps({"window_head_dev_window_auc_by_c": choose_window_c(enc, selected)}))
        return
    t0 = time.perf_counter()
    result, head = run(cache, args.per_language or PER_LANGUAGE, not args.no_folds, args.htmt_limit,
                       baseline=shipped.document if args.baseline else None)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    if "baseline" in result:
        print_summary(result["baseline"], "the head now in models/mt")
    print_summary(result["all_languages"], "v2, every language")
    for lang, r in result.get("leave_one_language_out", {}).items():
        print(f"  LOLO {lang:<5}{r['documents']:>5} docs  AUC {r.get('auc', float('nan')):.3f} {r.get('auc_ci95')}  acc {r['accuracy']:.3f}"
              f"{'  (adapter saw it)' if r['adapter_saw_language'] else ''}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.install:
        install(head, SHIPPED_DIR, result["fit_seconds"])


if __name__ == "__main__":
    main()
