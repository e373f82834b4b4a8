"""Does the outlet score rank outlets by their true defect load, with honest intervals?

Simulated outlets with a known truth: clean article bodies (WCXB ground-truth main content, WMT22
English references) are dealt to 40 outlets of 1–60 articles each; each outlet gets true defect
rates per category, drawn log-normal (deliberately *not* the gamma prior the model assumes) and
correlated through one latent quality; each article gets Poisson(rate × words/1000) findings per
category at random word positions. The reports go into a real results store, and phase 2 runs on
it unchanged — including ``Boilerplate.Repeated`` over the real texts, so any false alarms it
raises on clean text count against the score as they would in use.

Reported over several independent replicates: Spearman ρ of the score with the true load
(sign flipped, so 1 is perfect), the 90% interval's coverage of the true score, and for outlets
with ≤ 5 articles the error of the shrunk score against the raw per-outlet estimate.

    python -m detector.eval.outlets [--replicates 10] [--out bench/results/outlets.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from detector.article import Article, Document
from detector.config import DEFAULTS
from detector.findings import ArticleReport, Category, Finding, Severity
from detector.outlets import analyze_outlet
from detector.reliability import score_outlets
from detector.scoring import article_score
from detector.store import Store

#: Typical true rates per 1,000 words (median outlet) and their spread across outlets (log-sd).
BASE_RATES = {"mt": 0.4, "date": 0.15, "transliteration": 0.6, "language": 0.1, "grammar": 0.8, "boilerplate": 1.0}
LOG_SD = 1.0
QUALITY_CORR = 0.7  # how strongly one latent outlet quality drives all its categories


def load_texts(min_words: int = 60) -> list[str]:
    """Clean English article bodies from ../shared/data (WCXB main content, WMT22 references)."""
    from detector.datasets import iter_wcxb, iter_wmt22

    texts = [t for d in iter_wcxb() if len((t := d["ground_truth"].get("main_content") or "").split()) >= 100]
    for pair in ("uk-en", "ru-en"):
        texts += [t for d in iter_wmt22(pair) if len((t := "\n".join(d.ref)).split()) >= min_words]
    return texts


def simulate(store: Store, texts: Sequence[str], words: Sequence[int], rng: np.random.Generator,
             n_outlets: int = 40, max_articles: int = 60) -> dict[str, dict[str, float]]:
    """Write one simulated corpus into ``store``; returns each outlet's true rates per category."""
    sizes = np.clip(np.round(np.exp(rng.uniform(0, math.log(max_articles + 0.5), n_outlets))).astype(int), 1, max_articles)
    order = rng.permutation(len(texts))
    cursor = 0
    truth: dict[str, dict[str, float]] = {}
    reports = []
    scoring = DEFAULTS["scoring"]
    for o, n in enumerate(sizes):
        outlet = f"outlet-{o:02d}"
        quality = rng.normal()
        rates = {k: base * math.exp(LOG_SD * (QUALITY_CORR * quality + math.sqrt(1 - QUALITY_CORR**2) * rng.normal()))
                 for k, base in BASE_RATES.items()}
        truth[outlet] = rates
        for j in range(n):
            i = int(order[cursor % len(order)])
            cursor += 1
            published = dt.date(2022, 1, 1) + dt.timedelta(days=int(rng.integers(365)))
            article = Article(id=f"{outlet}-{j:03d}", text=texts[i], outlet=outlet, published=published)
            findings = _inject(article.text, rates, words[i], rng)
            reports.append(ArticleReport(article, findings, article_score(findings, words[i], scoring),
                                         language="en", words=words[i]))
    run = store.start_run(config={"simulation": BASE_RATES}, command="detector.eval.outlets")
    stored, errors = store.add_reports(reports, run)
    assert not errors, errors
    return truth


def _inject(text: str, rates: Mapping[str, float], words: int, rng: np.random.Generator) -> list[Finding]:
    doc = Document(Article("x", text))
    spans = list(doc.words_in(doc.span(0, len(text))))
    out = []
    for k, rate in rates.items():
        for _ in range(rng.poisson(rate * words / 1000.0)):
            s = spans[int(rng.integers(len(spans)))]
            out.append(Finding(f"Simulated.{k}", Category(k), Severity.WARNING, s.start, s.end, s.text,
                               f"simulated {k} defect"))
    return out


