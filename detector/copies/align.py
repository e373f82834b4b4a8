"""Confirming a candidate pair: in-order sentence alignment, shared 5-grams, shared anchors.

A candidate (from MinHash bands or the ANN index) is a copy only when enough of the *shorter*
article's sentences align, in order, to sentences of the other: an in-order alignment is what a
copy keeps and what two reports of one event do not (they share the topic, the names, even some
sentences, but not their sequence). Sentences are paired when their MT-encoder vectors are close
(cosine >= ``sentence_similarity``) or their words are identical; the longest chain of pairs
increasing on both sides is the alignment (patience sorting, O(P log P) over P candidate pairs,
each sentence keeping its three best partners, so the cost is bounded by the sentence cap).

Link kinds, by the share ``s`` of the shorter article's sentences aligned and the verbatim share
``v`` (aligned sentences with identical words) or 5-gram containment ``c`` (from the MinHashes):
``verbatim`` (v or c >= 0.9), ``near`` (>= 0.5), ``rewrite`` (the rest: the words changed, the
sentences stayed), each needing ``s`` >= ``full_share`` and ``min_full_aligned`` sentences (three
aligned sentences of five are what two reports of one event can share); below, with ``s`` >=
``partial_share``, the pair is ``partial`` (a mashup's borrowed part). Anchors (numbers, names
normalised through the gazetteer) must agree: two articles that both name five or more and share
almost none are different stories whatever their sentences' vectors say, unless they share
passages word for word (what a mashup borrows keeps the other story's names, not its own).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detector.copies.signature import Signature

DEFAULTS: dict[str, Any] = {
    "sentence_similarity": 0.6,
    "full_share": 0.6,
    "partial_share": 0.25,
    "min_aligned": 3,
    "min_full_aligned": 4,  # a full link needs this many aligned sentences (or every one of a shorter article)
    "max_sentences": 300,  # longer articles are aligned on their first 300 long sentences
    "min_anchors": 5,
    "min_anchor_agreement": 0.2,
}
KINDS = ("original", "verbatim", "near", "rewrite", "partial")


@dataclass
class Link:
    """A confirmed copy relation between two articles (store primary keys ``a`` < ``b``)."""

    a: int
    b: int
    kind: str  # verbatim | near | rewrite | partial
    similarity: float
    lexical: str  # what the words say whatever the share: verbatim | near | rewrite
    aligned: int
    of: int  # long sentences of the shorter article
    verbatim: int  # aligned pairs with identical words
    containment: float
    shared_anchors: list[str] = field(default_factory=list)
    anchor_agreement: float | None = None
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (sentence of a, sentence of b), in order

    def data(self) -> dict[str, Any]:
        return {"lexical": self.lexical, "aligned": self.aligned, "of": self.of, "verbatim": self.verbatim,
                "containment": round(self.containment, 3), "shared_anchors": self.shared_anchors,
                "anchor_agreement": None if self.anchor_agreement is None else round(self.anchor_agreement, 3),
                "pairs": self.pairs}

    @classmethod
    def from_data(cls, a: int, b: int, kind: str, similarity: float, d: Mapping[str, Any]) -> Link:
        return cls(a, b, kind, similarity, d["lexical"], d["aligned"], d["of"], d["verbatim"], d["containment"],
                   list(d["shared_anchors"]), d["anchor_agreement"], [tuple(p) for p in d["pairs"]])


def containment(x: Signature, y: Signature) -> float:
    """Share of the smaller 5-gram set inside the other, estimated from the two MinHashes."""
    if not x.shingles or not y.shingles:
        return 0.0
    j = float(np.mean(x.minhash == y.minhash))
    inter = j * (x.shingles + y.shingles) / (1.0 + j)
    return min(1.0, inter / min(x.shingles, y.shingles))


def similarity_matrix(x: Signature, y: Signature, ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    """Sentence similarities: vector cosine (when both have vectors of one encoder), 1 for identical words."""
    sim = np.zeros((len(ix), len(iy)), dtype=np.float32)
    if x.vectors is not None and y.vectors is not None and x.encoder == y.encoder:
        sim = x.unit[ix] @ y.unit[iy].T
    same = x.hashes[ix][:, None] == y.hashes[iy][None, :]
    return np.where(same, np.float32(1.0), sim)


def in_order(sim: np.ndarray, threshold: float, per_row: int = 3) -> list[tuple[int, int]]:
    """The longest chain of (row, column) pairs above ``threshold`` increasing in both."""
    if not sim.size:
        return []
    k = min(per_row, sim.shape[1])
    top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    cands = [(i, int(j)) for i in range(sim.shape[0]) for j in sorted(top[i], reverse=True) if sim[i, j] >= threshold]
    # Patience sorting on the column; rows ascending, columns descending within a row (one pair per row).
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(cands)
    for n, (_, j) in enumerate(cands):
        p = bisect.bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_idx.append(n)
        else:
            tails[p] = j
            tail_idx[p] = n
        prev[n] = tail_idx[p - 1] if p else -1
    out = []
    n = tail_idx[-1] if tail_idx else -1
    while n >= 0:
        out.append(cands[n])
        n = prev[n]
    return out[::-1]


def confirm(a: int, x: Signature, b: int, y: Signature, settings: Mapping[str, Any] | None = None) -> Link | None:
    """The link between articles ``a`` and ``b`` (their signatures ``x``, ``y``), or None if not a copy."""
    s = {**DEFAULTS, **(settings or {})}
    cap = int(s["max_sentences"])
    ix, iy = x.long[:cap], y.long[:cap]
    shorter = min(len(ix), len(iy))
    if shorter == 0:
        return None
    sim = similarity_matrix(x, y, ix, iy)
    chain = in_order(sim, float(s["sentence_similarity"]))
    need = min(int(s["min_aligned"]), shorter)
    share = len(chain) / shorter
    c = containment(x, y)
    if len(chain) < need or max(share, c) < float(s["partial_share"]):
        return None
    exact = sum(1 for i, j in chain if x.hashes[ix[i]] == y.hashes[iy[j]])
    v = exact / shorter
    ax, ay = set(x.anchors), set(y.anchors)
    shared = sorted(ax & ay)
    agreement = len(shared) / min(len(ax), len(ay)) if ax and ay else None
    if (min(len(ax), len(ay)) >= int(s["min_anchors"]) and agreement is not None
            and agreement < float(s["min_anchor_agreement"]) and exact < need):
        return None  # different facts, and no passage taken word for word
    lexical = "verbatim" if max(v, c) >= 0.9 else "near" if max(v, c) >= 0.5 else "rewrite"
    similarity = max(share, c) if lexical != "rewrite" else share
    full = similarity >= float(s["full_share"]) and len(chain) >= min(int(s["min_full_aligned"]), shorter)
    kind = lexical if full else "partial"
    names = [t for t in shared if not t.startswith("#")]
    numbers = [t for t in shared if t.startswith("#")]
    return Link(a, b, kind, round(float(similarity), 4), lexical, len(chain), shorter, exact, c,
                (names[:8] + numbers[:4]), agreement,
                [(int(ix[i]), int(iy[j])) for i, j in chain])
