"""False alarms users see on text that is not translated: every ``mt`` finding (rules and model
spans) on original-English articles, per article and per 1,000 words.

    python -m detector.eval.mt_clean                  # native news + the test half of WCXB sites
    python -m detector.eval.mt_clean --half tune --show 40 --no-model   # look at rule hits while tuning

Two populations: native English news (the WMT22 en-uk and en-hr sources, news documents only) and
general web (WCXB article bodies: news, how-tos, reviews, product pages). WCXB is split by site
(``sources.site_half``); rules are tuned on the "tune" half and reported on the "test" half.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from detector.article import Article
from detector.mt.model.sources import Doc, native_english, wcxb_bodies


def scan(docs: Sequence[Doc], model: bool = True, show: int = 0) -> dict:
    """Share of articles with any ``mt`` warning, warnings per 1,000 words, per-rule counts, and
    (with the model) the ``mt_probability`` distribution."""
    import numpy as np

    from detector.config import load_config
    from detector.findings import Severity
    from detector.scanner import Scanner

    overrides: dict = {"select": ["MT."]}
    if not model:
        overrides["ignore"] = ["MT.Model"]
    scanner = Scanner(load_config().with_overrides(overrides))
    reports = scanner.check_articles([Article(f"clean-{i}", d.text) for i, d in enumerate(docs)])
    words = sum(r.words for r in reports)
    counts = Counter(f"{f.rule}:{f.severity.value}" for r in reports for f in r.findings)
    warned = [r for r in reports if any(f.severity >= Severity.WARNING for f in r.findings)]
    shown = 0
    for doc, r in zip(docs, reports, strict=True):
        for f in r.findings:
            if f.severity >= Severity.WARNING and shown < show:
                a, b = max(0, f.start - 70), min(len(doc.text), f.end + 70)
                ctx = (doc.text[a:f.start] + "[[" + doc.text[f.start:f.end] + "]]" + doc.text[f.end:b]).replace("\n", " ⏎ ")
                print(f"{f.rule} {doc.domain}: …{ctx}…")
                shown += 1
    out = {"articles": len(reports), "words": words,
           "articles_with_mt_warning": len(warned),
           "share_with_mt_warning": round(len(warned) / max(len(reports), 1), 4),
           "warnings_per_1000_words": round(1000.0 * sum(v for k, v in counts.items() if not k.endswith(":info")) / max(words, 1), 4),
           "findings": dict(sorted(counts.items()))}
    p = np.array([r.mt_probability for r in reports if r.mt_probability is not None])
    if len(p):
        out["mt_probability"] = {"mean": round(float(p.mean()), 4), "share_at_least_0.5": round(float((p >= 0.5).mean()), 4)}
    return out


def measure(model: bool = True, half: str = "test", limit: int | None = None, show: int = 0,
            web_limit: int | None = None) -> dict:
    """Both populations; ``web_limit`` (default ``limit``) caps the WCXB articles (a fixed, seeded sample)."""
    import random

    web = wcxb_bodies(half)
    cap = web_limit if web_limit is not None else limit
    if cap is not None and cap < len(web):
        web = random.Random(0).sample(web, cap)
    from detector.mt.model.corpus import split_of

    native = [d for d in native_english("news") if split_of(d.group) != "dev"]  # dev: the MT model's calibration
    return {"native_news": scan(native[:limit], model, show),
            f"general_web_{half}_sites": scan(web, model, show)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--half", choices=("tune", "test"), default="test")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--web-limit", type=int, default=None, help="WCXB articles (a seeded sample; default --limit)")
    ap.add_argument("--no-model", action="store_true", help="rules only (fast)")
    ap.add_argument("--show", type=int, default=0, help="print the context of this many warnings")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    r = measure(not args.no_model, args.half, args.limit, args.show, args.web_limit)
    for name, m in r.items():
        print(f"{name}: {m['articles']} articles, {m['words']} words: {m['share_with_mt_warning']:.1%} with an mt warning, "
              f"{m['warnings_per_1000_words']:.3f} warnings/1,000 words; {m['findings']}")
    if args.out:
        args.out.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    return r


if __name__ == "__main__":
    main()
