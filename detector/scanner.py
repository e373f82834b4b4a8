"""Phase 1: run the enabled checks over batches of documents and build ArticleReports.

The scanner owns everything a single check should not: choosing rules (select/ignore), severity
overrides, failure isolation (one check failing on one article becomes an ``Internal.CheckFailed``
finding there, and the run goes on), merging overlapping findings, and the article score.

It also bounds what one article can cost: an empty article is not checked (``Input.Empty``, no
score), one past ``max_chars`` is checked on its first ``max_chars`` characters (``Input.TooLong``),
and a check that runs past ``time_budget`` seconds on an article is stopped there.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from itertools import islice
from typing import Iterable, Iterator, Sequence

from detector.article import Article, Document
from detector.checks import (
    CHECK_FAILED,
    INPUT_EMPTY,
    INPUT_TOO_LONG,
    INTERNAL_RULES,
    Check,
    CheckStats,
    Rule,
    all_checks,
    all_rules,
)
from detector.checks.base import Result
from detector.config import Config, load_config
from detector.findings import ArticleReport, Finding, Severity
from detector.language import detect_language
from detector.scoring import article_score


def rule_matches(rule: Rule, patterns: Sequence[str]) -> bool:
    """A pattern selects a rule by id prefix ("Date", "Date.Future") or by category ("date")."""
    return any(rule.id.startswith(p) or rule.category.value == p for p in patterns)


class Scanner:
    """Runs checks over articles; build once per process and reuse (checks load lazily)."""

    def __init__(self, config: Config | None = None, checks: Sequence[Check] | None = None) -> None:
        self.config = config if config is not None else load_config()
        select = list(self.config.get("select") or [])
        ignore = list(self.config.get("ignore") or [])
        rules = all_rules()
        for c in checks or ():
            rules.update({r.id: r for r in c.rules})
        unmatched = [pat for pat in select + ignore if not any(rule_matches(r, [pat]) for r in rules.values())]
        if unmatched:
            raise ValueError(f"select/ignore pattern(s) {', '.join(map(repr, unmatched))} match no rule "
                             "(use a rule id or its prefix, e.g. 'Date.Future' or 'Date', or a category such as 'mt'; "
                             "`detector rules` lists them)")
        self.enabled_rules = {
            rid for rid, r in rules.items() if (not select or rule_matches(r, select)) and not rule_matches(r, ignore)
        }
        self.enabled_rules.add(CHECK_FAILED.id)  # a failure is always said
        self.enabled_rules.update(r.id for r in INTERNAL_RULES if not rule_matches(r, ignore))
        self.max_chars = int(self.config.get("max_chars") or 0)
        self.time_budget = float(self.config.get("time_budget") or 0.0)
        self.severity_overrides = {
            rid: Severity.parse(sev) for rid, sev in (self.config.get("severity") or {}).items()
        }
        unknown = set(self.severity_overrides) - set(rules)
        if unknown:
            raise ValueError(f"severity set for unknown rule(s): {', '.join(sorted(unknown))}")
        if checks is None:
            checks = [
                cls(self.config.check_settings(name))
                for name, cls in all_checks().items()
                if any(r.id in self.enabled_rules for r in cls.rules if not r.outlet_level)
            ]
        self.checks: list[Check] = list(checks)
        for c in self.checks:  # before setup: a check loads only what its enabled rules need
            c.enabled_rules = frozenset(r.id for r in c.rules if r.id in self.enabled_rules)
        self.stats: dict[str, CheckStats] = {c.name: CheckStats() for c in self.checks}
        self._supporting = {rid for rid, r in rules.items() if r.supporting}

    def scope(self) -> "Scope":  # noqa: F821 - detector.store.Scope
        """What shapes this scanner's findings, for the store: the rules it runs and the settings
        that change findings, hashed; and how many per-article rules it runs (None: all of them)."""
        from detector.store import Scope, config_hash

        per_article = {rid for rid, r in all_rules().items() if not r.outlet_level and r not in INTERNAL_RULES}
        running = per_article & self.enabled_rules
        settings = {k: self.config.get(k) for k in ("severity", "checks", "scoring", "max_chars")}
        key = config_hash({"rules": sorted(running), **settings})
        return Scope(key=key, rule_count=None if running == per_article else len(running))

    # -- public ----------------------------------------------------------------------------
    def scan(self, articles: Iterable[Article], batch_size: int | None = None) -> Iterator[ArticleReport]:
        """Reports in input order, computed batch by batch (constant memory on any input size)."""
        size = int(batch_size or self.config.get("batch_size") or 32)
        it = iter(articles)
        while batch := list(islice(it, size)):
            yield from self.check_articles(batch)

    def check_articles(self, articles: Sequence[Article]) -> list[ArticleReport]:
        empty = [a for a in articles if not a.text.strip()]
        if empty:  # not checked, not scored: reported in input order with the others
            done = {id(r.article): r for r in self._check([a for a in articles if a.text.strip()])}
            return [done[id(a)] if id(a) in done else self._empty(a) for a in articles]
        return self._check(list(articles))

    def _empty(self, article: Article) -> ArticleReport:
        doc = Document(article)
        found = [INPUT_EMPTY.finding(doc, 0, 0, "The article has no text; it was not checked or scored.")]
        return ArticleReport(article=article, findings=[f for f in found if f.rule in self.enabled_rules],
                             score=None, mt_probability=None, language=None, words=0)

    def _document(self, article: Article) -> Document:
        """The parse the checks see: the first ``max_chars`` characters (offsets stay valid)."""
        if self.max_chars and len(article.text) > self.max_chars:
            article = dataclasses.replace(article, text=article.text[: self.max_chars])
        return Document(article, language=detect_language(article.text))

    def _check(self, articles: list[Article]) -> list[ArticleReport]:
        if not articles:
            return []
        t0 = time.perf_counter()
        docs = [self._document(a) for a in articles]
        parse_s = (time.perf_counter() - t0) / max(len(docs), 1)
        per_doc: list[list[Finding]] = [[] for _ in docs]
        metrics: list[dict[str, float]] = [{} for _ in docs]
        annotations: list[dict[str, object]] = [{} for _ in docs]
        signals: list[dict[str, object]] = [{} for _ in docs]
        timings: list[dict[str, float]] = [{"parse": parse_s} for _ in docs]
        for check in self.checks:
            idx = [i for i, d in enumerate(docs) if not check.english_only or d.language in (None, "en")]
            if not idx:
                continue
            t0 = time.perf_counter()
            results = self._run_check(check, [docs[i] for i in idx])
            elapsed = time.perf_counter() - t0
            stats = self.stats[check.name]
            stats.documents += len(idx)
            stats.seconds += elapsed
            for i, result in zip(idx, results):
                timings[i][check.name] = elapsed / len(idx)
                found = result.findings
                metrics[i].update(result.metrics)
                if result.annotations:
                    annotations[i][check.name] = result.annotations
                signals[i].update(result.signals)
                kept = [self._finalize(f) for f in found if f.rule in self.enabled_rules]
                stats.findings += len(kept)
                stats.failures += sum(f.rule == CHECK_FAILED.id for f in kept)
                for f in kept:
                    stats.by_rule[f.rule] = stats.by_rule.get(f.rule, 0) + 1
                per_doc[i].extend(kept)
        reports = []
        scoring = self.config.get("scoring")
        copies = self.config.get("copies") or {}
        for article, doc, found, m, t, ann, sig in zip(articles, docs, per_doc, metrics, timings, annotations, signals):
            if doc.article is not article and INPUT_TOO_LONG.id in self.enabled_rules:
                found.append(INPUT_TOO_LONG.finding(
                    doc, self.max_chars, self.max_chars,
                    f"The article has {len(article.text):,} characters; only the first {self.max_chars:,} were "
                    "checked (setting max_chars).", data={"chars": len(article.text), "checked": self.max_chars}))
            merged = merge_findings(found, self._supporting)
            reports.append(
                ArticleReport(
                    article=article,
                    findings=merged,
                    score=article_score(merged, doc.words, scoring),
                    mt_probability=m.get("mt_probability"),
                    language=doc.language,
                    words=doc.words,
                    source_language=m.get("source_language"),  # type: ignore[arg-type] - a code, set by mt_model
                    source_language_probability=m.get("source_language_probability"),
                    timings=t,
                    metrics=m,
                    annotations=ann,
                    signals=copy_signals(doc, sig) if copies.get("signatures", True) else {},
                )
            )
        return reports

    # -- internals -------------------------------------------------------------------------
    def _run_check(self, check: Check, docs: list[Document]) -> list[Result]:
        if type(check).check_batch is not Check.check_batch:  # a batched (model) check: one call for all
            try:
                check.ensure_setup()
                with time_budget(self.time_budget * len(docs)):
                    results = check.check_batch(docs)
                if len(results) != len(docs):
                    raise RuntimeError(f"check_batch returned {len(results)} results for {len(docs)} documents")
                return [_as_result(check, d, r) for d, r in zip(docs, results)]
            except (Exception, TimeBudgetExceeded) as exc:  # noqa: BLE001 - isolate: retry one by one to blame the right article
                if len(docs) == 1:
                    return [_failure(check, docs[0], exc)]
        return [self._run_one(check, d) for d in docs]

    def _run_one(self, check: Check, doc: Document) -> Result:
        """One article under its own time budget; a failure becomes an Internal.CheckFailed finding."""
        try:
            check.ensure_setup()
            with time_budget(self.time_budget):
                got = check.check_batch([doc])[0]
            return _as_result(check, doc, got)
        except (Exception, TimeBudgetExceeded) as exc:  # noqa: BLE001
            return _failure(check, doc, exc)

    def _finalize(self, f: Finding) -> Finding:
        sev = self.severity_overrides.get(f.rule)
        if sev is not None:
            f.severity = sev
        return f


def copy_signals(doc: Document, signals: dict) -> dict:
    """The article's copy-detection signature (``detector.copies``), made from the parse and the MT
    check's sentence vectors when it ran."""
    from detector.copies.signature import compute

    try:
        sig = compute(doc, signals.get("sentence_vectors"), signals.get("encoder"), signals.get("sentence_spans"))
    except (ValueError, TypeError, UnicodeError, KeyError):  # never costs the article; indexing computes it again
        return {}
    return {"copies": sig}


