"""The document head: P(mt) of a whole document from the encoder's sentence votes and word choice.

Why: the sentence head sees grammar and phrasing sentence by sentence (WMT22 test document AUC
0.61 on the frozen encoder, 0.795 on the adapted one), while the lexical model (``lexical``)
sees word choice that accumulates over a document; together they reach 0.82. A logistic
regression on dev documents weighs the two views (both trained on the train split, so their dev
scores are honest) and is calibrated by construction. Stored as ``document.npz`` beside the
heads; a model folder without it (a user-trained model with other labels) keeps the plain
``Calibration`` of sentence votes.

Version 2 heads (``make train-mt`` since issue 15) add window scores (the sentence votes averaged over
windows of consecutive sentences of up to ~256 tokens; the document's most MT-like window) and the
explainable evidence of ``evidence`` (rule-finding density, garbled names, first-person slips, lexical
diversity, length). The features a head uses are stored with it, so older heads keep loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.mt.model.lexical import LexicalModel
from detector.mt.model.window import WindowHead, windows

FILENAME = "document.npz"
#: The inputs of the first stacked regression (a head saved without a feature list uses these).
FEATURES = ("sentence_log_odds", "lexical_log_odds")
#: Window features: votes averaged over consecutive sentences of at most this many words (~256 tokens).
WINDOW_WORDS = 190
VOTE_FEATURES = ("sentence_log_odds", "window_max_log_odds", "window_min_log_odds")


def sentence_log_odds(sentence_logprobs: np.ndarray, positive: int) -> float:
    """Mean over voting sentences of log P(positive) - log P(other); 0 with no votes."""
    if sentence_logprobs.ndim != 2 or not len(sentence_logprobs) or sentence_logprobs.shape[1] != 2:
        return 0.0
    return float((sentence_logprobs[:, positive] - sentence_logprobs[:, 1 - positive]).mean())


def window_scores(odds: np.ndarray, words: np.ndarray, max_words: int = WINDOW_WORDS) -> np.ndarray:
    """Mean sentence log-odds of consecutive windows of at most ``max_words`` words (a longer
    sentence is a window of its own)."""
    out, cur, n = [], [], 0
    for o, w in zip(odds, words, strict=True):
        if cur and n + w > max_words:
            out.append(float(np.mean(cur)))
            cur, n = [], 0
        cur.append(float(o))
        n += int(w)
    if cur:
        out.append(float(np.mean(cur)))
    return np.asarray(out)


Votes = tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray] | float
"""A document's votes: (sentence log-odds, sentence word counts[, pooled encoder states of those
sentences, for the window head]), or just the mean log-odds."""
#: Features of the window head (``window``): its window log-odds, mean over windows and extremes.
WINDOW_FEATURES = ("window_head_mean", "window_head_max", "window_head_min")


def _as_votes(v: Votes) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(v, tuple):
        return np.asarray(v[0], dtype=np.float64), np.asarray(v[1], dtype=np.int64)
    return np.array([float(v)]), np.array([1])


def window_head_features(window: WindowHead | None, v: Votes) -> np.ndarray:
    """``WINDOW_FEATURES`` of one document: the window head's log-odds over windows of at most
    ``WINDOW_WORDS`` words (zeros without pooled states or voting sentences)."""
    if window is None or not isinstance(v, tuple) or len(v) < 3 or not len(v[1]):
        return np.zeros(len(WINDOW_FEATURES))
    s = window.sentence_scores(v[2])
    scores = np.array([s[a:b].mean() for a, b in windows(v[1], WINDOW_WORDS)]) + window.bias
    return np.array([float(scores.mean()), float(scores.max()), float(scores.min())])


def vote_features(odds: np.ndarray, words: np.ndarray) -> np.ndarray:
    """``VOTE_FEATURES`` of one document from its voting sentences' log-odds and word counts."""
    if not len(odds):
        return np.zeros(len(VOTE_FEATURES))
    win = window_scores(odds, words)
    return np.array([float(odds.mean()), float(win.max()), float(win.min())])


