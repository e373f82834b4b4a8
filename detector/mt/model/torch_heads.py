"""The MT model's trained heads and the encoder pass over sentences, in torch (training, and
inference on the torch encoder). See ``model`` for what the heads compute; ``numpy_heads`` runs
the same weights without torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from detector.ml.encoder import Encoder
from detector.mt.typography import map_offsets, normalize_with_offsets


class Heads(nn.Module):
    """Token tagger and sentence classifier over frozen encoder states of width ``dim``."""

    def __init__(self, dim: int, n_span: int, n_doc: int, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.tagger = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, n_span)) if n_span else None
        self.sentence = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, n_doc)) if n_doc >= 2 else None


def pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean and max over the real tokens of each sentence: (B, T, D) → (B, 2D)."""
    m = mask.unsqueeze(-1).to(states.dtype)
    mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
    mx = states.masked_fill(m == 0, float("-inf")).max(1).values
    return torch.cat([mean, mx], dim=-1)


@dataclass
class Encoded:
    """A batch of sentences through the frozen encoder: pooled vectors, and per-token states
    (special tokens removed) with their character offsets when asked for."""

    pooled: torch.Tensor
    states: list[torch.Tensor | None]
    offsets: list[np.ndarray]


def encode(encoder: Encoder, texts: Sequence[str], keep_states: Sequence[bool] | None = None,
           batch_size: int = 64, progress: Any = None) -> Encoded:
    """Run the encoder over typography-normalised ``texts`` sorted by length (dynamic padding), in
    inference mode; token offsets point into the original texts."""
    normalized = [normalize_with_offsets(t) for t in texts]
    texts = [t for t, _ in normalized]
    n = len(texts)
    keep = list(keep_states) if keep_states is not None else [True] * n
    pooled = torch.zeros(n, 2 * encoder.dim)
    states: list[torch.Tensor | None] = [None] * n
    offsets: list[np.ndarray] = [np.zeros((0, 2), dtype=np.int64)] * n
    order = sorted(range(n), key=lambda i: len(texts[i]))
    for b in range(0, n, batch_size):
        idx = order[b:b + batch_size]
        enc, hidden = encoder.token_states([texts[i] for i in idx], return_offsets_mapping=True)
        hidden = hidden.float().cpu()
        mask = enc["attention_mask"].bool()
        pooled[idx] = pool(hidden, mask)
        offs = enc["offset_mapping"].numpy()
        for j, i in enumerate(idx):
            real = mask[j].numpy() & (offs[j, :, 1] > offs[j, :, 0])  # drops [CLS], [SEP], padding
            offsets[i] = map_offsets(offs[j][real], normalized[i][1])
            if keep[i]:
                states[i] = hidden[j][torch.from_numpy(real)].half()
        if progress is not None:
            progress.update(len(idx))
    return Encoded(pooled, states, offsets)


def head_outputs(heads: Heads, enc: Encoded) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Per-sentence token probabilities (None without states or tagger) and label log-probs."""
    n = len(enc.states)
    logp = (torch.log_softmax(heads.sentence(enc.pooled), -1).numpy()
            if heads.sentence is not None else np.zeros((n, 0), dtype=np.float32))
    probs: list[np.ndarray | None] = [None] * n
    if heads.tagger is not None:
        for i, states in enumerate(enc.states):
            if states is not None and len(states):
                probs[i] = torch.sigmoid(heads.tagger(states.float())).numpy()
    return probs, logp
