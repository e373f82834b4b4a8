"""Train the source-language head: ``make train-source-language`` → models/mt/source_language/.

Data (``corpus``): every reference and up to three MT outputs of each document of the WMT xx-en test
sets of cs, de, ha, is, ja, ru, uk, zh, plus original English (HT-vs-MT ``org_en``, its train years)
as the class "en". Split by source document (``corpus.split``): train fits the window classifier, dev
fits the document calibration and, through leave-one-language-out folds (each language's dev windows
scored by a model trained without it), the naming threshold; test is only for ``make eval-mt``.
Sentence states come from the shipped MT model and are cached on disk (``embed``): the first run
encodes ~80k sentences (about 35 minutes on 2 busy cores), later runs none.

    python -m detector.mt.source_language.train [--cache DIR] [--out models/mt/source_language]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.mt.model.model import Calibration
from detector.mt.model.sources import ORIGINAL, Doc, ht_vs_mt_docs
from detector.mt.source_language import corpus
from detector.mt.source_language.embed import VectorCache, document_vectors, load_mt_model, voting_sentences
from detector.mt.source_language.model import (
    ENGLISH,
    SHIPPED_DIR,
    SourceLanguageModel,
    features,
    trust_features,
    window_bounds,
)

DEFAULT_CACHE = Path(os.environ.get("DETECTOR_SOURCE_LANGUAGE_CACHE", "~/.cache/detector/source-language")).expanduser()
#: Regularisation and the weights of the function-word and name blocks (chosen on dev windows: 0.61
#: top-1, against 0.57 for the states alone; C 0.05-2 and weights 0-4 tried).
C = 0.1
TEXT_WEIGHT = 4.0
NAME_WEIGHT = 4.0
#: The most an unseen language may be named on dev windows when the threshold is chosen.
MAX_UNSEEN_NAMED = 0.2


@dataclass
class Example:
    """One document: its label, split, voting sentences and their vectors."""

    doc: Doc
    label: str
    split: str
    sentences: list[str]
    vectors: np.ndarray


def load_examples(cache: Path = DEFAULT_CACHE, systems: int = 3, shared: Path | None = None,
                  cached_only: bool = False) -> list[Example]:
    """Every document of ``corpus.documents`` and the HT-vs-MT original English train documents
    (with ``cached_only``, only those whose every sentence is in the cache: nothing is encoded)."""
    docs = corpus.documents(systems, shared)
    english = [d for d in ht_vs_mt_docs(shared) if d.kind == ORIGINAL and d.split == "train"]
    store = VectorCache(cache)
    if cached_only:
        docs, english = ([d for d in part if store.has_all(voting_sentences(d.text))] for part in (docs, english))
    all_docs = docs + english
    sentences = [voting_sentences(d.text) for d in all_docs]
    model = _LazyModel()
    vectors = document_vectors(store, model, [d.text for d in all_docs])
    n = len(docs)
    out = [Example(d, d.language, corpus.split(d), s, v) for d, s, v in zip(docs, sentences[:n], vectors[:n], strict=True)]
    out += [Example(d, ENGLISH, "train", s, v) for d, s, v in zip(english, sentences[n:], vectors[n:], strict=True)]
    return [e for e in out if e.sentences]


class _LazyModel:
    """Loads the MT model only if the cache lacks a sentence."""

    _model = None

    def sentence_vectors(self, sentences: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self._model = load_mt_model()
        return self._model.sentence_vectors(sentences)


def windows(examples: Sequence[Example]) -> tuple[list[np.ndarray], list[list[str]], list[str]]:
    """Per window of every example: its vectors, sentences and label."""
    vecs, sents, labels = [], [], []
    for e in examples:
        for a, b in window_bounds(len(e.sentences)):
            vecs.append(e.vectors[a:b])
            sents.append(e.sentences[a:b])
            labels.append(e.label)
    return vecs, sents, labels


def fit(train: Sequence[Example], c: float = C, text_weight: float = TEXT_WEIGHT,
        name_weight: float = NAME_WEIGHT) -> SourceLanguageModel:
    """The window classifier on ``train`` (classes weighted equally; uncalibrated)."""
    from sklearn.linear_model import LogisticRegression

    vecs, sents, labels = windows(train)
    means = np.stack([np.asarray(v, dtype=np.float32).mean(0) for v in vecs])
    mean, scale = means.mean(0), np.maximum(means.std(0), 1e-6)
    x = features(vecs, sents, mean, scale, text_weight, name_weight)
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=300).fit(x, np.array(labels))
    return SourceLanguageModel(tuple(str(k) for k in lr.classes_), mean.astype(np.float32), scale.astype(np.float32),
                               lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64), text_weight,
                               name_weight=name_weight)


def calibrate(model: SourceLanguageModel, dev: Sequence[Example]) -> None:
    """Temperature and length exponent on dev units of the model's labels: every window and every
    document (a short article is one window; a long one many), so neither length is overconfident."""
    means, sizes, gold = [], [], []
    for e in dev:
        if e.label not in model.labels:
            continue
        logp = model.window_logprobs(e.vectors, e.sentences)
        means += list(logp) + ([logp.mean(0)] if len(logp) > 1 else [])
        sizes += [1] * len(logp) + ([len(logp)] if len(logp) > 1 else [])
        gold += [model.labels.index(e.label)] * (len(logp) + (len(logp) > 1))
    model.calibration = fit_calibration(np.array(means), np.array(sizes), np.array(gold))


def fit_calibration(means: np.ndarray, sizes: np.ndarray, gold: np.ndarray) -> Calibration:
    """``Calibration.fit`` vectorised over units given as mean log-probabilities and window counts
    (the same grid of alpha and temperature; thousands of units in a second)."""
    from scipy.special import logsumexp

    best = (np.inf, Calibration())
    rows = np.arange(len(gold))
    for alpha in (0.0, 0.25, 0.5, 0.75, 1.0):
        scaled = means * (sizes[:, None] ** alpha)
        for temperature in np.exp(np.linspace(np.log(0.05), np.log(200.0), 73)):
            z = scaled / temperature
            nll = float((logsumexp(z, axis=1) - z[rows, gold]).sum())
            if nll < best[0]:
                best = (nll, Calibration(float(temperature), alpha))
    return best[1]


def units(examples: Sequence[Example]) -> list[tuple[Example, int, int]]:
    """Every window of every example, and the example itself when it has more than one window."""
    out = []
    for e in examples:
        bounds = window_bounds(len(e.sentences))
        out += [(e, a, b) for a, b in bounds] + ([(e, 0, len(e.sentences))] if len(bounds) > 1 else [])
    return out


def fit_trust(folds: dict[str, SourceLanguageModel], dev: Sequence[Example]) -> np.ndarray:
    """The trust regression on dev units of every fold: 1 where the fold's best source language is the
    right one, 0 where it is wrong, which it always is for the fold's held-out language."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for lang, m in folds.items():
        for e, a, b in units(dev):
            logits = m.window_logits(e.vectors[a:b], e.sentences[a:b])
            probs = m._probabilities(logits)
            best = max((k for k in probs if k != ENGLISH), key=probs.get)
            x.append(trust_features(probs, best, logits))
            y.append(e.label != lang and best == e.label)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(x), np.array(y))
    return np.concatenate([lr.coef_[0], lr.intercept_]).astype(np.float64)


