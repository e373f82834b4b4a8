"""Evaluate the boilerplate check on sites it never saw: ``python -m detector.eval.boilerplate`` (``make eval-boilerplate``).

Every set comes from the *test sites* of ``detector.boilerplate.data.site_split`` (a hash of the
domain; training uses the train sites, thresholds and rules were tuned on the val sites only):

* ``clean_articles``: the WCXB reference bodies of the test sites, untouched. The headline is the
  share of these articles with any boilerplate finding at warning or above: what a user sees.
  ``clean_articles_no_host_cues`` first drops the publishers' own cue lines ("Also read: <headline>")
  by the fixed ``HOST_CUE_RE`` (independent of any system's output), which are furniture.
* ``clean_native_news``, ``clean_reference_news`` (test runs only): clean news from another source
  (the WMT test sets, ``detector.eval.boilerplate_clean``), never looked at while tuning: the same
  flag rate, each with a Wilson 95% interval, as a second check that the headline holds.
* ``injected``: the same bodies with 1–3 furniture blocks each (widgets, teasers, real ``without``
  snippets of other test-site pages, author boxes, headers): block P/R/F1, recall per kind.
* ``trafilatura``: the ScrapingHub test pages through trafilatura's default extraction, each line
  labelled by alignment to the ground truth: the real leftovers (line and block P/R/F1).
* ``scrapinghub``: the same pages as every visible line (a diagnostic: most of it is the page).

Systems on the same lines: the check (TF-IDF topicality, no encoder since model 2), jusText (each
line a paragraph; Pomikálek 2011) and the C4 line rule (Raffel et al. 2020). The line-level numbers are kept
as diagnostics. Block metrics: an injected block is found when at least half its lines are flagged; a
predicted block is a maximal run of flagged lines, correct when at least half of it is furniture.
Writes ``bench/results/boilerplate.json``; ``detector.eval.boilerplate_outlets`` adds the
cross-article measurement of ``Boilerplate.Repeated``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from detector.article import Article, Document
from detector.boilerplate.cues import cue_kind
from detector.boilerplate.data import LabelledDoc, scrapinghub_docs, trafilatura_docs, wcxb_injected
from detector.eval.boilerplate_clean import other_clean_sets, wilson
from detector.findings import Severity

RESULTS = Path(__file__).resolve().parent.parent.parent / "bench" / "results" / "boilerplate.json"
DETECTOR = "detector"
#: Which rules count as naming an injected kind correctly.
EXPECTED_RULES = {
    "widget": {"Boilerplate.Widget", "Boilerplate.Teaser"},
    "teaser": {"Boilerplate.Teaser", "Boilerplate.Widget"},
    "furniture": {"Boilerplate.Prompt", "Boilerplate.Widget", "Boilerplate.Header"},
    "authorbox": {"Boilerplate.AuthorBox"},
    "header": {"Boilerplate.Header"},
}
#: Rules that mark a line as not the author's prose without calling it furniture: left out of the
#: furniture metrics (a byline is the article's own credit).
NOT_FURNITURE = {"Boilerplate.Byline"}
_C4_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")


@dataclass
class Pred:
    """One system's verdict on one article: the rule (or "flag") per line, and the warning-level rules."""

    lines: list[str | None]
    warnings: set[str]
    warned: list[bool] | None = None  # per line, flagged at warning level (None: every flag is one)


Predictor = Callable[[list[LabelledDoc]], list[Pred]]


