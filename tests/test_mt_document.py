"""The MT document head: typography-blind lexical n-grams stacked with sentence votes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from detector.mt.model.document import DocumentHead, sentence_log_odds
from detector.mt.model.lexical import LexicalModel, counts, normalize_typography

MT_STYLE = ["I will not go there. There is no time.", "We will call you. I am not sure it is possible.",
            "I do not know. It is not ready and I will wait.", "There is a problem. We can not do it."]
HUMAN_STYLE = ["I'll skip it; there's no time.", "We'll call you; I'm not sure that's doable.",
               "Don't know. It's not ready; I'll wait.", "There's a snag; we can't do it."]


@pytest.fixture(scope="module")
def lexical() -> LexicalModel:
    return LexicalModel.fit(MT_STYLE + HUMAN_STYLE, [True] * 4 + [False] * 4, c=10.0)


def test_typography_is_normalised_before_counting() -> None:
    assert normalize_typography("“It’s — fine…”") == '"It\'s - fine..."'
    assert (counts(["I’m “here” — now"]) != counts(["I'm \"here\" - now"])).nnz == 0


def test_lexical_model_prefers_literal_uncontracted_phrasing(lexical: LexicalModel) -> None:
    mt, human = lexical.scores(["I will not come, there is no need.", "I'll not come; there's no need."])
    assert mt > 0 > human
    # Curly apostrophes (typical of human references in WMT) give no extra evidence of "human".
    assert lexical.scores(["I’ll not come; there’s no need."])[0] == pytest.approx(human)


def test_lexical_model_round_trips_without_pickle(lexical: LexicalModel, tmp_path: Path) -> None:
    path = tmp_path / "lexical.npz"
    lexical.save(path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["buckets.npy", "coef.npy", "idf.npy", "scalars.npy"]
    again = LexicalModel.load(path)
    texts = MT_STYLE[:1] + HUMAN_STYLE[:1] + ["words never seen in training at all"]
    assert np.allclose(again.scores(texts), lexical.scores(texts), atol=1e-5)
    assert lexical.scores([]).shape == (0,)


def test_sentence_log_odds_is_the_mean_vote() -> None:
    logp = np.log(np.array([[0.2, 0.8], [0.5, 0.5]]))  # columns: human, mt
    assert sentence_log_odds(logp, positive=1) == pytest.approx(np.log(4.0) / 2)
    assert sentence_log_odds(logp, positive=0) == pytest.approx(-np.log(4.0) / 2)
    assert sentence_log_odds(np.zeros((0, 2)), positive=1) == 0.0


def test_document_head_combines_both_views_and_round_trips(lexical: LexicalModel, tmp_path: Path) -> None:
    texts = MT_STYLE + HUMAN_STYLE
    votes = [0.3, 0.1, 0.2, -0.1, -0.2, 0.0, -0.3, 0.1]  # noisy sentence votes, leaning the right way
    head = DocumentHead.fit(lexical, votes, texts, [True] * 4 + [False] * 4)
    assert (head.weights > 0).all()  # both views count as evidence of MT
    p = head.probabilities([0.0, 0.0, 1.0], ["I will not wait.", "I'll not wait.", "I'll not wait."])
    assert p[0] > p[1] and p[2] > p[1] and ((0 < p) & (p < 1)).all()
    assert DocumentHead.load(tmp_path) is None  # no head saved: callers fall back to sentence votes
    head.save(tmp_path)
    again = DocumentHead.load(tmp_path)
    assert again is not None and np.allclose(again.probabilities([0.5], ["I will go."]), head.probabilities([0.5], ["I will go."]))
    assert head.describe()["features"] == ["sentence_log_odds", "lexical_log_odds"]


def test_window_scores_average_consecutive_sentences_up_to_the_word_budget() -> None:
    from detector.mt.model.document import window_scores

    odds = np.array([1.0, 3.0, -2.0, 0.0])
    words = np.array([100, 80, 150, 5])
    assert window_scores(odds, words, max_words=190).tolist() == [2.0, -1.0]
    assert window_scores(np.array([0.5]), np.array([400])).tolist() == [0.5]  # a long sentence is its own window


def test_version_2_head_uses_windows_and_evidence_and_round_trips(lexical: LexicalModel, tmp_path: Path) -> None:
    from detector.mt.model.doc_train import FEATURES_V2

    texts = [t + " The mayor said the talks would continue." for t in MT_STYLE + HUMAN_STYLE]
    votes = [(np.array([0.4, 0.2 - k * 0.01]), np.array([9, 7])) for k in range(4)]
    votes += [(np.array([-0.3, 0.1 - k * 0.01]), np.array([9, 7])) for k in range(4)]
    head = DocumentHead.fit(lexical, votes, texts, [True] * 4 + [False] * 4, FEATURES_V2)
    assert head.features == FEATURES_V2 and head.scale is not None and head.scale.shape == (2, len(FEATURES_V2))
    p = head.probabilities(votes, texts)
    assert p[:4].mean() > p[4:].mean()
    head.save(tmp_path)
    again = DocumentHead.load(tmp_path)
    assert again is not None and again.features == FEATURES_V2
    assert np.allclose(again.probabilities(votes, texts), p)
    assert head.describe()["features"] == list(FEATURES_V2)


def test_evidence_counts_mt_artefacts_per_1000_words_and_lexical_diversity() -> None:
    from detector.mt.model.evidence import FEATURES, evidence, mattr

    clean = "Residents gathered outside city hall on Tuesday, and the mayor said talks would continue. " * 3
    slips = clean + "In the center of town.. It prevented the convoy. The tank was towed, so I didn't know."
    e_clean, e_slips = evidence(clean), evidence(slips)
    assert len(e_clean) == len(FEATURES)
    rules = FEATURES.index("mt_rule_findings_per_1000_words")
    assert e_clean[rules] == 0.0 and e_slips[rules] > 0.0
    assert mattr(["a", "b", "c", "d"]) == 1.0 and mattr(["a", "a", "a", "a"]) == 0.25