def unseen_scores(model: SourceLanguageModel, examples: Sequence[Example]) -> np.ndarray:
    """The best source-language probability of each window of ``examples`` (a language ``model`` lacks)."""
    vecs, sents, _ = windows(examples)
    return np.array([model.predict(v, s)[1] for v, s in zip(vecs, sents, strict=True)])


def lolo_models(train: Sequence[Example], dev: Sequence[Example], languages: Sequence[str] = corpus.LANGUAGES,
                **kw: float) -> dict[str, SourceLanguageModel]:
    """One calibrated model per language, trained and calibrated without it."""
    out = {}
    for lang in languages:
        m = fit([e for e in train if e.label != lang], **kw)
        calibrate(m, [e for e in dev if e.label != lang])
        out[lang] = m
        print(f"  fold without {lang}: done", flush=True)
    return out


def choose_threshold(scores: np.ndarray, max_named: float = MAX_UNSEEN_NAMED) -> float:
    """The lowest threshold (at least 0.5) at which at most ``max_named`` of unseen windows are named."""
    for t in np.arange(0.5, 0.99, 0.01):
        if (scores >= t).mean() <= max_named:
            return round(float(t), 2)
    return 0.99


def main(argv: list[str] | None = None) -> SourceLanguageModel:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=SHIPPED_DIR)
    ap.add_argument("--systems", type=int, default=3)
    ap.add_argument("--cached-only", action="store_true", help="only documents whose sentences are all cached")
    args = ap.parse_args(argv)
    examples = load_examples(args.cache, args.systems, cached_only=args.cached_only)
    train = [e for e in examples if e.split == "train"]
    dev = [e for e in examples if e.split == "dev"]
    print(f"{len(train)} train, {len(dev)} dev documents", flush=True)
    folds = lolo_models(train, dev)
    trust = fit_trust(folds, dev)
    for m in folds.values():
        m.trust = trust
    scores = np.concatenate([unseen_scores(m, [e for e in dev if e.label == lang]) for lang, m in folds.items()])
    threshold = choose_threshold(scores)
    model = fit(train)
    calibrate(model, dev)
    model.trust, model.threshold = trust, threshold
    model.meta = {"trained": dt.date.today().isoformat(), "c": C, "text_weight": TEXT_WEIGHT, "name_weight": NAME_WEIGHT, "systems": args.systems, "cached_only": args.cached_only,
                  "documents": {"train": len(train), "dev": len(dev)},
                  "threshold_rule": f"lowest >= 0.5 naming at most {MAX_UNSEEN_NAMED} of unseen-language dev windows (LOLO, trust probability)",
                  "unseen_dev_windows_named_at_threshold": round(float((scores >= threshold).mean()), 4)}
    model.save(args.out)
    print(f"saved {args.out}: labels {model.labels}, T={model.calibration.temperature:.3f} "
          f"alpha={model.calibration.alpha}, threshold {threshold}", flush=True)
    return model


if __name__ == "__main__":
    main()
