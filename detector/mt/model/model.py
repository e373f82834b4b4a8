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
import torch
from torch import nn

from detector.ml.encoder import Encoder, load_encoder
from detector.ml.encoder_adapter import ADAPTER_DIR, has_adapter
from detector.mt.model.document import DocumentHead, sentence_log_odds
from detector.mt.typography import map_offsets, normalize_with_offsets

FORMAT_VERSION = 1
#: The model trained by ``make train-mt`` (heads and meta.json only; the encoder is installed).
SHIPPED_DIR = Path(__file__).resolve().parents[3] / "models" / "mt"
#: Sentences shorter than this (headlines, bylines, captions) do not vote on the document label.
MIN_DOC_WORDS = 3


def votes(sentence: str) -> bool:
    """Whether a sentence is long enough to vote on its document's label."""
    return len(sentence.split()) >= MIN_DOC_WORDS


class Heads(nn.Module):
    """Token tagger and sentence classifier over frozen encoder states of width ``dim``."""

    def __init__(self, dim: int, n_span: int, n_doc: int, hidden: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.tagger = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, n_span)) if n_span else None
        self.sentence = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, n_doc)) if n_doc >= 2 else None


def pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean and max over the real tokens of each sentence: (B, T, D) → (B, 2D)."""
    m = mask.unsqueeze(-1).to(states.dtype)
    mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
    mx = states.masked_fill(m == 0, float("-inf")).max(1).values
    return torch.cat([mean, mx], dim=-1)


@dataclass
class Encoded:
    """A batch of sentences through the frozen encoder: pooled vectors, and per-token states
    (special tokens removed) with their character offsets when asked for."""

    pooled: torch.Tensor
    states: list[torch.Tensor | None]
    offsets: list[np.ndarray]


def encode(encoder: Encoder, texts: Sequence[str], keep_states: Sequence[bool] | None = None,
           batch_size: int = 64, progress: Any = None) -> Encoded:
    """Run the encoder over typography-normalised ``texts`` sorted by length (dynamic padding), in
    inference mode; token offsets point into the original texts."""
    normalized = [normalize_with_offsets(t) for t in texts]
    texts = [t for t, _ in normalized]
    n = len(texts)
    keep = list(keep_states) if keep_states is not None else [True] * n
    pooled = torch.zeros(n, 2 * encoder.dim)
    states: list[torch.Tensor | None] = [None] * n
    offsets: list[np.ndarray] = [np.zeros((0, 2), dtype=np.int64)] * n
    order = sorted(range(n), key=lambda i: len(texts[i]))
    for b in range(0, n, batch_size):
        idx = order[b:b + batch_size]
        enc, hidden = encoder.token_states([texts[i] for i in idx], return_offsets_mapping=True)
        hidden = hidden.float().cpu()
        mask = enc["attention_mask"].bool()
        pooled[idx] = pool(hidden, mask)
        offs = enc["offset_mapping"].numpy()
        for j, i in enumerate(idx):
            real = mask[j].numpy() & (offs[j, :, 1] > offs[j, :, 0])  # drops [CLS], [SEP], padding
            offsets[i] = map_offsets(offs[j][real], normalized[i][1])
            if keep[i]:
                states[i] = hidden[j][torch.from_numpy(real)].half()
        if progress is not None:
            progress.update(len(idx))
    return Encoded(pooled, states, offsets)


def head_outputs(heads: Heads, enc: Encoded) -> tuple[list[np.ndarray | None], np.ndarray]:
    """Per-sentence token probabilities (None without states or tagger) and label log-probs."""
    n = len(enc.states)
    logp = (torch.log_softmax(heads.sentence(enc.pooled), -1).numpy()
            if heads.sentence is not None else np.zeros((n, 0), dtype=np.float32))
    probs: list[np.ndarray | None] = [None] * n
    if heads.tagger is not None:
        for i, states in enumerate(enc.states):
            if states is not None and len(states):
                probs[i] = torch.sigmoid(heads.tagger(states.float())).numpy()
    return probs, logp


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
    #: Pooled encoder states of the voting sentences (n, 2·dim), for heads that read the same pass
    #: (``detector.mt.source_language``); None when not computed.
    sentence_vectors: np.ndarray | None = None


def resolve_model_dir(name: str | Path | None) -> Path:
    """"auto" (or nothing) means the shipped model; anything else is a folder (model-best/ too)."""
    if name in (None, "", "auto"):
        return SHIPPED_DIR
    folder = Path(name).expanduser()
    if not (folder / "meta.json").is_file() and (folder / "model-best" / "meta.json").is_file():
        return folder / "model-best"  # the output folder of ``detector train``
    return folder


class MTModel:
    """Frozen encoder + heads; ``save``/``load`` a folder; ``predict`` texts or sentence lists."""

    def __init__(self, span_labels: Sequence[str], doc_labels: Sequence[str], encoder: Encoder,
                 encoder_name: str = "auto", hidden: int = 256, meta: dict[str, Any] | None = None) -> None:
        self.span_labels = list(span_labels)
        self.doc_labels = list(doc_labels)
        self.encoder = encoder
        self.encoder_name = encoder_name
        self.hidden = hidden
        self.heads = Heads(encoder.dim, len(self.span_labels), len(self.doc_labels), hidden)
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
        for name in ("document.npz", "lexical.npz"):  # a stale head must not outlive its model
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
    def load(cls, folder: Path, encoder: str | None = None, device: str = "cpu") -> MTModel:
        """Load heads from ``folder``; the encoder is ``encoder`` or the one named in meta.json."""
        from safetensors.torch import load_file

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
        enc = load_encoder(name, device=device, max_length=int(meta.get("max_length", 128)), adapter=adapter)
        model = cls(meta["span_labels"], meta["doc_labels"], enc, name, int(meta.get("hidden", 256)), meta)
        model.adapter = adapter
        model.heads.load_state_dict(load_file(str(heads_path)))
        if model.has_document_head_labels():
            model.document = DocumentHead.load(folder)
        model.heads.to(device).eval()
        return model

    # -- inference -----------------------------------------------------------------------------
    def predict_sentences(self, sentences: Sequence[str], batch_size: int = 64) -> Iterator[tuple[list[SpanPrediction], np.ndarray]]:
        """For each sentence: its error spans (info threshold) and label log-probabilities."""
        for spans, logp, _vector in self._predict_sentences(sentences, batch_size):
            yield spans, logp

    def sentence_vectors(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """The pooled encoder states of ``sentences`` (n, 2·dim), as ``predict_parsed`` computes them."""
        out = [vector for _spans, _logp, vector in self._predict_sentences(sentences, batch_size)]
        return np.stack(out) if out else np.zeros((0, 2 * self.encoder.dim), dtype=np.float32)

    def _predict_sentences(self, sentences: Sequence[str], batch_size: int = 64) -> Iterator[tuple[list[SpanPrediction], np.ndarray, np.ndarray]]:
        self.heads.eval()
        for c in range(0, len(sentences), 2048):  # bounded memory: token states of one chunk at a time
            chunk = sentences[c:c + 2048]
            enc = encode(self.encoder, chunk, batch_size=batch_size)
            with torch.inference_mode():
                token_probs, logp = head_outputs(self.heads, enc)
            pooled = enc.pooled.numpy()
            for i, text in enumerate(chunk):
                spans = (decode_spans(text, enc.offsets[i], token_probs[i], self.span_labels, self.span_thresholds)
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
                   sentence_words: Sequence[Sequence[int]] | None = None) -> list[dict[str, float]]:
        """``doc_probs`` of many documents, the document head scoring them in one batch (with the
        voting sentences' word counts, for its window features)."""
        if self.document is None or not self.doc_labels:
            return [self.doc_probs(lp) for lp in sentence_logprobs]
        mt = self.doc_labels.index("mt")
        votes: list = []
        for k, lp in enumerate(sentence_logprobs):
            arr = np.stack(list(lp)) if len(lp) else np.zeros((0, 2))
            if sentence_words is None:
                votes.append(sentence_log_odds(arr, mt))
            else:
                votes.append((arr[:, mt] - arr[:, 1 - mt], np.asarray(sentence_words[k], dtype=np.int64)))
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
        by_text = dict(zip(distinct, self._predict_sentences(distinct, batch_size), strict=True))
        out = [Prediction([], {}, []) for _ in texts]
        per_doc: list[list[np.ndarray]] = [[] for _ in texts]
        words: list[list[int]] = [[] for _ in texts]
        vectors: list[list[np.ndarray]] = [[] for _ in texts]
        for i, start, sent in flat:
            spans, logp, vector = by_text[sent]
            out[i].spans += [SpanPrediction(p.start + start, p.end + start, p.label, p.score) for p in spans]
            out[i].sentence_probs.append(dict(zip(self.doc_labels, map(float, np.exp(logp)), strict=True)))
            if votes(sent):
                per_doc[i].append(logp)
                words[i].append(len(sent.split()))
                vectors[i].append(vector)
        for pred, probs, vecs in zip(out, self.docs_probs(per_doc, texts, words), vectors, strict=True):
            pred.doc_probs = probs
            pred.sentence_vectors = np.stack(vecs) if vecs else np.zeros((0, 2 * self.encoder.dim), dtype=np.float32)
        return out
