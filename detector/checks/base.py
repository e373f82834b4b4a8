"""The check protocol: rules with stable ids and docs, and checks that emit findings for them.

A check is a small class (scikit-learn style: ``__init__`` only stores settings) that turns a
parsed ``Document`` into findings. Heavy resources (a gazetteer, a model) are loaded once in
``setup`` and reused; ``check`` itself reads no files, no network and no global state, so checks
run unchanged in worker processes or Ray tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Mapping

from detector.article import Document
from detector.findings import Category, Finding, Severity


@dataclass(frozen=True)
class Rule:
    """A stable rule id with its default severity and its documentation."""

    id: str
    category: Category
    severity: Severity
    summary: str
    doc: str
    #: A supporting rule (e.g. a model's span) folds into an overlapping finding of the same
    #: category from an explainable rule instead of being reported twice.
    supporting: bool = False
    #: Rules computed over an outlet's stored articles, not by a per-article check.
    outlet_level: bool = False

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        *,
        suggestion: str | None = None,
        confidence: float = 1.0,
        severity: Severity | None = None,
        data: dict[str, Any] | None = None,
    ) -> Finding:
        """Build a finding of this rule for ``doc.text[start:end]``."""
        if not 0 <= start <= end <= len(doc.text):
            raise ValueError(f"{self.id}: offsets {start}:{end} outside text of length {len(doc.text)}")
        return Finding(
            rule=self.id,
            category=self.category,
            severity=severity or self.severity,
            start=start,
            end=end,
            text=doc.text[start:end],
            message=message,
            suggestion=suggestion,
            confidence=confidence,
            data=dict(data or {}),
        )


@dataclass
class Result:
    """Findings plus document-level measurements (e.g. ``mt_probability``) from one check.

    ``check``/``check_batch`` may return a ``Result`` instead of a plain list of findings when
    they measure something about the whole article; the scanner copies known metrics onto the
    ArticleReport and keeps the rest in its ``timings``-like ``metrics``.
    """

    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    #: JSON-serialisable facts for phase 2 (e.g. the entity mentions the outlet analysis compares
    #: across articles), stored with the report but not part of the jsonl contract.
    annotations: dict[str, Any] = field(default_factory=dict)
    #: In-memory values the scanner hands on unserialised (the MT check's sentence vectors, which
    #: copy detection reuses instead of running the encoder a second time).
    signals: dict[str, Any] = field(default_factory=dict)


class Check:
    """Base class of every check.

    Subclasses set ``name`` (the config section, e.g. ``[tool.detector.checks.dates]``),
    ``rules``, ``defaults`` (tunable thresholds) and ``english_only``, and implement ``check``.
    Model-backed checks override ``check_batch`` to run one forward pass over many articles.
    """

    name: ClassVar[str]
    rules: ClassVar[tuple[Rule, ...]]
    defaults: ClassVar[Mapping[str, Any]] = {}
    english_only: ClassVar[bool] = True
    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        unknown = set(settings or {}) - set(self.defaults)
        if unknown:
            raise ValueError(f"check {self.name!r} has no setting(s) {', '.join(sorted(unknown))}")
        self.settings: dict[str, Any] = {**self.defaults, **(settings or {})}
        #: This check's rules that the scan reports (the scanner narrows it from select/ignore before
        #: setup), so a check can skip work only disabled rules need (the MT check's encoder pass).
        self.enabled_rules: frozenset[str] = frozenset(r.id for r in self.rules)
        self._ready = False

    @classmethod
    def preflight(cls, settings: Mapping[str, Any]) -> str | None:
        """A cheap look, in the main process before any scanning, at whether the check can run as
        configured (an optional backend installed, its server up): a one-line notice when it cannot
        ("grammar checks are off: ..."), printed once by ``detector check``. Runs before worker
        processes start, so the notice is said once however the scan is parallelised."""
        return None

    def setup(self) -> None:
        """Load resources once per process; the default has none."""

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True

    def check(self, doc: Document) -> "Iterable[Finding] | Result":
        raise NotImplementedError

    def check_batch(self, docs: list[Document]) -> "list[list[Finding] | Result]":
        """Findings for each document; override to batch model inference across articles."""
        out: list[list[Finding] | Result] = []
        for doc in docs:
            got = self.check(doc)
            out.append(got if isinstance(got, Result) else list(got))
        return out

    @classmethod
    def rule(cls, rule_id: str) -> Rule:
        for r in cls.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


@dataclass
class CheckStats:
    """What a check did over a run (datatrove-style counters)."""

    documents: int = 0
    findings: int = 0
    failures: int = 0
    seconds: float = 0.0
    by_rule: dict[str, int] = field(default_factory=dict)
