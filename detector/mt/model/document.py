"""The document head: P(mt) of a whole document from the encoder's sentence votes and word choice.

Why: the sentence head sees grammar and phrasing sentence by sentence (WMT22 test document AUC
0.61 on the frozen encoder, 0.795 on the adapted one), while the lexical model (``lexical``)
sees word choice that accumulates over a document; together they reach 0.82. A logistic
regression on dev documents weighs the two views (both trained on the train split, so their dev
scores are honest) and is calibrated by construction. Stored as ``document.npz`` beside the
heads; a model folder without it (a user-trained model with other labels) keeps the plain
``Calibration`` of sentence votes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.mt.model.lexical import LexicalModel

FILENAME = "document.npz"
#: The inputs of the stacked regression, in order (recorded in meta.json).
FEATURES = ("sentence_log_odds", "lexical_log_odds")


def sentence_log_odds(sentence_logprobs: np.ndarray, positive: int) -> float:
    """Mean over voting sentences of log P(positive) - log P(other); 0 with no votes."""
    if sentence_logprobs.ndim != 2 or not len(sentence_logprobs) or sentence_logprobs.shape[1] != 2:
        return 0.0
    return float((sentence_logprobs[:, positive] - sentence_logprobs[:, 1 - positive]).mean())


@dataclass
class DocumentHead:
    """Logistic regression over ``FEATURES`` for a two-label model whose positive label is "mt"."""

    lexical: LexicalModel
    weights: np.ndarray  # one per FEATURES entry
    bias: float

    def probabilities(self, sentence_log_odds: Sequence[float], texts: Sequence[str]) -> np.ndarray:
        """P(mt) of each document from its mean sentence log-odds and its text."""
        x = np.column_stack([np.asarray(sentence_log_odds, dtype=np.float64), self.lexical.scores(texts)])
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    @classmethod
    def fit(cls, lexical: LexicalModel, sentence_log_odds: Sequence[float], texts: Sequence[str],
            is_mt: Sequence[bool]) -> DocumentHead:
        """Weigh the views on held-out (dev) documents, classes balanced; lightly regularised."""
        from sklearn.linear_model import LogisticRegression

        x = np.column_stack([np.asarray(sentence_log_odds, dtype=np.float64), lexical.scores(texts)])
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(x, np.asarray(is_mt, dtype=bool))
        return cls(lexical, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))

    def save(self, folder: Path) -> None:
        self.lexical.save(folder / "lexical.npz")
        np.savez(folder / FILENAME, weights=self.weights, bias=np.array([self.bias]))

    def describe(self) -> dict[str, object]:
        """Its parameters for meta.json."""
        return {"features": list(FEATURES), "weights": [round(float(w), 4) for w in self.weights],
                "bias": round(self.bias, 4), "lexical": {"file": "lexical.npz", "buckets": int(len(self.lexical.buckets)),
                                                         "intercept": round(self.lexical.intercept, 4)}}

    @classmethod
    def load(cls, folder: Path) -> DocumentHead | None:
        """The head saved in ``folder``, or None when the model has none."""
        if not (folder / FILENAME).is_file() or not (folder / "lexical.npz").is_file():
            return None
        with np.load(folder / FILENAME, allow_pickle=False) as z:
            weights, bias = z["weights"].astype(np.float64), float(z["bias"][0])
        return cls(LexicalModel.load(folder / "lexical.npz"), weights, bias)
