"""Train the source-language head: ``make train-source-language`` → models/mt/source_language/.

Data (``corpus``): every reference and up to ``SYSTEMS`` MT outputs of each document of the WMT xx-en
test sets of cs, de, ha, is, ja, ru, uk, zh (``EVAL_SYSTEMS`` for dev and test documents), plus original
English (HT-vs-MT ``org_en`` of its train years and WCXB web bodies of the "tune" half of sites) as
the class "en". Split by source document (``corpus.split``): train fits the window classifier (on
8-sentence windows) and the document classifier (on whole documents, ``Matrix.document_rows``), dev
chooses the document weight (``choose_doc_weight``), fits the document calibration and, through
leave-one-language-out folds (each language's dev windows scored by a model trained without it),
the trust regression and the naming threshold; test is only for ``make eval-mt``. The text features
of train and dev are computed once (``Matrix``) and shared by the folds, which are saved in the cache
for the eval. Sentence states come from the shipped MT model and are cached on disk (``embed``;
``encode`` fills the cache in chunks that can stop); ``--cached-only`` trains on the documents whose
sentences are all cached, encoding nothing.

    python -m detector.mt.source_language.train [--cache DIR] [--out models/mt/source_language]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from detector.mt.model.model import Calibration
from detector.mt.model.sources import Doc
from detector.mt.source_language import corpus
from detector.mt.source_language.embed import (
    STAMP,
    VectorCache,
    document_vectors,
    encoder_stamp,
    load_mt_model,
    voting_sentences,
)
from detector.mt.source_language.model import (
    ENGLISH,
    SHIPPED_DIR,
    SourceLanguageModel,
    _log_softmax,
    document_logprob,
    features,
    pool,
    trust_features,
    window_bounds,
)

DEFAULT_CACHE = Path(os.environ.get("DETECTOR_SOURCE_LANGUAGE_CACHE", "~/.cache/detector/source-language")).expanduser()
#: Regularisation and the weights of the function-word and name blocks (chosen on dev windows: 0.61
#: top-1, against 0.57 for the states alone; C 0.05-2 and weights 0-4 tried).
C = 0.1
TEXT_WEIGHT = 4.0
NAME_WEIGHT = 4.0
#: Regularisation of the document classifier (``document_rows``; dev documents of more than one
#: window, mixed at the chosen document weight: 0.823 / 0.829 / 0.814 / 0.808 at C 0.03 / 0.1 / 0.3 / 1).
DOC_C = 0.1
#: How a window pools its sentences' states (``model.POOLINGS``; chosen on dev windows and documents).
POOLING = "mean+std"
#: MT outputs per train document and per dev/test document (``corpus.documents``).
SYSTEMS = 4
EVAL_SYSTEMS = 3
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


def load_examples(cache: Path = DEFAULT_CACHE, systems: int = SYSTEMS, shared: Path | None = None,
                  cached_only: bool = False, eval_systems: int = EVAL_SYSTEMS, student: bool = False) -> list[Example]:
    """Every document of ``corpus.documents`` and the HT-vs-MT original English train documents
    (with ``cached_only``, only those whose every sentence is in the cache: nothing is encoded);
    with ``student``, the distilled student encoder's states (``embed.encoder_stamp``)."""
    docs = corpus.documents(systems, shared, eval_systems=eval_systems)
    english = corpus.original_english(shared)
    store = VectorCache(cache, encoder_stamp(student=student))
    if cached_only:
        docs, english = ([d for d in part if store.has_all(voting_sentences(d.text))] for part in (docs, english))
    all_docs = docs + english
    sentences = [voting_sentences(d.text) for d in all_docs]
    model = _LazyModel(student)
    vectors = document_vectors(store, model, [d.text for d in all_docs])
    n = len(docs)
    out = [Example(d, d.language, corpus.split(d), s, v) for d, s, v in zip(docs, sentences[:n], vectors[:n], strict=True)]
    out += [Example(d, ENGLISH, "train", s, v) for d, s, v in zip(english, sentences[n:], vectors[n:], strict=True)]
    return [e for e in out if e.sentences]


