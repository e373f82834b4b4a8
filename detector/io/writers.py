"""Writers: text (for people), json, jsonl (the stable contract), csv, and SARIF 2.1.0.

Every writer streams: ``write`` once per report, ``close`` at the end. Only SARIF holds its
results until ``close``, since the format is one JSON document.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from typing import IO, Any, Iterable

from detector import __version__
from detector.article import Document
from detector.findings import ArticleReport, Finding, Severity

FORMATS = ("text", "json", "jsonl", "csv", "sarif")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What a terminal would act on rather than show: C0 controls (ESC starts ANSI sequences), DEL,
# C1 controls (0x9b is a one-byte CSI), and the bidirectional overrides that reorder a line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), for a terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _Printable:
    """A text stream that writes lone surrogates (from broken JSON escapes) as U+FFFD.

    One character for one keeps every offset right, and a stray code unit in one article cannot
    stop the output of a whole run.
    """

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def write(self, s: str) -> int:
        return self._out.write(_LONE_SURROGATE.sub("\ufffd", s))

    def flush(self) -> None:
        self._out.flush()


class Writer:
    def __init__(self, out: IO[str]) -> None:
        self.out: IO[str] = _Printable(out)  # type: ignore[assignment]
        self.reports = 0
        self.severities: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()

    def write(self, report: ArticleReport) -> None:
        self.reports += 1
        for f in report.findings:
            self.severities[f.severity.value] += 1
            self.categories[f.category.value] += 1
        self._write(report)
        self.out.flush()

    def _write(self, report: ArticleReport) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.out.flush()


class JsonlWriter(Writer):
    """One contract object per line."""

    def _write(self, report: ArticleReport) -> None:
        self.out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")


class JsonWriter(Writer):
    """A JSON array of contract objects, streamed."""

    def _write(self, report: ArticleReport) -> None:
        self.out.write("[\n" if self.reports == 1 else ",\n")
        self.out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))

    def close(self) -> None:
        self.out.write("[]\n" if self.reports == 0 else "\n]\n")
        super().close()


CSV_COLUMNS = (
    "id", "outlet", "published", "score", "mt_probability", "rule", "category", "severity",
    "start", "end", "line", "column", "text", "message", "suggestion", "confidence",
    "source_language", "source_language_probability",
)


class CsvWriter(Writer):
    """One row per finding, with the article's id, outlet and score on each row."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.csv = csv.writer(self.out)
        self.csv.writerow(CSV_COLUMNS)

    def _write(self, report: ArticleReport) -> None:
        d = report.to_dict()
        doc = Document(report.article)
        for f in report.findings:
            line, col = doc.line_col(f.start)
            self.csv.writerow(
                [d["id"], d["outlet"], d["published"] or "", _blank(d["score"]), _blank(d["mt_probability"]), f.rule,
                 f.category.value, f.severity.value, f.start, f.end, line, col, f.text, f.message,
                 f.suggestion or "", round(f.confidence, 4), d["source_language"] or "",
                 _blank(d["source_language_probability"])]
            )


def _blank(v: Any) -> Any:
    return "" if v is None else v


