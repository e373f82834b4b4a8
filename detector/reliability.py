"""Outlet reliability: empirical-Bayes gamma-Poisson defect rates, a score, an interval, a tier.

For each category k and outlet o, the defect count c is Poisson(λ_ok · E_o) with exposure E_o =
words/1000, and the rates λ_ok of all outlets share a Gamma(α_k, β_k) prior (shape, rate). The
prior is fitted by maximising the negative-binomial marginal likelihood of the counts across
outlets (the classic empirical-Bayes treatment of rates with unequal exposure: Clayton & Kaldor
1987, "Empirical Bayes estimates of age-standardized relative risks for use in disease mapping").
Each outlet's rate is then the posterior mean (α_k + c)/(β_k + E): an outlet with three articles
is pulled towards the typical rate, one with sixty speaks for itself.

The load D = Σ_k w_k·λ_k and the score 100·exp(−D/D0); the interval comes from sampling the
independent Gamma posteriors. The formula and settings are documented in docs/reliability.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, special, stats

#: Tier labels (NewsGuard's five-band scale) by config key, best first.
TIER_LABELS = {
    "high": "High credibility",
    "generally_credible": "Generally credible",
    "credible_with_exceptions": "Credible with some exceptions",
    "proceed_with_caution": "Proceed with caution",
    "maximum_caution": "Proceed with maximum caution",
}
INSUFFICIENT = "Insufficient evidence"


@dataclass(frozen=True)
class GammaPrior:
    """Gamma(shape=alpha, rate=beta) on a defect rate per 1,000 words."""

    alpha: float
    beta: float
    method: str = "marginal-likelihood"

    @property
    def mean(self) -> float:
        return self.alpha / self.beta


def negbin_loglik(alpha: float, beta: float, counts: np.ndarray, exposure: np.ndarray) -> float:
    """log p(counts | α, β) with λ integrated out: Σ log NB(c; α, β/(β+E)) (constants in c dropped)."""
    return float(np.sum(
        special.gammaln(alpha + counts) - special.gammaln(alpha)
        + alpha * np.log(beta / (beta + exposure)) + counts * np.log(exposure / (beta + exposure))
    ))


def fit_gamma_prior(counts: Sequence[float], exposure: Sequence[float], min_groups: int = 3) -> GammaPrior:
    """Fit Gamma(α, β) by maximising the negative-binomial marginal likelihood.

    With fewer than ``min_groups`` outlets, or no defect at all, the data cannot separate α from β;
    the fallback is an exponential prior (α = 1) centred on the pooled rate with half a defect
    added, which is weak (worth about one outlet) and never claims a zero rate.
    """
    c = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    keep = e > 0
    c, e = c[keep], e[keep]
    pooled = (c.sum() + 0.5) / max(e.sum(), 1e-9)
    if len(c) < min_groups or c.sum() == 0:
        return GammaPrior(1.0, 1.0 / pooled, "pooled-fallback")
    rates = c / e
    mean = max(rates.mean(), pooled * 0.1, 1e-6)
    var = rates.var(ddof=1) if len(rates) > 1 else mean**2
    a0 = float(np.clip(mean**2 / max(var - mean / e.mean(), mean**2 / 50.0), 0.05, 50.0))  # moments start

    def nll(theta: np.ndarray) -> float:
        a, b = np.exp(theta)
        return -negbin_loglik(a, b, c, e)

    x0 = np.log([a0, a0 / mean])
    # α in [1e-3, 1e4]: the upper bound is "no over-dispersion" (a common rate), reached when
    # outlets differ no more than Poisson noise allows.
    bounds = [(math.log(1e-3), math.log(1e4)), (math.log(1e-6), math.log(1e8))]
    res = optimize.minimize(nll, x0, method="L-BFGS-B", bounds=bounds)
    alpha, beta = (float(v) for v in np.exp(res.x))
    if not np.isfinite(alpha) or not np.isfinite(beta):
        return GammaPrior(1.0, 1.0 / pooled, "pooled-fallback")
    return GammaPrior(alpha, beta)


def category_correlation(counts: np.ndarray, exposure: np.ndarray, priors: Sequence[GammaPrior],
                         min_exposure: float = 1.0) -> np.ndarray:
    """Correlation of the true rates between categories across outlets (method of moments).

    Given the rates, Poisson noise is independent across categories, so the covariance of the raw
    rates c/E between two categories estimates the covariance of the rates themselves; each
    rate's variance is the fitted prior's α/β². Clipped to a valid correlation matrix.
    """
    k = counts.shape[1]
    keep = exposure >= min_exposure
    if keep.sum() < 5:
        return np.eye(k)
    rates = counts[keep] / exposure[keep, None]
    cov = np.cov(rates, rowvar=False)
    sd = np.sqrt([p.alpha / p.beta**2 for p in priors])
    corr = np.clip(cov / np.outer(sd, sd), -0.95, 0.95)
    np.fill_diagonal(corr, 1.0)
    return _nearest_correlation(corr)


def _nearest_correlation(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((m + m.T) / 2)
    fixed = vecs @ np.diag(np.clip(vals, 1e-6, None)) @ vecs.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def posterior_draws(shape: np.ndarray, rate: np.ndarray, prior_corr: np.ndarray, shrink: np.ndarray,
                    n: int, rng: np.random.Generator) -> np.ndarray:
    """n × K draws of the rates: exact gamma posterior marginals joined by a Gaussian copula.

    The copula's correlation is the prior correlation scaled by sqrt(B_k·B_l), B = β/(β+E) the
    weight the prior still has in each posterior (to first order the posterior correlation of a
    correlated prior updated by independent data): thin evidence keeps the categories moving
    together as they do across outlets; abundant evidence makes them independent.
    """
    corr = prior_corr * np.sqrt(np.outer(shrink, shrink))
    np.fill_diagonal(corr, 1.0)
    z = rng.standard_normal((n, len(shape))) @ np.linalg.cholesky(_nearest_correlation(corr)).T
    return stats.gamma.ppf(stats.norm.cdf(z), shape, scale=1.0 / rate)


@dataclass
class OutletScore:
    """An outlet's reliability: score with interval, tier, and the per-category evidence."""

    outlet: str
    articles: int
    words: int
    score: float
    low: float
    high: float
    tier: str
    sufficient: bool
    load: float
    counts: dict[str, int] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)  # posterior mean per 1,000 words
    raw_rates: dict[str, float] = field(default_factory=dict)  # c / E, no shrinkage
    #: Copies across outlets (``detector.copies.evidence``): rewrite and syndication shares; empty without a copy index.
    copies: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet, "score": round(self.score, 1), "interval": [round(self.low, 1), round(self.high, 1)],
            "tier": self.tier, "sufficient_evidence": self.sufficient, "articles": self.articles, "words": self.words,
            "load": round(self.load, 4), "counts": self.counts,
            "rates_per_1000_words": {k: round(v, 4) for k, v in self.rates.items()},
            "raw_rates_per_1000_words": {k: round(v, 4) for k, v in self.raw_rates.items()},
            **({"copies": self.copies} if self.copies else {}),
        }


