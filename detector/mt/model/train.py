"""Training and evaluation of the MT model's heads (what ``detector train``/``evaluate`` run).

spaCy-train style: a progress bar per epoch, a per-label precision/recall/F1 table at each
evaluation on the dev set, ``model-best/`` (best dev score) and ``model-last/`` with meta.json.
The encoder is frozen, so every sentence is encoded once (and cached on disk by content) and the
epochs only train the small heads: minutes of CPU for the shipped model, seconds for a test.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from detector.ml.encoder import load_encoder
from detector.ml.encoder_adapter import ADAPTER_DIR, AdaptConfig, train_adapter
from detector.ml.labeled import Example, Unit, sentence_units
from detector.mt.model.document import DocumentHead, sentence_log_odds
from detector.mt.model.lexical import LexicalModel
from detector.mt.model.metrics import doc_scores, format_table, span_prf
from detector.mt.model.model import Calibration, Encoded, MTModel, decode_spans, encode, head_outputs, votes
from detector.mt.typography import normalize as normalize_typography

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.1, 0.95, 0.05))


@dataclass
class TrainConfig:
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 64
    hidden: int = 256
    seed: int = 0
    info_precision: float = 0.3  # info threshold: raised from the F0.5-best until dev precision reaches this
    warning_precision: float = 0.5  # warning threshold: the lowest with this dev precision
    adapt: AdaptConfig = field(default_factory=lambda: AdaptConfig(epochs=0))  # epochs > 0: LoRA-adapt the encoder first


def examples_hash(examples: Sequence[Example]) -> str:
    h = hashlib.sha1()
    for ex in examples:
        h.update(json.dumps(ex.to_json(), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:16]


def encode_cached(model: MTModel, texts: list[str], keep: list[bool], cache_dir: Path | None, progress: bool) -> Encoded:
    """Encode each distinct text once with the frozen encoder, reusing earlier runs' outputs.

    The cache is one file per encoder, keyed by text, so changing the corpus re-encodes only
    the new sentences. Entries encoded without token states are redone when states are needed.
    """
    want: dict[str, bool] = {}
    for t, k in zip(texts, keep, strict=True):
        want[t] = want.get(t, False) or bool(k)
    # "typo1": outputs of typography-normalised text (never mixed with older, raw-text caches)
    tag = hashlib.sha1(f"{model.encoder.name}|{model.encoder.max_length}|typo1".encode()).hexdigest()[:12]
    if model.encoder.adapter is not None:  # keep one adapted cache per base encoder: adapters change often
        if cache_dir is not None:
            for old in cache_dir.glob(f"encoded-{tag}-*.pt"):
                if old.name != f"encoded-{tag}-{model.encoder.adapter}.pt":
                    old.unlink()
        tag = f"{tag}-{model.encoder.adapter}"
    path = cache_dir / f"encoded-{tag}.pt" if cache_dir else None
    store: dict[str, tuple] = torch.load(path, weights_only=True) if path is not None and path.is_file() else {}
    missing = [t for t, k in want.items() if t not in store or (k and store[t][1] is None)]
    if missing:
        from tqdm import tqdm

        bar = tqdm(total=len(missing), desc="encoding", unit="sent", disable=not progress, file=sys.stderr)
        enc = encode(model.encoder, missing, [want[t] for t in missing], progress=bar)
        bar.close()
        for i, t in enumerate(missing):
            store[t] = (enc.pooled[i].clone(), enc.states[i], torch.from_numpy(enc.offsets[i]))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(store, path)
    pooled = torch.stack([store[t][0] for t in texts]) if texts else torch.zeros(0, 2 * model.encoder.dim)
    return Encoded(pooled, [store[t][1] if k else None for t, k in zip(texts, keep, strict=True)],
                   [store[t][2].numpy() for t in texts])


@dataclass
class _Data:
    """Examples cut into sentence units, with their encoder output and training targets."""

    examples: list[Example]
    units: list[Unit]
    enc: Encoded
    tag_units: list[int]  # units annotated for spans
    tag_targets: dict[int, torch.Tensor]
    doc_units: list[int]  # units whose example has a known document label
    doc_targets: torch.Tensor


def _prepare(model: MTModel, examples: list[Example], cache_dir: Path | None, progress: bool) -> _Data:
    units = list(sentence_units(examples))
    doc_index = {lab: i for i, lab in enumerate(model.doc_labels)}
    enc = encode_cached(model, [u.text for u in units], [u.spans is not None for u in units], cache_dir, progress)
    tag_targets = {}
    for i, u in enumerate(units):
        if u.spans is None or model.heads.tagger is None or enc.states[i] is None:
            continue
        offs = enc.offsets[i]
        y = torch.zeros(len(offs), len(model.span_labels))
        for s in u.spans:
            if s.label in model.span_labels:
                hit = (offs[:, 0] < s.end) & (offs[:, 1] > s.start)
                y[torch.from_numpy(hit), model.span_labels.index(s.label)] = 1.0
        tag_targets[i] = y
    doc_units = [i for i, u in enumerate(units) if examples[u.example].label in doc_index]
    doc_targets = torch.tensor([doc_index[examples[units[i].example].label] for i in doc_units], dtype=torch.long)
    return _Data(examples, units, enc, sorted(tag_targets), tag_targets, doc_units, doc_targets)


def _batches(items: list[int], size: int, rng: random.Random) -> list[list[int]]:
    items = items[:]
    rng.shuffle(items)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _tagger_loss(model: MTModel, data: _Data, idx: list[int]) -> torch.Tensor:
    states = nn.utils.rnn.pad_sequence([data.enc.states[i].float() for i in idx], batch_first=True)
    target = nn.utils.rnn.pad_sequence([data.tag_targets[i] for i in idx], batch_first=True)
    mask = nn.utils.rnn.pad_sequence([torch.ones(len(data.tag_targets[i])) for i in idx], batch_first=True)
    logits = model.heads.tagger(states)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none").mean(-1)
    return (loss * mask).sum() / mask.sum().clamp(min=1.0)


def evaluate_data(model: MTModel, data: _Data, tune: bool = False, info_precision: float = 0.3,
                  warning_precision: float = 0.5) -> dict[str, Any]:
    """Dev/test scores from encoded units; with ``tune``, also set thresholds and calibration."""
    with torch.no_grad():
        model.heads.eval()
        probs, logp = head_outputs(model.heads, data.enc)
    out: dict[str, Any] = {}
    if model.span_labels and data.tag_units:
        ex_ids = sorted({data.units[i].example for i in data.tag_units})
        texts = [data.examples[e].text for e in ex_ids]
        gold = [[(s.start, s.end, s.label) for s in data.examples[e].spans or []] for e in ex_ids]

        def predicted(thresholds: Sequence[float]) -> list[list[tuple[int, int, str]]]:
            spans: dict[int, list[tuple[int, int, str]]] = {e: [] for e in ex_ids}
            for i in data.tag_units:
                u = data.units[i]
                for p in decode_spans(u.text, data.enc.offsets[i], probs[i], model.span_labels, thresholds):
                    spans[u.example].append((p.start + u.offset, p.end + u.offset, p.label))
            return [spans[e] for e in ex_ids]

        if tune:
            _tune_thresholds(model, texts, gold, predicted, info_precision, warning_precision)
        out["spans"] = span_prf(texts, gold, predicted(model.span_thresholds))
    if model.doc_labels and data.doc_units:
        per_doc = _votes(data, logp)
        ex_ids = sorted(per_doc)
        arrays = [np.stack(per_doc[e]) for e in ex_ids]
        gold_labels = [data.examples[e].label for e in ex_ids]
        if tune:
            model.calibration = Calibration.fit(arrays, [model.doc_labels.index(g) for g in gold_labels])
        doc_p = [dict(zip(model.doc_labels, map(float, model.calibration.doc_probs(a)), strict=True)) for a in arrays]
        votes_only = doc_scores(gold_labels, doc_p, model.doc_labels, positive="mt")
        if model.document is None:
            out["docs"] = votes_only
        else:  # score what the model outputs (the document head), and the votes beside it
            head_p = model.docs_probs(arrays, [data.examples[e].text for e in ex_ids])
            out["docs"] = doc_scores(gold_labels, head_p, model.doc_labels, positive="mt")
            out["sentence_votes"] = votes_only
    return out


def _votes(data: _Data, logp: np.ndarray) -> dict[int, list[np.ndarray]]:
    """Per labeled example, the log-probabilities of its sentences long enough to vote."""
    per_doc: dict[int, list[np.ndarray]] = {}
    for i in data.doc_units:
        if votes(data.units[i].text):
            per_doc.setdefault(data.units[i].example, []).append(logp[i])
    return per_doc


def fit_document_head(model: MTModel, train: list[Example], dev: _Data) -> DocumentHead | None:
    """Lexical model on the train documents, stacked with the sentence votes on dev documents
    (both views unseen there). None unless the labels are human/mt and dev has both."""
    if not model.has_document_head_labels():
        return None
    with torch.no_grad():
        model.heads.eval()
        _, logp = head_outputs(model.heads, dev.enc)
    per_doc = _votes(dev, logp)
    ids = [e for e in sorted(per_doc) if dev.examples[e].label in ("human", "mt")]
    labeled = [ex for ex in train if ex.label in ("human", "mt")]
    gold = [dev.examples[e].label == "mt" for e in ids]
    if min(sum(gold), len(gold) - sum(gold)) < 2 or len({ex.label for ex in labeled}) < 2:
        return None
    lexical = LexicalModel.fit([ex.text for ex in labeled], [ex.label == "mt" for ex in labeled])
    mt = model.doc_labels.index("mt")
    odds = [sentence_log_odds(np.stack(per_doc[e]), mt) for e in ids]
    return DocumentHead.fit(lexical, odds, [dev.examples[e].text for e in ids], gold)


def _tune_thresholds(model: MTModel, texts: list[str], gold: list, predicted: Callable, info_precision: float,
                     warning_precision: float) -> None:
    """Per label, thresholds for info and warning findings (false alarms cost users more than
    misses): info at the F0.5-best threshold or higher, until dev precision reaches
    ``info_precision``; warnings at the lowest threshold whose precision reaches ``warning_precision``."""
    scores = {t: span_prf(texts, gold, predicted([t] * len(model.span_labels))) for t in THRESHOLDS}
    for k, lab in enumerate(model.span_labels):
        by_t = {t: s.get(lab, {"f1": 0.0, "precision": 0.0, "recall": 0.0}) for t, s in scores.items()}
        best = max(THRESHOLDS, key=lambda t: _f_beta(by_t[t]["precision"], by_t[t]["recall"], 0.5))
        floor = [t for t in THRESHOLDS if t >= best and by_t[t]["precision"] >= info_precision]
        info = floor[0] if floor else best
        precise = [t for t in THRESHOLDS if t >= info and by_t[t]["precision"] >= warning_precision]
        model.span_thresholds[k] = float(info)
        model.warning_thresholds[k] = float(precise[0] if precise else max(THRESHOLDS))


def _f_beta(p: float, r: float, beta: float) -> float:
    return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


def _dev_score(metrics: dict[str, Any]) -> float:
    parts = []
    if "spans" in metrics:
        parts.append(metrics["spans"]["ALL"]["f1"])
    if "docs" in metrics:
        parts.append(metrics["docs"].get("auc", metrics["docs"].get("accuracy", 0.0)))
    return float(np.mean(parts)) if parts else 0.0


def build_model(train: list[Example], base: str | None, hidden: int, device: str = "cpu") -> MTModel:
    """A fresh model for ``train``'s labels: on the encoder ``base`` names, or continuing ``base``
    when it is a folder holding a trained model."""
    span_labels = sorted({s.label for ex in train for s in ex.spans or []})
    doc_labels = sorted({ex.label for ex in train if ex.label is not None})
    if len(doc_labels) == 1:
        raise ValueError(f"only one document label ({doc_labels[0]!r}) in the training data; need two or more, or none")
    if not span_labels and not doc_labels:
        raise ValueError("the training data has neither spans nor document labels")
    if base and (Path(base) / "meta.json").is_file():
        prev = MTModel.load(Path(base), device=device)
        model = MTModel(span_labels, doc_labels, prev.encoder, prev.encoder_name, prev.hidden)
        model.adapter = prev.adapter
        if prev.span_labels == span_labels and prev.doc_labels == doc_labels:
            model.heads.load_state_dict(prev.heads.state_dict())
        return model
    return MTModel(span_labels, doc_labels, load_encoder(base or "auto", device=device), base or "auto", hidden)


def adapt_encoder(model: MTModel, train: list[Example], output: Path, cfg: TrainConfig, progress: bool,
                  log: Callable[[str], None]) -> None:
    """Fine-tune LoRA adapters of ``model``'s encoder on the voting sentences of ``train``'s
    document-labelled texts (continuing the adapter ``model`` already has) and switch to it."""
    labelled = [ex for ex in train if ex.label in model.doc_labels]
    units = [u for u in sentence_units(labelled) if votes(u.text)]
    if len(model.doc_labels) < 2 or len({labelled[u.example].label for u in units}) < 2:
        raise ValueError("adapting the encoder needs sentences of two or more document labels in the training data")
    folder = train_adapter(model.encoder, [normalize_typography(u.text) for u in units], [model.doc_labels.index(labelled[u.example].label) for u in units],
                           len(model.doc_labels), output / "model-last" / ADAPTER_DIR,
                           cfg.adapt,
                           previous=model.adapter, progress=progress, log=log, base_label=model.encoder_name)
    model.encoder = load_encoder(model.encoder_name, device=model.encoder.device, max_length=model.encoder.max_length,
                                 adapter=folder)
    model.adapter = folder


def train(train: list[Example], dev: list[Example], output: Path, base: str | None = None,
          config: TrainConfig | None = None, cache_dir: Path | None = None, progress: bool = True,
          log: Callable[[str], None] = print, extra_meta: dict[str, Any] | None = None) -> MTModel:
    """Train heads on ``train``, evaluate on ``dev`` each epoch, save model-best/ and model-last/."""
    from tqdm import tqdm

    cfg = config or TrainConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    t0 = time.perf_counter()
    model = build_model(train, base, cfg.hidden)
    if cfg.adapt.epochs:
        adapt_encoder(model, train, output, cfg, progress, log)
    tr = _prepare(model, train, cache_dir, progress)
    dv = _prepare(model, dev, cache_dir, progress)
    encode_s = time.perf_counter() - t0
    log(f"{len(tr.units)} train sentences ({len(tr.tag_units)} with span labels, {len(tr.doc_units)} with document "
        f"labels), {len(dv.units)} dev; span labels {model.span_labels}, document labels {model.doc_labels}")
    opt = torch.optim.AdamW(model.heads.parameters(), lr=cfg.lr, weight_decay=0.01)
    counts = torch.bincount(tr.doc_targets, minlength=len(model.doc_labels)).float() if tr.doc_units else None
    doc_loss = nn.CrossEntropyLoss(weight=(counts.sum() / counts.clamp(min=1) / len(counts)) if counts is not None else None)
    rng = random.Random(cfg.seed)
    best_score, history = -1.0, []
    for epoch in range(1, cfg.epochs + 1):
        model.heads.train()
        tag_b = _batches(tr.tag_units, cfg.batch_size, rng) if model.heads.tagger is not None else []
        doc_b = _batches(tr.doc_units and list(range(len(tr.doc_units))), cfg.batch_size * 4, rng) if model.heads.sentence is not None else []
        steps = max(len(tag_b), len(doc_b))
        for step in tqdm(range(steps), desc=f"epoch {epoch}/{cfg.epochs}", disable=not progress, file=sys.stderr, leave=False):
            loss = torch.zeros(())
            if tag_b:
                loss = loss + _tagger_loss(model, tr, tag_b[step % len(tag_b)])
            if doc_b:
                idx = doc_b[step % len(doc_b)]
                pooled = tr.enc.pooled[[tr.doc_units[j] for j in idx]]
                loss = loss + doc_loss(model.heads.sentence(pooled), tr.doc_targets[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        metrics = evaluate_data(model, dv, tune=True, info_precision=cfg.info_precision, warning_precision=cfg.warning_precision)
        score = _dev_score(metrics)
        history.append({"epoch": epoch, "score": round(score, 4)})
        log(f"\nepoch {epoch}: dev score {score:.3f} (span F1 / document AUC)\n"
            + format_table(metrics.get("spans", {}), metrics.get("docs", {})))
        meta = _meta(cfg, train, dev, metrics, time.perf_counter() - t0, encode_s, history, extra_meta)
        if score > best_score:
            best_score = score
            model.meta = meta
            model.save(output / "model-best")
    model.meta = _meta(cfg, train, dev, metrics, time.perf_counter() - t0, encode_s, history, extra_meta)
    model.save(output / "model-last")
    best = MTModel.load(output / "model-best", encoder=model.encoder_name)
    t1 = time.perf_counter()
    best.document = fit_document_head(best, train, dv)
    if best.document is not None:
        head = evaluate_data(best, dv)
        best.meta["metrics"]["dev"]["documents_head"] = head["docs"]
        best.meta["document_head_seconds"] = round(time.perf_counter() - t1, 1)
        best.meta["training_seconds"] = round(best.meta["training_seconds"] + time.perf_counter() - t1, 1)
        best.save(output / "model-best")
        log(f"document head (sentence votes + lexical n-grams): dev AUC {head['docs'].get('auc', float('nan')):.3f} "
            f"(sentence votes alone {head['sentence_votes'].get('auc', float('nan')):.3f})")
    log(f"\nsaved {output / 'model-best'} (dev score {best_score:.3f}) and {output / 'model-last'} "
        f"in {time.perf_counter() - t0:.0f} s")
    return best


def _meta(cfg: TrainConfig, train: list[Example], dev: list[Example], metrics: dict, seconds: float,
          encode_s: float, history: list, extra: dict[str, Any] | None) -> dict[str, Any]:
    from detector import __version__

    return {
        "version": f"detector-{__version__}-mt",
        "trained": time.strftime("%Y-%m-%d"),
        "seed": cfg.seed,
        "config": asdict(cfg),
        "data": {"train": {"examples": len(train), "sha1": examples_hash(train)},
                 "dev": {"examples": len(dev), "sha1": examples_hash(dev)}},
        "metrics": {"dev": metrics},
        "training_seconds": round(seconds, 1),
        "encoding_seconds": round(encode_s, 1),
        "history": history,
        **(extra or {}),
    }


def evaluate(model: MTModel, examples: list[Example], cache_dir: Path | None = None, progress: bool = False) -> dict[str, Any]:
    """Scores of a trained model on labeled examples (its thresholds and calibration as saved)."""
    return evaluate_data(model, _prepare(model, examples, cache_dir, progress))
