"""Line features, the JSON tree export and the shipped artefact."""

import json

import numpy as np
import pytest

from detector.boilerplate.data import align_labels
from detector.boilerplate.features import FEATURES, batch_features, line_features, tfidf_similarities
from detector.boilerplate.model import MODEL_DIR, TreeEnsemble, load_models

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


def test_feature_matrix_shape_and_fast_path_nan():
    X = line_features(ARTICLE)
    assert X.shape == (4, len(FEATURES))
    assert np.isnan(X[:, FEATURES.index("enc_max")]).all()
    calls = []

    def embed(texts):
        calls.append(len(texts))
        return np.eye(len(texts), 8, dtype=np.float32)

    (Xe,) = batch_features([ARTICLE], embed)
    assert len(calls) == 1  # one batched call; only candidates and context lines are embedded
    assert not np.isnan(Xe).any()


def test_tree_export_matches_sklearn():
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, len(FEATURES))).astype(np.float32)
    y = X[:, 0] + X[:, 3] * X[:, 5] > 0
    gbm = GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0).fit(X, y)
    model = TreeEnsemble.from_sklearn(gbm, list(FEATURES))
    again = TreeEnsemble.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(again.predict_proba(X), gbm.predict_proba(X)[:, 1], atol=1e-5)


def test_shipped_models_and_meta():
    models = load_models()
    assert set(models) == {"full", "fast"}
    assert "enc_max" not in models["fast"].features
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    for key in ("version", "features", "data", "validation_metrics", "seed"):
        assert key in meta
    assert 0.0 < models["full"].threshold < 1.0


def test_alignment_labels_lines_outside_the_body():
    body = "Russian forces shelled the city of Kharkiv overnight, regional officials said on Sunday."
    lines = ["Share this", "Russian forces shelled the city of Kharkiv overnight, regional officials said on Sunday.", "Kharkiv"]
    assert align_labels(lines, body) == [True, False, False]


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs(n):
    assert line_features(ARTICLE[:n]).shape == (n, len(FEATURES))
