"""The source-language head: which language a text was translated from, from the MT model's own pass.

Inputs, per window of ``WINDOW`` voting sentences: the mean and the spread (``pool``) of the MT
model's pooled sentence states (the adapted encoder's mean- and max-pooled tokens, as the scan's
runtime computes them, ``MTModel.predict_parsed``: no second encoder run),
hashed n-grams of function words and word shapes (``function_word_counts``: the translationese cues
of van Halteren 2008 without the topic words) and hashed character n-grams of the names in running
text (``name_counts``: an article translated from Czech names Czech people and places, spelled the way
its translator romanised them). On dev windows the two text blocks add 4 points of top-1. A multinomial logistic regression scores each
window. A text of more than one window is also read whole (states and n-grams pooled over every
sentence) by a *document* classifier, the same kind of regression trained on whole train documents
rather than windows (``doc_coef``): on the student's dev documents of more than one window it alone
reaches 0.826 top-1 where the window classifier reading the same whole-text row reached 0.78, because a whole
article's pooled statistics are not a window's (and its classes are balanced over documents, not
over windows, which long documents dominate). A document's probabilities are the softmax of its
windows' mean log-probabilities mixed with the document classifier's (``document_logprob``), times
``n^alpha / T``, both fitted on dev documents (``detector.mt.model.model.Calibration``). A one-window
text is its window: the document classifier would lift short dev documents but lower dev windows,
and a scan cannot tell an 8-sentence article from a passage.

Open set: the classes are the trained source languages plus "en" (original English, so native text
has somewhere to go). A softmax always picks one of its classes, and a language it never saw often gets
a confident one, so the probability reported for the best language is a *trust* probability: a small
logistic regression (``trust``) over the best class's calibrated probability, its margin over the
second, the windows' mean raw maximum logit (lower for text unlike any trained language) and the
number of windows, fitted on dev units where the answer is known to be right or wrong, including
those of languages held out of the model that scored them (leave-one-language-out). A language is
named when its trust reaches ``threshold`` (chosen on those held-out dev units). The stored file is
plain numpy (``source_language.npz``), no pickle.
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
#: Hash buckets of the function-word n-grams and of the names' character n-grams.
N_FUNCTION_FEATURES = 2**14
N_NAME_FEATURES = 2**14
#: The label of original English (not a source language: never reported as one).
ENGLISH = "en"
NAMES = {"cs": "Czech", "de": "German", "ha": "Hausa", "is": "Icelandic", "ja": "Japanese", "ru": "Russian",
         "uk": "Ukrainian", "zh": "Chinese", "it": "Italian", "pl": "Polish", "fr": "French", "es": "Spanish",
         "en": "English", "liv": "Livonian"}

_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
#: A capitalised word inside a sentence (after a word, comma or semicolon): a name, not a sentence start.
_NAME = re.compile(r"(?<=[\w,;] )[A-Z][\w'-]+")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    lines = (Path(__file__).with_name("stop_words.txt")).read_text(encoding="utf-8").splitlines()
    stop_words = {w for w in lines if w and not w.startswith("#")}  # scikit-learn's list, frozen
    return frozenset(stop_words) | {"'s", "n't", "'ll", "'re", "'ve", "'d", "'m"}


@lru_cache(maxsize=1 << 16)
def _shape(tok: str) -> str:
    """A token as ``abstract`` writes it (memoised: news repeats its words)."""
    low = tok.lower()
    if low in _function_words() or not tok[0].isalnum():
        return low
    if tok[0].isdigit():
        return "<d>"
    return "<C>" if tok[0].isupper() else "<w>"


def abstract(text: str) -> str:
    """Function words and punctuation kept, other words as their shape (<C>apitalised, <w>ord, <d>igits)."""
    return " ".join(map(_shape, _TOKEN.findall(normalize_typography(text))))


def sentence_shapes(sentences: Sequence[str]) -> list[str]:
    """``abstract`` of each sentence: a window's or the whole text's ``abstract`` is these joined with
    spaces (tokens never cross a space, and the n-grams read whitespace-separated tokens), so each
    sentence is abstracted once for the windows and the whole text together."""
    return [abstract(s) for s in sentences]


def function_word_counts(texts: Sequence[str], shapes: Sequence[str] | None = None) -> sparse.csr_matrix:
    """L2-normalised hashed uni- to trigrams of ``abstract`` texts (``shapes``: those abstracts, if known)."""
    from detector.ml.hashing import hashed_counts, l2_rows  # scikit-learn's HashingVectorizer, without importing it

    shapes = [abstract(t) for t in texts] if shapes is None else shapes
    return l2_rows(hashed_counts(shapes, N_FUNCTION_FEATURES, r"\S+", (1, 3), lowercase=False))


def name_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised hashed character 2-4-grams of the names in each text."""
    from detector.ml.hashing import hashed_counts, l2_rows

    names = [" ".join(_NAME.findall(normalize_typography(t))) for t in texts]
    return l2_rows(hashed_counts(names, N_NAME_FEATURES, "", (2, 4), analyzer="char_wb"))