class _LazyModel:
    """Loads the MT model only if the cache lacks a sentence."""

    _model = None

    def __init__(self, student: bool = False) -> None:
        self.student = student

    def sentence_vectors(self, sentences: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self._model = load_mt_model(student=self.student)
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


@dataclass
class Matrix:
    """The feature rows of every window of some examples, computed once and shared by the
    leave-one-language-out folds (text features are most of the training time)."""

    x: sparse.csr_matrix
    owner: np.ndarray  # the example of each row
    labels: np.ndarray  # the label of each row
    mean: np.ndarray
    scale: np.ndarray
    whole: sparse.csr_matrix  # one row per example of more than one window: the whole text as one window
    whole_of: np.ndarray  # per example, its row of ``whole`` or -1
    pooling: str = "mean"

    def rows_of(self, keep: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
        return self.x[keep], self.labels[keep]

    def document_rows(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Every example as one unit, in example order: its whole-text row, or its only window's row
        for a one-window example (the same text, so the same features); and each example's label."""
        first = np.searchsorted(self.owner, np.arange(len(self.whole_of)))
        single = self.x[first[self.whole_of < 0]]
        rows = sparse.vstack([single, self.whole]).tocsr()
        order = np.empty(len(self.whole_of), dtype=np.int64)  # example -> its row of ``rows``
        order[self.whole_of < 0] = np.arange(single.shape[0])
        order[self.whole_of >= 0] = single.shape[0] + self.whole_of[self.whole_of >= 0]
        return rows[order], self.labels[first]

    def per_example(self, logits: np.ndarray, n: int) -> list[np.ndarray]:
        """``logits`` of every row, split into one array per example (rows are in example order)."""
        return np.split(logits, np.searchsorted(self.owner, np.arange(1, n)))


def standardiser(train: Sequence[Example], pooling: str = POOLING) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of the windows' pooled sentence states (``model.pool``) on ``train``."""
    means = np.stack([pool(v, pooling) for v in windows(train)[0]])
    return means.mean(0).astype(np.float32), np.maximum(means.std(0), 1e-6).astype(np.float32)


def featurize(examples: Sequence[Example], mean: np.ndarray, scale: np.ndarray, text_weight: float = TEXT_WEIGHT,
              name_weight: float = NAME_WEIGHT, pooling: str = POOLING) -> Matrix:
    """``Matrix`` of ``examples`` (the same rows ``SourceLanguageModel.window_logits`` computes)."""
    vecs, sents, labels = windows(examples)
    n_windows = np.array([len(window_bounds(len(e.sentences))) for e in examples], dtype=np.int64)
    owner = np.repeat(np.arange(len(examples), dtype=np.int64), n_windows)
    long = [e for e, k in zip(examples, n_windows, strict=True) if k > 1]
    whole_of = np.where(n_windows > 1, np.cumsum(n_windows > 1) - 1, -1)
    return Matrix(features(vecs, sents, mean, scale, text_weight, name_weight, pooling=pooling), owner, np.array(labels),
                  mean, scale, features([e.vectors for e in long], [e.sentences for e in long], mean, scale, text_weight,
                                        name_weight, pooling=pooling), whole_of, pooling)


def _regression(x: sparse.csr_matrix, y: np.ndarray, c: float, start: tuple[np.ndarray, np.ndarray] | None = None):
    """A multinomial logistic regression with classes weighted equally, optionally starting from
    ``start``'s (weights, bias) (a fold starts from the full model less the held-out class: it converges sooner)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=300, warm_start=start is not None)
    if start is not None:
        lr.coef_, lr.intercept_ = start[0].copy(), start[1].copy()
    return lr.fit(x, y)


def fit(train: Sequence[Example], c: float = C, text_weight: float = TEXT_WEIGHT,
        name_weight: float = NAME_WEIGHT, matrix: Matrix | None = None, without: str | None = None,
        start: SourceLanguageModel | None = None, pooling: str = POOLING, doc_c: float = DOC_C) -> SourceLanguageModel:
    """The window classifier and the document classifier (``Matrix.document_rows``) on ``train``
    (``matrix``: its precomputed rows), leaving out the label ``without`` (uncalibrated), optionally
    starting from ``start``'s weights (``pooling``: of the window states, when ``matrix`` is not given)."""
    if matrix is None:
        matrix = featurize(train, *standardiser(train, pooling), text_weight, name_weight, pooling)
    keep = [i for i, k in enumerate(start.labels) if k != without] if start is not None else []
    x, y = matrix.rows_of(matrix.labels != without)
    lr = _regression(x, y, c, (start.coef[keep], start.intercept[keep]) if start is not None else None)
    docs, doc_labels = matrix.document_rows()
    mine = doc_labels != without
    doc_start = (start.doc_coef[keep], start.doc_intercept[keep]) if start is not None and start.doc_coef is not None else None
    doc = _regression(docs[mine], doc_labels[mine], doc_c, doc_start)
    assert list(doc.classes_) == list(lr.classes_)
    return SourceLanguageModel(tuple(str(k) for k in lr.classes_), matrix.mean, matrix.scale,
                               lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64), text_weight,
                               name_weight=name_weight, pooling=matrix.pooling,
                               doc_coef=doc.coef_.astype(np.float64), doc_intercept=doc.intercept_.astype(np.float64))


def example_scores(model: SourceLanguageModel, examples: Sequence[Example], matrix: Matrix | None = None
                   ) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """(raw window logits, ``whole_logits``) of every example (from ``matrix``, rows of ``examples``, when given)."""
    if matrix is None:
        return [(model.window_logits(e.vectors, e.sentences), model.whole_logits(e.vectors, e.sentences)) for e in examples]
    per = matrix.per_example(np.asarray(matrix.x @ model.coef.T) + model.intercept, len(examples))
    whole = model.whole_scores(matrix.whole)
    return [(lg, whole[j] if j >= 0 and model.doc_weight > 0 else None) for lg, j in zip(per, matrix.whole_of, strict=True)]


def units_of(logits: np.ndarray, whole: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """The units of one example: every window, and the whole example when it has more than one."""
    return [(logits[i:i + 1], None) for i in range(len(logits))] + ([(logits, whole)] if len(logits) > 1 else [])


def calibrate(model: SourceLanguageModel, dev: Sequence[Example], matrix: Matrix | None = None) -> None:
    """Temperature and length exponent on dev units of the model's labels: every window and every
    document (a short article is one window; a long one many), so neither length is overconfident."""
    means, sizes, gold = [], [], []
    for e, (logits, whole) in zip(dev, example_scores(model, dev, matrix), strict=True):
        if e.label not in model.labels:
            continue
        for lg, wh in units_of(logits, whole):
            means.append(document_logprob(_log_softmax(lg), wh, model.doc_weight))
            sizes.append(len(lg))
            gold.append(model.labels.index(e.label))
    model.calibration = fit_calibration(np.array(means), np.array(sizes), np.array(gold))


#: The document weights tried (``document_logprob``); 0 is the windows' sum alone.
DOC_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)


def choose_doc_weight(model: SourceLanguageModel, dev: Sequence[Example], matrix: Matrix | None = None) -> dict[str, float]:
    """Set ``model.doc_weight`` to the one of ``DOC_WEIGHTS`` with the best top-1 on dev documents of
    more than one window (the smallest on a tie); returns each weight's top-1."""
    model.doc_weight = max(DOC_WEIGHTS)
    scored = [(e, lg, wh) for e, (lg, wh) in zip(dev, example_scores(model, dev, matrix), strict=True)
              if len(lg) > 1 and e.label in model.labels]
    top1 = {}
    for w in DOC_WEIGHTS:
        hits = [model.labels[int(document_logprob(_log_softmax(lg), wh, w).argmax())] == e.label for e, lg, wh in scored]
        top1[str(w)] = round(float(np.mean(hits)), 4) if hits else 0.0
    model.doc_weight = float(max(DOC_WEIGHTS, key=lambda w: (top1[str(w)], -w)))
    return top1


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


def fit_trust(folds: dict[str, SourceLanguageModel], dev: Sequence[Example], matrix: Matrix | None = None) -> np.ndarray:
    """The trust regression on dev units of every fold: 1 where the fold's best source language is the
    right one, 0 where it is wrong, which it always is for the fold's held-out language."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for lang, m in folds.items():
        for e, (per_window, whole_row) in zip(dev, example_scores(m, dev, matrix), strict=True):
            for logits, whole in units_of(per_window, whole_row):
                probs = m._probabilities(logits, whole)
                best = max((k for k in probs if k != ENGLISH), key=probs.get)
                x.append(trust_features(probs, best, logits))
                y.append(e.label != lang and best == e.label)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(x), np.array(y))
    return np.concatenate([lr.coef_[0], lr.intercept_]).astype(np.float64)


def unseen_scores(model: SourceLanguageModel, examples: Sequence[Example], x: sparse.csr_matrix | None = None) -> np.ndarray:
    """The best source-language probability of each window of ``examples`` (a language ``model``
    lacks; ``x``: their precomputed window rows)."""
    if x is None:
        x = featurize(examples, model.mean, model.scale, model.text_weight, model.name_weight, model.pooling).x
    logits = np.asarray(x @ model.coef.T) + model.intercept
    return np.array([model.assess_logits(r[None])[1] for r in logits])


def fingerprint(train: Sequence[Example], dev: Sequence[Example], doc_weight: float, **kw: float) -> str:
    """A name for the folds of one training set and its settings (the eval reuses training's folds)."""
    import hashlib

    h = hashlib.sha1(repr((sorted(kw.items()), doc_weight, C, TEXT_WEIGHT, NAME_WEIGHT, POOLING, "document classifier", DOC_C)).encode())
    for e in (*train, *dev):
        h.update(f"{e.split}|{e.label}|{e.doc.group}|{e.doc.system}|{len(e.sentences)}\n".encode())
    return h.hexdigest()[:16]


def lolo_models(train: Sequence[Example], dev: Sequence[Example], languages: Sequence[str] = corpus.LANGUAGES,
                matrices: tuple[Matrix, Matrix] | None = None, doc_weight: float = 0.0, store: Path | None = None,
                start: SourceLanguageModel | None = None, **kw: float) -> dict[str, SourceLanguageModel]:
    """One calibrated model per language, trained and calibrated without it (``matrices``: the
    precomputed rows of ``train`` and ``dev``, see ``matrices_of``). With ``store`` (a cache folder)
    the folds are saved there under the data's ``fingerprint`` and loaded when it matches, so the
    eval does not train them again (the same deterministic fit)."""
    folder = store / f"folds-{fingerprint(train, dev, doc_weight, **kw)}" if store is not None else None
    if folder is not None and all((folder / lang / "source_language.npz").is_file() for lang in languages):
        print(f"  folds from {folder}", flush=True)
        return {lang: SourceLanguageModel.load(folder / lang) for lang in languages}
    train_m, dev_m = matrices or matrices_of(train, dev)
    out = {}
    for lang in languages:
        m = fit(train, matrix=train_m, without=lang, start=start, **kw)
        m.doc_weight = doc_weight
        calibrate(m, dev, dev_m)
        out[lang] = m
        print(f"  fold without {lang}: done", flush=True)
    return out


def matrices_of(train: Sequence[Example], *others: Sequence[Example]) -> tuple[Matrix, ...]:
    """``Matrix`` of ``train`` and of each of ``others``, all standardised with ``train``'s states."""
    mean, scale = standardiser(train)
    return tuple(featurize(part, mean, scale) for part in (train, *others))


def choose_threshold(scores: np.ndarray, max_named: float = MAX_UNSEEN_NAMED) -> float:
    """The lowest threshold (at least 0.5) at which at most ``max_named`` of unseen windows are named."""
    for t in np.arange(0.5, 0.99, 0.01):
        if (scores >= t).mean() <= max_named:
            return round(float(t), 2)
    return 0.99


def train_model(train: Sequence[Example], dev: Sequence[Example], languages: Sequence[str] = corpus.LANGUAGES,
                store: Path | None = None) -> tuple[SourceLanguageModel, dict[str, float], np.ndarray]:
    """The shipped model from train and dev examples; also each document weight's dev top-1 and the
    held-out languages' dev window trusts that chose the threshold (``store``: where the folds are
    saved for the eval)."""
    train_m, dev_m = matrices_of(train, dev)
    model = fit(train, matrix=train_m)
    doc_top1 = choose_doc_weight(model, dev, dev_m)
    calibrate(model, dev, dev_m)
    print(f"document weight {model.doc_weight} (dev top-1 of multi-window documents by weight: {doc_top1})", flush=True)
    folds = lolo_models(train, dev, languages, matrices=(train_m, dev_m), doc_weight=model.doc_weight, start=model)
    trust = fit_trust(folds, dev, dev_m)
    for m in folds.values():
        m.trust = trust
    if store is not None:
        folder = store / f"folds-{fingerprint(train, dev, model.doc_weight)}"
        for lang, m in folds.items():
            m.save(folder / lang)
    scores = np.concatenate([unseen_scores(m, [], dev_m.x[dev_m.labels == lang]) for lang, m in folds.items()])
    threshold = choose_threshold(scores)
    model.trust, model.threshold = trust, threshold
    return model, doc_top1, scores


def main(argv: list[str] | None = None) -> SourceLanguageModel:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None, help="default: models/mt/source_language (the student's: models/mt/student/source_language)")
    ap.add_argument("--systems", type=int, default=SYSTEMS, help="MT outputs per train document")
    ap.add_argument("--eval-systems", type=int, default=EVAL_SYSTEMS, help="MT outputs per dev/test document")
    ap.add_argument("--cached-only", action="store_true", help="only documents whose sentences are all cached")
    ap.add_argument("--student", action="store_true",
                    help="on the distilled student encoder's states (its head: --out models/mt/student/source_language)")
    args = ap.parse_args(argv)
    if args.out is None:
        from detector.mt.source_language.heads import STUDENT_HEAD_DIR

        args.out = STUDENT_HEAD_DIR if args.student else SHIPPED_DIR
    started = time.perf_counter()
    examples = load_examples(args.cache, args.systems, cached_only=args.cached_only, eval_systems=args.eval_systems,
                             student=args.student)
    train = [e for e in examples if e.split == "train"]
    dev = [e for e in examples if e.split == "dev"]
    print(f"{len(train)} train, {len(dev)} dev documents", flush=True)
    model, doc_top1, scores = train_model(train, dev, store=args.cache)
    model.meta = {"trained": dt.date.today().isoformat(), "c": C, "doc_c": DOC_C, "text_weight": TEXT_WEIGHT, "name_weight": NAME_WEIGHT, "pooling": POOLING,
                  "encoder": json.loads((args.cache / STAMP).read_text(encoding="utf-8")) if (args.cache / STAMP).is_file() else None,
                  "systems": args.systems, "eval_systems": args.eval_systems, "cached_only": args.cached_only,
                  "documents": {"train": len(train), "dev": len(dev)},
                  "doc_weight_rule": "best dev top-1 of multi-window documents", "dev_doc_top1_by_weight": doc_top1,
                  "threshold_rule": f"lowest >= 0.5 naming at most {MAX_UNSEEN_NAMED} of unseen-language dev windows (LOLO, trust probability)",
                  "unseen_dev_windows_named_at_threshold": round(float((scores >= model.threshold).mean()), 4)}
    model.meta["training_seconds"] = round(time.perf_counter() - started, 1)
    model.save(args.out)
    print(f"saved {args.out}: labels {model.labels}, T={model.calibration.temperature:.3f} "
          f"alpha={model.calibration.alpha}, threshold {model.threshold}", flush=True)
    return model


if __name__ == "__main__":
    main()