def evaluate(texts: Sequence[str], replicates: int = 10, seed: int = 0) -> dict[str, Any]:
    settings = DEFAULTS["outlets"]
    weights = settings["weights"]
    d0 = float(settings["d0"])
    words = [Document(Article("x", t)).words for t in texts]
    small_flags: list[bool] = []
    rhos, covered, small_eb, small_raw, big_eb, big_raw, n_out, seconds = [], [], [], [], [], [], 0, 0.0
    boiler, covered_ind = 0, []
    for r in range(replicates):
        rng = np.random.default_rng(seed + r)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "sim.db")
            truth = simulate(store, texts, words, rng)
            t0 = time.perf_counter()
            analyses = [analyze_outlet(store, o, settings) for o in store.outlets()]
            counts = {a.outlet: a.counts for a in analyses}
            scores, _ = score_outlets(counts, store.outlet_totals(), settings)
            seconds += time.perf_counter() - t0
            independent, _ = score_outlets(counts, store.outlet_totals(), {**settings, "correlated_categories": False})
            boiler += sum(a.rules.get("Boilerplate.Repeated", 0) for a in analyses)
            store.close()
        true_load = {o: sum(weights[k] * v for k, v in rates.items()) for o, rates in truth.items()}
        true_score = {o: 100 * math.exp(-d / d0) for o, d in true_load.items()}
        rho = stats.spearmanr([s.score for s in scores], [true_load[s.outlet] for s in scores])[0]
        rhos.append(-rho)
        covered_ind.extend(s.low <= true_score[s.outlet] <= s.high for s in independent)
        for s in scores:
            n_out += 1
            covered.append(s.low <= true_score[s.outlet] <= s.high)
            raw = 100 * math.exp(-sum(weights[k] * v for k, v in s.raw_rates.items()) / d0)
            small_flags.append(s.articles <= 5)
            (small_eb if s.articles <= 5 else big_eb).append(s.score - true_score[s.outlet])
            (small_raw if s.articles <= 5 else big_raw).append(raw - true_score[s.outlet])

    def rmse(xs: list[float]) -> float:
        return float(np.sqrt(np.mean(np.square(xs)))) if xs else float("nan")

    return {
        "replicates": replicates, "outlets": n_out, "texts": len(texts),
        "spearman_mean": float(np.mean(rhos)), "spearman_min": float(np.min(rhos)), "spearman_sd": float(np.std(rhos)),
        "coverage_90": float(np.mean(covered)),
        "coverage_90_small": float(np.mean([c for c, e in zip(covered, small_flags, strict=True) if e])),
        "coverage_90_independent_categories": float(np.mean(covered_ind)),
        "small_outlets": len(small_eb), "rmse_small_shrunk": rmse(small_eb), "rmse_small_raw": rmse(small_raw),
        "shrinkage_gain_small": 1 - rmse(small_eb) / rmse(small_raw),
        "rmse_large_shrunk": rmse(big_eb), "rmse_large_raw": rmse(big_raw),
        "boilerplate_repeated_on_clean_text": boiler,
        "phase2_seconds_per_replicate": seconds / replicates,
        "targets": {"spearman": ">= 0.9", "coverage_90": "0.85-0.95"},
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replicates", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("bench/results/outlets.json"))
    args = p.parse_args(argv)
    res = evaluate(load_texts(), args.replicates, args.seed)
    print(f"{res['replicates']} replicates × 40 simulated outlets (1–60 articles), {res['texts']} clean texts")
    print(f"{'metric':<44} {'value':>8}  target")
    print(f"{'Spearman(score, true load), mean':<44} {res['spearman_mean']:8.3f}  >= 0.9")
    print(f"{'Spearman, worst replicate':<44} {res['spearman_min']:8.3f}")
    print(f"{'90% interval coverage of true score':<44} {res['coverage_90']:8.3f}  0.85-0.95")
    print(f"{'  outlets with <=5 articles':<44} {res['coverage_90_small']:8.3f}")
    print(f"{'  categories treated as independent':<44} {res['coverage_90_independent_categories']:8.3f}")
    print(f"{'RMSE score, <=5 articles, raw (no shrinkage)':<44} {res['rmse_small_raw']:8.2f}")
    print(f"{'RMSE score, <=5 articles, empirical Bayes':<44} {res['rmse_small_shrunk']:8.2f}  "
          f"({100 * res['shrinkage_gain_small']:.0f}% lower, n={res['small_outlets']})")
    print(f"{'RMSE score, >5 articles, raw / EB':<44} {res['rmse_large_raw']:5.2f} / {res['rmse_large_shrunk']:.2f}")
    print(f"{'Boilerplate.Repeated on clean texts (all reps)':<44} {res['boilerplate_repeated_on_clean_text']:8d}")
    print(f"{'phase-2 seconds per replicate':<44} {res['phase2_seconds_per_replicate']:8.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
