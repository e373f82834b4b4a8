"""The MT model: small trained heads on a sentence encoder (MiniLM by default, optionally LoRA-adapted).

Two heads read the encoder's last hidden states of one sentence:
- a token tagger (per-label sigmoid per subword) whose runs above a threshold become error spans;
- a sentence classifier over the document labels (the shipped model: "human" / "mt") on the mean-
  and max-pooled states. A document's probability averages its sentences' log-probabilities and is
  calibrated on a dev split (temperature and a length exponent), because single sentences of
  modern MT are near chance to tell from human text while documents accumulate evidence
  (published detectors: sentence AUC ~0.55, documents 0.65-0.80).
A two-label human/mt model also has a document head (``document``): the mean sentence
log-odds and a lexical n-gram score stacked by a logistic regression; it sets the document
probability whenever the document's text is at hand, the calibrated sentence votes otherwise.

The encoder's own weights are never saved: a model folder holds ``heads.safetensors`` (a few
hundred KB), ``meta.json`` (labels, thresholds, calibration, metrics, data hashes, encoder), with a
document head ``document.npz`` and ``lexical.npz``, and, when training adapted the encoder
(``encoder_adapter``), its LoRA adapter in ``adapter/``, merged into the installed encoder on load.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detector.ml.encoder import Encoder, load_encoder
from detector.ml.encoder_adapter import ADAPTER_DIR, has_adapter
from detector.mt.model.document import DocumentHead, sentence_log_odds
from detector.mt.model.numpy_heads import NumpyHeads, predict_numpy

#: The torch heads and encoding (``torch_heads``), imported on first use: a scan on the ONNX
#: encoder runs the heads in numpy and never imports torch.
_TORCH_NAMES = ("Heads", "pool", "Encoded", "encode", "head_outputs")


def __getattr__(name: str) -> Any:
    if name in _TORCH_NAMES:
        from detector.mt.model import torch_heads

        return getattr(torch_heads, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

FORMAT_VERSION = 1
#: The model trained by ``make train-mt`` (heads and meta.json only; the encoder is installed).
SHIPPED_DIR = Path(__file__).resolve().parents[3] / "models" / "mt"
#: Sentences shorter than this (headlines, bylines, captions) do not vote on the document label.
MIN_DOC_WORDS = 3


def votes(sentence: str) -> bool:
    """Whether a sentence is long enough to vote on its document's label."""
    return len(sentence.split()) >= MIN_DOC_WORDS


@dataclass
class SpanPrediction:
    start: int
    end: int
    label: str
    score: float


def decode_spans(text: str, offsets: np.ndarray, probs: np.ndarray, labels: Sequence[str],
                 threshold: float | Sequence[float]) -> list[SpanPrediction]:
    """Runs of consecutive tokens above a label's threshold → character spans widened to whole
    words (subword pieces of one word are one span)."""
    out = []
    for k, label in enumerate(labels):
        thr = threshold[k] if not isinstance(threshold, (int, float)) else threshold
        run: list[int] = []
        for t in range(len(offsets) + 1):
            if t < len(offsets) and probs[t, k] >= thr:
                run.append(t)
                continue
            if run:
                start, end = int(offsets[run[0], 0]), int(offsets[run[-1], 1])
                while start > 0 and text[start - 1].isalnum():
                    start -= 1
                while end < len(text) and text[end].isalnum():
                    end += 1
                out.append(SpanPrediction(start, end, label, float(probs[run, k].max())))
                run = []
    return _merge_touching(out)


def _merge_touching(spans: list[SpanPrediction]) -> list[SpanPrediction]:
    spans.sort(key=lambda s: (s.label, s.start))
    out: list[SpanPrediction] = []
    for s in spans:
        if out and out[-1].label == s.label and s.start <= out[-1].end:
            prev = out[-1]
            out[-1] = SpanPrediction(prev.start, max(prev.end, s.end), s.label, max(prev.score, s.score))
        else:
            out.append(s)
    return sorted(out, key=lambda s: (s.start, s.label))


