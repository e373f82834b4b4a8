"""The line classifier: gradient-boosted trees stored as plain JSON arrays, evaluated with numpy.

Trained by ``detector.boilerplate.train`` with scikit-learn's GradientBoostingClassifier and exported
tree by tree (feature, threshold, children, leaf value), so the shipped artefact is a small readable
file and prediction needs neither pickle nor scikit-learn. One model ships (model 2 has no encoder
columns; model 1 had a MiniLM ``full`` variant beside the TF-IDF ``fast`` one).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detector.boilerplate.features import FEATURES

MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "boilerplate"


@dataclass
class TreeEnsemble:
    """A binary boosted-tree classifier over a subset of ``FEATURES``, with its decision threshold."""

    features: list[str]
    init: float
    learning_rate: float
    trees: list[dict[str, list[Any]]]
    threshold: float = 0.5

    @classmethod
    def from_sklearn(cls, gbm: Any, features: Sequence[str], threshold: float = 0.5) -> TreeEnsemble:
        """Export a fitted binary ``GradientBoostingClassifier`` (log-loss)."""
        init = float(gbm._raw_predict_init(np.zeros((1, len(features)), dtype=np.float32))[0, 0])
        trees = []
        for est in gbm.estimators_[:, 0]:
            t = est.tree_
            trees.append({
                "feature": t.feature.tolist(),
                "threshold": [float(x) for x in t.threshold],  # exact: features often sit on a split
                "left": t.children_left.tolist(),
                "right": t.children_right.tolist(),
                "value": [round(float(v), 6) for v in t.value[:, 0, 0]],
            })
        return cls(list(features), init, float(gbm.learning_rate), trees, threshold)

    def columns(self) -> list[int]:
        return [FEATURES.index(f) for f in self.features]

    def decision_function(self, X_full: np.ndarray) -> np.ndarray:
        """Raw log-odds for rows of the full feature matrix (columns picked by name)."""
        X = X_full[:, self.columns()].astype(np.float32)  # compared in float32, as scikit-learn does
        raw = np.full(len(X), self.init)
        rows = np.arange(len(X))
        for t in self.trees:
            feature, thr = np.asarray(t["feature"]), np.asarray(t["threshold"])
            left, right, value = np.asarray(t["left"]), np.asarray(t["right"]), np.asarray(t["value"])
            node = np.zeros(len(X), dtype=np.int64)
            while True:
                inner = left[node] != -1
                if not inner.any():
                    break
                f = feature[node[inner]]
                go_left = X[rows[inner], f] <= thr[node[inner]]
                node[inner] = np.where(go_left, left[node[inner]], right[node[inner]])
            raw += self.learning_rate * value[node]
        return raw

    def predict_proba(self, X_full: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision_function(X_full)))

    def to_dict(self) -> dict[str, Any]:
        return {"features": self.features, "init": self.init, "learning_rate": self.learning_rate,
                "threshold": self.threshold, "trees": self.trees}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TreeEnsemble:
        return cls(d["features"], d["init"], d["learning_rate"], d["trees"], d.get("threshold", 0.5))


def save_model(model: TreeEnsemble, folder: Path = MODEL_DIR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.json"
    path.write_text(json.dumps(model.to_dict(), separators=(",", ":")), encoding="utf-8")
    return path


def load_model(folder: Path = MODEL_DIR) -> TreeEnsemble:
    """The shipped line classifier."""
    return TreeEnsemble.from_dict(json.loads((folder / "model.json").read_text(encoding="utf-8")))
