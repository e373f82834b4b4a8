"""Labeled texts for training and evaluating the MT model: the JSONL format users retrain on.

One record per line: ``{"text": str, "spans": [{"start", "end", "label"}], "label": str | null}``.
``spans`` present (even empty) means the text was annotated for error spans; absent means it was
not, so a document-labelled text does not teach the tagger that it is error-free. ``label`` is an
optional document label (the shipped model uses "mt" / "human"). ``source_language`` (an ISO code
such as "uk", or null) says what a translation was made from; it is validated and stored for
per-language evaluation and later models, and no model reads it yet. Extra keys (``group``, ``meta``)
are kept: ``group`` names the source document so splits and pairing keep versions together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector.article import Article, Document


class LabeledDataError(ValueError):
    """A labeled file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class LabeledSpan:
    start: int
    end: int
    label: str


@dataclass
class Example:
    """One labeled text. ``spans is None``: not annotated for spans (document label only)."""

    text: str
    spans: list[LabeledSpan] | None = None
    label: str | None = None
    group: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    source_language: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.spans is not None:
            out["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in self.spans]
        if self.label is not None:
            out["label"] = self.label
        if self.group is not None:
            out["group"] = self.group
        if self.source_language is not None:
            out["source_language"] = self.source_language
        if self.meta:
            out["meta"] = self.meta
        return out


def parse_record(record: Any, where: str = "record") -> Example:
    """Validate one JSON record (offsets inside the text, start < end) into an Example."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise LabeledDataError(f"{where}: expected an object with a string 'text'")
    text = record["text"]
    spans = None
    if "spans" in record and record["spans"] is not None:
        if not isinstance(record["spans"], list):
            raise LabeledDataError(f"{where}: 'spans' must be a list")
        spans = []
        for s in record["spans"]:
            try:
                start, end, label = int(s["start"]), int(s["end"]), str(s["label"])
            except (KeyError, TypeError, ValueError):
                raise LabeledDataError(f"{where}: each span needs integer start, end and a label") from None
            if not 0 <= start < end <= len(text):
                raise LabeledDataError(f"{where}: span {start}:{end} is outside the text (length {len(text)})")
            spans.append(LabeledSpan(start, end, label))
    label = record.get("label")
    if label is not None and not isinstance(label, str):
        raise LabeledDataError(f"{where}: 'label' must be a string or null")
    group = record.get("group")
    source_language = record.get("source_language")
    if source_language is not None and not (isinstance(source_language, str) and source_language.strip()):
        raise LabeledDataError(f"{where}: 'source_language' must be a language code (e.g. \"uk\") or null")
    return Example(text, spans, label, None if group is None else str(group), dict(record.get("meta") or {}),
                   source_language.strip() if source_language is not None else None)


def json_lines(lines: Iterable[str], where: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed record) of non-blank JSONL lines; bad JSON raises naming the line."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabeledDataError(f"{where}:{n}: not JSON ({exc.msg})") from None


def read_jsonl(path: Path) -> list[Example]:
    """Examples of a labeled JSONL file; a bad line raises LabeledDataError naming it."""
    if not path.is_file():
        raise LabeledDataError(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        out = [parse_record(record, f"{path}:{n}") for n, record in json_lines(fh, str(path))]
    if not out:
        raise LabeledDataError(f"{path}: no records")
    return out


def write_jsonl(examples: Iterable[Example], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n


@dataclass
class Unit:
    """A sentence of an example: the model's unit of encoding, with spans relative to it."""

    text: str
    example: int  # index of the Example it comes from
    offset: int  # start of the sentence in the example text
    spans: list[LabeledSpan] | None


def sentence_units(examples: list[Example], min_chars: int = 2) -> Iterator[Unit]:
    """Split every example into sentences exactly as the check does (``mt_sentences``: a line break
    or a table cell always ends one) and clip its spans to each sentence."""
    from detector.mt.context import mt_sentences

    for i, ex in enumerate(examples):
        for sent in mt_sentences(Document(Article(str(i), ex.text))):
            if len(sent.text) < min_chars:
                continue
            spans = None
            if ex.spans is not None:
                spans = [
                    LabeledSpan(max(s.start, sent.start) - sent.start, min(s.end, sent.end) - sent.start, s.label)
                    for s in ex.spans
                    if s.start < sent.end and s.end > sent.start
                ]
            yield Unit(sent.text, i, sent.start, spans)
