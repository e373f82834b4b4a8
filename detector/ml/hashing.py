"""Hashed n-gram counts identical to scikit-learn's ``HashingVectorizer`` (lowercase, no sign
alternation, no norm), in numpy: MurmurHash3 (x86, 32-bit, seed 0) vectorised over all n-grams.

Why: importing scikit-learn costs about a second of every cold start, and the scan only needs
its hashing (training still fits the regressions with scikit-learn). ``tests/test_hashing.py``
checks the counts equal scikit-learn's, collisions and odd text included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _murmur_group(keys: list[bytes]) -> np.ndarray:
    """MurmurHash3_x86_32 (seed 0) of keys of similar length, padded to one width."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    width = int(lengths.max()) // 4 * 4 + 8  # whole blocks, then room for the tail bytes
    buf = np.frombuffer(b"".join(k.ljust(width, b"\0") for k in keys), dtype=np.uint8).reshape(len(keys), width)
    blocks = buf.view("<u4")
    nblocks = lengths // 4
    h = np.zeros(len(keys), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for b in range(int(nblocks.max())):
            k = blocks[:, b] * _C1
            k = _rotl(k, 15) * _C2
            h2 = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
            h = np.where(b < nblocks, h2, h)
        rows, base, rem = np.arange(len(keys)), nblocks * 4, lengths & 3
        k = np.zeros(len(keys), dtype=np.uint32)
        for t in (2, 1, 0):  # the 1-3 tail bytes, little-endian
            k ^= np.where(rem > t, buf[rows, base + t].astype(np.uint32) << np.uint32(8 * t), np.uint32(0))
        k = _rotl(k * _C1, 15) * _C2
        h = np.where(rem > 0, h ^ k, h)
        h ^= lengths.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h.view(np.int32)


def murmurhash3_32(keys: Sequence[bytes]) -> np.ndarray:
    """Signed 32-bit MurmurHash3 of each key (scikit-learn's ``murmurhash3_32(key, 0)``)."""
    out = np.zeros(len(keys), dtype=np.int32)
    if not len(keys):
        return out
    # Keys grouped by length class (1, 2-3, 4-7 ... blocks), so padding at most doubles the bytes.
    cls = np.fromiter((len(k).bit_length() for k in keys), dtype=np.int64, count=len(keys))
    for c in np.unique(cls):
        idx = np.flatnonzero(cls == c)
        out[idx] = _murmur_group([keys[i] for i in idx])
    return out


#: Hashes of n-grams seen before, by n-gram: an article's function-word and lexical n-grams ("<w> of the")
#: mostly repeat across articles, so most are looked up rather than encoded and hashed. Cleared when full.
_SEEN: dict[str, int] = {}
_SEEN_MAX = 1 << 20


def cached_murmurhash3_32(keys: Sequence[str]) -> np.ndarray:
    """``murmurhash3_32`` of each key's UTF-8 bytes, encoding and hashing only keys not seen before
    in this process."""
    got = list(map(_SEEN.get, keys))
    if None in got:
        missing = list(dict.fromkeys(k for k, h in zip(keys, got) if h is None))
        fresh = dict(zip(missing, murmurhash3_32([k.encode("utf-8", "surrogatepass") for k in missing]).tolist(),
                         strict=True))
        got = [fresh[k] if h is None else h for k, h in zip(keys, got)]
        if len(_SEEN) + len(fresh) > _SEEN_MAX:
            _SEEN.clear()
        _SEEN.update(fresh)
    return np.array(got, dtype=np.int32)


@lru_cache(maxsize=8)
def _pattern(token_pattern: str) -> re.Pattern[str]:
    return re.compile(token_pattern)


def _ngrams(text: str, token_pattern: str, ngram_range: tuple[int, int], lowercase: bool = True) -> list[str]:
    tokens = _pattern(token_pattern).findall(text.lower() if lowercase else text)
    lo, hi = ngram_range
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
        out += map(" ".join, zip(*(tokens[k:] for k in range(n))))
    return out


_WHITE_SPACES = re.compile(r"\s\s+")


def _char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, padded with one space (scikit-learn's ``char_wb``)."""
    lo, hi = ngram_range
    out: list[str] = []
    for w in _WHITE_SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            offset = 0
            out.append(w[offset:offset + n])
            while offset + n < len(w):
                offset += 1
                out.append(w[offset:offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return out


def hashed_counts(texts: Sequence[str], n_features: int, token_pattern: str,
                  ngram_range: tuple[int, int] = (1, 1), lowercase: bool = True, analyzer: str = "word") -> sparse.csr_matrix:
    """Counts of hashed word (or ``analyzer="char_wb"`` character) n-grams, (len(texts), n_features)
    float64 CSR, as ``HashingVectorizer(n_features, ngram_range, token_pattern, lowercase, analyzer,
    alternate_sign=False, norm=None)``."""
    if analyzer == "char_wb":
        grams = [_char_wb_ngrams(t, ngram_range) for t in texts]
    else:
        grams = [_ngrams(t, token_pattern, ngram_range, lowercase) for t in texts]
    keys = [g for row in grams for g in row]
    cols = np.abs(cached_murmurhash3_32(keys).astype(np.int64)) % n_features
    indptr = np.concatenate([[0], np.cumsum([len(row) for row in grams])])
    x = sparse.csr_matrix((np.ones(len(keys)), cols, indptr), shape=(len(texts), n_features))
    x.sum_duplicates()
    return x


def l2_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row scaled to unit length (empty rows stay empty), as ``norm="l2"``."""
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)