def _as_result(check: Check, doc: Document, got: "list[Finding] | Result | Iterable[Finding]") -> Result:
    result = got if isinstance(got, Result) else Result(list(got))
    own = {r.id for r in check.rules}
    for f in result.findings:
        if f.rule not in own:
            raise ValueError(f"check {check.name} emitted rule {f.rule} it does not declare")
        if doc.text[f.start:f.end] != f.text:
            raise ValueError(f"{f.rule}: finding text does not match offsets {f.start}:{f.end}")
    return result


class TimeBudgetExceeded(BaseException):
    """A check ran past ``time_budget`` on an article (a BaseException, so that a check's own
    ``except Exception`` cannot swallow it)."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded in the block after ``seconds`` (no limit for 0, or off the main
    thread, where no signal can be delivered). A C call that never returns cannot be stopped."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:  # noqa: ARG001
        raise TimeBudgetExceeded(f"ran past its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failure(check: Check, doc: Document, exc: BaseException | None = None) -> Result:
    tb = traceback.format_exc(limit=-3)
    last = tb.strip().splitlines()[-1] if tb.strip() else "unknown error"
    if isinstance(exc, TimeBudgetExceeded):
        last = f"{exc} (setting time_budget)"
    return Result(
        [
            CHECK_FAILED.finding(
                doc,
                0,
                0,
                f"Check '{check.name}' failed on this article ({last}); its findings are missing.",
                data={"check": check.name, "error": last, "traceback": tb},
            )
        ]
    )


def merge_findings(findings: list[Finding], supporting: set[str] = frozenset()) -> list[Finding]:  # type: ignore[assignment]
    """Drop overlapping duplicates; fold supporting (model) findings into explainable ones.

    Two findings of the same rule whose spans overlap are one defect: the more severe (then more
    confident, then longer) is kept. A finding of a supporting rule overlapping a finding of
    another rule in the same category is folded into it (``data["supported_by"]``, confidence
    raised), so a model span and a rule on the same words are reported once, with the rule's
    explanation.
    """
    order = sorted(findings, key=lambda f: (f.start, -f.end, f.rule))
    kept: list[Finding] = []
    by_rule, by_category = _SpanIndex(), _SpanIndex()
    for f in sorted(order, key=lambda f: (f.rule in supporting, -f.severity.rank, -f.confidence, f.start)):
        near = by_rule.near(f.rule, f)
        if f.rule in supporting:
            near |= by_category.near(f.category, f)
        # the first kept finding (in priority order) that this one duplicates
        twin = next((kept[i] for i in sorted(near) if _overlaps(kept[i], f)), None)
        if twin is None:
            by_rule.add(f.rule, f, len(kept))
            by_category.add(f.category, f, len(kept))
            kept.append(f)
        elif twin.rule != f.rule:
            twin.data.setdefault("supported_by", []).append({"rule": f.rule, "confidence": round(f.confidence, 4)})
            twin.confidence = max(twin.confidence, f.confidence)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept


class _SpanIndex:
    """Kept findings by key and by 1,024-character bucket, so looking for an overlap costs the
    findings nearby rather than every finding kept so far (linear merging on any article size)."""

    SIZE = 1024

    def __init__(self) -> None:
        self.buckets: dict[tuple[object, int], list[int]] = {}

    def _range(self, f: Finding) -> range:
        return range(f.start // self.SIZE, f.end // self.SIZE + 1)

    def add(self, key: object, f: Finding, i: int) -> None:
        for b in self._range(f):
            self.buckets.setdefault((key, b), []).append(i)

    def near(self, key: object, f: Finding) -> set[int]:
        return {i for b in self._range(f) for i in self.buckets.get((key, b), ())}


def _overlaps(a: Finding, b: Finding) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start == b.start and a.end == b.end
    return a.start < b.end and b.start < a.end


def summarize(reports: Iterable[ArticleReport]) -> Counter[str]:
    """Findings per category over reports."""
    c: Counter[str] = Counter()
    for r in reports:
        c.update(f.category.value for f in r.findings)
    return c
