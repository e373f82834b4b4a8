"""Empirical-Bayes reliability: the prior fit, shrinkage, intervals, tiers, insufficient evidence."""

from __future__ import annotations

import numpy as np
import pytest

from detector.config import DEFAULTS
from detector.reliability import INSUFFICIENT, fit_gamma_prior, negbin_loglik, score_outlets, tier_for

SETTINGS = DEFAULTS["outlets"]


def test_prior_fit_recovers_gamma_parameters():
    rng = np.random.default_rng(1)
    alpha, beta = 2.0, 4.0  # mean rate 0.5 per 1,000 words
    exposure = rng.uniform(2, 40, 400)
    counts = rng.poisson(rng.gamma(alpha, 1 / beta, 400) * exposure)
    prior = fit_gamma_prior(counts, exposure)
    assert prior.method == "marginal-likelihood"
    assert prior.mean == pytest.approx(0.5, rel=0.15)
    assert prior.alpha == pytest.approx(alpha, rel=0.4)
    assert negbin_loglik(prior.alpha, prior.beta, counts, exposure) >= negbin_loglik(alpha, beta, counts, exposure)


def test_prior_fit_falls_back_without_evidence():
    assert fit_gamma_prior([0, 0, 0, 0], [3, 4, 5, 6]).method == "pooled-fallback"
    prior = fit_gamma_prior([5, 1], [2, 2])
    assert prior.method == "pooled-fallback" and prior.mean == pytest.approx(6.5 / 4)


def test_identical_outlets_give_a_tight_prior():
    prior = fit_gamma_prior([10] * 20, [10.0] * 20)  # no over-dispersion: all rates equal
    assert prior.mean == pytest.approx(1.0, rel=0.05) and prior.alpha > 50


def _totals(n_small_words=1000):
    counts = {f"o{i}": {"mt": c} for i, c in enumerate([2, 4, 3, 5, 4, 3, 2, 4])}
    totals = {f"o{i}": (10, 4000) for i in range(8)}
    counts["tiny"] = {"mt": 3}  # 3 defects in 1,000 words: raw rate 3.0, far above the others' ~0.9
    totals["tiny"] = (2, n_small_words)
    return counts, totals


def test_small_outlet_is_shrunk_towards_the_typical_rate():
    counts, totals = _totals()
    scores, priors = score_outlets(counts, totals, SETTINGS)
    tiny = next(s for s in scores if s.outlet == "tiny")
    assert tiny.raw_rates["mt"] == pytest.approx(3.0)
    assert priors["mt"].mean < tiny.rates["mt"] < tiny.raw_rates["mt"]
    assert tiny.tier == INSUFFICIENT and not tiny.sufficient
    assert scores[-1].outlet == "tiny"  # insufficient evidence ranks last


def test_more_evidence_narrows_the_interval():
    counts, totals = _totals()
    scores, _ = score_outlets(counts, totals, SETTINGS)
    big = next(s for s in scores if s.outlet == "o0")
    tiny = next(s for s in scores if s.outlet == "tiny")
    assert big.low <= big.score <= big.high
    assert (tiny.high - tiny.low) > (big.high - big.low)


def test_more_defects_lower_score():
    counts = {"a": {"mt": 1}, "b": {"mt": 10}, "c": {"mt": 30}}
    totals = {k: (20, 10000) for k in counts}
    scores, _ = score_outlets(counts, totals, SETTINGS)
    assert [s.outlet for s in scores] == ["a", "b", "c"]
    assert all(s.tier != INSUFFICIENT for s in scores)


def test_weights_decide_what_costs_most():
    totals = {k: (20, 10000) for k in "abcd"}
    counts = {"a": {"mt": 10}, "b": {"boilerplate": 10}, "c": {}, "d": {"mt": 2, "boilerplate": 3}}
    scores, _ = score_outlets(counts, totals, SETTINGS)
    by = {s.outlet: s.score for s in scores}
    assert by["b"] > by["a"]  # mt weighs 3.0, boilerplate 0.5


@pytest.mark.parametrize("score,tier", [(100, "High credibility"), (99.6, "High credibility"), (99.4, "Generally credible"),
                                        (75, "Generally credible"), (74.4, "Credible with some exceptions"),
                                        (60, "Credible with some exceptions"), (59, "Proceed with caution"),
                                        (40, "Proceed with caution"), (39.4, "Proceed with maximum caution"),
                                        (0, "Proceed with maximum caution")])
def test_newsguard_tiers(score, tier):
    assert tier_for(score, SETTINGS["tiers"]) == tier


def test_insufficient_below_minimum_words_even_with_many_articles():
    scores, _ = score_outlets({"a": {}}, {"a": (10, 1400)}, SETTINGS)
    assert scores[0].tier == INSUFFICIENT


def _correlated_outlets(rng, n=60):
    quality = rng.normal(size=n)
    exposure = rng.uniform(5, 40, n)
    rates = np.exp(np.outer(quality, [1.0, 1.0]))  # both categories move with quality
    counts = rng.poisson(rates * exposure[:, None])
    return counts, exposure


def test_category_correlation_is_recovered_and_kept_valid():
    from detector.reliability import category_correlation

    counts, exposure = _correlated_outlets(np.random.default_rng(3))
    priors = [fit_gamma_prior(counts[:, k], exposure) for k in range(2)]
    corr = category_correlation(counts, exposure, priors)
    assert corr[0, 1] > 0.5 and np.allclose(np.diag(corr), 1) and np.all(np.linalg.eigvalsh(corr) > 0)
    rng = np.random.default_rng(4)
    independent = rng.poisson(np.exp(rng.normal(size=(60, 2))) * exposure[:, None])
    priors = [fit_gamma_prior(independent[:, k], exposure) for k in range(2)]
    assert abs(category_correlation(independent, exposure, priors)[0, 1]) < 0.35


def test_correlated_categories_widen_thin_evidence_only():
    counts, exposure = _correlated_outlets(np.random.default_rng(3))
    settings = {**SETTINGS, "weights": {"mt": 1.0, "date": 1.0}}
    cnt = {f"o{i}": {"mt": int(c[0]), "date": int(c[1])} for i, c in enumerate(counts)}
    tot = {f"o{i}": (10, int(e * 1000)) for i, e in enumerate(exposure)}
    cnt["thin"], tot["thin"] = {"mt": 1, "date": 1}, (1, 300)
    width = {}
    for flag in (True, False):
        scores, _ = score_outlets(cnt, tot, {**settings, "correlated_categories": flag})
        width[flag] = {s.outlet: s.high - s.low for s in scores}
    assert width[True]["thin"] > 1.1 * width[False]["thin"]
    big = max(tot, key=lambda o: tot[o][1])
    assert width[True][big] < 1.1 * width[False][big]
