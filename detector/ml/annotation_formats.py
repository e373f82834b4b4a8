"""Label Studio and Doccano exports ⇄ the labeled JSONL that ``detector train`` reads.

The review loop: ``detector convert --to labelstudio --model DIR`` writes the model's spans and
document label as Label Studio *predictions*; reviewers correct them in Label Studio (with the
labeling config from ``labelstudio_config``) and export JSON; ``detector convert --from
labelstudio`` turns their *annotations* back into training JSONL.

Formats (as documented by each tool):
- Label Studio JSON export: a list of tasks ``{"data": {"text"}, "annotations": [{"result": [...],
  "was_cancelled"}], "predictions": [...]}``; a span result is ``{"type": "labels", "value":
  {"start", "end", "text", "labels": [..]}}``, a document label ``{"type": "choices", "value":
  {"choices": [..]}}``. The JSON-MIN export (``{"text", "label": [{"start", "end", "labels"}]}``)
  is read too.
- Doccano JSONL: sequence labelling ``{"text", "label": [[start, end, "LABEL"], ...]}`` or
  ``{"text", "entities": [{"start_offset", "end_offset", "label"}]}``; text classification
  ``{"text", "label": ["mt"]}`` (a "cats" key is accepted as well).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from detector.ml.labeled import Example, LabeledDataError, LabeledSpan, json_lines, parse_record

SPAN_CONTROL = "label"
DOC_CONTROL = "doc_label"


def labelstudio_config(span_labels: Sequence[str], doc_labels: Sequence[str]) -> str:
    """A Label Studio labeling config whose names match what ``to_labelstudio`` writes."""
    spans = "".join(f"<Label value={quoteattr(s)}/>" for s in span_labels)
    docs = "".join(f"<Choice value={quoteattr(d)}/>" for d in doc_labels)
    choices = f'<Choices name="{DOC_CONTROL}" toName="text" choice="single">{docs}</Choices>' if doc_labels else ""
    return f'<View><Labels name="{SPAN_CONTROL}" toName="text">{spans}</Labels><Text name="text" value="$text"/>{choices}</View>'


def _result(examples_spans: Iterable[tuple[int, int, str, float | None]], text: str, doc_label: str | None) -> list[dict]:
    out: list[dict[str, Any]] = []
    for n, (start, end, label, score) in enumerate(examples_spans):
        item: dict[str, Any] = {"id": f"s{n}", "from_name": SPAN_CONTROL, "to_name": "text", "type": "labels",
                                "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}
        if score is not None:
            item["score"] = round(score, 4)
        out.append(item)
    if doc_label is not None:
        out.append({"id": "doc", "from_name": DOC_CONTROL, "to_name": "text", "type": "choices",
                    "value": {"choices": [doc_label]}})
    return out


def to_labelstudio(examples: Sequence[Example], predictions: Sequence[Any] | None = None,
                   model_version: str = "detector") -> list[dict[str, Any]]:
    """Label Studio tasks: existing labels as annotations, or a model's output as predictions.

    ``predictions`` are ``mt_model.Prediction`` objects aligned with ``examples``.
    """
    tasks = []
    for i, ex in enumerate(examples):
        task: dict[str, Any] = {"data": {"text": ex.text, **({"group": ex.group} if ex.group else {}),
                                         **({"source_language": ex.source_language} if ex.source_language else {})}}
        if predictions is not None:
            pred = predictions[i]
            label = max(pred.doc_probs, key=pred.doc_probs.get) if pred.doc_probs else None
            spans = [(p.start, p.end, p.label, p.score) for p in pred.spans]
            task["predictions"] = [{"model_version": model_version, "score": round(pred.doc_probs.get("mt", 0.0), 4),
                                    "result": _result(spans, ex.text, label)}]
        elif ex.spans is not None or ex.label is not None:
            spans = [(s.start, s.end, s.label, None) for s in ex.spans or []]
            task["annotations"] = [{"result": _result(spans, ex.text, ex.label)}]
        tasks.append(task)
    return tasks


def _from_results(text: str, results: list[dict], where: str) -> tuple[list[LabeledSpan], str | None]:
    spans, label = [], None
    for r in results:
        value = r.get("value") or {}
        if "labels" in value or r.get("type") in ("labels", "hypertextlabels"):
            for lab in value.get("labels") or []:
                spans.append((int(value["start"]), int(value["end"]), str(lab)))
        elif "choices" in value and value["choices"]:
            label = str(value["choices"][0])
    record = {"text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans], "label": label}
    ex = parse_record(record, where)  # validates offsets
    return ex.spans or [], label


def from_labelstudio(data: Any, include_predictions: bool = False, text_key: str = "text") -> list[Example]:
    """Examples from a Label Studio JSON (or JSON-MIN) export; cancelled annotations are skipped,
    and tasks nobody annotated too, unless ``include_predictions`` takes the model's output."""
    if not isinstance(data, list):
        raise LabeledDataError("a Label Studio export is a JSON list of tasks")
    out = []
    for n, task in enumerate(data, 1):
        where = f"task {n}"
        if not isinstance(task, dict):
            raise LabeledDataError(f"{where}: not an object")
        if "data" not in task:  # JSON-MIN: fields at the top level, spans under a control name
            text = task.get(text_key)
            if not isinstance(text, str):
                raise LabeledDataError(f"{where}: no text under {text_key!r}")
            spans = [{"start": v["start"], "end": v["end"], "label": lab}
                     for key, vals in task.items() if isinstance(vals, list)
                     for v in vals if isinstance(v, dict) and "start" in v for lab in v.get("labels", [])]
            choice = task.get(DOC_CONTROL)
            out.append(parse_record({"text": text, "spans": spans, "label": choice if isinstance(choice, str) else None}, where))
            continue
        text = (task.get("data") or {}).get(text_key)
        if not isinstance(text, str):
            raise LabeledDataError(f"{where}: no data.{text_key}")
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if done:
            results = done[-1].get("result") or []  # the latest annotation wins
        elif include_predictions and task.get("predictions"):
            results = task["predictions"][-1].get("result") or []
        else:
            continue
        spans, label = _from_results(text, results, where)
        group = (task.get("data") or {}).get("group")
        lang = (task.get("data") or {}).get("source_language")
        out.append(Example(text, spans, label, group, {"labelstudio_id": task.get("id")} if task.get("id") is not None else {},
                           lang if isinstance(lang, str) and lang else None))
    return out