@dataclass
class Calibration:
    """Document probability = softmax(mean sentence log-probs · n^alpha / T), fitted on dev."""

    temperature: float = 1.0
    alpha: float = 0.0

    def doc_probs(self, sentence_logprobs: np.ndarray) -> np.ndarray:
        if len(sentence_logprobs) == 0:
            k = sentence_logprobs.shape[-1] if sentence_logprobs.ndim == 2 else 2
            return np.full(k, 1.0 / k)
        z = sentence_logprobs.mean(0) * len(sentence_logprobs) ** self.alpha / self.temperature
        z = z - z.max()
        e = np.exp(z)
        return e / e.sum()

    @classmethod
    def fit(cls, docs: list[np.ndarray], gold: list[int]) -> Calibration:
        """Minimise dev negative log-likelihood over a grid of alpha and temperature."""
        best = (math.inf, cls())
        for alpha in (0.0, 0.25, 0.5, 0.75, 1.0):
            for temperature in np.exp(np.linspace(np.log(0.05), np.log(200.0), 73)):
                c = cls(float(temperature), alpha)
                nll = -sum(math.log(max(c.doc_probs(d)[g], 1e-12)) for d, g in zip(docs, gold, strict=True))
                if nll < best[0]:
                    best = (nll, c)
        return best[1]


@dataclass
class Prediction:
    """The model's view of one text: error spans, per-sentence and document label probabilities."""

    spans: list[SpanPrediction]
    doc_probs: dict[str, float]
    sentence_probs: list[dict[str, float]] = field(default_factory=list)
    #: Pooled encoder state of each given sentence, in order (float32, (n, 2·dim): mean then max):
    #: the source-language head and copy detection read the same pass.
    sentence_vectors: np.ndarray | None = None


def resolve_model_dir(name: str | Path | None) -> Path:
    """"auto" (or nothing) means the shipped model; anything else is a folder (model-best/ too)."""
    if name in (None, "", "auto"):
        return SHIPPED_DIR
    folder = Path(name).expanduser()
    if not (folder / "meta.json").is_file() and (folder / "model-best" / "meta.json").is_file():
        return folder / "model-best"  # the output folder of ``detector train``
    return folder


def wants_student(student: bool | str, encoder: str | None, device: str) -> bool:
    """Whether ``MTModel.load`` looks for the distilled student: always for ``True``; for "auto",
    on the CPU with the model's own encoder (on a GPU the full encoder costs little, and a named
    encoder has no student)."""
    return student is True or (student == "auto" and encoder is None and device == "cpu")


