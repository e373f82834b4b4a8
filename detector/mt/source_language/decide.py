"""One article's source language from its MT probability, the head's probabilities and name evidence.

The rules, in order (a false source language costs a reader more than a missing one):
1. Only an article judged a translation gets a language: ``mt_probability >= MT_GATE``, or route
   name forms found (a name form is evidence of translation by itself).
2. Confident name evidence (a route at 0.5 or more, ``names``) names its route, even one the model
   never learned (Italian, Polish); the model's probability for that route joins it (noisy-or), and a
   model that prefers another language is overruled: it never contradicts the names.
3. Ambiguous name evidence (Charkiw: German or Polish) names the model's language only when that is
   one of the routes and the combined probability reaches the model's threshold.
4. Without names, the model's best source language is named when it reaches the threshold that
   leave-one-language-out chose (``model.SourceLanguageModel.threshold``) *and* the two models agree
   that the article is a translation from it: ``mt_probability`` times that probability reaches
   ``AGREEMENT``. Native English news sits just above the MT gate (a third of it reaches
   ``mt_probability`` 0.5, mostly 0.50-0.60) while the head, whose class "en" is narrow, gives some of
   it a small, odd class (Hausa, Icelandic) with confidence; it is the product of the two weak
   signals that separates them (chosen on the "tune" outlets of native news and dev MT documents,
   ``AGREEMENT``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from detector.mt.source_language.model import ENGLISH
from detector.mt.source_language.names import NameEvidence

#: The MT probability at which an article counts as a translation (the MT model's warning level).
MT_GATE = 0.5
#: The least product of mt_probability and the head's probability for a model-only language (rule 4):
#: the largest that names no fewer dev MT documents (174 sampled, 8 languages: 27.6% named right at
#: 0.35-0.40, 25.3% at 0.45); on the 60 native news articles of the "tune" outlets the closest calls
#: were 0.39 (Chinese), 0.33 and 0.29.
AGREEMENT = 0.4


@dataclass
class Decision:
    language: str | None
    probability: float | None
    #: What it rests on: "names", "model", "names+model", or "" for none.
    basis: str = ""
    model: dict[str, float] = field(default_factory=dict)


def _either(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


def decide(mt_probability: float | None, model_probs: dict[str, float] | None, threshold: float,
           evidence: NameEvidence, agreement: float = AGREEMENT) -> Decision:
    """Apply the rules of the module doc."""
    probs = {k: v for k, v in (model_probs or {}).items() if k != ENGLISH}
    best = max(probs.items(), key=lambda kv: kv[1], default=(None, 0.0))
    model_view = {"language": best[0], "probability": round(best[1], 4)} if best[0] else {}
    routes = evidence.probabilities()
    judged = bool(routes) or (mt_probability is not None and mt_probability >= MT_GATE)
    if not judged:
        return Decision(None, None, "", model_view)
    if routes:
        lang, p = next(iter(routes.items()))
        if p >= 0.5:
            combined = _either(p, probs.get(lang, 0.0))
            return Decision(lang, combined, "names+model" if probs.get(lang, 0.0) >= threshold else "names", model_view)
        if best[0] in routes:
            combined = _either(routes[best[0]], best[1])
            if combined >= threshold:
                return Decision(best[0], combined, "names+model", model_view)
        return Decision(None, None, "", model_view)
    if best[0] is not None and best[1] >= threshold and (mt_probability or 0.0) * best[1] >= agreement:
        return Decision(best[0], best[1], "model", model_view)
    return Decision(None, None, "", model_view)