# -- systems ------------------------------------------------------------------------------------
def check_predictor(**settings: float) -> tuple[Predictor, dict[str, float]]:
    """The boilerplate check, timed (the seconds of ``check_batch`` only, not the parsing)."""
    from detector.checks.boilerplate import BoilerplateCheck

    check = BoilerplateCheck(settings)
    check.ensure_setup()
    timing = {"seconds": 0.0, "articles": 0}

    def predict(docs: list[LabelledDoc]) -> list[Pred]:
        parsed = [Document(Article(id=d.id, text=d.text, title=d.title or None, url=d.url or None)) for d in docs]
        t0 = time.perf_counter()
        results = []
        for b in range(0, len(parsed), 32):
            results.extend(check.check_batch(parsed[b:b + 32]))
        timing["seconds"] += time.perf_counter() - t0
        timing["articles"] += len(docs)
        out = []
        for d, doc, res in zip(docs, parsed, results, strict=True):
            assert len(doc.lines) == len(d.lines), d.id
            starts = {ln.start: i for i, ln in enumerate(doc.lines)}
            rules: list[str | None] = [None] * len(doc.lines)
            warned = [False] * len(doc.lines)
            for f in res.findings:
                i = starts[f.start]
                while i < len(doc.lines) and doc.lines[i].end <= f.end:
                    rules[i] = f.rule
                    warned[i] = f.severity.rank >= Severity.WARNING.rank
                    i += 1
            out.append(Pred(rules, {f.rule for f in res.findings if f.severity.rank >= Severity.WARNING.rank}, warned))
        return out

    return predict, timing


def _flags(flags: list[bool]) -> Pred:
    return Pred(["flag" if f else None for f in flags], {"flag"} if any(flags) else set())


def justext_predict(docs: list[LabelledDoc]) -> list[Pred]:
    import justext

    stop = justext.get_stoplist("English")
    out = []
    for d in docs:
        html = "<html><body>" + "".join(f"<p>{escape(x)}</p>" for x in d.lines) + "</body></html>"
        flags = [p.is_boilerplate for p in justext.justext(html.encode("utf-8"), stop)]
        out.append(_flags(flags if len(flags) == len(d.lines) else [True] * len(d.lines)))
    return out


def c4_flags(line: str) -> bool:
    low = line.lower()
    return (
        not re.search(r"""[.!?]["'”’)]*$""", line.strip()) or len(line.split()) < 5 or "javascript" in low
        or "lorem ipsum" in low or "{" in line or any(p in low for p in _C4_POLICY)
    )


def c4_predict(docs: list[LabelledDoc]) -> list[Pred]:
    return [_flags([c4_flags(x) for x in d.lines]) for d in docs]


# -- metrics ------------------------------------------------------------------------------------
def _prf(tp: float, n_pred: float, n_true: float) -> dict[str, float]:
    p, r = tp / max(n_pred, 1), tp / max(n_true, 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4)}


def _runs(flag: list[bool]) -> list[tuple[int, int]]:
    out, i = [], 0
    while i < len(flag):
        if flag[i]:
            j = i
            while j < len(flag) and flag[j]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def article_rate(docs: list[LabelledDoc], preds: list[Pred]) -> dict:
    """Share of (untouched) articles with any warning-level finding, and which rules fire."""
    warned = [bool(p.warnings) for p in preds]
    fired = Counter(r for p in preds for r in p.warnings)
    examples = [{"id": d.id, "site": d.site, "rule": p.lines[i], "line": d.lines[i][:100]}
                for d, p in zip(docs, preds, strict=True) if p.warnings
                for i in range(len(d.lines)) if p.lines[i] in p.warnings][:40]
    return {"articles": len(docs), "flagged": sum(warned), "flag_rate": round(sum(warned) / max(len(docs), 1), 4),
            "wilson_95": wilson(sum(warned), len(docs)), "by_rule": dict(fired.most_common()), "examples": examples}


