"""What the scan keeps of an article for copy detection: its signature.

A signature is small and made from what the scan already has:
- a MinHash (rensa's ``RMinHash``, 128 permutations) of the article's lowercased word 5-grams, for
  verbatim and near-verbatim copies (rensa was 40x faster than datasketch here: see
  bench/results/copies.json, ``minhash_libraries``);
- one hash per sentence of its normalised words, for the verbatim share of an alignment;
- the MT model's mean-pooled encoder state of each sentence (the MT check's own forward pass, no
  second one), quantised to int8, for rewrites that keep no 5-gram;
- its anchors: numbers and capitalised names, normalised through the transliteration gazetteer so
  that "Kharkov" and "Kharkiv" are one anchor.
Sentences are ``mt_sentences`` (the ones the MT model reads), so vectors and offsets line up.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from detector.article import Document

NUM_PERM = 128
SHINGLE = 5
SEED = 2022
#: Sentences with fewer words are headings, bylines and cells: they are neither aligned nor averaged.
MIN_SENTENCE_WORDS = 4
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d|(?<![\w.,])\d(?![\w])")
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’-]*[a-z][\w'’-]*)?")
#: Capitalised words that are not names (sentence starts, days, months).
_NOT_NAMES = frozenset(
    """The A An In On At Of For And But Or If As By To From With This That These Those It Its He She They We
    I You His Her Their Our There Here When While After Before Since During According However Also
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Mr Mrs Ms Dr""".split()
)


@dataclass
class Signature:
    """One article's copy-detection signature (see the module docstring)."""

    minhash: np.ndarray  # uint32 (NUM_PERM,)
    shingles: int  # distinct 5-grams hashed: turns a Jaccard estimate into containment
    spans: np.ndarray  # int32 (n, 2): sentence offsets into the article text
    hashes: np.ndarray  # uint32 (n,): normalised words of each sentence, 0 for a short one
    anchors: list[str]
    vectors: np.ndarray | None = None  # int8 (n, dim): sentence embeddings x 127, or None without the MT pass
    encoder: str | None = None  # which encoder made the vectors (they are comparable only within one)
    unmasked: Signature | None = None  # before ``masked`` took the furniture out (not stored)

    def comparable(self, other: Signature) -> bool:
        """Whether the cosines of these sentence vectors and ``other``'s mean anything: both have
        vectors, made by one encoder (the full encoder's and the student's sit at cosine 0.78)."""
        return self.vectors is not None and other.vectors is not None and self.encoder == other.encoder

    def crosses_encoders(self, other: Signature) -> bool:
        """Both have sentence vectors, but of different encoders: the pair aligns by identical sentences only."""
        return self.vectors is not None and other.vectors is not None and not self.comparable(other)

    @cached_property
    def unit(self) -> np.ndarray | None:
        """The sentence vectors as float32 of (about) unit length, converted once."""
        return None if self.vectors is None else self.vectors.astype(np.float32) / 127.0

    @cached_property
    def long(self) -> np.ndarray:
        """Indexes of the sentences that take part in alignment."""
        return np.flatnonzero(self.hashes != 0)

    def masked(self, furniture: Sequence[tuple[int, int]]) -> Signature:
        """This signature with the sentences that are mostly page furniture (at least half their
        characters inside ``furniture``: the scan's boilerplate findings) taken out of alignment and
        of the document vector, so two pages that share only a site's furniture share no sentence."""
        if not len(furniture) or not len(self.spans):
            return self
        n = int(self.spans[:, 1].max())
        edges = np.zeros(n + 1, dtype=np.int32)
        for a, b in furniture:
            a, b = max(0, int(a)), min(n, int(b))
            if b > a:
                edges[a] += 1
                edges[b] -= 1
        covered = np.concatenate([[0], np.cumsum(np.cumsum(edges)[:n] > 0)])  # furniture characters before each offset
        start, end = self.spans[:, 0], self.spans[:, 1]
        furn = (covered[end] - covered[start]) * 2 >= np.maximum(end - start, 1)
        if not furn.any():
            return self
        return Signature(self.minhash, self.shingles, self.spans, np.where(furn, 0, self.hashes).astype(np.uint32),
                         self.anchors, self.vectors, self.encoder, self)

    def aligned_part(self, cap: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """(indexes, unit vectors, hashes) of the first ``cap`` long sentences, sliced once per
        signature: an article is confirmed against each of its candidates, and as a candidate of
        every later one."""
        got = self.__dict__.get("_aligned")
        if got is None or got[0] != cap:
            ix = self.long[:cap]
            got = (cap, ix, None if self.unit is None else np.ascontiguousarray(self.unit[ix]), self.hashes[ix])
            self.__dict__["_aligned"] = got
        return got[1], got[2], got[3]

    def doc_vector(self) -> np.ndarray | None:
        """The mean of the long sentences' vectors, unit length (the ANN index's key)."""
        if self.vectors is None or not len(self.vectors):
            return None
        idx = self.long
        v = self.vectors[idx if len(idx) else slice(None)].astype(np.float32).mean(0)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else None


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def minhash(tokens: Sequence[str]) -> tuple[np.ndarray, int]:
    """MinHash of the word 5-grams of ``tokens`` and how many distinct 5-grams there were."""
    from rensa import RMinHash

    k = SHINGLE if len(tokens) >= SHINGLE else max(1, len(tokens))
    grams = {" ".join(tokens[i:i + k]) for i in range(max(1, len(tokens) - k + 1))} if tokens else set()
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(list(grams))
    return np.asarray(m.digest(), dtype=np.uint32), len(grams)


def sentence_hash(text: str) -> int:
    """A non-zero hash of a sentence's words, or 0 for one too short to align."""
    w = words(text)
    if len(w) < MIN_SENTENCE_WORDS:
        return 0
    return zlib.crc32(" ".join(w).encode("utf-8", "surrogatepass")) or 1


@lru_cache(maxsize=200_000)
def anchor(name: str) -> str:
    """One spelling per entity: the gazetteer's canonical name (by exact form or folding key, notable
    entities only: dictionary look-ups, no fuzzy matching), else the romanization-folding key."""
    from detector.translit import fold_key

    m = _gazetteer().lookup(name, kind=None)
    return m.entity.canonical.lower() if m is not None else fold_key(name)


def _gazetteer():  # noqa: ANN202 - detector.translit.gazetteer.Gazetteer
    from detector.translit.gazetteer import load_gazetteer

    return load_gazetteer()


@lru_cache(maxsize=200_000)
def _known(name: str) -> bool:
    return _gazetteer().lookup(name, kind=None) is not None


def anchors(text: str) -> list[str]:
    """Numbers (separators dropped) and names of ``text``, normalised, sorted and distinct."""
    out = {"#" + n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    for m in _NAME.finditer(text):
        parts = [p for p in m.group().split() if p not in _NOT_NAMES]
        if not parts:
            continue
        name = " ".join(parts)
        before = text[max(0, m.start() - 3):m.start()].rstrip()
        if (not before or before[-1] in '.!?:"“”\n') and not _known(name):
            continue  # a capitalised sentence start ("Across", "One") is no name unless the gazetteer knows it
        out.add(anchor(name))
    out.discard("")
    return sorted(out)


def compute(doc: Document, vectors: np.ndarray | None = None, encoder: str | None = None,
            spans: Sequence[tuple[int, int]] | None = None) -> Signature:
    """The signature of a parsed article; ``vectors`` (float, one row per sentence of ``spans``,
    default ``mt_sentences``) come from the MT model's pass when it ran."""
    if spans is None:
        from detector.mt.context import mt_sentences

        spans = [(s.start, s.end) for s in mt_sentences(doc)]
    text = doc.text
    mh, n = minhash(words(text))
    arr = np.asarray(spans, dtype=np.int32).reshape(-1, 2)
    hashes = np.asarray([sentence_hash(text[a:b]) for a, b in arr], dtype=np.uint32)
    q = None
    if vectors is not None and len(vectors) == len(arr):
        v = np.asarray(vectors, dtype=np.float32)
        v = v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-9, None)
        q = np.round(v * 127).astype(np.int8)
    return Signature(mh, n, arr, hashes, anchors(text), q, encoder if q is not None else None)


# -- storage: a row of the store's copy_signatures table -------------------------------------------
def to_row(sig: Signature) -> tuple:
    dim = 0 if sig.vectors is None else int(sig.vectors.shape[1])
    return (sig.minhash.astype("<u4").tobytes(), sig.shingles, sig.spans.astype("<i4").tobytes(),
            sig.hashes.astype("<u4").tobytes(), json.dumps(sig.anchors, ensure_ascii=False),
            None if sig.vectors is None else sig.vectors.tobytes(), dim, sig.encoder)


def from_row(row: Sequence) -> Signature:
    mh, shingles, spans, hashes, anchors_json, vectors, dim, encoder = row
    sp = np.frombuffer(spans, dtype="<i4").reshape(-1, 2)
    vec = np.frombuffer(vectors, dtype=np.int8).reshape(-1, dim) if vectors is not None and dim else None
    return Signature(np.frombuffer(mh, dtype="<u4"), int(shingles), sp, np.frombuffer(hashes, dtype="<u4"),
                     json.loads(anchors_json), vec, encoder)


COLUMNS = ("minhash", "shingles", "spans", "hashes", "anchors", "vectors", "dim", "encoder")
