"""Typography never reaches the MT model: quotes, dashes, ellipses, odd spaces and C1 controls are
normalised first, and offsets still point into the original text."""

from __future__ import annotations

import numpy as np
import pytest

from detector.mt.typography import map_offsets, normalize, normalize_with_offsets

CURLY = ("“We won’t leave,” the mayor said — and the talks… stalled.\u00a0Officials in Kyiv\u202fsaid "
         "the ‘deal’ was off – for now.")
STRAIGHT = ('"We won\'t leave," the mayor said - and the talks... stalled. Officials in Kyiv said '
            "the 'deal' was off - for now.")


def test_normalize_gives_ascii_typography() -> None:
    assert normalize(CURLY) == STRAIGHT
    assert normalize("soft\u00adhy\u200bphen") == "softhyphen"
    assert normalize(STRAIGHT) == STRAIGHT


def test_c1_controls_are_read_as_cp1252() -> None:
    # trans_en_wmt08.txt: cp1252 quotes and dashes decoded as Latin-1
    assert normalize("It\x92s \x93fine\x94 \x96 really\x85") == 'It\'s "fine" - really...'
    assert normalize("a\x81b") == "ab"  # undefined in cp1252: dropped


def test_offsets_map_back_to_the_original_characters() -> None:
    norm, source = normalize_with_offsets(CURLY)
    assert len(source) == len(norm) + 1 and source[-1] == len(CURLY)
    for word in ("mayor", "talks", "stalled", "Officials", "deal", "now"):
        i = norm.index(word)
        start, end = map_offsets(np.array([[i, i + len(word)]]), source)[0]
        assert CURLY[start:end] == word
    i = norm.index("...")
    start, end = map_offsets(np.array([[i, i + 3]]), source)[0]
    assert CURLY[start:end] == "…"


def test_clean_text_maps_to_itself() -> None:
    norm, source = normalize_with_offsets("plain text")
    assert norm == "plain text" and list(source) == list(range(11))


@pytest.fixture(scope="module")
def shipped():
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    if not (SHIPPED_DIR / "meta.json").is_file():
        pytest.skip("no shipped MT model")
    return MTModel.load(SHIPPED_DIR)


def test_probability_does_not_change_when_quotes_and_dashes_are_swapped(shipped) -> None:
    curly = CURLY + " “It is a matter of principle,” he added — the council agreed… unanimously."
    straight = normalize(curly)
    p_curly, p_straight = shipped.predict([curly, straight])
    assert p_curly.doc_probs["mt"] == pytest.approx(p_straight.doc_probs["mt"], abs=1e-6)
    for a, b in zip(p_curly.sentence_probs, p_straight.sentence_probs, strict=True):
        assert a["mt"] == pytest.approx(b["mt"], abs=1e-6)


def test_model_spans_keep_exact_offsets_in_curly_text(shipped) -> None:
    text = "“The soldiers stopped in center of town..” — it prevented the convoy to move… on the road."
    for span in shipped.predict([text])[0].spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip() == text[span.start:span.end]
