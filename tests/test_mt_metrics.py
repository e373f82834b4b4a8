"""The bootstrap interval reported beside the document AUC of `make eval-mt`."""

from __future__ import annotations

import numpy as np

from detector.mt.model.metrics import auc_interval


def test_perfect_ranking_has_a_degenerate_interval() -> None:
    y = [False, True] * 20
    groups = [f"d{i // 2}" for i in range(40)]
    assert auc_interval(y, [0.1 if not t else 0.9 for t in y], groups, n=200) == (1.0, 1.0)


def test_chance_scores_give_an_interval_around_one_half() -> None:
    rng = np.random.default_rng(1)
    y = [False, True] * 100
    lo, hi = auc_interval(y, rng.random(200).tolist(), [f"d{i // 2}" for i in range(200)], n=500)
    assert lo < 0.5 < hi and 0.1 < hi - lo < 0.3


def test_resampling_by_group_widens_the_interval_when_versions_repeat() -> None:
    """Ten copies of each document are one piece of evidence, not ten: the grouped interval is as
    wide as the one of the distinct documents, far wider than treating copies as independent."""
    rng = np.random.default_rng(2)
    y0, s0 = [False, True] * 20, rng.random(40).tolist()
    y, s = y0 * 10, s0 * 10
    grouped = auc_interval(y, s, [f"d{i % 40 // 2}" for i in range(400)], n=500)
    naive = auc_interval(y, s, [str(i) for i in range(400)], n=500)
    assert (grouped[1] - grouped[0]) > 2 * (naive[1] - naive[0])