class TextWriter(Writer):
    """Linter-style: ``path:line:col: RULE severity message``, the excerpt, a caret line."""

    def __init__(self, out: IO[str], color: bool = False, width: int = 100) -> None:
        super().__init__(out)
        self.color = color
        self.width = width

    def _c(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def _write(self, report: ArticleReport) -> None:
        a = report.article
        doc = Document(a)
        where = printable(a.source if a.line is None and a.source else a.id)
        for f in report.findings:
            line, col = doc.line_col(f.start)
            sev = self._c(f.severity.value, {"error": "31", "warning": "33", "info": "36"}[f.severity.value])
            self.out.write(f"{where}:{line}:{col}: {self._c(f.rule, '1')} {sev} {printable(f.message)}\n")
            excerpt, caret = excerpt_lines(a.text, f.start, f.end, self.width)
            if excerpt:
                self.out.write(f"    {excerpt}\n    {self._c(caret, '32')}\n")
            if f.suggestion:
                self.out.write(f"    suggestion: {printable(f.suggestion)}\n")
        mt = "n/a" if report.mt_probability is None else f"{report.mt_probability:.2f}"
        score = "n/a (not scored)" if report.score is None else f"{report.score:.0f}/100"
        source = f", {source_language_words(report)}" if report.source_language else ""
        self.out.write(
            f"{self._c(printable(a.location), '1')}: score {score}, {len(report.findings)} finding(s), "
            f"{report.words} words, language {report.language or '?'}, mt_probability {mt}{source}\n\n"
        )

    def close(self) -> None:
        cats = ", ".join(f"{k} {v}" for k, v in sorted(self.categories.items())) or "none"
        sevs = ", ".join(f"{self.severities[s.value]} {s.value}" for s in reversed(Severity))
        total = sum(self.categories.values())
        self.out.write(f"{total} finding(s) in {self.reports} article(s) ({sevs}). By category: {cats}.\n")
        super().close()


def source_language_words(report: ArticleReport) -> str:
    """"likely machine-translated from Russian (0.71)", or "" without a source language."""
    from detector.mt.source_language.model import NAMES

    if not report.source_language:
        return ""
    p = report.source_language_probability
    name = NAMES.get(report.source_language, report.source_language)
    return f"likely machine-translated from {name}" + (f" ({p:.2f})" if p is not None else "")


def excerpt_lines(text: str, start: int, end: int, width: int = 100) -> tuple[str, str]:
    """The line holding ``start`` (clipped around the span to ``width``) and a caret line under it.

    Looks for the line's ends only within ``2 * width`` of the span, so a text that is one huge
    line costs each finding its neighbourhood, not the whole line.
    """
    reach = 2 * width
    left = max(0, start - reach)
    nl = text.rfind("\n", left, start)
    line_start = nl + 1 if nl >= 0 else left
    right = min(len(text), max(start, end) + reach)
    nl = text.find("\n", start, right)
    line_end = nl if nl >= 0 else right
    span_end = min(end, line_end)
    lo, hi = line_start, line_end
    if hi - lo > width:
        room = max(width - (span_end - start), 10)
        lo = max(line_start, start - room // 2)
        hi = min(line_end, max(span_end, lo + width))
    prefix = "…" if lo > 0 and text[lo - 1] != "\n" else ""
    suffix = "…" if hi < len(text) and text[hi] != "\n" else ""
    before, span, after = (printable(text[a:b].replace("\t", " ")) for a, b in ((lo, start), (start, span_end), (span_end, hi)))
    caret = " " * (len(prefix) + len(before)) + "^" * max(1, len(span))
    return prefix + before + span + after + suffix, caret


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifWriter(Writer):
    """SARIF 2.1.0, as GitHub code scanning and other SARIF viewers accept it."""

    def __init__(self, out: IO[str], rules: Iterable[Any] = ()) -> None:
        super().__init__(out)
        self.rules = list(rules)
        self.rule_index = {r.id: i for i, r in enumerate(self.rules)}
        self.results: list[dict[str, Any]] = []

    def _write(self, report: ArticleReport) -> None:
        a = report.article
        doc = Document(a)
        for f in report.findings:
            self.results.append(self._result(a, doc, f))

    def _result(self, a: Any, doc: Document, f: Finding) -> dict[str, Any]:
        line, col = doc.line_col(f.start)
        end_line, end_col = doc.line_col(f.end)
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": (a.source or a.id).replace("\\", "/")},
                "region": {
                    "startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
                    "charOffset": f.start, "charLength": f.end - f.start, "snippet": {"text": f.text},
                },
            }
        }
        if a.line is not None:  # a record inside a JSONL/CSV file: the region is within its text
            location["logicalLocations"] = [{"name": a.id, "kind": "article"}]
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
            "locations": [location],
            "partialFingerprints": {"article/rule/offset": f"{a.id}/{f.rule}/{f.start}"},
            "properties": {"article": a.id, "outlet": a.outlet, "category": f.category.value, "confidence": f.confidence},
        }
        if f.rule in self.rule_index:
            result["ruleIndex"] = self.rule_index[f.rule]
        return result

    def close(self) -> None:
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "detector",
                            "version": __version__,
                            "rules": [
                                {
                                    "id": r.id,
                                    "name": r.id.replace(".", ""),
                                    "shortDescription": {"text": r.summary},
                                    "fullDescription": {"text": r.doc},
                                    "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
                                    "properties": {"category": r.category.value},
                                }
                                for r in self.rules
                            ],
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": self.results,
                }
            ],
        }
        json.dump(doc, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")
        super().close()


def make_writer(fmt: str, out: IO[str], *, rules: Iterable[Any] = (), color: bool = False) -> Writer:
    if fmt == "text":
        return TextWriter(out, color=color)
    if fmt == "json":
        return JsonWriter(out)
    if fmt == "jsonl":
        return JsonlWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    if fmt == "sarif":
        return SarifWriter(out, rules=rules)
    raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