class MTModel:
    """Frozen encoder + heads; ``save``/``load`` a folder; ``predict`` texts or sentence lists."""

    def __init__(self, span_labels: Sequence[str], doc_labels: Sequence[str], encoder: Encoder,
                 encoder_name: str = "auto", hidden: int = 256, meta: dict[str, Any] | None = None,
                 heads: NumpyHeads | None = None) -> None:
        self.span_labels = list(span_labels)
        self.doc_labels = list(doc_labels)
        self.encoder = encoder
        self.encoder_name = encoder_name
        self.hidden = hidden
        if heads is None:  # torch heads, to train or to load weights into
            from detector.mt.model.torch_heads import Heads

            heads = Heads(encoder.dim, len(self.span_labels), len(self.doc_labels), hidden)
        self.heads: Any = heads
        self.meta: dict[str, Any] = dict(meta or {})
        self.calibration = Calibration(**self.meta.get("calibration", {}))
        default_thr = [0.5] * len(self.span_labels)
        self.span_thresholds: list[float] = list(self.meta.get("span_thresholds", default_thr))
        self.warning_thresholds: list[float] = list(self.meta.get("warning_thresholds", default_thr))
        self.document: DocumentHead | None = None
        self.adapter: Path | None = None  # the LoRA adapter folder merged into ``encoder``, if any

    # -- persistence ---------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        from safetensors.torch import save_file

        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.heads.state_dict().items()}, str(folder / "heads.safetensors"))
        meta = {
            **self.meta,
            "format_version": FORMAT_VERSION,
            "span_labels": self.span_labels,
            "doc_labels": self.doc_labels,
            "encoder": self.encoder_name,
            "max_length": self.encoder.max_length,
            "hidden": self.hidden,
            "calibration": {"temperature": self.calibration.temperature, "alpha": self.calibration.alpha},
            "span_thresholds": self.span_thresholds,
            "warning_thresholds": self.warning_thresholds,
        }
        for name in ("document.npz", "lexical.npz", "window.npz"):  # a stale head must not outlive its model
            (folder / name).unlink(missing_ok=True)
        meta.pop("document_head", None)
        meta.pop("encoder_adapter", None)
        target = folder / ADAPTER_DIR
        if self.adapter is None:
            shutil.rmtree(target, ignore_errors=True)
        else:
            if self.adapter.resolve() != target.resolve():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(self.adapter, target)
            meta["encoder_adapter"] = {"folder": ADAPTER_DIR, "sha1": self.encoder.adapter}
        if self.document is not None:
            self.document.save(folder)
            meta["document_head"] = self.document.describe()
        (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, encoder: str | None = None, device: str = "cpu", runtime: str = "torch",
             student: bool | str = False) -> MTModel:
        """Load heads from ``folder``; the encoder is ``encoder`` or the one named in meta.json,
        run on ``runtime`` (``onnx_runtime.with_runtime``). ``student``: True runs the distilled
        encoder in ``folder/student`` (``encoder_student``; its own ONNX export in ``student/onnx``)
        under the same heads, and raises FileNotFoundError when it is missing or was distilled from
        another adapter; "auto" runs it on the CPU when it fits, else the full encoder (one warning
        when a stale one is there; on a GPU the full encoder costs little, so "auto" keeps it). On an
        ONNX encoder the heads run in numpy, so inference never imports torch."""
        import logging

        from detector.ml.encoder import adapter_hash
        from detector.ml.encoder_student import STUDENT_DIR, student_problem
        from detector.ml.onnx_runtime import with_runtime

        meta_path, heads_path = folder / "meta.json", folder / "heads.safetensors"
        if not meta_path.is_file() or not heads_path.is_file():
            raise FileNotFoundError(f"no MT model in {folder} (expected meta.json and heads.safetensors)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{folder}: model format {meta.get('format_version')} is not {FORMAT_VERSION}; retrain it")
        name = encoder or meta.get("encoder", "auto")
        adapter = folder / ADAPTER_DIR if has_adapter(folder) else None
        if adapter is not None and encoder not in (None, meta.get("encoder", "auto")):
            raise ValueError(f"{folder}: the model adapts its encoder {meta.get('encoder')!r}; it cannot run on {encoder!r}")
        distilled = None
        if wants_student(student, encoder, device):
            distilled = folder / STUDENT_DIR
            why = student_problem(distilled, adapter_hash(adapter) if adapter is not None else None)
            if why is not None and student is True:
                raise FileNotFoundError(why)
            if why is not None:
                if distilled.exists():
                    logging.getLogger("detector").warning("detector: %s; using the full encoder", why)
                distilled = None
        enc = with_runtime(load_encoder(name, device=device, max_length=int(meta.get("max_length", 128)), adapter=adapter,
                                        student=distilled), distilled or folder, runtime)
        heads = NumpyHeads.load(heads_path) if enc.session is not None else None
        model = cls(meta["span_labels"], meta["doc_labels"], enc, name, int(meta.get("hidden", 256)), meta, heads)
        model.adapter = adapter
        if heads is None:
            from safetensors.torch import load_file

            model.heads.load_state_dict(load_file(str(heads_path)))
            model.heads.eval()  # on the CPU on any device: ``encode`` hands them CPU states
        if model.has_document_head_labels():
            model.document = DocumentHead.load(folder)
        return model

    # -- inference -----------------------------------------------------------------------------
    def predict_sentences(self, sentences: Sequence[str], batch_size: int = 64) -> Iterator[tuple[list[SpanPrediction], np.ndarray]]:
        """For each sentence: its error spans (info threshold) and label log-probabilities."""
        for spans, logp, _ in self.predict_sentences_pooled(sentences, batch_size):
            yield spans, logp

    def sentence_vectors(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """The pooled encoder states of ``sentences`` (n, 2·dim), as ``predict_parsed`` computes them."""
        out = [vector for _spans, _logp, vector in self.predict_sentences_pooled(sentences, batch_size)]
        return np.stack(out) if out else np.zeros((0, 2 * self.encoder.dim), dtype=np.float32)

    def predict_sentences_pooled(self, sentences: Sequence[str], batch_size: int = 64
                                 ) -> Iterator[tuple[list[SpanPrediction], np.ndarray, np.ndarray]]:
        """``predict_sentences`` plus each sentence's pooled encoder state (mean and max, float32),
        for heads and analyses that read the same pass (source language, copies)."""
        for c in range(0, len(sentences), 2048):  # bounded memory: token states of one chunk at a time
            chunk = sentences[c:c + 2048]
            if isinstance(self.heads, NumpyHeads):
                offsets, token_probs, logp, pooled = predict_numpy(self.heads, self.encoder, chunk, batch_size)
            else:
                import torch

                from detector.mt.model.torch_heads import encode, head_outputs

                self.heads.eval()
                enc = encode(self.encoder, chunk, batch_size=batch_size)
                with torch.inference_mode():
                    token_probs, logp = head_outputs(self.heads, enc)
                offsets, pooled = enc.offsets, enc.pooled.numpy()
            for i, text in enumerate(chunk):
                spans = (decode_spans(text, offsets[i], token_probs[i], self.span_labels, self.span_thresholds)
                         if token_probs[i] is not None else [])
                yield spans, logp[i], pooled[i]

    def has_document_head_labels(self) -> bool:
        """Whether the labels fit a document head (exactly "human" and "mt")."""
        return sorted(self.doc_labels) == ["human", "mt"]

    def doc_probs(self, sentence_logprobs: Sequence[np.ndarray], text: str | None = None) -> dict[str, float]:
        """Label probabilities of one document from its voting sentences (and its text, when the
        model has a document head)."""
        if text is not None:
            return self.docs_probs([sentence_logprobs], [text])[0]
        if not self.doc_labels:
            return {}
        arr = np.stack(list(sentence_logprobs)) if len(sentence_logprobs) else np.zeros((0, len(self.doc_labels)))
        return dict(zip(self.doc_labels, map(float, self.calibration.doc_probs(arr)), strict=True))

    def docs_probs(self, sentence_logprobs: Sequence[Sequence[np.ndarray]], texts: Sequence[str],
                   sentence_words: Sequence[Sequence[int]] | None = None,
                   sentence_pooled: Sequence[Sequence[np.ndarray]] | None = None) -> list[dict[str, float]]:
        """``doc_probs`` of many documents, the document head scoring them in one batch (with the
        voting sentences' word counts and pooled states, for its window features)."""
        if self.document is None or not self.doc_labels:
            return [self.doc_probs(lp) for lp in sentence_logprobs]
        mt = self.doc_labels.index("mt")
        votes: list = []
        for k, lp in enumerate(sentence_logprobs):
            arr = np.stack(list(lp)) if len(lp) else np.zeros((0, 2))
            if sentence_words is None:
                votes.append(sentence_log_odds(arr, mt))
            elif sentence_pooled is None or not len(sentence_pooled[k]):
                votes.append((arr[:, mt] - arr[:, 1 - mt], np.asarray(sentence_words[k], dtype=np.int64)))
            else:
                votes.append((arr[:, mt] - arr[:, 1 - mt], np.asarray(sentence_words[k], dtype=np.int64),
                              np.stack(list(sentence_pooled[k]))))
        p = self.document.probabilities(votes, texts)
        return [{lab: float(q if lab == "mt" else 1.0 - q) for lab in self.doc_labels} for q in p]

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> list[Prediction]:
        """Split texts into sentences (and table cells, ``mt_sentences``), then ``predict_parsed``."""
        from detector.article import Article, Document
        from detector.mt.context import mt_sentences

        sentences = [[(s.start, s.text) for s in mt_sentences(Document(Article(str(i), t)))] for i, t in enumerate(texts)]
        return self.predict_parsed(texts, sentences, batch_size)

    def predict_parsed(self, texts: Sequence[str], sentences: Sequence[Sequence[tuple[int, str]]],
                       batch_size: int = 64) -> list[Prediction]:
        """Texts already split into ``(start offset, sentence)`` pairs: one batched pass over their
        distinct sentences, spans mapped back to text offsets, one document probability each."""
        flat = [(i, start, sent) for i, sents in enumerate(sentences) for start, sent in sents]
        distinct = list(dict.fromkeys(sent for _, _, sent in flat))  # MT outputs and furniture repeat
        by_text = dict(zip(distinct, self.predict_sentences_pooled(distinct, batch_size), strict=True))
        out = [Prediction([], {}, []) for _ in texts]
        per_doc: list[list[np.ndarray]] = [[] for _ in texts]
        words: list[list[int]] = [[] for _ in texts]
        pooled: list[list[np.ndarray]] = [[] for _ in texts]
        dim = self.encoder.dim
        for i, sents in enumerate(sentences):
            out[i].sentence_vectors = (np.stack([by_text[s][2] for _, s in sents]) if sents
                                       else np.zeros((0, 2 * dim), dtype=np.float32))
        for i, start, sent in flat:
            spans, logp, vec = by_text[sent]
            out[i].spans += [SpanPrediction(p.start + start, p.end + start, p.label, p.score) for p in spans]
            out[i].sentence_probs.append(dict(zip(self.doc_labels, map(float, np.exp(logp)), strict=True)))
            if votes(sent):
                per_doc[i].append(logp)
                words[i].append(len(sent.split()))
                pooled[i].append(vec)
        for pred, probs in zip(out, self.docs_probs(per_doc, texts, words, pooled), strict=True):
            pred.doc_probs = probs
        return out