def window_bounds(n: int, size: int = WINDOW) -> list[tuple[int, int]]:
    """Consecutive windows of ``size`` sentences over ``n``; a tail under half a window joins the last."""
    bounds = [(s, min(s + size, n)) for s in range(0, n, size)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < size / 2:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


def window_features(vectors: np.ndarray, sentences: Sequence[str], mean: np.ndarray, scale: np.ndarray,
                    text_weight: float, name_weight: float = 0.0, size: int = WINDOW,
                    shapes: Sequence[str] | None = None, pooling: str = "mean") -> sparse.csr_matrix:
    """One row per window of one text (``window_bounds``); see ``features``. ``shapes``:
    ``sentence_shapes(sentences)``, if known."""
    bounds = window_bounds(len(sentences), size)
    shapes = sentence_shapes(sentences) if shapes is None else shapes
    return features([vectors[a:b] for a, b in bounds], [list(sentences[a:b]) for a, b in bounds], mean, scale,
                    text_weight, name_weight, [" ".join(shapes[a:b]) for a, b in bounds], pooling=pooling)


#: How a window's sentence states are pooled: "mean" (the first head), or "mean+std", which adds
#: their spread over the window's sentences (dev windows 0.673 -> 0.714 top-1, dev documents 0.727 ->
#: 0.803: a translation from one language varies from sentence to sentence in its own way).
POOLINGS = ("mean", "mean+std")


def pool(vectors: np.ndarray, pooling: str = "mean") -> np.ndarray:
    """One window's state from its sentences' states (sentences, 2·dim), as ``pooling`` says."""
    v = np.asarray(vectors, dtype=np.float32)
    if pooling == "mean":
        return v.mean(0)
    if pooling == "mean+std":
        return np.concatenate([v.mean(0), v.std(0)])
    raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}")


def features(vectors: Sequence[np.ndarray], sentences: Sequence[Sequence[str]], mean: np.ndarray, scale: np.ndarray,
             text_weight: float, name_weight: float = 0.0, shapes: Sequence[str] | None = None,
             pooling: str = "mean") -> sparse.csr_matrix:
    """One row per window (its sentences' vectors and texts): the standardised pooled sentence states
    (``pool``), the function-word n-grams times ``text_weight``, the names' n-grams times ``name_weight``
    (``shapes``: each window's ``abstract``, if known)."""
    if not len(vectors):
        return sparse.csr_matrix((0, len(mean) + N_FUNCTION_FEATURES + N_NAME_FEATURES))
    emb = (np.stack([pool(v, pooling) for v in vectors]) - mean) / scale
    texts = [" ".join(s) for s in sentences]
    fw = function_word_counts(texts, shapes) * text_weight
    names = name_counts(texts) * name_weight
    return sparse.hstack([sparse.csr_matrix(emb), fw, names]).tocsr()


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True) if len(z) else z
    return z - np.log(np.exp(z).sum(1, keepdims=True)) if len(z) else z


