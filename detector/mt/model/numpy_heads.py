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
        h = x @ self.w1 + self.b1
        h = 0.5 * h * (1.0 + erf(h * _SQRT_HALF).astype(np.float32))
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


def pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean and max over the real tokens of each sentence: (B, T, D) → (B, 2D)."""
    m = mask[..., None].astype(states.dtype)
    mean = (states * m).sum(1) / np.maximum(m.sum(1), 1.0)
    mx = np.where(m > 0, states, -np.inf).max(1)
    return np.concatenate([mean, mx], axis=-1)


def predict_numpy(heads: NumpyHeads, encoder: Encoder, texts: Sequence[str], batch_size: int = 64
                  ) -> tuple[list[np.ndarray], list[np.ndarray | None], np.ndarray, np.ndarray]:
    """Token offsets (into the original texts), token probabilities (None without a tagger),
    label log-probabilities and pooled states (mean and max) of ``texts``: typography-normalised, sorted by length, padded per batch."""
    normalized = [normalize_with_offsets(t) for t in texts]
    n = len(texts)
    pooled = np.zeros((n, 2 * encoder.dim), dtype=np.float32)
    offsets: list[np.ndarray] = [np.zeros((0, 2), dtype=np.int64)] * n
    probs: list[np.ndarray | None] = [None] * n
    order = sorted(range(n), key=lambda i: len(normalized[i][0]))
    for b in range(0, n, batch_size):
        idx = order[b:b + batch_size]
        enc, hidden = encoder.states_np([normalized[i][0] for i in idx])
        hidden = hidden.astype(np.float32, copy=False)
        mask = enc["attention_mask"].astype(bool)
        pooled[idx] = pool(hidden, mask)
        offs = enc["offset_mapping"]
        real = mask & (offs[:, :, 1] > offs[:, :, 0])  # drops [CLS], [SEP], padding
        for j, i in enumerate(idx):
            offsets[i] = map_offsets(offs[j][real[j]], normalized[i][1])
        if heads.tagger is not None and real.any():
            # One product for the whole batch: many small BLAS calls cost more in thread wake-ups than in FLOPs.
            states = hidden[real].astype(np.float16).astype(np.float32)  # float16, as the torch path keeps them
            tagged = 1.0 / (1.0 + np.exp(-heads.tagger(states)))
            ends = np.cumsum(real.sum(1))
            for j, i in enumerate(idx):
                if real[j].any():
                    probs[i] = tagged[ends[j] - real[j].sum():ends[j]]
    logp = _log_softmax(heads.sentence(pooled)) if heads.sentence is not None else np.zeros((n, 0), dtype=np.float32)
    return offsets, probs, logp, pooled
