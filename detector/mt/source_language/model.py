"""The source-language head: which language a text was translated from, from the MT model's own pass.

Inputs, per window of ``WINDOW`` voting sentences: the mean of the MT model's pooled sentence states
(the adapted encoder's mean- and max-pooled tokens, ``MTModel.predict_parsed``: no second encoder run)
and hashed n-grams of function words and word shapes (``function_word_counts``: the translationese
cues of van Halteren 2008 without the topic words). A multinomial logistic regression scores each
window; a document's probabilities are the softmax of its windows' mean log-probabilities times
``n^alpha / T``, both fitted on dev documents (``detector.mt.model.model.Calibration``).

Open set: the classes are the trained source languages plus "en" (original English, so native text
has somewhere to go). A language is named only when its probability reaches ``threshold``, chosen on
dev windows of languages held out of training (leave-one-language-out) so that an unseen language is
rarely named; the stored file is plain numpy (``source_language.npz``), no pickle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from detector.mt.model.model import Calibration
from detector.mt.typography import normalize as normalize_typography

SHIPPED_DIR = Path(__file__).resolve().parents[3] / "models" / "mt" / "source_language"
FILENAME = "source_language.npz"
#: Sentences per window (the unit the issue measures; a shorter tail joins the window before it).
WINDOW = 8
#: Hash buckets of the function-word n-grams.
N_FUNCTION_FEATURES = 2**14
#: The label of original English (not a source language: never reported as one).
ENGLISH = "en"
NAMES = {"cs": "Czech", "de": "German", "ha": "Hausa", "is": "Icelandic", "ja": "Japanese", "ru": "Russian",
         "uk": "Ukrainian", "zh": "Chinese", "it": "Italian", "pl": "Polish", "fr": "French", "es": "Spanish",
         "en": "English", "liv": "Livonian"}

_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"'s", "n't", "'ll", "'re", "'ve", "'d", "'m"}


def abstract(text: str) -> str:
    """Function words and punctuation kept, other words as their shape (<C>apitalised, <w>ord, <d>igits)."""
    fw = _function_words()
    out = []
    for tok in _TOKEN.findall(normalize_typography(text)):
        low = tok.lower()
        if low in fw or not tok[0].isalnum():
            out.append(low)
        elif tok[0].isdigit():
            out.append("<d>")
        else:
            out.append("<C>" if tok[0].isupper() else "<w>")
    return " ".join(out)


def function_word_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised hashed uni- to trigrams of ``abstract`` texts."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(n_features=N_FUNCTION_FEATURES, ngram_range=(1, 3), token_pattern=r"\S+",
                            lowercase=False, alternate_sign=False, norm="l2")
    return vec.transform([abstract(t) for t in texts]).tocsr()


def window_bounds(n: int, size: int = WINDOW) -> list[tuple[int, int]]:
    """Consecutive windows of ``size`` sentences over ``n``; a tail under half a window joins the last."""
    bounds = [(s, min(s + size, n)) for s in range(0, n, size)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < size / 2:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


def window_features(vectors: np.ndarray, sentences: Sequence[str], mean: np.ndarray, scale: np.ndarray,
                    text_weight: float, size: int = WINDOW) -> sparse.csr_matrix:
    """One row per window: standardised mean sentence state, then weighted function-word n-grams."""
    bounds = window_bounds(len(sentences), size)
    if not bounds:
        return sparse.csr_matrix((0, len(mean) + N_FUNCTION_FEATURES))
    emb = np.stack([np.asarray(vectors[a:b], dtype=np.float32).mean(0) for a, b in bounds])
    emb = (emb - mean) / scale
    fw = function_word_counts([" ".join(sentences[a:b]) for a, b in bounds]) * text_weight
    return sparse.hstack([sparse.csr_matrix(emb), fw]).tocsr()


@dataclass
class SourceLanguageModel:
    """Window classifier + document calibration + naming threshold (see the module doc)."""

    labels: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (labels, features)
    intercept: np.ndarray
    text_weight: float = 1.0
    calibration: Calibration = field(default_factory=Calibration)
    threshold: float = 0.5
    meta: dict | None = None

    def window_logprobs(self, vectors: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """Uncalibrated log-probabilities of each window (windows, labels)."""
        x = window_features(vectors, sentences, self.mean, self.scale, self.text_weight)
        if x.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        z = np.asarray(x @ self.coef.T) + self.intercept
        z -= z.max(1, keepdims=True)
        return z - np.log(np.exp(z).sum(1, keepdims=True))

    def probabilities(self, vectors: np.ndarray, sentences: Sequence[str]) -> dict[str, float]:
        """Calibrated label probabilities of one document (uniform with no voting sentence)."""
        p = self.calibration.doc_probs(self.window_logprobs(vectors, sentences).reshape(-1, len(self.labels)))
        return dict(zip(self.labels, map(float, p), strict=True))

    def predict(self, vectors: np.ndarray, sentences: Sequence[str]) -> tuple[str | None, float]:
        """The source language (not "en") when its probability reaches ``threshold``, else None; and
        the best source language's probability either way."""
        probs = self.probabilities(vectors, sentences)
        lang, p = max(((k, v) for k, v in probs.items() if k != ENGLISH), key=lambda kv: kv[1], default=(None, 0.0))
        return (lang if p >= self.threshold else None), p

    # -- persistence ---------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / FILENAME, labels=np.array(self.labels), mean=self.mean, scale=self.scale,
                            coef=self.coef.astype(np.float32), intercept=self.intercept,
                            scalars=np.array([self.text_weight, self.calibration.temperature,
                                              self.calibration.alpha, self.threshold]))
        meta = {**(self.meta or {}), "labels": list(self.labels), "window": WINDOW,
                "function_features": N_FUNCTION_FEATURES, "text_weight": self.text_weight,
                "calibration": {"temperature": self.calibration.temperature, "alpha": self.calibration.alpha},
                "threshold": self.threshold}
        (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path = SHIPPED_DIR) -> SourceLanguageModel:
        path = folder / FILENAME
        if not path.is_file():
            raise FileNotFoundError(f"no source-language model in {folder} (make train-source-language)")
        with np.load(path, allow_pickle=False) as z:
            text_weight, temperature, alpha, threshold = map(float, z["scalars"])
            model = cls(tuple(str(x) for x in z["labels"]), z["mean"], z["scale"], z["coef"].astype(np.float64),
                        z["intercept"], text_weight, Calibration(temperature, alpha), threshold)
        meta = folder / "meta.json"
        model.meta = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        return model