def from_doccano(lines: Iterable[str]) -> list[Example]:
    """Examples from a Doccano JSONL export (sequence labelling or text classification)."""
    out = []
    for n, rec in json_lines(lines, "line"):
        where = f"line {n}"
        text = rec.get("text", rec.get("data"))
        raw = rec.get("entities") if "entities" in rec else rec.get("label", rec.get("labels", []))
        cats = rec.get("cats")
        spans: list[dict] | None = []
        doc_label = None
        for item in raw or []:
            if isinstance(item, (list, tuple)) and len(item) == 3:
                spans.append({"start": item[0], "end": item[1], "label": item[2]})
            elif isinstance(item, dict) and "start_offset" in item:
                spans.append({"start": item["start_offset"], "end": item["end_offset"], "label": item["label"]})
            elif isinstance(item, str):
                doc_label = item
            else:
                raise LabeledDataError(f"{where}: unknown label item {item!r}")
        if cats:
            doc_label = cats[0] if isinstance(cats, list) else max(cats, key=cats.get)
        if doc_label is not None and not spans:
            spans = None  # a classification export says nothing about spans
        out.append(parse_record({"text": text, "spans": spans, "label": doc_label}, where))
    return out


def read_annotations(path: Path, fmt: str, include_predictions: bool = False) -> list[Example]:
    """Examples from ``path`` in ``fmt`` (labelstudio, doccano or jsonl)."""
    from detector.ml.labeled import read_jsonl

    if not path.is_file():
        raise LabeledDataError(f"{path}: no such file")
    if fmt == "jsonl":
        return read_jsonl(path)
    try:
        if fmt == "labelstudio":
            return from_labelstudio(json.loads(path.read_text(encoding="utf-8")), include_predictions)
        if fmt == "doccano":
            with path.open(encoding="utf-8") as fh:
                return from_doccano(fh)
    except json.JSONDecodeError as exc:
        raise LabeledDataError(f"{path}: not JSON ({exc.msg})") from None
    except LabeledDataError as exc:
        raise LabeledDataError(f"{path}: {exc}") from None
    raise LabeledDataError(f"unknown format {fmt!r} (use labelstudio, doccano or jsonl)")


def guess_format(path: Path) -> str:
    """labelstudio for .json; for .jsonl, doccano when records carry "entities", "cats" or a list of
    labels, else our labeled JSONL."""
    if path.suffix == ".json":
        return "labelstudio"
    try:
        with path.open(encoding="utf-8") as fh:
            first = next((json.loads(line) for line in fh if line.strip()), {})
    except (OSError, json.JSONDecodeError):
        return "jsonl"
    doccano = isinstance(first, dict) and ("entities" in first or "cats" in first or isinstance(first.get("label"), list))
    return "doccano" if doccano else "jsonl"
