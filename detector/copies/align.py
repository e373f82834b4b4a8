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
``partial_share``, the pair is ``partial`` (a mashup's borrowed part) if its aligned sentences form
a passage (``block_gap``): on the dev set's hard negatives (reports of one event by two outlets),
look-alike sentences were scattered through both articles, a mashup's borrowing is one block, and
unless it is word for word its sentences stay close in meaning (``passage_similarity``). Anchors (numbers, names
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
from detector.ml.encoder_student import is_student_tag

DEFAULTS: dict[str, Any] = {
    "sentence_similarity": 0.6,
    # The distilled student encoder's vectors sit closer together (cosine 0.78 to the full encoder's):
    # at 0.6 its links let in other stories (dev precision 0.907, dev_hard 0.80); 0.75 is the lowest
    # value that meets every dev and dev_hard bar (bench/copies_threshold_sweep.py).
    "student_sentence_similarity": 0.75,
    "full_share": 0.6,
    "partial_share": 0.25,
    "min_aligned": 3,
    "min_full_aligned": 4,  # a full link needs this many aligned sentences (or every one of a shorter article)
    "max_sentences": 300,  # longer articles are aligned on their first 300 long sentences
    "min_anchors": 5,
    "min_anchor_agreement": 0.2,
    # A partial link needs min_aligned aligned pairs in one block (each within block_gap sentences of the
    # last on both sides) or as many verbatim: what a mashup borrows is a passage.
    "block_gap": 2,
    # ... and, unless word for word, its aligned pairs' mean cosine at least this: a borrowed passage keeps
    # each sentence's meaning (dev: 0.75-1.0), two reports of one event only come near it (dev_hard: 0.65-0.70).
    "passage_similarity": 0.72,
}
KINDS = ("original", "verbatim", "near", "rewrite", "partial")
#: Masking furniture leaves an article fewer long sentences than this ...
UNMASK_BELOW = 2
#: ... and the two whole texts share this much of their 5-grams: align the unmasked sentences.
UNMASK_CONTAINMENT = 0.9


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
    j = np.count_nonzero(x.minhash == y.minhash) / len(x.minhash)
    inter = j * (x.shingles + y.shingles) / (1.0 + j)
    return min(1.0, inter / min(x.shingles, y.shingles))


def similarity_matrix(x: Signature, y: Signature, cap: int) -> np.ndarray:
    """Sentence similarities of the first ``cap`` long sentences: vector cosine (when both have
    vectors of one encoder), 1 for identical words."""
    ix, ux, hx = x.aligned_part(cap)
    iy, uy, hy = y.aligned_part(cap)
    same = hx[:, None] == hy[None, :]
    if x.comparable(y):
        sim = ux @ uy.T
        sim[same] = 1.0
        return sim
    return same.astype(np.float32)


def sentence_threshold(x: Signature, y: Signature, settings: Mapping[str, Any]) -> float:
    """The cosine at which two sentences pair: each encoder's vectors have their own scale, so the
    student's (``encoder_student.is_student_tag``) have their own threshold; identical words pair either way."""
    student = x.encoder == y.encoder and is_student_tag(x.encoder)
    return float(settings["student_sentence_similarity" if student else "sentence_similarity"])


def in_order(sim: np.ndarray, threshold: float, per_row: int = 3) -> list[tuple[int, int]]:
    """The longest chain of (row, column) pairs above ``threshold`` increasing in both."""
    if not sim.size:
        return []
    k = min(per_row, sim.shape[1])
    top = np.argpartition(-sim, k - 1, axis=1)[:, :k] if k < sim.shape[1] else np.broadcast_to(np.arange(k), sim.shape)
    rows = np.repeat(np.arange(sim.shape[0]), k)
    cols = top.ravel()
    keep = sim[rows, cols] >= threshold
    rows, cols = rows[keep], cols[keep]
    order = np.lexsort((-cols, rows))  # rows ascending, columns descending within a row
    cands = list(zip(rows[order].tolist(), cols[order].tolist()))
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


def longest_block(chain: list[tuple[int, int]], gap: int) -> int:
    """Pairs in the longest run of the chain whose steps are at most ``gap`` sentences on both sides."""
    best = cur = 1 if chain else 0
    for (i0, j0), (i1, j1) in zip(chain, chain[1:]):
        cur = cur + 1 if i1 - i0 <= gap and j1 - j0 <= gap else 1
        best = max(best, cur)
    return best


def unmask_if_emptied(x: Signature, y: Signature) -> tuple[Signature, Signature]:
    """The two signatures to align: masked, unless masking emptied one of them of a verbatim copy.

    Masking keeps pages that share only a site's furniture apart. When the boilerplate check
    over-flags an article's body (a whole page taken for its header), masking leaves it no sentence
    (or one) to align, though the two texts' 5-grams are nearly all shared: that is a word-for-word
    copy, and its unmasked sentences are aligned instead. Pages sharing only furniture keep their own
    sentences outside it, or share few of their 5-grams, and stay masked.
    """
    if not any(sig.unmasked is not None and len(sig.long) < UNMASK_BELOW for sig in (x, y)):
        return x, y
    if containment(x, y) < UNMASK_CONTAINMENT:
        return x, y
    return x.unmasked or x, y.unmasked or y


def confirm(a: int, x: Signature, b: int, y: Signature, settings: Mapping[str, Any] | None = None) -> Link | None:
    """The link between articles ``a`` and ``b`` (their signatures ``x``, ``y``), or None if not a copy."""
    s = {**DEFAULTS, **(settings or {})}
    x, y = unmask_if_emptied(x, y)
    cap = int(s["max_sentences"])
    ix, iy = x.long[:cap], y.long[:cap]
    shorter = min(len(ix), len(iy))
    if shorter == 0:
        return None
    need = min(int(s["min_aligned"]), shorter)
    threshold = sentence_threshold(x, y, s)
    c = containment(x, y)
    sim = similarity_matrix(x, y, cap)
    hit = sim >= threshold
    # No chain is longer than the rows (or columns) with any pair above the threshold: most
    # candidates (neighbours on topic, not copies) stop here, before the alignment.
    bound = min(int(np.count_nonzero(hit.any(axis=1))), int(np.count_nonzero(hit.any(axis=0))))
    if bound < need or max(bound / shorter, c) < float(s["partial_share"]):
        return None
    chain = in_order(sim, threshold)
    share = len(chain) / shorter
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
    if kind == "partial" and exact < need and longest_block(chain, int(s["block_gap"])) < need:
        return None  # scattered look-alike sentences: two reports of one event, not a borrowed passage
    if kind == "partial" and exact < need and float(np.mean([sim[i, j] for i, j in chain])) < float(s["passage_similarity"]):
        return None  # sentences that only resemble each other: one event told twice, not a passage rewritten
    names = [t for t in shared if not t.startswith("#")]
    numbers = [t for t in shared if t.startswith("#")]
    return Link(a, b, kind, round(float(similarity), 4), lexical, len(chain), shorter, exact, c,
                (names[:8] + numbers[:4]), agreement,
                [(int(ix[i]), int(iy[j])) for i, j in chain])
