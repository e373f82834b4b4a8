"""The encoder-adaptation experiment's pure parts (bench/mt_adapt.py): pairing, windows, pooling."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from detector.mt.model.sources import HT, MT, Doc

_spec = importlib.util.spec_from_file_location("mt_adapt", Path(__file__).resolve().parents[1] / "bench" / "mt_adapt.py")
mt_adapt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mt_adapt)


def _doc(group: str, kind: str, system: str = "", lang: str = "uk") -> Doc:
    return Doc(f"{group} {kind} {system}", kind, f"wmt22:{lang}-en", lang, group, system)


def test_pairs_keep_one_human_and_one_mt_version_per_document():
    docs = [_doc("g1", HT, "ref-A"), _doc("g1", MT, "s1"), _doc("g1", MT, "s2"), _doc("g2", MT, "s1")]
    out = mt_adapt.pairs(docs, None, seed=0)
    assert [d.kind for d in out] == [HT, MT]  # g2 has no human version: dropped
    assert {d.group for d in out} == {"g1"}


def test_pairs_cap_documents_per_language_reproducibly():
    docs = [d for g in range(10) for d in (_doc(f"g{g}", HT), _doc(f"g{g}", MT, "s"))]
    docs += [_doc("x", HT, lang="cs"), _doc("x", MT, "s", lang="cs")]
    a, b = mt_adapt.pairs(docs, 3, seed=0), mt_adapt.pairs(docs, 3, seed=0)
    assert a == b and len(a) == 2 * 3 + 2


def test_document_probability_is_the_sigmoid_of_mean_window_log_odds():
    p = mt_adapt.doc_probs(np.array([2.0, 0.0, -1.0]), [0, 0, 1], 3)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert p[1] == pytest.approx(1 / (1 + np.exp(1.0)))
    assert p[2] == 0.5  # no window


def test_windows_hold_consecutive_sentences_up_to_the_word_budget():
    sentence = "The council met on Monday and approved the new budget for the coming year."
    text = "\n".join([sentence] * 30)
    ws = mt_adapt.doc_windows(text, limit=10)
    assert len(ws) >= 2 and all(len(w.split()) <= mt_adapt.WINDOW_WORDS for w in ws)
    assert mt_adapt.doc_windows(text, limit=1) == ws[:1]
    assert "“" not in mt_adapt.doc_windows("“" + sentence + "”", 1)[0]  # typography normalised first
