"""The numpy n-gram hashing gives scikit-learn's HashingVectorizer counts exactly (the MT lexical
model was trained on those), so the scan can score word choice without importing scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from detector.ml.hashing import hashed_counts, murmurhash3_32
from detector.mt.model.lexical import N_FEATURES, TOKEN_PATTERN

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")

TEXTS = [
    "I will go there; there is nothing it can not do: the end.",
    "Zürich’s café — naïve “quotes” and ÄÖÜ ß, ﬁ ligatures, 日本語のテキスト, emoji 🙂!",
    "", "   ", "a", "ab", "abc", "abcd", "abcde", "x" * 1000 + " " + "y" * 37,
    "Numbers 1,234.56 and dates 31.12.2024 — URLs like https://example.org/a_b?c=d.",
]


def test_murmurhash_matches_scikit_learn() -> None:
    from sklearn.utils import murmurhash3_32 as reference

    words = ["", "a", "ab", "abc", "abcd", "abcde", "hello world", "ünïcödé", "x" * 257, "the", "semicolon ;"]
    ours = murmurhash3_32([w.encode("utf-8") for w in words])
    assert ours.tolist() == [reference(w, seed=0) for w in words]


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (2, 3)])
def test_counts_equal_hashing_vectorizer(ngrams: tuple[int, int]) -> None:
    vec = sklearn_text.HashingVectorizer(n_features=N_FEATURES, ngram_range=ngrams, token_pattern=TOKEN_PATTERN,
                                         alternate_sign=False, norm=None, lowercase=True)
    ref = vec.transform(TEXTS).tocsr()
    ours = hashed_counts(TEXTS, N_FEATURES, TOKEN_PATTERN, ngrams)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    assert (ours != ref).nnz == 0
    assert np.array_equal(ours.indptr, ref.indptr)


def test_collisions_add_up() -> None:
    x = hashed_counts(["a b a c a"], 2, TOKEN_PATTERN)  # two buckets: every word lands in one of them
    assert x.sum() == 5 and x.nnz <= 2


def test_source_language_features_equal_hashing_vectorizer() -> None:
    """The source-language head was trained on scikit-learn's l2-normalised hashed features; the
    scan computes them without importing it (word n-grams without lowercasing, and char_wb)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from detector.mt.source_language import model as sl

    texts = TEXTS + ["In the city of Melitopoli, Mr Zełenski met Ivan  Petrenko and the MAYOR.", "", "Kyiv"]
    words = sl.function_word_counts(texts)
    ref = sklearn_text.HashingVectorizer(n_features=sl.N_FUNCTION_FEATURES, ngram_range=(1, 3), token_pattern=r"\S+",
                                         lowercase=False, alternate_sign=False, norm="l2").transform(
                                             [sl.abstract(t) for t in texts])
    assert abs(words - ref).max() < 1e-12
    names = sl.name_counts(texts)
    ref = sklearn_text.HashingVectorizer(n_features=sl.N_NAME_FEATURES, analyzer="char_wb", ngram_range=(2, 4),
                                         alternate_sign=False, norm="l2").transform(
                                             [" ".join(sl._NAME.findall(sl.normalize_typography(t))) for t in texts])
    assert names.nnz > 0 and abs(names - ref).max() < 1e-12
    assert sl._function_words() >= frozenset(ENGLISH_STOP_WORDS)


def test_cached_hashes_equal_fresh_ones_across_calls_and_a_full_cache() -> None:
    from detector.ml import hashing

    first = ["of the", "<w> of", "x", "", "Kyiv \u00e9", "\ud800"]  # a lone surrogate: sklearn's surrogatepass
    again = ["new one", "of the", "x", "of the"]

    def fresh(keys: list[str]) -> list[int]:
        return hashing.murmurhash3_32([k.encode("utf-8", "surrogatepass") for k in keys]).tolist()

    for keys in (first, again, first):
        assert hashing.cached_murmurhash3_32(keys).tolist() == fresh(keys)
    old = hashing._SEEN_MAX
    try:
        hashing._SEEN_MAX = 4  # cleared when full, and still right
        hashing._SEEN.clear()
        assert hashing.cached_murmurhash3_32(again).tolist() == fresh(again)
        assert set(hashing._SEEN) == {"new one", "of the", "x"}
        assert hashing.cached_murmurhash3_32(first).tolist() == fresh(first)
        assert set(hashing._SEEN) == {"<w> of", "", "Kyiv \u00e9", "\ud800"}  # 3 + 4 > 4: cleared, then the new ones
    finally:
        hashing._SEEN_MAX = old
