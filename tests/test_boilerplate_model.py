"""Line features, the JSON tree export and the shipped artefact."""

import json

import numpy as np
import pytest

from detector.boilerplate.data import align_labels, host_lines, is_host_cue
from detector.boilerplate.features import FEATURES, batch_features, line_features, tfidf_similarities
from detector.boilerplate.model import MODEL_DIR, TreeEnsemble, load_model

ARTICLE = [
    "Russian forces shelled the city of Kharkiv overnight, regional officials said.",
    "The shelling of Kharkiv damaged apartment blocks and a school, officials in the region said.",
    "Residents of Kharkiv spent the night in metro stations as the shelling continued.",
    "Why $200m won’t convince teams about Andretti’s Formula 1 plans",
]


def test_tfidf_similarity_separates_off_topic_line():
    sims = tfidf_similarities(ARTICLE)
    assert sims[3] == 0.0
    assert min(sims[:3]) > 0.1


def test_feature_matrix_shape_and_batch_equals_single():
    X = line_features(ARTICLE)
    assert X.shape == (4, len(FEATURES)) and not np.isnan(X).any()
    (Xb,) = batch_features([ARTICLE])
    assert np.array_equal(X, Xb)
    assert not any(f.startswith("enc_") for f in FEATURES)  # no encoder columns since model 2


def test_tree_export_matches_sklearn():
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, len(FEATURES))).astype(np.float32)
    y = X[:, 0] + X[:, 3] * X[:, 5] > 0
    gbm = GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0).fit(X, y)
    model = TreeEnsemble.from_sklearn(gbm, list(FEATURES))
    again = TreeEnsemble.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(again.predict_proba(X), gbm.predict_proba(X)[:, 1], atol=1e-5)


def test_shipped_model_and_meta():
    model = load_model()
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    for key in ("version", "features", "data", "validation_metrics", "seed"):
        assert key in meta
    assert model.features == meta["features"] == list(FEATURES)
    assert meta["encoder"] is None and meta["version"].startswith("2.")
    assert 0.0 < model.threshold < 1.0


def test_alignment_labels_lines_outside_the_body():
    body = "Russian forces shelled the city of Kharkiv overnight, regional officials said on Sunday."
    lines = ["Share this", "Russian forces shelled the city of Kharkiv overnight, regional officials said on Sunday.", "Kharkiv"]
    assert align_labels(lines, body) == [True, False, False]


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs(n):
    assert line_features(ARTICLE[:n]).shape == (n, len(FEATURES))


@pytest.mark.parametrize("line, cue", [
    ("Also Read: Financial Fraud Detection Using Machine Learning", True),
    (">> Related: The Best Antivirus and VPN Bundles", True),
    ("(Related reading: the democratization of data.)", True),
    ("Read more about recent LG innovations.", False),
    ("Watch out for: some products contain elastane.", False),
    ("See also:", False),
])
def test_host_cue_lines(line, cue):
    assert is_host_cue(line) is cue


def test_host_lines_drop_cues_only_when_cleaning():
    body = "First paragraph of the article.\n\nREAD MORE: 8 best janitorial tools\nLast paragraph."
    assert host_lines(body, False) == (["First paragraph of the article.", "READ MORE: 8 best janitorial tools",
                                        "Last paragraph."], [])
    assert host_lines(body, True) == (["First paragraph of the article.", "Last paragraph."],
                                      ["READ MORE: 8 best janitorial tools"])