def score(docs: list[LabelledDoc], preds: list[Pred]) -> dict:
    """Block and line P/R/F1 of every finding against the labels, recall per kind, precision per rule."""
    tp_lines = n_flag = n_true = clean = clean_flag = 0
    blocks_found = blocks = runs = runs_ok = cue_fp = found_warned = 0
    per_kind = {k: {"blocks": 0, "found": 0, "named": 0} for k in {k for d in docs for *_, k in d.blocks}}
    per_rule: dict[str, dict[str, int]] = {}
    for d, pred in zip(docs, preds, strict=True):
        flag = [p is not None and p not in NOT_FURNITURE for p in pred.lines]
        for y, f in zip(d.labels, flag, strict=True):
            tp_lines += y and f
            n_flag += f
            n_true += y
            clean += not y
            clean_flag += f and not y
        for first, end, kind in d.blocks:
            found = sum(flag[first:end]) * 2 >= end - first
            rules = {pred.lines[i] for i in range(first, end)} - {None} - NOT_FURNITURE
            blocks += 1
            blocks_found += found
            warned = pred.warned if pred.warned is not None else flag
            found_warned += sum(warned[first:end]) * 2 >= end - first
            pk = per_kind[kind]
            pk["blocks"] += 1
            pk["found"] += found
            pk["named"] += found and bool(rules & EXPECTED_RULES.get(kind, rules))
        for i, j in _runs(flag):
            runs += 1
            ok = 2 * sum(d.labels[i:j]) >= j - i  # mostly furniture, so flagging everything is no block
            runs_ok += ok
            cue_fp += not ok and cue_kind(d.lines[i]) is not None
            for rule in {pred.lines[k] for k in range(i, j)} - {None} - NOT_FURNITURE:
                r = per_rule.setdefault(rule, {"blocks": 0, "correct": 0})
                r["blocks"] += 1
                r["correct"] += ok
    p, r = runs_ok / max(runs, 1), blocks_found / max(blocks, 1)
    block = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4)}
    return {
        "block": block,
        "block_recall_at_warning": round(found_warned / max(blocks, 1), 4),
        "line": _prf(tp_lines, n_flag, n_true),
        "clean_line_rate": round(clean_flag / max(clean, 1), 4),
        "false_blocks": runs - runs_ok,
        "false_blocks_opened_by_cue": cue_fp,
        "per_kind": {k: {**v, "recall": round(v["found"] / max(v["blocks"], 1), 4),
                         "named_right": round(v["named"] / max(v["found"], 1), 4)} for k, v in sorted(per_kind.items())},
        "per_rule_precision": {r: {**v, "precision": round(v["correct"] / max(v["blocks"], 1), 4)}
                               for r, v in sorted(per_rule.items())},
    }


def bootstrap(docs: list[LabelledDoc], preds: list[Pred], reps: int = 1000, seed: int = 0) -> dict:
    """95% intervals of line and block F1, resampling whole articles (lines of a page are not independent)."""
    import random

    rng = random.Random(f"bootstrap:{seed}")
    f1s: dict[str, list[float]] = {"line_f1": [], "block_f1": []}
    for _ in range(reps):
        pick = [rng.randrange(len(docs)) for _ in docs]
        s = score([docs[i] for i in pick], [preds[i] for i in pick])
        f1s["line_f1"].append(s["line"]["f1"])
        f1s["block_f1"].append(s["block"]["f1"])
    out = {}
    for k, v in f1s.items():
        v.sort()
        out[k] = [round(v[int(0.025 * reps)], 4), round(v[int(0.975 * reps) - 1], 4)]
    return {**out, "reps": reps, "unit": "article"}


def load_sets(split: str, seed: int) -> dict[str, list[LabelledDoc]]:
    return {
        "clean_articles": list(wcxb_injected(split, seed=seed, clean_share=1.0)),
        "clean_articles_no_host_cues": list(wcxb_injected(split, seed=seed, clean_share=1.0, clean_hosts=True)),
        "injected": list(wcxb_injected(split, seed=seed + 1000, clean_share=0.0)),
        "trafilatura": list(trafilatura_docs(split)),
        "scrapinghub": list(scrapinghub_docs(split)),
    }


