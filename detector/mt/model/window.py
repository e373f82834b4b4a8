"""The window head: P(mt) of multi-sentence windows (up to ~256 tokens) from the fixed encoder.

Why: single sentences of modern MT are near chance to tell from human ones, and the shipped
sentence head learnt only uk/ru-en. A window of consecutive sentences carries more evidence, and a
head over it can learn from every language in ../shared/data/mt without touching the encoder
(other heads and the ONNX export share it). The window vector is the mean of its sentences' pooled
encoder states; the head is a logistic regression on it, trained on windows of training documents
of every (non-held-out) language. Because the head is linear, a window's log-odds is the mean of its
sentences' ``sentence_scores`` plus the bias: the scanner scores each sentence once and the windows
follow without a second pass (``document.window_scores``). Stored as ``window.npz`` (3 KB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILENAME = "window.npz"


def windows(words: Sequence[int], max_words: int) -> list[tuple[int, int]]:
    """[start, end) sentence ranges of consecutive windows of at most ``max_words`` words (a longer
    sentence is a window of its own)."""
    out, start, n = [], 0, 0
    for i, w in enumerate(words):
        if i > start and n + w > max_words:
            out.append((start, i))
            start, n = i, 0
        n += int(w)
    if start < len(words):
        out.append((start, len(words)))
    return out


@dataclass
class WindowHead:
    """Logistic regression over the mean pooled state of a window (standardised inside ``weights``)."""

    weights: np.ndarray  # (2D,): applied to raw pooled states
    bias: float

    def sentence_scores(self, pooled: np.ndarray) -> np.ndarray:
        """Each sentence's share of a window's log-odds (a window's score = their mean + bias)."""
        return np.asarray(pooled, dtype=np.float32) @ self.weights.astype(np.float32) if len(pooled) else np.zeros(0)

    @classmethod
    def fit(cls, vectors: np.ndarray, is_mt: Sequence[bool], c: float = 0.05) -> WindowHead:
        """Fit on window vectors, classes weighted equally; the standardisation is folded into the weights."""
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(vectors, dtype=np.float64)
        mean, std = x.mean(0), np.maximum(x.std(0), 1e-6)
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit((x - mean) / std, np.asarray(is_mt, dtype=bool))
        w = lr.coef_[0] / std
        return cls(w.astype(np.float64), float(lr.intercept_[0] - w @ mean))

    def save(self, folder: Path) -> None:
        np.savez(folder / FILENAME, weights=self.weights, bias=np.array([self.bias]))

    @classmethod
    def load(cls, folder: Path) -> WindowHead | None:
        if not (folder / FILENAME).is_file():
            return None
        with np.load(folder / FILENAME, allow_pickle=False) as z:
            return cls(z["weights"].astype(np.float64), float(z["bias"][0]))
