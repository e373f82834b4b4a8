"""The source language as part of the MT model check: ``source_language`` on the report and the
``Translation.SourceLanguage`` note on route name forms (``detector.mt.source_language``).

Not a check of its own: the head reads the sentence states the MT model computed for the same
article (one encoder pass), so ``MTModelCheck`` calls ``SourceLanguageHead`` after its prediction.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from detector.article import Document
from detector.checks.base import Rule
from detector.findings import Category, Finding, Severity

if TYPE_CHECKING:
    from detector.mt.source_language.model import SourceLanguageModel
    from detector.mt.source_language.names import NameTable

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = Rule(
    id="Translation.SourceLanguage",
    category=Category.MT,
    severity=Severity.INFO,
    summary="A name form that only a translation through one language prints (Melitopoli, Charkiw, Selenskyj).",
    doc=(
        "A Ukrainian or Russian name in the form another language gives it: \"Melitopoli\" (Italian), "
        "\"Zełenski\" (Polish), \"Kiew\" or \"Selenskyj\" (German), \"Tchernihiv\" or \"Zaporijia\" (French). "
        "Machine translation into English keeps such forms, so they tell which language the English was "
        "translated from (the route), whether or not the model learned that language. The table is a "
        "reviewed hand list with sources plus the German and French romanizations of Ukraine's larger "
        "places built from the gazetteer's data (`detector/mt/source_language/names_*.tsv`). One note per "
        "distinct form, at its first occurrence; `data` holds every occurrence, the route probabilities, "
        "the model's view and the article's decided `source_language`. A note, not a defect: it does "
        "not lower the score. The report's `source_language` combines this evidence with a model on the "
        "MT model's sentence states (see the README, \"Source language\"), and is null unless the "
        "article is judged a translation and one language is confident."
    ),
)


class SourceLanguageHead:
    """The trained head (optional: without it only name evidence speaks) and the name table."""

    def __init__(self, model: SourceLanguageModel | None, names: NameTable) -> None:
        self.model = model
        self.names = names

    @classmethod
    def load(cls, with_model: bool = True, encoder: str | None = None) -> SourceLanguageHead:
        """The name table, and the trained head unless ``with_model`` is false (names only: the head
        reads the encoder pass, which then does not run). The head is the one trained on the states
        of ``encoder`` (the pass's ``Encoder.adapter``: the teacher's adapter hash or the student's;
        ``heads.head_dir``); with none, names only, with one warning."""
        from detector.mt.source_language.heads import load_head
        from detector.mt.source_language.names import shipped_table

        model: SourceLanguageModel | None = None
        if with_model:
            try:
                model = load_head(encoder)
            except (FileNotFoundError, OSError, ValueError) as exc:
                log.warning("detector: source-language model is off: %s", str(exc).splitlines()[0])
        return cls(model, shipped_table())

    def result(self, doc: Document, sentences: list[str], vectors: np.ndarray | None,
               mt_probability: float | None) -> tuple[list[Finding], dict[str, Any]]:
        """Notes on route name forms and the ``source_language`` metrics of one article."""
        from detector.mt.source_language.decide import decide
        from detector.mt.source_language.model import NAMES

        evidence = self.names.find(doc.text)
        probs = None
        if self.model is not None and vectors is not None and len(sentences) == len(vectors) and len(sentences):
            best, trust, probs = self.model.assess(vectors, sentences)
            if best is not None:
                probs[best] = trust  # the best language's probability is its open-set trust (model doc)
        threshold = self.model.threshold if self.model is not None else 0.5
        d = decide(mt_probability, probs, threshold, evidence)
        metrics: dict[str, Any] = {}
        if d.language is not None:
            metrics = {"source_language": d.language, "source_language_probability": round(float(d.probability or 0.0), 4)}
        routes = {k: round(v, 4) for k, v in evidence.probabilities().items()}
        found = []
        for form, info in evidence.forms.items():
            spans = [(s, e) for s, e, f in evidence.hits if f.form == form]
            langs = " or ".join(NAMES.get(k, k) for k in info.languages)
            found.append(SOURCE_LANGUAGE.finding(
                doc, spans[0][0], spans[0][1],
                f"\"{form}\" is the {langs} form of {info.english}: the English was likely translated through {langs}.",
                suggestion=info.english,
                confidence=max(routes.get(k, 0.0) for k in info.languages),
                data={"form": form, "languages": list(info.languages), "english": info.english, "source": info.source,
                      "occurrences": [list(s) for s in spans], "routes": routes, "model": d.model,
                      "source_language": d.language, "source_language_probability": metrics.get("source_language_probability"),
                      "basis": d.basis}))
        return found, metrics
