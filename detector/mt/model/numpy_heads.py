"""The MT model's trained heads run in numpy, on the encoder's numpy states (ONNX Runtime).

Why: the heads are two small MLPs (Linear, exact GELU, Linear); importing torch to run them costs
about a second of every cold start. These read the same ``heads.safetensors`` and compute what
``torch_heads`` computes (the tagger on float16-rounded token states, as there), to float32
rounding: a scan on the ONNX encoder never imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.special import erf

from detector.ml.encoder import Encoder
from detector.mt.typography import map_offsets, normalize_with_offsets

_SQRT_HALF = np.float32(np.sqrt(0.5))


class _MLP:
    """``nn.Sequential(Dropout, Linear, GELU, Linear)`` at inference (dropout is the identity)."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str) -> None:
        self.w1, self.b1 = weights[f"{prefix}.1.weight"].T.copy(), weights[f"{prefix}.1.bias"]
        self.w2, self.b2 = weights[f"{prefix}.3.weight"].T.copy(), weights[f"{prefix}.3.bias"]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # 0.5 * h * (1 + erf(h / sqrt 2)), the same operations in the same order, in place: the
        # tagger's hidden layer is tokens x 256, and every temporary of it costs a pass over memory.
        h = x @ self.w1
        h += self.b1
        e = h * _SQRT_HALF
        erf(e, out=e)
        e += 1.0
        h *= 0.5
        h *= e
        return h @ self.w2 + self.b2


class NumpyHeads:
    """The token tagger and sentence classifier of ``torch_heads.Heads`` (either may be absent)."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        weights = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        self.tagger = _MLP(weights, "tagger") if "tagger.1.weight" in weights else None
        self.sentence = _MLP(weights, "sentence") if "sentence.1.weight" in weights else None

    @classmethod
    def load(cls, path: Path) -> NumpyHeads:
        from safetensors.numpy import load_file

        return cls(load_file(str(path)))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def predict_numpy(heads: NumpyHeads, encoder: Encoder, texts: Sequence[str], batch_size: int = 64
                  ) -> tuple[list[np.ndarray], list[np.ndarray | None], np.ndarray, np.ndarray]:
    """Token offsets (into the original texts), token probabilities (None without a tagger),
    label log-probabilities and pooled states (mean and max over the text's tokens) of ``texts``:
    typography-normalised, encoded unpadded (``Encoder.states_each``)."""
    normalized = [normalize_with_offsets(t) for t in texts]
    n, dim = len(texts), encoder.dim
    pooled = np.zeros((n, 2 * dim), dtype=np.float32)
    offsets: list[np.ndarray] = [np.zeros((0, 2), dtype=np.int64)] * n
    probs: list[np.ndarray | None] = [None] * n
    if n:
        offs, hidden = encoder.states_each([t for t, _ in normalized], batch_size)
        for i, h in enumerate(hidden):  # per text: ufunc.reduceat over rows cost 7x as much
            pooled[i, :dim], pooled[i, dim:] = h.mean(0), h.max(0)
        real = [o[:, 1] > o[:, 0] for o in offs]  # drops [CLS] and [SEP]
        for i in range(n):
            offsets[i] = map_offsets(offs[i][real[i]], normalized[i][1])
        if heads.tagger is not None and any(r.any() for r in real):
            # One product for all tokens: many small BLAS calls cost more in thread wake-ups than in FLOPs.
            # The real tokens' states rounded to float16 as they are gathered, as the torch path keeps them.
            states = np.concatenate([h[r] for h, r in zip(hidden, real, strict=True)], dtype=np.float16).astype(np.float32)
            tagged = 1.0 / (1.0 + np.exp(-heads.tagger(states)))
            ends = np.cumsum([r.sum() for r in real])
            for i, r in enumerate(real):
                if r.any():
                    probs[i] = tagged[ends[i] - r.sum():ends[i]]
    logp = _log_softmax(heads.sentence(pooled)) if heads.sentence is not None else np.zeros((n, 0), dtype=np.float32)
    return offsets, probs, logp, pooled
