"""The article score: 0-100, falling with the severity-weighted defect load per 1,000 words.

score = 100 * exp(-load / d0), load = sum(weight[severity] * confidence) / max(words, min_words) * 1000

Info findings weigh little; internal failures and language notes weigh nothing (they say how much
was checked, not what is wrong). Outlet reliability (``detector.outlets``) pools the same defects
across articles with shrinkage; this score is for one article alone.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from detector.findings import Category, Finding

#: Categories that describe the check, not a defect of the text.
UNSCORED = frozenset({Category.INTERNAL})
#: Rules that note a fact about the article, not a defect: they weigh nothing.
NOTE_RULES = frozenset({"Language.Unsupported", "Translation.SourceLanguage"})


def defect_load(findings: Iterable[Finding], words: int, settings: Mapping[str, Any]) -> float:
    """Severity-weighted findings per 1,000 words."""
    weights = settings["weights"]
    total = 0.0
    for f in findings:
        if f.category in UNSCORED or f.rule in NOTE_RULES:
            continue
        total += float(weights.get(f.severity.value, 0.0)) * float(f.confidence)
    return total / max(words, int(settings["min_words"])) * 1000.0


def article_score(findings: Iterable[Finding], words: int, settings: Mapping[str, Any]) -> float:
    """100 for a clean article, towards 0 as the defect load grows."""
    load = defect_load(findings, words, settings)
    return 100.0 * math.exp(-load / float(settings["d0"]))