@dataclass
class DocumentHead:
    """Logistic regression over ``features`` for a two-label model whose positive label is "mt"."""

    lexical: LexicalModel
    weights: np.ndarray  # one per feature
    bias: float
    features: tuple[str, ...] = FEATURES
    scale: np.ndarray | None = None  # feature standardisation (mean, std) of v2 heads
    window: WindowHead | None = None  # the window head of v2 heads that use ``WINDOW_FEATURES``

    def matrix(self, votes: Sequence[Votes], texts: Sequence[str]) -> np.ndarray:
        """Feature rows of documents given as (sentence log-odds, sentence word counts) and text."""
        from detector.mt.model import evidence

        cols: dict[str, np.ndarray] = {}
        v = np.stack([vote_features(*_as_votes(x)) for x in votes]) if len(votes) else np.zeros((0, len(VOTE_FEATURES)))
        cols.update({name: v[:, k] for k, name in enumerate(VOTE_FEATURES)})
        cols["lexical_log_odds"] = self.lexical.scores(texts)
        if any(f in WINDOW_FEATURES for f in self.features):
            w = np.stack([window_head_features(self.window, x) for x in votes]) if len(votes) else np.zeros((0, 3))
            cols.update({name: w[:, k] for k, name in enumerate(WINDOW_FEATURES)})
        if any(f in evidence.FEATURES for f in self.features):
            e = evidence.evidence_matrix(texts)
            cols.update({name: e[:, k] for k, name in enumerate(evidence.FEATURES)})
        x = np.column_stack([cols[f] for f in self.features]).astype(np.float64)
        if self.scale is not None:
            x = (x - self.scale[0]) / self.scale[1]
        return x

    def probabilities(self, votes: Sequence[Votes], texts: Sequence[str]) -> np.ndarray:
        """P(mt) of each document."""
        return 1.0 / (1.0 + np.exp(-(self.matrix(votes, texts) @ self.weights + self.bias)))

    @classmethod
    def fit(cls, lexical: LexicalModel, votes: Sequence[Votes], texts: Sequence[str],
            is_mt: Sequence[bool], features: Sequence[str] = FEATURES, c: float = 1.0,
            window: WindowHead | None = None) -> DocumentHead:
        """Weigh the views on held-out (dev) documents, classes balanced; lightly regularised."""
        from sklearn.linear_model import LogisticRegression

        head = cls(lexical, np.zeros(len(features)), 0.0, tuple(features), window=window)
        x = head.matrix(votes, texts)
        if tuple(features) != FEATURES:
            head.scale = np.stack([x.mean(0), np.maximum(x.std(0), 1e-6)])
            x = (x - head.scale[0]) / head.scale[1]
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=1000).fit(x, np.asarray(is_mt, dtype=bool))
        head.weights, head.bias = lr.coef_[0].astype(np.float64), float(lr.intercept_[0])
        return head

    def save(self, folder: Path) -> None:
        self.lexical.save(folder / "lexical.npz")
        extra = {"scale": self.scale} if self.scale is not None else {}
        np.savez(folder / FILENAME, weights=self.weights, bias=np.array([self.bias]), features=np.array(self.features), **extra)
        if self.window is not None:
            self.window.save(folder)

    def describe(self) -> dict[str, object]:
        """Its parameters for meta.json."""
        return {"features": list(self.features), "weights": [round(float(w), 4) for w in self.weights],
                "bias": round(self.bias, 4), "lexical": {"file": "lexical.npz", "buckets": int(len(self.lexical.buckets)),
                                                         "intercept": round(self.lexical.intercept, 4)},
                **({"window": {"file": "window.npz", "dim": int(len(self.window.weights)),
                               "bias": round(self.window.bias, 4)}} if self.window is not None else {})}

    @classmethod
    def load(cls, folder: Path) -> DocumentHead | None:
        """The head saved in ``folder``, or None when the model has none."""
        if not (folder / FILENAME).is_file() or not (folder / "lexical.npz").is_file():
            return None
        with np.load(folder / FILENAME, allow_pickle=False) as z:
            weights, bias = z["weights"].astype(np.float64), float(z["bias"][0])
            features = tuple(str(f) for f in z["features"]) if "features" in z else FEATURES
            scale = z["scale"].astype(np.float64) if "scale" in z else None
        return cls(LexicalModel.load(folder / "lexical.npz"), weights, bias, features, scale, WindowHead.load(folder))
