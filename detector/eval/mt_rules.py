"""Measure the explainable MT rules: false alarms on clean English, hits on MT versus human text.

    python -m detector.eval.mt_rules [--examples N] [--limit-wcxb N]

Clean original English: the WMT22 English sources (``generaltest2022.en-uk.src.en``, grouped into
pseudo-articles of 25 segments) and WCXB article bodies. Discrimination: each WMT22 uk-en / ru-en
document's human reference versus every system's output of the same document (same content, so the
rate difference is the translation, not the topic). Rates are findings per 1,000 words, per rule and
severity. Writes ``bench/results/mt_rules.json``. Reads ``../shared/data`` (never shipped).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from detector.article import Article, Document
from detector.checks.mt_rules import MTRulesCheck
from detector.datasets import iter_wcxb, iter_wmt22, wmt22_english_sources
from detector.findings import Finding

RESULTS = Path("bench/results/mt_rules.json")


def wmt_english_articles(group: int = 25) -> Iterator[str]:
    lines = wmt22_english_sources()
    for i in range(0, len(lines), group):
        yield "\n".join(lines[i:i + group])


def wcxb_articles(limit: int | None = None) -> Iterator[str]:
    n = 0
    for rec in iter_wcxb():
        body = rec["ground_truth"].get("main_content")
        if body:
            yield body
            n += 1
            if limit and n >= limit:
                return


class Tally:
    """Findings per rule and severity over a corpus, with words, time and a few examples."""

    def __init__(self) -> None:
        self.words = 0
        self.docs = 0
        self.seconds = 0.0
        self.by_rule: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)

    def add(self, doc: Document, findings: list[Finding], seconds: float, keep: int) -> None:
        self.docs += 1
        self.words += doc.words
        self.seconds += seconds
        for f in findings:
            key = f"{f.rule}:{f.severity.value}"
            self.by_rule[key] += 1
            if len(self.examples[key]) < keep:
                self.examples[key].append(_context(doc.text, f))

    def rate(self, key: str) -> float:
        return 1000.0 * self.by_rule[key] / max(self.words, 1)

    def warning_rate(self) -> float:
        n = sum(v for k, v in self.by_rule.items() if not k.endswith(":info"))
        return 1000.0 * n / max(self.words, 1)

    def to_dict(self) -> dict:
        return {
            "docs": self.docs, "words": self.words, "seconds": round(self.seconds, 2),
            "words_per_second": round(self.words / max(self.seconds, 1e-9)),
            "findings": dict(self.by_rule),
            "per_1000_words": {k: round(self.rate(k), 4) for k in sorted(self.by_rule)},
            "warning_or_above_per_1000_words": round(self.warning_rate(), 4),
        }


def _context(text: str, f: Finding, width: int = 60) -> str:
    return (text[max(0, f.start - width):f.start] + "[[" + f.text + "]]" + text[f.end:f.end + width]).replace("\n", " / ")


def _discrimination(mt: Tally, ref: Tally, keys: list[str]) -> dict[str, dict[str, float | None]]:
    """Per rule: rate on MT output, rate on the human reference, and their ratio (None when the
    human rate is 0: compare the rates then)."""
    out: dict[str, dict[str, float | None]] = {}
    for k in keys:
        a, b = mt.rate(k), ref.rate(k)
        out[k] = {"mt": round(a, 4), "human": round(b, 4), "ratio": round(a / b, 2) if b else None}
    return out


def run(check: MTRulesCheck, texts: Iterable[str], keep: int = 0) -> Tally:
    tally = Tally()
    for i, text in enumerate(texts):
        doc = Document(Article(id=str(i), text=text), language="en")
        t0 = time.perf_counter()
        found = list(check.check(doc))
        tally.add(doc, found, time.perf_counter() - t0, keep)
    return tally


def wmt_pairs(pair: str) -> tuple[list[str], list[str]]:
    refs, hyps = [], []
    for d in iter_wmt22(pair):
        refs.append("\n".join(d.ref))
        hyps.extend("\n".join(h) for h in d.hyps.values())
    return refs, hyps


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=0, help="print N examples per rule and corpus")
    ap.add_argument("--limit-wcxb", type=int, default=None)
    ap.add_argument("--output", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    check = MTRulesCheck()
    check.ensure_setup()
    corpora: dict[str, Tally] = {
        "clean:wmt22-en-src": run(check, wmt_english_articles(), args.examples),
        "clean:wcxb": run(check, wcxb_articles(args.limit_wcxb), args.examples),
    }
    for pair in ("uk-en", "ru-en"):
        refs, hyps = wmt_pairs(pair)
        corpora[f"{pair}:human-ref"] = run(check, refs, args.examples)
        corpora[f"{pair}:mt-output"] = run(check, hyps, args.examples)
    keys = sorted({k for t in corpora.values() for k in t.by_rule} | {f"{r.id}:{r.severity.value}" for r in check.rules})
    names = list(corpora)
    print(f"{'findings per 1,000 words':40s}" + "".join(f"{n:>20s}" for n in names))
    print(f"{'words':40s}" + "".join(f"{corpora[n].words:>20d}" for n in names))
    for k in keys:
        print(f"{k:40s}" + "".join(f"{corpora[n].rate(k):>20.3f}" for n in names))
    print(f"{'ALL warning+':40s}" + "".join(f"{corpora[n].warning_rate():>20.3f}" for n in names))
    clean_words = sum(corpora[n].words for n in names if n.startswith("clean:"))
    clean_warn = sum(corpora[n].warning_rate() * corpora[n].words for n in names if n.startswith("clean:")) / clean_words
    speed = corpora["clean:wcxb"]
    print(f"\nclean English, warning or above: {clean_warn:.3f} per 1,000 words (target <= 0.5) over {clean_words} words")
    print(f"speed: {speed.docs / speed.seconds:.1f} articles/s, {speed.words / speed.seconds:,.0f} words/s (WCXB, one core)")
    if args.examples:
        for n in names:
            for k, ex in sorted(corpora[n].examples.items()):
                for e in ex:
                    print(f"  {n} {k}: {e}")
    result = {
        "clean_warning_or_above_per_1000_words": round(clean_warn, 4),
        "target": 0.5,
        "corpora": {n: t.to_dict() for n, t in corpora.items()},
        "mt_vs_human": {pair: _discrimination(corpora[f"{pair}:mt-output"], corpora[f"{pair}:human-ref"], keys)
                        for pair in ("uk-en", "ru-en")},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
