"""Explainable document evidence of translation, beside the model's own votes.

Each number is something a reader can check in the text: the density of ``MT.*`` rule findings
(artefacts of sentence-by-sentence MT), garbled or foreign-route name forms (``Translit.Garbled``,
``Translit.RussianDerived``: a name that went through another language), first-person slips
(``MT.PersonShift``), and lexical diversity (MT output repeats words that a human translator varies;
moving-average type-token ratio, so that length does not move it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

#: The evidence features, in order (names are recorded in meta.json by the document head).
FEATURES = ("mt_rule_findings_per_1000_words", "garbled_names_per_1000_words", "first_person_slips",
            "type_token_ratio", "log_words")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
#: Window of the moving-average type-token ratio (Covington and McFall 2010).
MATTR_WINDOW = 50


@lru_cache(maxsize=1)
def _checks() -> tuple:
    from detector.checks.mt_rules import MTRulesCheck
    from detector.checks.translit import TranslitCheck

    rules, translit = MTRulesCheck(), TranslitCheck()
    rules.ensure_setup()
    translit.ensure_setup()
    return rules, translit


def mattr(words: Sequence[str], window: int = MATTR_WINDOW) -> float:
    """Moving-average type-token ratio of lower-cased words (plain TTR for short texts)."""
    if not words:
        return 1.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    counts: dict[str, int] = {}
    for w in words[:window]:
        counts[w] = counts.get(w, 0) + 1
    total = len(counts)
    for i in range(window, len(words)):
        old, new = words[i - window], words[i]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        counts[new] = counts.get(new, 0) + 1
        total += len(counts)
    return total / (len(words) - window + 1) / window


@lru_cache(maxsize=50_000)
def evidence(text: str) -> np.ndarray:
    """The ``FEATURES`` of one document (cached: evaluation folds score the same texts again)."""
    from detector.article import Article, Document
    from detector.mt.typography import normalize

    rules, translit = _checks()
    text = normalize(text)  # typography is a property of the publisher, not of translation
    doc = Document(Article("evidence", text), language="en")
    mt = list(rules.check(doc))
    names = translit.check(doc)
    names = getattr(names, "findings", names)
    words = [w.lower() for w in _WORD.findall(text)]
    per_k = 1000.0 / max(len(words), 50)  # short texts: no density above one finding per 50 words
    return np.array([
        len(mt) * per_k,
        sum(f.rule in ("Translit.Garbled", "Translit.RussianDerived") for f in names) * per_k,
        float(sum(f.rule == "MT.PersonShift" for f in mt)),
        mattr(words),
        float(np.log1p(len(words))),
    ])


def evidence_matrix(texts: Sequence[str]) -> np.ndarray:
    return np.stack([evidence(t) for t in texts]) if len(texts) else np.zeros((0, len(FEATURES)))
