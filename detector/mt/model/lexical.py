"""Word-choice evidence that a document is machine translated: hashed word uni- and bigrams,
TF-IDF weighted, scored by a logistic regression.

Why: MT systems favour literal, uncontracted, explicit phrasing ("I will", "there is", "can not")
where human translators write "I'll", "there's" and use semicolons; such choices add up over a
document, while the frozen encoder's sentence head sees little of them. Typography is normalised
first: in WMT22 the human references carry curly quotes and dashes and the MT outputs straight
ones, a property of the data (a publisher's CMS sets typography), not of translation.

Features are hashed (no vocabulary to ship); the model file stores only the buckets seen in
training with their IDF and weight (a few hundred KB, ``.npz``, no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from detector.mt.typography import normalize as normalize_typography

#: Hash buckets for word uni- and bigrams (collisions are rare at this size for news corpora).
N_FEATURES = 2**18
#: Words and single punctuation marks are tokens (semicolons and colons are evidence).
TOKEN_PATTERN = r"(?u)\b\w+\b|[^\w\s]"


def counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed word uni/bigram counts of typography-normalised, lowercased texts."""
    from detector.ml.hashing import hashed_counts  # scikit-learn's HashingVectorizer, without importing it

    return hashed_counts([normalize_typography(t) for t in texts], N_FEATURES, TOKEN_PATTERN, (1, 2))


def _tfidf(x: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF times IDF, each row scaled to unit length (as sklearn's TfidfTransformer)."""
    x = x.astype(np.float64, copy=True)
    x.data = 1.0 + np.log(x.data)
    x = sparse.csr_matrix(x.multiply(idf[np.newaxis, :]))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel())
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ x)


@dataclass
class LexicalModel:
    """Logistic regression over TF-IDF hashed n-grams; ``score`` is its log-odds of "mt"."""

    buckets: np.ndarray  # hashed features seen in training (sorted)
    idf: np.ndarray  # their IDF
    coef: np.ndarray  # their weight
    intercept: float
    default_idf: float  # IDF of a bucket never seen in training

    @cached_property
    def _dense(self) -> tuple[np.ndarray, np.ndarray]:
        """IDF and weight of every bucket (built once; scoring is then two sparse products)."""
        idf = np.full(N_FEATURES, self.default_idf)
        idf[self.buckets] = self.idf
        coef = np.zeros(N_FEATURES)
        coef[self.buckets] = self.coef
        return idf, coef

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds that each text is machine translated (uncalibrated)."""
        if not len(texts):
            return np.zeros(0)
        idf, coef = self._dense
        return _tfidf(counts(texts), idf) @ coef + self.intercept

    @classmethod
    def fit(cls, texts: Sequence[str], is_mt: Sequence[bool], c: float = 3.0) -> LexicalModel:
        """Fit on labeled documents, classes weighted equally (WMT has four MT versions per reference)."""
        from sklearn.linear_model import LogisticRegression

        x = counts(texts)
        n = x.shape[0]
        df = np.bincount(x.indices, minlength=N_FEATURES)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0  # sklearn's smooth IDF
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        lr.fit(_tfidf(x, idf), np.asarray(is_mt, dtype=bool))
        seen = np.flatnonzero(df)
        return cls(seen.astype(np.int32), idf[seen].astype(np.float32), lr.coef_[0][seen].astype(np.float32),
                   float(lr.intercept_[0]), float(np.log(1.0 + n) + 1.0))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, buckets=self.buckets, idf=self.idf, coef=self.coef,
                            scalars=np.array([self.intercept, self.default_idf]))

    @classmethod
    def load(cls, path: Path) -> LexicalModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["buckets"], z["idf"], z["coef"], float(z["scalars"][0]), float(z["scalars"][1]))
