"""Evaluate the dates check on clean English news with injected date errors, beside dateparser.

    python -m detector.eval.dates [--limit N] [--peer-docs N] [--seed S] [--out bench/results/dates.json]

Corpus (``detector.eval.dates_inject.load_corpus``): WCXB article bodies whose page states a
publication date, ScrapingHub article bodies whose URL or publication metadata carries the date, the original-English WMT22
sources (blocks of consecutive lines; publication inferred) and the human English references of
WMT22 uk/ru news that contain a date. Documents are split dev/test by site (web domain, WMT
document); the rules were tuned on dev, and test is what we report. Each round, half of the
documents with a date get one injected error (a wrong weekday, a month shifted past publication, an
impossible day incl. days 32-39, a year one off) and half of those with a publication date get a
written-in one (a dateline later than publication, a mistyped date of a well-known event); a
quarter get the same lines with the right date, as controls. A further quarter open with a
dateline in a form taken from real articles (``dateline-real``: WMT21/22 English references and
the corpus; never tuned on), an eighth with such a dateline rightly dated (controls). Month shifts
are also measured apart (``month_shifts``, ``detector.eval.dates_shifts``): every eligible date of
every article shifted -3..+3 months, each labelled detectable or not from the text and publication
alone, with recall per label, Wilson and site-bootstrap intervals. We report recall per error type (a
warning-or-error date finding overlapping the edited span), the share of clean documents flagged at
warning or above, articles/second for our check and for ``dateparser.search_dates`` (which flags
any date later than publication + 2 days; it cannot see impossible days or weekdays), and seconds
for one 0.25-4 MB text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

from detector.article import Article, Document
from detector.checks.dates import DatesCheck
from detector.dates.extract import extract_dates
from detector.eval.dates_inject import (
    TYPES,
    WRITTEN_TYPES,
    Sample,
    inject,
    inject_real_dateline,
    inject_written,
    load_corpus,
    real_dateline_forms,
)
from detector.eval.dates_shifts import shifts, site_bootstrap, site_macro, wilson
from detector.findings import Severity


# -- running ------------------------------------------------------------------------------------------
def run_ours(samples: list[Sample]) -> tuple[list[list], float]:
    check = DatesCheck()
    check.ensure_setup()
    t0 = time.perf_counter()
    out = []
    for s in samples:
        doc = Document(Article(id=s.id, text=s.text, published=s.published))
        out.append(check.check(doc).findings)
    return out, time.perf_counter() - t0


def run_dateparser(samples: list[Sample]) -> tuple[list[bool], float]:
    """dateparser.search_dates as a detector of future dates (the only error it can represent)."""
    from dateparser.search import search_dates

    t0 = time.perf_counter()
    flags = []
    for s in samples:
        base = dt.datetime.combine(s.published or dt.date.today(), dt.time())
        found = search_dates(s.text, languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}) or []
        limit = (s.published or dt.date.max - dt.timedelta(days=3)) + dt.timedelta(days=2)
        flags.append(any(d.date() > limit for _, d in found))
    return flags, time.perf_counter() - t0


def flagged(findings: list, span: tuple[int, int] | None = None) -> list:
    hits = [f for f in findings if f.severity.rank >= Severity.WARNING.rank]
    if span is not None:
        hits = [f for f in hits if f.start < span[1] and span[0] < f.end]
    return hits


def injected_round(corpus: list[Sample], with_dates: list[Sample], rng: random.Random) -> list[Sample]:
    """Half of the documents with a date, each with one error; types taken in turn."""
    chosen = rng.sample(with_dates, len(with_dates) // 2)
    out, turn = [], 0
    for s in chosen:
        for k in range(len(TYPES)):  # the next type this document can take
            got = inject(s, TYPES[(turn + k) % len(TYPES)], rng)
            if got is not None:
                out.append(got)
                turn += k + 1
                break
    return out


def _recall_row(c: Counter, by_rule: Counter) -> dict:
    return {
        "injected": c["injected"],
        "detected": c["detected"],
        "recall": round(c["detected"] / c["injected"], 4) if c["injected"] else None,
        "detectable": c["detectable"],
        "recall_detectable": round(c["detected_detectable"] / c["detectable"], 4) if c["detectable"] else None,
        "caught_by": dict(by_rule),
    }


def _pooled(c: Counter) -> dict:
    """Precision (warning+ findings in injected documents that sit on the injected error), recall
    (detectable errors caught) and F1, over every injected kind."""
    p = c["on_error"] / c["findings"] if c["findings"] else 0.0
    r = c["detected"] / c["detectable"] if c["detectable"] else 0.0
    return {"findings": c["findings"], "on_error": c["on_error"], "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _clean_row(corpus: list[Sample], findings: list[list]) -> dict:
    n, hit, by_source, examples = 0, 0, Counter(), []
    for s, fs in zip(corpus, findings, strict=True):
        n += 1
        by_source[s.source] += 1
        if hits := flagged(fs):
            hit += 1
            by_source[s.source + ":flagged"] += 1
            examples.append({"id": s.id, **{k: hits[0].to_dict()[k] for k in ("rule", "text", "message")}})
    return {"documents": n, "flagged_warning_plus": hit, "share_flagged": round(hit / n, 4) if n else None,
            "by_source": dict(by_source), "examples": examples[:20]}


def evaluate(limit: int | None, peer_docs: int, seed: int, rounds: int, per_doc: int = 0) -> dict:
    rng = random.Random(seed)
    corpus = load_corpus()
    if limit:
        rng.shuffle(corpus)
        corpus = corpus[:limit]
    with_dates = [s for s in corpus if any(m.is_day for m in extract_dates(s.text))]
    dated = [s for s in corpus if s.published is not None]
    clean_findings, ours_s = run_ours(corpus)
    per_type: dict[str, dict[str, Counter]] = {sp: defaultdict(Counter) for sp in ("dev", "test")}
    by_rule: dict[str, dict[str, Counter]] = {sp: defaultdict(Counter) for sp in ("dev", "test")}
    controls: dict[str, Counter] = {sp: Counter() for sp in ("dev", "test")}
    # Precision / recall / F1 over every kind, and over the kinds that edit a date already there.
    pooled: dict[str, dict[str, Counter]] = {sp: {"all": Counter(), "edited": Counter()} for sp in ("dev", "test")}
    samples: list[Sample] = []
    real_forms = real_dateline_forms(corpus)
    for r in range(rounds):
        injected = injected_round(corpus, with_dates, random.Random(seed * 1000 + r))
        wrng = random.Random(seed * 7000 + r)
        written = [got for s in wrng.sample(dated, len(dated) // 2)
                   if (got := inject_written(s, WRITTEN_TYPES[wrng.randrange(2)], wrng)) is not None]
        # The same written-in lines with the right date: controls that must stay silent.
        ok = [got for s in wrng.sample(dated, len(dated) // 4)
              if (got := inject_written(s, WRITTEN_TYPES[wrng.randrange(2)], wrng, correct=True)) is not None]
        # Datelines in the forms real articles use (own stream: the kinds above sample as before).
        rrng = random.Random(seed * 9000 + r)
        written += [got for s in rrng.sample(dated, len(dated) // 4)
                    if (got := inject_real_dateline(s, real_forms, rrng)) is not None]
        ok += [got for s in rrng.sample(dated, len(dated) // 8)
               if (got := inject_real_dateline(s, real_forms, rrng, correct=True)) is not None]
        samples += injected + written
        for s, fs in zip(injected + written, run_ours(injected + written)[0], strict=True):
            hits = flagged(fs, s.span)
            for group in ("all", "edited") if s.injected in TYPES else ("all",):
                c = pooled[s.split][group]
                c["findings"] += len(flagged(fs))
                c["on_error"] += len(hits)
                c["detected"] += bool(hits) and s.detectable
                c["detectable"] += s.detectable
            c = per_type[s.split][s.injected]
            c["injected"] += 1
            c["detectable"] += s.detectable
            c["detected"] += bool(hits)
            c["detected_detectable"] += bool(hits) and s.detectable
            for f in hits[:1]:
                by_rule[s.split][s.injected][f.rule] += 1
        for s, fs in zip(ok, run_ours(ok)[0], strict=True):
            controls[s.split]["documents"] += 1
            controls[s.split]["flagged"] += bool(flagged(fs))
    shifted = month_shift_samples(corpus, seed, per_doc)
    shift_findings = run_ours(shifted)[0]
    clean_of = {s.id: fs for s, fs in zip(corpus, clean_findings, strict=True)}
    splits = {}
    for sp in ("dev", "test"):
        idx = [i for i, s in enumerate(corpus) if s.split == sp]
        splits[sp] = {
            "documents": len(idx),
            "sites": len({corpus[i].site for i in idx}),
            "month_shifts": month_shift_report([s for s in shifted if s.split == sp],
                                               [f for s, f in zip(shifted, shift_findings, strict=True)
                                                if s.split == sp], clean_of),
            "recall": {t: _recall_row(per_type[sp][t], by_rule[sp][t]) for t in (*TYPES, *WRITTEN_TYPES, "dateline-real")
                       if per_type[sp][t]["injected"]},
            "clean": _clean_row([corpus[i] for i in idx], [clean_findings[i] for i in idx]),
            "pooled": {g: _pooled(c) for g, c in pooled[sp].items()},
            "controls_with_right_dates": {**controls[sp], "share_flagged": round(
                controls[sp]["flagged"] / controls[sp]["documents"], 4) if controls[sp]["documents"] else None},
        }
    peer_sample = rng.sample(dated, min(peer_docs // 2, len(dated))) + [s for s in samples if s.published][:peer_docs // 2]
    peer_flags, peer_s = run_dateparser(peer_sample) if peer_docs else ([], 0.0)
    peer_future = [f for s, f in zip(peer_sample, peer_flags, strict=True) if s.injected in ("future", "year+1") and s.detectable]
    peer_clean = [f for s, f in zip(peer_sample, peer_flags, strict=True) if s.injected is None]
    ours_on_peer, ours_peer_s = run_ours(peer_sample)
    return {
        "documents": len(corpus),
        "with_dates": len(with_dates),
        "rounds": rounds,
        "sources": dict(Counter(s.source for s in corpus)),
        "split": "by site (web domain; WMT document): crc32(site) % 2; rules tuned on dev, test reported",
        "real_dateline_forms": [{"form": f.form, "source": f.source} for f in real_forms],
        "test": splits["test"],
        "dev": splits["dev"],
        "clean": _clean_row(corpus, clean_findings),
        "speed": {
            "ours_articles_per_s": round(len(corpus) / ours_s, 1),
            "ours_chars_per_s": round(sum(len(s.text) for s in corpus) / ours_s),
            "peer_docs": len(peer_sample),
            "ours_articles_per_s_on_peer_docs": round(len(peer_sample) / ours_peer_s, 1) if peer_sample else None,
            "dateparser_articles_per_s": round(len(peer_sample) / peer_s, 2) if peer_s else None,
        },
        "dateparser_peer": {
            "future_recall": round(sum(peer_future) / len(peer_future), 4) if peer_future else None,
            "future_injected": len(peer_future),
            "clean_flagged_share": round(sum(peer_clean) / len(peer_clean), 4) if peer_clean else None,
            "clean_documents": len(peer_clean),
        },
    }


# -- month shifts: many seeded injections, labelled by what the text says (dates_shifts) --------------
def month_shift_samples(corpus: list[Sample], seed: int, per_doc: int) -> list[Sample]:
    """Every eligible date of every article, shifted -3..+3 months (at most ``per_doc`` per article if set)."""
    out = []
    for s in corpus:
        for sh in shifts(s.text, s.published, random.Random(f"{seed}:{s.id}"), per_doc):
            out.append(Sample(s.id, sh.text, s.published, s.source, "month-shift", sh.span, sh.detectable,
                              sh.original, s.site, sh.label, sh.months))
    return out


def _rate(c: Counter) -> dict:
    return {**c, "recall": round(c["detected"] / c["injected"], 4) if c["injected"] else None,
            "wilson95": wilson(c["detected"], c["injected"])}


def month_shift_report(samples: list[Sample], findings: list[list], clean: dict[str, list]) -> dict:
    """Recall per label and per shift with intervals, over the detectable shifts pooled, and precision
    on the shifted articles: findings on the shift over those plus the findings it added elsewhere."""
    per, months = defaultdict(Counter), defaultdict(Counter)
    pooled, on, added = [], 0, 0
    for s, fs in zip(samples, findings, strict=True):
        hit = bool(flagged(fs, s.span))
        per[s.label]["injected"] += 1
        per[s.label]["detected"] += hit
        if s.detectable:
            pooled.append((s.site, hit))
            months[f"{s.months:+d}"]["injected"] += 1
            months[f"{s.months:+d}"]["detected"] += hit
        on += hit
        before = {(f.rule, f.text) for f in flagged(clean[s.id])}
        added += sum(1 for f in flagged(fs) if not (f.start < s.span[1] and s.span[0] < f.end)
                     and (f.rule, f.text) not in before)
    k, n = sum(h for _, h in pooled), len(pooled)
    return {
        "injections": len(samples), "distinct": len({(s.id, s.text) for s in samples}),
        "articles": len({s.id for s in samples}), "sites": len({s.site for s in samples}),
        "detectable": n, "detectable_sites": len({site for site, _ in pooled}),
        "recall_detectable": round(k / n, 4) if n else None, "wilson95": wilson(k, n),
        "site_bootstrap95": site_bootstrap(pooled), "site_macro_recall": site_macro(pooled),
        "per_label": {lab: _rate(c) for lab, c in sorted(per.items())},
        "detectable_per_shift": {m: _rate(months[m]) for m in sorted(months, key=int)},
        "precision": round(on / (on + added), 4) if on + added else None, "added_findings_elsewhere": added,
    }


def scaling(corpus: list[Sample], sizes_mb: tuple[float, ...] = (0.25, 0.5, 1, 4)) -> dict:
    """Seconds the dates check takes on one long text of each size (the corpus's dated documents
    repeated), as paragraphs and flattened to one line (the case that used to be quadratic)."""
    base = "\n\n".join(s.text for s in corpus if s.published)
    check = DatesCheck()
    check.ensure_setup()
    out: dict[str, dict[str, float]] = {"paragraphs": {}, "one_line": {}}
    for mb in sizes_mb:
        n = int(mb * 1_000_000)
        text = (base * (n // len(base) + 1))[:n]
        for form, t in (("paragraphs", text), ("one_line", text.replace("\n", " "))):
            doc = Document(Article(id="long", text=t, published=dt.date(2022, 3, 2)))
            t0 = time.perf_counter()
            check.check(doc)
            out[form][f"{mb:g}MB"] = round(time.perf_counter() - t0, 2)
    return out


def print_table(r: dict) -> None:
    print(f"documents {r['documents']} ({r['sources']}), with a date: {r['with_dates']}; "
          f"{r['rounds']} rounds of injecting one error into half of those (and writing one into half the dated)")
    for sp in ("test", "dev"):
        v = r[sp]
        print(f"\n[{sp}] {v['documents']} documents from {v['sites']} sites")
        print(f"{'error type':<16}{'injected':>9}{'detected':>9}{'recall':>8}{'detectable':>11}{'recall(det)':>12}  caught by")
        for t, x in v["recall"].items():
            rec = "-" if x["recall"] is None else f"{x['recall']:.1%}"
            rd = "-" if x["recall_detectable"] is None else f"{x['recall_detectable']:.1%}"
            print(f"{t:<16}{x['injected']:>9}{x['detected']:>9}{rec:>8}{x['detectable']:>11}{rd:>12}  {x['caught_by'] or ''}")
        for g, q in v["pooled"].items():
            print(f"{g} kinds pooled: precision {q['precision']:.3f} ({q['on_error']}/{q['findings']} findings on the "
                  f"error), recall {q['recall']:.3f}, F1 {q['f1']:.3f}")
        ms = v["month_shifts"]
        print(f"month shifts: {ms['injections']} distinct in {ms['articles']} articles of {ms['sites']} sites; "
              f"detectable {ms['detectable']} ({ms['detectable_sites']} sites): recall {ms['recall_detectable']} "
              f"(Wilson {ms['wilson95']}, site bootstrap {ms['site_bootstrap95']}; per site {ms['site_macro_recall']}), "
              f"precision {ms['precision']}")
        for lab, x in ms["per_label"].items():
            print(f"  {lab:<34}{x['detected']:>5}/{x['injected']:<5} {x['recall']:.3f}  {x['wilson95']}")
        c, k = v["clean"], v["controls_with_right_dates"]
        print(f"clean documents flagged at warning+: {c['flagged_warning_plus']}/{c['documents']} = {c['share_flagged']:.2%}; "
              f"right-date controls flagged: {k.get('flagged', 0)}/{k.get('documents', 0)}")
    if "scaling_seconds" in r:
        print(f"seconds for one long text (the dates check alone): {r['scaling_seconds']}")
    c = r["clean"]
    print(f"\nall clean documents flagged at warning+: {c['flagged_warning_plus']}/{c['documents']} = {c['share_flagged']:.2%}")
    sp, p = r["speed"], r["dateparser_peer"]
    print(f"speed: detector {sp['ours_articles_per_s']} articles/s over all; on {sp['peer_docs']} docs: "
          f"detector {sp['ours_articles_per_s_on_peer_docs']} vs dateparser.search_dates {sp['dateparser_articles_per_s']} articles/s")
    print(f"dateparser peer (future only): recall {p['future_recall']} on {p['future_injected']}, "
          f"clean flagged {p['clean_flagged_share']} of {p['clean_documents']}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="evaluate on a random subset of documents")
    ap.add_argument("--peer-docs", type=int, default=120, help="documents to run dateparser on (it is slow)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rounds", type=int, default=30, help="injection rounds pooled (each: half the dated documents)")
    ap.add_argument("--per-doc", type=int, default=0, help="cap on month shifts per article (0: all; seeded)")
    ap.add_argument("--no-scaling", dest="scaling", action="store_false", help="skip timing 0.25-4 MB texts")
    ap.add_argument("--out", type=Path, default=Path("bench/results/dates.json"))
    args = ap.parse_args(argv)
    result = evaluate(args.limit, args.peer_docs, args.seed, args.rounds, args.per_doc)
    if args.scaling:
        result["scaling_seconds"] = scaling(load_corpus())
    result["command"] = "python -m detector.eval.dates " + " ".join(argv or [])
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