def tier_for(score: float, tiers: Mapping[str, float]) -> str:
    """The NewsGuard-style band of a (rounded) score; ``tiers`` maps config key → lowest score."""
    s = round(score)
    for key, floor in sorted(tiers.items(), key=lambda kv: -float(kv[1])):
        if s >= float(floor):
            return TIER_LABELS.get(key, key.replace("_", " ").capitalize())
    return TIER_LABELS["maximum_caution"]


def score_outlets(
    counts: Mapping[str, Mapping[str, int]],
    totals: Mapping[str, tuple[int, int]],
    settings: Mapping[str, Any],
    priors: Mapping[str, GammaPrior] | None = None,
) -> tuple[list[OutletScore], dict[str, GammaPrior]]:
    """Score every outlet in ``totals`` (outlet → (articles, words)) from its defect ``counts``.

    Returns the scores, best first (outlets with insufficient evidence last), and the fitted priors.
    """
    weights = {k: float(v) for k, v in settings["weights"].items()}
    d0 = float(settings["d0"])
    outlets = sorted(totals)
    exposure = np.array([max(totals[o][1], 1) / 1000.0 for o in outlets])
    fitted = dict(priors or {})
    for k in weights:
        if k not in fitted:
            fitted[k] = fit_gamma_prior([counts.get(o, {}).get(k, 0) for o in outlets], exposure)
    cats = list(weights)
    matrix = np.array([[counts.get(o, {}).get(k, 0) for k in cats] for o in outlets], dtype=float).reshape(len(outlets), len(cats))
    corr = (category_correlation(matrix, exposure, [fitted[k] for k in cats])
            if settings.get("correlated_categories", True) else np.eye(len(cats)))
    w = np.array([weights[k] for k in cats])
    rng = np.random.default_rng(int(settings.get("seed", 0)))
    n = int(settings.get("samples", 4000))
    tail = (1.0 - float(settings.get("interval", 0.9))) / 2.0
    out = []
    for i, o in enumerate(outlets):
        arts, words = totals[o]
        e = exposure[i]
        cs = {k: int(counts.get(o, {}).get(k, 0)) for k in weights}
        rates = {k: (fitted[k].alpha + cs[k]) / (fitted[k].beta + e) for k in weights}
        load = sum(weights[k] * rates[k] for k in weights)
        shape = np.array([fitted[k].alpha + cs[k] for k in cats])
        rate = np.array([fitted[k].beta + e for k in cats])
        shrink = np.array([fitted[k].beta for k in cats]) / rate
        draws = posterior_draws(shape, rate, corr, shrink, n, rng) @ w
        sample_scores = 100.0 * np.exp(-draws / d0)
        score = 100.0 * math.exp(-load / d0)
        sufficient = arts >= int(settings["min_articles"]) and words >= int(settings["min_words"])
        out.append(OutletScore(
            outlet=o, articles=arts, words=words, score=score,
            low=float(np.quantile(sample_scores, tail)), high=float(np.quantile(sample_scores, 1 - tail)),
            tier=tier_for(score, settings["tiers"]) if sufficient else INSUFFICIENT, sufficient=sufficient,
            load=load, counts=cs, rates=rates, raw_rates={k: cs[k] / e for k in weights},
        ))
    out.sort(key=lambda s: (not s.sufficient, -s.score, s.outlet))
    return out, fitted