def document_logprob(window_logprobs: np.ndarray, whole_logits: np.ndarray | None, weight: float) -> np.ndarray:
    """A text's evidence: the mean of its windows' log-probabilities (their sum, up to the length
    factor of the calibration), mixed with ``weight`` times the log-probabilities of the whole
    text read as one unit (n-grams and states pooled over every sentence, scored by the document
    classifier: ``SourceLanguageModel.whole_scores``); a one-window text is its window."""
    mean = window_logprobs.mean(0)
    if whole_logits is None or weight <= 0:
        return mean
    return (mean + weight * _log_softmax(whole_logits[None])[0]) / (1.0 + weight)


TRUST_FEATURES = ("best_probability", "margin", "mean_max_logit", "log_windows")


def trust_features(probs: dict[str, float], best: str | None, logits: np.ndarray) -> np.ndarray:
    """``TRUST_FEATURES`` of one unit (a window or a document) from its calibrated probabilities and raw logits."""
    ranked = sorted(probs.values(), reverse=True)
    p = probs.get(best, 0.0) if best else 0.0
    second = ranked[1] if len(ranked) > 1 else 0.0
    return np.array([p, p - second if p >= ranked[0] else p - ranked[0], float(logits.max(1).mean()), float(np.log(len(logits)))])


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
    trust: np.ndarray | None = None  # weights of TRUST_FEATURES, then the bias
    name_weight: float = 0.0
    #: Weight of the whole text (the document classifier) against its windows' mean (``document_logprob``).
    doc_weight: float = 0.0
    #: How a window pools its sentences' states (``POOLINGS``).
    pooling: str = "mean"
    #: The document classifier's weights (labels, features) and bias, which read the whole text of
    #: more than one window; None: the window classifier reads it (heads from before round 3).
    doc_coef: np.ndarray | None = None
    doc_intercept: np.ndarray | None = None

    def whole_scores(self, x: sparse.csr_matrix) -> np.ndarray:
        """Raw class scores of whole-text rows ``x`` (the document classifier's when there is one)."""
        if self.doc_coef is None:
            return np.asarray(x @ self.coef.T) + self.intercept
        return np.asarray(x @ self.doc_coef.T) + self.doc_intercept

    def window_logits(self, vectors: np.ndarray, sentences: Sequence[str], shapes: Sequence[str] | None = None) -> np.ndarray:
        """Raw class scores of each window (windows, labels); ``shapes``: ``sentence_shapes(sentences)``, if known."""
        x = window_features(vectors, sentences, self.mean, self.scale, self.text_weight, self.name_weight, shapes=shapes,
                            pooling=self.pooling)
        if x.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        return np.asarray(x @ self.coef.T) + self.intercept

    def window_logprobs(self, vectors: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """Uncalibrated log-probabilities of each window (windows, labels)."""
        return _log_softmax(self.window_logits(vectors, sentences))

    def whole_logits(self, vectors: np.ndarray, sentences: Sequence[str], shapes: Sequence[str] | None = None) -> np.ndarray | None:
        """Raw class scores of the whole text read as one unit (``whole_scores``): None for a one-window text or
        without ``doc_weight`` (the same states and text, so no second encoder pass)."""
        if self.doc_weight <= 0 or len(window_bounds(len(sentences))) < 2:
            return None
        x = features([vectors], [list(sentences)], self.mean, self.scale, self.text_weight, self.name_weight,
                     None if shapes is None else [" ".join(shapes)], pooling=self.pooling)
        return self.whole_scores(x)[0]

    def probabilities(self, vectors: np.ndarray, sentences: Sequence[str]) -> dict[str, float]:
        """Calibrated label probabilities of one document (uniform with no voting sentence)."""
        shapes = sentence_shapes(sentences)
        return self._probabilities(self.window_logits(vectors, sentences, shapes), self.whole_logits(vectors, sentences, shapes))

    def _probabilities(self, logits: np.ndarray, whole: np.ndarray | None = None) -> dict[str, float]:
        logp = _log_softmax(logits.reshape(-1, len(self.labels)))
        if not len(logp):
            return dict.fromkeys(self.labels, 1.0 / len(self.labels))
        z = document_logprob(logp, whole, self.doc_weight) * len(logp) ** self.calibration.alpha / self.calibration.temperature
        p = np.exp(z - z.max())
        return dict(zip(self.labels, map(float, p / p.sum()), strict=True))

    def assess(self, vectors: np.ndarray, sentences: Sequence[str]) -> tuple[str | None, float, dict[str, float]]:
        """(best source language, its trust probability, every label's calibrated probability)."""
        shapes = sentence_shapes(sentences)
        return self.assess_logits(self.window_logits(vectors, sentences, shapes), self.whole_logits(vectors, sentences, shapes))

    def assess_logits(self, logits: np.ndarray, whole: np.ndarray | None = None) -> tuple[str | None, float, dict[str, float]]:
        """``assess`` from the raw window logits of one text (and its ``whole_logits``)."""
        probs = self._probabilities(logits, whole)
        lang, p = max(((k, v) for k, v in probs.items() if k != ENGLISH), key=lambda kv: kv[1], default=(None, 0.0))
        if self.trust is not None and len(logits):
            p = float(1.0 / (1.0 + np.exp(-(trust_features(probs, lang, logits) @ self.trust[:-1] + self.trust[-1]))))
        return lang, p, probs

    def predict(self, vectors: np.ndarray, sentences: Sequence[str]) -> tuple[str | None, float]:
        """The source language (not "en") when its trust reaches ``threshold``, else None; and the
        best source language's trust probability either way."""
        lang, p, _ = self.assess(vectors, sentences)
        return (lang if p >= self.threshold else None), p

    # -- persistence ---------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / FILENAME, labels=np.array(self.labels), mean=self.mean, scale=self.scale,
                            coef=self.coef.astype(np.float32), intercept=self.intercept,
                            scalars=np.array([self.text_weight, self.calibration.temperature,
                                              self.calibration.alpha, self.threshold, self.name_weight,
                                              self.doc_weight]), pooling=np.array(self.pooling),
                            **({"trust": self.trust} if self.trust is not None else {}),
                            **({"doc_coef": self.doc_coef.astype(np.float32), "doc_intercept": self.doc_intercept}
                               if self.doc_coef is not None else {}))
        meta = {**(self.meta or {}), "labels": list(self.labels), "window": WINDOW,
                "function_features": N_FUNCTION_FEATURES, "name_features": N_NAME_FEATURES,
                "text_weight": self.text_weight, "name_weight": self.name_weight, "doc_weight": self.doc_weight,
                "pooling": self.pooling, "document_classifier": self.doc_coef is not None,
                "calibration": {"temperature": self.calibration.temperature, "alpha": self.calibration.alpha},
                "threshold": self.threshold,
                "trust": None if self.trust is None else dict(zip((*TRUST_FEATURES, "bias"), map(float, self.trust), strict=True))}
        (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path = SHIPPED_DIR) -> SourceLanguageModel:
        path = folder / FILENAME
        if not path.is_file():
            raise FileNotFoundError(f"no source-language model in {folder} (make train-source-language)")
        with np.load(path, allow_pickle=False) as z:
            text_weight, temperature, alpha, threshold, name_weight, *rest = map(float, z["scalars"])
            model = cls(tuple(str(x) for x in z["labels"]), z["mean"], z["scale"], z["coef"].astype(np.float64),
                        z["intercept"], text_weight, Calibration(temperature, alpha), threshold,
                        trust=z["trust"].astype(np.float64) if "trust" in z else None, name_weight=name_weight,
                        doc_weight=rest[0] if rest else 0.0, pooling=str(z["pooling"]) if "pooling" in z else "mean",
                        doc_coef=z["doc_coef"].astype(np.float64) if "doc_coef" in z else None,
                        doc_intercept=z["doc_intercept"].astype(np.float64) if "doc_intercept" in z else None)
        meta = folder / "meta.json"
        model.meta = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        return model
