"""Findings and per-article reports: the vocabulary every check, writer and store shares.

A finding always points at exact character offsets into the article text as the user gave it
(Python ``str`` indices, end exclusive), so ``text[f.start:f.end] == f.text`` holds everywhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detector.article import Article


class Severity(enum.StrEnum):
    """How much a finding should worry a reader; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        try:
            return cls(str(value.value if isinstance(value, Severity) else value).lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (use info, warning or error)") from None


_SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Category(enum.StrEnum):
    """Defect families; the values are part of the output contract."""

    MT = "mt"
    TRANSLITERATION = "transliteration"
    DATE = "date"
    BOILERPLATE = "boilerplate"
    LANGUAGE = "language"
    GRAMMAR = "grammar"
    INTERNAL = "internal"


@dataclass
class Finding:
    """One defect at ``text[start:end]`` of one article."""

    rule: str
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    confidence: float = 1.0
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The finding as in the jsonl contract."""
        return {
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "confidence": round(float(self.confidence), 4),
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(
            rule=d["rule"],
            category=Category(d["category"]),
            severity=Severity.parse(d["severity"]),
            start=int(d["start"]),
            end=int(d["end"]),
            text=d["text"],
            message=d["message"],
            suggestion=d.get("suggestion"),
            confidence=float(d.get("confidence", 1.0)),
            data=dict(d.get("data") or {}),
        )


@dataclass
class ArticleReport:
    """Everything detector says about one article."""

    article: "Article"
    findings: list[Finding]
    #: None for an article that was not scored (``Input.Empty``: no text).
    score: float | None
    mt_probability: float | None = None
    language: str | None = None
    words: int = 0
    #: The language (ISO 639-1) the article was likely translated from, or None when it is not judged
    #: a translation or no language is confident (``detector.mt.source_language``); with its probability.
    source_language: str | None = None
    source_language_probability: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    #: Facts checks pass to phase 2 (outlet analysis), keyed by check name; stored, not in jsonl.
    annotations: dict[str, Any] = field(default_factory=dict)
    #: In-memory values for phase-2 indexes (``copies``: the copy-detection signature), written to the
    #: store beside the report by ``--db``; never printed or serialised as JSON.
    signals: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The report in the stable jsonl contract (see README, "Output contract")."""
        a = self.article
        return {
            "id": a.id,
            "outlet": a.outlet,
            "published": a.published.isoformat() if a.published else None,
            "language": self.language,
            "words": self.words,
            "score": None if self.score is None else round(float(self.score), 1),
            "mt_probability": None if self.mt_probability is None else round(float(self.mt_probability), 4),
            "source_language": self.source_language,
            "source_language_probability": (None if self.source_language_probability is None
                                            else round(float(self.source_language_probability), 4)),
            "findings": [f.to_dict() for f in self.findings],
        }

    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def counts_by_category(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.category.value] = out.get(f.category.value, 0) + 1
        return out