def evaluate(split: str = "test", seed: int = 0, peers: bool = True, other_clean: bool | None = None) -> dict:
    """Every set of ``split`` sites through every system; on the test split (or with ``other_clean``)
    also the clean news of ``detector.eval.boilerplate_clean``, which tuning never sees."""
    sets = load_sets(split, seed)
    if other_clean if other_clean is not None else split == "test":
        sets.update(other_clean_sets())
    check, timing = check_predictor()
    systems: dict[str, Predictor] = {DETECTOR: check}
    if peers:
        systems.update({"jusText on text": justext_predict, "C4 line rule": c4_predict})
    report: dict = {"split": split, "sites": {k: len({d.site for d in v}) for k, v in sets.items()},
                    "data": {k: {"articles": len(v), "lines": sum(len(d.lines) for d in v),
                                 "furniture_lines": sum(sum(d.labels) for d in v),
                                 "furniture_blocks": sum(len(d.blocks) for d in v)} for k, v in sets.items()}}
    for name, pred in systems.items():
        out = {k: pred(v) for k, v in sets.items()}
        for k, v in sets.items():
            entry = score(v, out[k])
            if k.startswith("clean_"):
                entry = {"articles": article_rate(v, out[k]), "clean_line_rate": entry["clean_line_rate"]}
            elif k == "trafilatura":
                entry["intervals"] = bootstrap(v, out[k], seed=seed)
            report.setdefault(k, {})[name] = entry
    report["speed"] = {DETECTOR: {"articles_per_s": round(timing["articles"] / max(timing["seconds"], 1e-9), 1),
                                  "articles": timing["articles"]}}
    return report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="test", choices=("train", "val", "test"), help="whose sites (tune on val only)")
    ap.add_argument("--out", type=Path, default=None, help=f"default {RESULTS} for the test split, else stdout only")
    ap.add_argument("--no-outlets", action="store_true", help="skip the simulated-outlet measurement")
    args = ap.parse_args(argv)
    report = evaluate(args.split, args.seed)
    if not args.no_outlets:
        from detector.eval.boilerplate_outlets import simulate

        report["outlets"] = simulate(args.split, args.seed)
    _print(report)
    out = args.out or (RESULTS if args.split == "test" else None)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")


def _print(report: dict) -> None:
    print(f"split: {report['split']} sites; sites per set: {report['sites']}")
    for k in (k for k in report["data"] if k.startswith("clean_")):
        print(f"\n== {k}: {report['data'][k]['articles']} untouched articles; share with a warning (lines flagged)")
        for name, s in report[k].items():
            a = s["articles"]
            lo, hi = a["wilson_95"]
            print(f"{name:26} {100 * a['flag_rate']:6.2f}% ({a['flagged']}/{a['articles']}, 95% {100 * lo:.1f}–{100 * hi:.1f}%)"
                  f"  lines {100 * s['clean_line_rate']:5.2f}%  {a['by_rule'] if name.startswith('detector') else ''}")
    for k in ("injected", "trafilatura", "scrapinghub"):
        d = report["data"][k]
        print(f"\n== {k}: {d['articles']} articles, {d['lines']} lines, {d['furniture_lines']} furniture lines "
              f"in {d['furniture_blocks']} blocks")
        print(f"{'system':26} {'blkP':>6} {'blkR':>6} {'blkF1':>6} {'lineP':>6} {'lineR':>6} {'lineF1':>6} {'clean%':>7}")
        for name, s in report[k].items():
            b, ln = s["block"], s["line"]
            ci = "".join(f"  {m} 95% [{lo:.3f}, {hi:.3f}]" for m, (lo, hi) in
                         ((m, s["intervals"][m]) for m in ("line_f1", "block_f1"))) if "intervals" in s else ""
            print(f"{name:26} {b['precision']:6.3f} {b['recall']:6.3f} {b['f1']:6.3f} {ln['precision']:6.3f} "
                  f"{ln['recall']:6.3f} {ln['f1']:6.3f} {100 * s['clean_line_rate']:6.2f}%{ci}")
    for name in (DETECTOR,):
        s = report["injected"][name]
        print(f"\ninjected, {name}: block recall at warning level {s['block_recall_at_warning']:.3f}; per kind "
              "(block recall; found blocks named with the expected rule)")
        for k, v in s["per_kind"].items():
            print(f"  {k:10} blocks {v['blocks']:4}  recall {v['recall']:.3f}  named right {v['named_right']:.3f}")
        print("  per rule, share of flagged blocks that are mostly injected furniture:")
        for r, v in s["per_rule_precision"].items():
            print(f"  {r:24} {v['blocks']:4} blocks  precision {v['precision']:.3f}")
    if "outlets" in report:
        print("\nsimulated outlets:", json.dumps({k: v for k, v in report["outlets"].items() if k != "examples"}))
    print("\nspeed:", ", ".join(f"{k} {v['articles_per_s']} articles/s" for k, v in report["speed"].items()))


if __name__ == "__main__":
    main()
