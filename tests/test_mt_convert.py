"""Labeled JSONL, Label Studio / Doccano conversion, and the shared-data span cleaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector.ml.annotation_formats import (
    from_doccano,
    from_labelstudio,
    guess_format,
    labelstudio_config,
    to_labelstudio,
)
from detector.ml.labeled import (
    Example,
    LabeledDataError,
    LabeledSpan,
    parse_record,
    read_jsonl,
    sentence_units,
    write_jsonl,
)
from detector.mt.model.corpus import repair_span, split_of
from detector.mt.model.metrics import span_prf
from detector.mt.model.model import Calibration, decode_spans
from detector.mt.model.synthetic import double_period, glued_period, lost_break, synthetic_examples

TEXT = "In the center of town.. It prevented the convoy from advancing."
EXAMPLES = [
    Example(TEXT, [LabeledSpan(21, 23, "error")], "mt", "doc-1"),
    Example("Residents gathered outside city hall.", [], "human"),
    Example("A document with only a label.", None, "mt"),
]


def _same(a: list[Example], b: list[Example]) -> None:
    assert [(e.text, e.spans, e.label) for e in a] == [(e.text, e.spans, e.label) for e in b]


def test_jsonl_round_trip_keeps_unannotated_apart_from_clean(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    write_jsonl(EXAMPLES, path)
    back = read_jsonl(path)
    _same(back, EXAMPLES)
    assert back[1].spans == [] and back[2].spans is None  # clean vs not annotated for spans


def test_source_language_is_validated_stored_and_round_trips(tmp_path: Path) -> None:
    ex = parse_record({"text": "A translated text.", "label": "mt", "source_language": "uk"})
    assert ex.source_language == "uk" and ex.to_json()["source_language"] == "uk"
    assert parse_record({"text": "An original text.", "label": "human"}).source_language is None
    path = tmp_path / "lang.jsonl"
    write_jsonl([ex], path)
    assert read_jsonl(path)[0].source_language == "uk"
    assert to_labelstudio([ex])[0]["data"]["source_language"] == "uk"
    with pytest.raises(LabeledDataError, match="source_language"):
        parse_record({"text": "abc", "source_language": 7}, "f.jsonl:1")


@pytest.mark.parametrize("record, message", [
    ({"text": "abc", "spans": [{"start": 2, "end": 9, "label": "e"}]}, "outside the text"),
    ({"text": "abc", "spans": [{"start": 2, "end": 2, "label": "e"}]}, "outside the text"),
    ({"spans": []}, "string 'text'"),
    ({"text": "abc", "spans": [{"start": 0}]}, "integer start, end and a label"),
])
def test_bad_records_are_rejected_with_their_location(record: dict, message: str) -> None:
    with pytest.raises(LabeledDataError, match=message):
        parse_record(record, "f.jsonl:3")


def test_labelstudio_annotations_round_trip() -> None:
    tasks = json.loads(json.dumps(to_labelstudio(EXAMPLES)))
    back = from_labelstudio(tasks)
    _same(back[:2], EXAMPLES[:2])
    # A reviewed Label Studio task is annotated for spans: "no span" means "no error" there.
    assert back[2].spans == [] and back[2].label == "mt"


def test_labelstudio_predictions_need_review_unless_asked() -> None:
    from detector.mt.model.model import Prediction, SpanPrediction

    preds = [Prediction([SpanPrediction(21, 23, "error", 0.9)], {"human": 0.2, "mt": 0.8})]
    tasks = to_labelstudio(EXAMPLES[:1], preds)
    assert tasks[0]["predictions"][0]["result"][0]["value"]["text"] == ".."
    assert from_labelstudio(tasks) == []  # nobody reviewed it
    got = from_labelstudio(tasks, include_predictions=True)
    assert got[0].spans == [LabeledSpan(21, 23, "error")] and got[0].label == "mt"


def test_labelstudio_latest_uncancelled_annotation_wins_and_json_min_reads() -> None:
    span = {"type": "labels", "value": {"start": 0, "end": 2, "labels": ["error"]}}
    task = {"data": {"text": "In the town"}, "annotations": [
        {"result": []}, {"result": [span]}, {"result": [], "was_cancelled": True}]}
    assert from_labelstudio([task])[0].spans == [LabeledSpan(0, 2, "error")]
    minimal = [{"text": "In the town", "label": [{"start": 3, "end": 6, "labels": ["error"]}], "doc_label": "mt"}]
    got = from_labelstudio(minimal)[0]
    assert got.spans == [LabeledSpan(3, 6, "error")] and got.label == "mt"


def test_labelstudio_config_names_match_export() -> None:
    cfg = labelstudio_config(["error"], ["human", "mt"])
    assert '<Labels name="label" toName="text"><Label value="error"/>' in cfg and '<Choice value="mt"/>' in cfg


def test_doccano_sequence_and_classification_exports() -> None:
    lines = [
        json.dumps({"text": TEXT, "label": [[21, 23, "error"]]}),
        json.dumps({"text": TEXT, "entities": [{"start_offset": 21, "end_offset": 23, "label": "error"}]}),
        json.dumps({"text": "A translated text.", "label": ["mt"]}),
    ]
    seq, ent, cls = from_doccano(lines)
    assert seq.spans == ent.spans == [LabeledSpan(21, 23, "error")]
    assert cls.label == "mt" and cls.spans is None


def test_guess_format(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "x", "label": [[0, 1, "e"]]}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "x", "spans": []}) + "\n")
    assert guess_format(tmp_path / "a.jsonl") == "doccano"
    assert guess_format(tmp_path / "b.jsonl") == "jsonl"
    assert guess_format(tmp_path / "c.json") == "labelstudio"


def test_sentence_units_clip_spans_to_sentences() -> None:
    units = list(sentence_units([EXAMPLES[0]]))
    assert [u.text for u in units] == ["In the center of town..", "It prevented the convoy from advancing."]
    assert units[0].spans == [LabeledSpan(21, 23, "error")] and units[1].spans == []


def test_repair_span_fixes_off_by_one_and_spaces() -> None:
    text = "the plane may have disintegrated"
    assert repair_span(text, 10, 14) == (10, 13)  # " may " cut → trimmed
    assert repair_span(text, 5, 10) == (4, 9)  # "lane " → "plane"
    assert repair_span(text, 4, 9) == (4, 9)
    assert repair_span(text, 20, 99) is None


def test_split_is_stable_and_by_group() -> None:
    assert split_of("wmt22:uk-en:test_uk_257") == split_of("wmt22:uk-en:test_uk_257")
    assert {split_of(f"doc{i}") for i in range(200)} == {"train", "dev", "test"}


def test_synthetic_artefacts_label_the_broken_junction() -> None:
    import random

    a, b = "The convoy stopped in the center of town.", "It could not advance."
    rng = random.Random(0)
    for make, expected in ((double_period, ".."), (glued_period, "town.It"), (lost_break, "town It")):
        text, start, end = make(a, b, rng)
        assert text[start:end] == expected
    hosts = [Example(f"{a} {b} Residents shouted at the soldiers.", None, "human", "g")]
    made = synthetic_examples(hosts, n=2, seed=1)
    assert any(ex.spans for ex in made) and any(ex.spans == [] for ex in made)


def test_decode_spans_widens_subwords_to_words() -> None:
    import numpy as np

    text = "residents Throw cocktails"
    offsets = np.array([[0, 9], [10, 13], [13, 15], [16, 25]])  # "thr" + "ow" pieces
    probs = np.array([[0.1], [0.9], [0.2], [0.1]])
    spans = decode_spans(text, offsets, probs, ["error"], 0.5)
    assert [(text[s.start:s.end], round(s.score, 1)) for s in spans] == [("Throw", 0.9)]


def test_span_prf_counts_characters() -> None:
    text = "aaa bbb"
    m = span_prf([text], [[(0, 7, "e")]], [[(0, 3, "e")]])["e"]
    assert m["precision"] == 1.0 and m["recall"] == 0.5


def test_calibration_temperature_softens_overconfident_scores() -> None:
    import numpy as np

    # Log-probs that claim 99% but are right 60% of the time: the fitted temperature flattens them.
    says_mt, says_human = np.log([[0.01, 0.99]]), np.log([[0.99, 0.01]])
    docs = [says_mt] * 3 + [says_human] * 2 + [says_human] * 3 + [says_mt] * 2
    gold = [1] * 5 + [0] * 5
    cal = Calibration.fit(docs, gold)
    assert abs(cal.doc_probs(says_mt)[1] - 0.6) < 0.05

