"""The window head above the fixed encoder, the sentence-encoding cache, and the document model
built from them (the scanner's path and the training path must give the same probability)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detector.mt.model.window import WindowHead, windows


def test_windows_are_consecutive_sentences_within_the_word_budget() -> None:
    assert windows([100, 80, 150, 5], 190) == [(0, 2), (2, 4)]
    assert windows([400, 10], 190) == [(0, 1), (1, 2)]  # a long sentence is a window of its own
    assert windows([], 190) == []


def test_window_log_odds_is_the_mean_of_sentence_scores(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0.5, 1, (40, 6)), rng.normal(-0.5, 1, (40, 6))])
    y = [True] * 40 + [False] * 40
    head = WindowHead.fit(x, y, c=1.0)
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y, x @ head.weights + head.bias) > 0.8
    # Linear: scoring a window's mean vector equals averaging its sentences' scores.
    window = x[:3]
    assert head.sentence_scores(window).mean() + head.bias == pytest.approx(window.mean(0) @ head.weights + head.bias, abs=1e-4)
    # The standardisation is folded into the weights: the same decision function as sklearn's.
    mean, std = x.mean(0), x.std(0)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit((x - mean) / std, y)
    assert np.allclose(x @ head.weights + head.bias, lr.decision_function((x - mean) / std), atol=1e-6)
    assert WindowHead.load(tmp_path) is None
    head.save(tmp_path)
    again = WindowHead.load(tmp_path)
    assert again is not None and np.allclose(again.weights, head.weights) and again.bias == head.bias


def test_document_head_with_window_features_round_trips(tmp_path: Path) -> None:
    from detector.mt.model.doc_train import FEATURES_V2
    from detector.mt.model.document import WINDOW_FEATURES, DocumentHead, window_head_features
    from detector.mt.model.lexical import LexicalModel

    rng = np.random.default_rng(1)
    texts = [f"The council said on day {k} that the talks would continue." for k in range(8)]
    lexical = LexicalModel.fit(texts, [True] * 4 + [False] * 4)
    pooled = [rng.normal(0.8 if k < 4 else -0.8, 1, (3, 4)) for k in range(8)]
    window = WindowHead.fit(np.vstack(pooled), [True] * 12 + [False] * 12, c=1.0)
    votes = [(np.array([0.1, 0.0, -0.1]), np.array([9, 9, 9]), p) for p in pooled]
    head = DocumentHead.fit(lexical, votes, texts, [True] * 4 + [False] * 4, FEATURES_V2, window=window)
    p = head.probabilities(votes, texts)
    assert p[:4].min() > p[4:].max()
    assert head.weights[FEATURES_V2.index(WINDOW_FEATURES[0])] > 0
    # Without pooled states (a caller that has none) the window features are zeros, not an error.
    assert window_head_features(window, (np.array([0.1]), np.array([9]))).tolist() == [0.0, 0.0, 0.0]
    head.save(tmp_path)
    assert (tmp_path / "window.npz").is_file()
    again = DocumentHead.load(tmp_path)
    assert again is not None and again.window is not None
    assert np.allclose(again.probabilities(votes, texts), p)
    assert head.describe()["window"]["dim"] == 4


@pytest.fixture(scope="module")
def shipped():
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    if not (SHIPPED_DIR / "meta.json").is_file():
        pytest.skip("no shipped MT model")
    return MTModel.load(SHIPPED_DIR)


TEXT = ("The regional council approved the budget on Tuesday after a long debate.\n"
        "Officials said the money would go to schools and roads in the north of the region.\n"
        "Opposition members voted against it, saying the plan ignores rural hospitals.")


def test_sentence_cache_encodes_once_and_persists(shipped, tmp_path: Path) -> None:
    from detector.mt.model.sentence_cache import SentenceCache, voting_sentences

    sents = voting_sentences(TEXT)
    assert len(sents) == 3
    cache = SentenceCache(tmp_path / "c", shipped)
    assert cache.fill(sents + sents[:1]) == 3 and cache.fill(sents) == 0
    pooled, odds = cache.get(sents)
    assert pooled.shape == (3, 2 * shipped.encoder.dim) and odds.shape == (3,)
    reread = SentenceCache(tmp_path / "c")  # no model: reading needs none
    assert all(s in reread for s in sents)
    assert np.array_equal(reread.get(sents)[0], pooled)
    with pytest.raises(RuntimeError, match="not cached"):
        reread.fill(["A sentence that nobody has encoded yet, for sure."])


def test_cached_training_path_matches_the_scanner_path(shipped, tmp_path: Path) -> None:
    """A version-2 head scores a document from the cache (training, evaluation) as the scanner does."""
    import copy

    from detector.mt.model.doc_train import FEATURES_V2, Encodings, scorer
    from detector.mt.model.document import DocumentHead
    from detector.mt.model.lexical import LexicalModel
    from detector.mt.model.sentence_cache import SentenceCache

    texts = [TEXT, TEXT.replace("Tuesday", "Friday") + "\nIt is not known when the vote will be repeated, he said.",
             "I will not go there. There is no time for it, the minister said on Monday evening.",
             "We'll see; there's no rush, the minister said on Monday evening after the vote."]
    enc = Encodings(SentenceCache(tmp_path / "c", shipped))
    votes = [enc.votes(t) for t in texts]  # fills the cache on first use
    window = WindowHead.fit(np.vstack([v[2] for v in votes]), [k % 2 == 0 for k, v in enumerate(votes) for _ in v[2]], c=1.0)
    head = DocumentHead.fit(LexicalModel.fit(texts, [True, False, True, False]), votes, texts,
                            [True, False, True, False], FEATURES_V2, window=window)
    model = copy.copy(shipped)
    model.document = head
    cached = scorer(head, enc)(texts)
    runtime = [p.doc_probs["mt"] for p in model.predict(texts)]
    assert len(set(np.round(cached, 3))) > 1  # the head is not constant on these texts
    assert cached == pytest.approx(runtime, abs=2e-3)  # pooled states are cached as float16
