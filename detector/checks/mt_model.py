"""The MT model as a check: the article's ``mt_probability`` and ``MT.ModelSpan`` findings.

The model (``detector.mt.model.model``) is a MiniLM encoder (LoRA-adapted, the adapter merged on
load) with two small trained heads and a document head. One
encoder pass runs over the distinct sentences of every article in the batch (ONNX int8 by default,
same-length batches, unpadded), and only while ``MT.ModelSpan`` is enabled (``needs_encoder``). Its spans are *supporting* evidence: the scanner folds them into an
overlapping explainable MT rule finding rather than reporting the same words twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Result, Rule
from detector.checks.source_language import SOURCE_LANGUAGE, SourceLanguageHead
from detector.findings import Category, Finding, Severity
from detector.mt.context import mt_sentences

if TYPE_CHECKING:
    from detector.mt.model.model import SpanPrediction

log = logging.getLogger(__name__)

MODEL_SPAN = Rule(
    id="MT.ModelSpan",
    category=Category.MT,
    severity=Severity.WARNING,
    summary="Words a trained model marks as a likely machine-translation error.",
    doc=(
        "A token tagger on the MiniLM encoder, trained on error spans that professional "
        "reviewers marked in English machine translation (WMT-QE 2021 zh-en news and TED, Google "
        "MQM TED zh-en) and on seed-style junction artefacts (\"town.. It\", \"stationed.As\", a "
        "dropped sentence break). It sees lowercased subwords, so casing defects are left to the "
        "rules. Thresholds are tuned on held-out MQM annotations: a warning needs the probability at "
        "which dev precision reached 0.5, an info finding the one at which it reached 0.3 (or the "
        "F0.5-best); info spans are only reported in articles whose `mt_probability` is at least "
        "`min_document_probability`, warnings in articles at least as likely MT as not (0.5). Spans are "
        "only reported in running text: not in table cells, list items, headings or questions (a "
        "sentence of fewer than six words, or one that does not end in a full stop or exclamation "
        "mark), and not on words without a lower-case letter (numbers, codes, \"A.\" in a Q&A). "
        "Being supporting evidence, "
        "it is folded into an overlapping explainable MT rule finding (`data.supported_by`). Expect "
        "misses and some noise: on held-back MQM news its character-level F1 is modest (see "
        "models/mt/meta.json and `make eval-mt`). Retrain it on your own annotations with "
        "`detector train`."
    ),
    supporting=True,
)


@register
class MTModelCheck(Check):
    """Document-level MT probability and token-level error spans from the trained model."""

    name = "mt_model"
    rules = (MODEL_SPAN, SOURCE_LANGUAGE)
    english_only = True
    defaults: dict[str, Any] = {
        "model": "auto",  # "auto" = models/mt shipped with detector, or a folder from `detector train`
        "encoder": "auto",  # "auto" = the encoder named in the model's meta.json; or an HF id/path
        "device": "cpu",  # "cuda" (or "cuda:N"): the encoder in fp16 on the GPU; without CUDA a one-line error, exit 2
        # "auto": on the CPU, the distilled 3-layer encoder in <model>/student when it was distilled from this
        # model's adapter (half the encoder's FLOPs, the same MT AUC: bench/results/mt_student.json), else the
        # full encoder; true: the student or an error; false: the full 6-layer encoder (on "cuda", "auto" too).
        "student": "auto",
        "runtime": "auto",  # encoder runtime: "auto" (ONNX int8 when exported, else fp32, else torch), "torch", "onnx" (fp32), "onnx-int8"
        "batch_size": 64,
        "gpu_batch_size": 512,  # sentences per encoder batch on "cuda" (length-sorted, so padding stays small)
        "span_threshold": None,  # None = the model's dev-tuned (best F1) threshold, for info spans
        "warning_threshold": None,  # None = the model's dev-tuned precision-first threshold
        "source_language": True,  # the source-language head and route-name notes (same encoder pass); "names": the notes and name evidence only
        "min_document_probability": 0.7,  # info spans only in articles at least this likely MT (8% of human and 43% of machine-translated WMT22 dev documents reach it)
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        check_device(str(self.settings["device"]))  # when the scanner is built: before any article is read
        for key, word in (("source_language", "names"), ("student", "auto")):  # each: true, false or one word
            if self.settings[key] not in (True, False, word):
                from detector.config import ConfigError

                raise ConfigError(f'checks.mt_model.{key} must be true, false or "{word}", not {self.settings[key]!r}')

    @property
    def needs_encoder(self) -> bool:
        """Whether the encoder pass runs: only for ``MT.ModelSpan``, whose pass gives the spans and
        the article's ``mt_probability``. The source-language head and copy detection's sentence
        vectors ride on that pass when it runs; without it the source language rests on route name
        forms alone, and ``detector copies`` adds the vectors when it indexes (``copies.backfill_vectors``).
        So ``ignore = ["MT.ModelSpan"]`` is the fast profile: no encoder is loaded or run."""
        return MODEL_SPAN.id in self.enabled_rules

    def setup(self) -> None:
        from detector.mt.model.model import MTModel, resolve_model_dir

        self.model = None
        mode = self.settings["source_language"]
        wanted = SOURCE_LANGUAGE.id in self.enabled_rules and mode is not False
        self.source = None
        if self.needs_encoder:
            folder = resolve_model_dir(self.settings["model"])
            encoder = None if self.settings["encoder"] in (None, "", "auto") else self.settings["encoder"]
            try:
                self.model = MTModel.load(folder, encoder=encoder, device=self.settings["device"],
                                          runtime=self.settings["runtime"], student=self.settings["student"])
            except (FileNotFoundError, OSError, ValueError) as exc:
                # One line, once per process; the run goes on without mt_probability.
                log.warning("detector: mt_model check is off: %s", str(exc).splitlines()[0])
        if wanted:  # with the encoder pass, the head trained on the states of the encoder loaded (teacher or student)
            with_head = mode is True and self.model is not None
            self.source = SourceLanguageHead.load(with_model=with_head, encoder=self.model.encoder.adapter if with_head else None)
        if self.model is None:
            return
        s = self.settings
        n = len(self.model.span_labels)
        self.info_thr = [float(s["span_threshold"])] * n if s["span_threshold"] is not None else self.model.span_thresholds
        self.warn_thr = [float(s["warning_threshold"])] * n if s["warning_threshold"] is not None else self.model.warning_thresholds
        self.model.span_thresholds = list(self.info_thr)

    def check(self, doc: Document) -> Result:
        return self.check_batch([doc])[0]

    def check_batch(self, docs: list[Document]) -> list[Result]:  # type: ignore[override]
        if self.model is None:
            return [self._with_source(doc, Result(), None) for doc in docs]
        on_gpu = self.model.encoder.device.startswith("cuda")
        parsed = [mt_sentences(doc) for doc in docs]
        preds = self.model.predict_parsed([doc.text for doc in docs], [[(s.start, s.text) for s in ss] for ss in parsed],
                                          batch_size=int(self.settings["gpu_batch_size" if on_gpu else "batch_size"]))
        results = []
        for doc, pred, ss in zip(docs, preds, parsed, strict=True):
            p_mt = pred.doc_probs.get("mt")
            # The pass's sentence vectors, handed on for copy detection (detector.copies) so it needs no second pass.
            signals = {"sentence_vectors": mean_half(pred.sentence_vectors, self.model.encoder.dim), "sentence_spans": [(s.start, s.end) for s in ss],
                       "encoder": encoder_tag(self.model.encoder)}
            result = Result(self._findings(doc, pred.spans, p_mt), {"mt_probability": p_mt} if p_mt is not None else {},
                            signals=signals)
            results.append(self._with_source(doc, result, pred, ss))
        return results

    def _with_source(self, doc: Document, result: Result, pred: Any, parsed: list[Any] | None = None) -> Result:
        """Add the source language (read from the prediction's states of the voting sentences) and
        route-name notes."""
        if self.source is None:
            return result
        import numpy as np

        from detector.mt.model.model import votes

        parsed = mt_sentences(doc) if parsed is None else parsed
        voting = [votes(s.text) for s in parsed]
        sentences = [s.text for s, v in zip(parsed, voting, strict=True) if v]
        vectors = pred.sentence_vectors[np.asarray(voting, dtype=bool)] if pred is not None and pred.sentence_vectors is not None else None
        notes, metrics = self.source.result(doc, sentences, vectors, result.metrics.get("mt_probability"))
        result.findings.extend(notes)
        result.metrics.update(metrics)
        return result

    def _findings(self, doc: Document, spans: list[SpanPrediction], p_mt: float | None) -> list[Finding]:
        out = []
        min_doc = float(self.settings["min_document_probability"])
        sentences = mt_sentences(doc)
        starts = [s.start for s in sentences]
        for p in spans:
            if not _in_running_text(doc.text, p, sentences, starts):
                continue
            k = self.model.span_labels.index(p.label)
            confident = p.score >= self.warn_thr[k] and (p_mt is None or p_mt >= WARNING_DOCUMENT_PROBABILITY)
            if not confident and p_mt is not None and p_mt < min_doc:
                continue
            label = "" if p.label == "error" else f" ({p.label})"
            out.append(MODEL_SPAN.finding(
                doc, p.start, p.end,
                f"The MT model marks these words as a likely translation error{label} "
                f"(probability {p.score:.2f}); read the sentence against the source if you have it.",
                confidence=p.score,
                severity=Severity.WARNING if confident else Severity.INFO,
                data={"label": p.label, "probability": round(p.score, 4)},
            ))
        return out


def check_device(device: str) -> None:
    """Refuse a device this machine cannot run, before any model loads: a scan asked to run on
    the GPU must not silently take 50x longer on the CPU (a ConfigError: one line, exit 2)."""
    from detector.config import ConfigError

    if device == "cpu":
        return
    if not (device == "cuda" or (device.startswith("cuda:") and device[5:].isdigit())):
        raise ConfigError(f'checks.mt_model.device must be "cpu", "cuda" or "cuda:N", not {device!r}')
    try:
        import torch
    except ImportError:
        torch = None
    if torch is None or not torch.cuda.is_available():
        raise ConfigError(f'checks.mt_model.device = "{device}" but CUDA is not available on this machine; '
                          'set device = "cpu" (the default)')
def mean_half(vectors: Any, dim: int) -> Any:
    """The mean-pooled half of the pass's sentence states, in float16: what copy detection stores."""
    import numpy as np

    return None if vectors is None else np.asarray(vectors)[:, :dim].astype(np.float16)


def encoder_tag(encoder: Any) -> str:
    """Which weights made a vector: the encoder folder's name and the merged adapter's hash."""
    from pathlib import Path

    return f"{Path(encoder.name).name}+{encoder.adapter or 'none'}"


#: A confident span is a warning only in an article at least as likely MT as not; below, the span
#: needs ``min_document_probability`` to be shown as info. On clean web articles most confident spans
#: sat in documents the document head scores as human.
WARNING_DOCUMENT_PROBABILITY = 0.5
#: Sentences shorter than this are cells, list items or headings, not running text.
MIN_RUNNING_WORDS = 6
_RUNNING_END = (".", "!", '"', "”", "’", "'", ")")


def _in_running_text(text: str, span: SpanPrediction, sentences: list, starts: list[int]) -> bool:
    """The span has a lower-case letter and sits in a sentence of running text (see the rule doc)."""
    import bisect

    if not any(c.islower() for c in text[span.start:span.end]):
        return False
    i = bisect.bisect_right(starts, span.start) - 1
    if i < 0 or span.start >= sentences[i].end:
        return False
    sentence = sentences[i].text.rstrip()
    return len(sentence.split()) >= MIN_RUNNING_WORDS and sentence.endswith(_RUNNING_END) and not sentence.rstrip("”\"'’)").endswith("?")
