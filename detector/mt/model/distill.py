"""Distil the shipped MT encoder (MiniLM-L6 with its LoRA adapter merged) into a 3-layer student.

Why (issue 19): the encoder is most of a full scan's CPU time, and ONNX int8 already runs it near
the cores' limit, so only fewer FLOPs per token go faster. A student with three of the teacher's
six transformer layers (initialised from them) costs half the FLOPs. It is trained to reproduce the
teacher's last hidden states, which is what every head reads (token tagger, sentence head,
source-language head, copy vectors), so the shipped heads run on it unchanged:
- loss = MSE on every token's last hidden state + MSE on the pooled (mean, max) sentence vector +
  MSE on the frozen shipped heads' logits (sentence head, token tagger) over those states;
- embeddings frozen (the installed MiniLM's, which the adapter does not touch), so only the three
  layers are saved (``encoder_student``: float16, ~10 MB);
- sentences: the distinct sentences of the MT model's own train split (``corpus.shipped_corpus``,
  never dev or test), typography-normalised as the scanner feeds them; dev sentences pick the layers
  and the epoch (lowest dev loss), and the checkpoint is written after every epoch.

``python -m detector.mt.model.distill`` (``make distill-mt``; about 30 CPU minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from detector.ml.encoder_student import STUDENT_DIR, save_student

#: Teacher layers the student starts from, tried in this order on dev (``--layers`` overrides).
CANDIDATES = ((1, 3, 5), (0, 2, 4))


def split_sentences(split: list[Any], limit: int, seed: int) -> list[str]:
    """Distinct typography-normalised sentences of a split's texts (at most ``limit``, sampled)."""
    from detector.article import Article, Document
    from detector.mt.context import mt_sentences
    from detector.mt.typography import normalize_with_offsets

    seen: dict[str, None] = {}
    for ex in split:
        for s in mt_sentences(Document(Article("d", ex.text))):
            seen.setdefault(normalize_with_offsets(s.text)[0], None)
    out = sorted(seen)
    random.Random(seed).shuffle(out)
    return out[:limit]


def teacher_targets(teacher: Any, sentences: list[str], folder: Path) -> tuple[list[list[int]], list[np.ndarray]]:
    """Token ids (unpadded, truncated as the scanner truncates) and the teacher's last hidden
    states of each sentence (float16), on the fp32 ONNX export in ``folder`` when there is one
    (torch's numbers to 1e-6, faster), else on torch."""
    from detector.ml.onnx_runtime import with_runtime

    try:
        enc = with_runtime(teacher, folder, "onnx")
    except FileNotFoundError:
        enc = teacher
    tok = enc._once("unpadded_tokenizer", enc._build_unpadded_tokenizer)
    ids = [e.ids for e in tok.encode_batch(sentences)]
    _, states = enc.states_each(sentences, 64)
    return ids, [s.astype(np.float16) for s in states]


def batches(ids: list[list[int]], size: int, rng: random.Random | None) -> list[list[int]]:
    """Indices grouped by equal token length (no padding), ``size`` at most; shuffled when ``rng``."""
    by_len: dict[int, list[int]] = {}
    for i, seq in enumerate(ids):
        by_len.setdefault(len(seq), []).append(i)
    out = []
    for group in by_len.values():
        if rng is not None:
            rng.shuffle(group)
        out += [group[b:b + size] for b in range(0, len(group), size)]
    if rng is not None:
        rng.shuffle(out)
    return out


def make_student(model: Any, layers: tuple[int, ...]) -> Any:
    """A copy of the merged teacher with only ``layers`` (embeddings frozen, pooler dropped)."""
    import torch

    student = copy.deepcopy(model).float()
    student.encoder.layer = torch.nn.ModuleList([student.encoder.layer[i] for i in layers])
    student.config.num_hidden_layers = len(layers)
    student.pooler = None
    for name, p in student.named_parameters():
        p.requires_grad_(name.startswith("encoder."))
    return student


def loss_terms(student: Any, heads: Any, ids: Any, target: Any) -> dict[str, Any]:
    """The distillation losses of one same-length batch (B, T) against teacher states (B, T, D)."""
    import torch
    import torch.nn.functional as F

    from detector.mt.model.torch_heads import pool

    out = student(input_ids=ids, attention_mask=torch.ones_like(ids), token_type_ids=torch.zeros_like(ids)).last_hidden_state
    mask = torch.ones(ids.shape, dtype=torch.bool)
    terms = {"states": F.mse_loss(out, target), "pooled": F.mse_loss(pool(out, mask), pool(target, mask))}
    terms["sentence"] = F.mse_loss(heads.sentence(pool(out, mask)), heads.sentence(pool(target, mask)))
    if heads.tagger is not None:
        terms["tagger"] = F.mse_loss(heads.tagger(out[:, 1:-1]), heads.tagger(target[:, 1:-1]))
    return terms


def evaluate(student: Any, heads: Any, ids: list[list[int]], states: list[np.ndarray]) -> dict[str, float]:
    """Mean dev losses (per sentence) and the pooled-vector cosine to the teacher's."""
    import torch

    from detector.mt.model.torch_heads import pool

    student.eval()
    sums: dict[str, float] = {}
    n = 0
    with torch.no_grad():
        for idx in batches(ids, 128, None):
            x = torch.tensor([ids[i] for i in idx])
            y = torch.from_numpy(np.stack([states[i] for i in idx]).astype(np.float32))
            terms = loss_terms(student, heads, x, y)
            out = student(input_ids=x, attention_mask=torch.ones_like(x), token_type_ids=torch.zeros_like(x)).last_hidden_state
            mask = torch.ones(x.shape, dtype=torch.bool)
            cos = torch.nn.functional.cosine_similarity(pool(out, mask), pool(y, mask), dim=-1).sum()
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + float(v) * len(idx)
            sums["cosine"] = sums.get("cosine", 0.0) + float(cos)
            n += len(idx)
    student.train()
    return {k: round(v / max(n, 1), 5) for k, v in sums.items()}


def total(terms: dict[str, Any], weights: dict[str, float]) -> Any:
    return sum(weights[k] * v for k, v in terms.items())


WEIGHTS = {"states": 1.0, "pooled": 1.0, "sentence": 0.5, "tagger": 0.5}


def train_student(model: Any, heads: Any, layers: tuple[int, ...], train: tuple[list, list], dev: tuple[list, list],
                  minutes: float, lr: float, batch_size: int, out: Path | None, meta: dict[str, Any],
                  seed: int = 0, every: int = 300, log: Any = print) -> tuple[Any, dict[str, Any]]:
    """Train a student from ``layers`` for ``minutes`` of wall time (whole passes over ``train``
    until then; the last may stop early), checkpointing the best dev loss into ``out``."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    student = make_student(model, layers).train()
    for p in heads.parameters():
        p.requires_grad_(False)
    heads.eval()
    params = [p for p in student.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    history = [{"epoch": 0, "step": 0, "dev": evaluate(student, heads, *dev)}]
    best = total(history[0]["dev"] | {"cosine": 0.0}, WEIGHTS | {"cosine": 0.0})
    log(f"layers {layers}: dev at init {history[0]['dev']}")
    ids, states = train
    t0, step, epoch = time.monotonic(), 0, 0
    deadline = t0 + minutes * 60

    def checkpoint(seen: int) -> None:
        nonlocal best
        got = evaluate(student, heads, *dev)
        history.append({"epoch": epoch, "step": step, "sentences": seen, "dev": got, "seconds": round(time.monotonic() - t0)})
        log(f"layers {layers} epoch {epoch} step {step}: dev {got}")
        score = total(got | {"cosine": 0.0}, WEIGHTS | {"cosine": 0.0})
        if score < best:
            best = score
            if out is not None:
                save_student(student, out, meta | {"layers_from": list(layers), "epoch": epoch, "step": step,
                                                   "dev": got, "history": history})

    while time.monotonic() < deadline:
        epoch += 1
        seen = 0
        for idx in batches(ids, batch_size, rng):
            left = (deadline - time.monotonic()) / (minutes * 60)
            for group in opt.param_groups:  # linear decay to the deadline
                group["lr"] = lr * max(0.05, left)
            x = torch.tensor([ids[i] for i in idx])
            y = torch.from_numpy(np.stack([states[i] for i in idx]).astype(np.float32))
            loss = total(loss_terms(student, heads, x, y), WEIGHTS)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            step += 1
            seen += len(idx)
            if step % 100 == 0:
                log(f"  step {step} epoch {epoch} ({seen}/{len(ids)}) loss {loss.item():.4f} {time.monotonic() - t0:.0f} s")
            if step % every == 0:
                checkpoint(seen)
            if time.monotonic() > deadline:
                break
        checkpoint(seen)
    return student, {"layers_from": list(layers), "history": history, "best_dev_loss": round(float(best), 5)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="student folder (default: models/mt/student)")
    ap.add_argument("--sentences", type=int, default=30000, help="train sentences (sampled from the train split)")
    ap.add_argument("--dev-sentences", type=int, default=1500)
    ap.add_argument("--layers", default=None, help="teacher layers to start from, e.g. 1,3,5 (default: pick on dev)")
    ap.add_argument("--trial-minutes", type=float, default=4.0, help="training minutes per candidate when picking layers")
    ap.add_argument("--minutes", type=float, default=30.0, help="training minutes of the chosen student")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    import torch

    from detector.ml.encoder import adapter_hash
    from detector.ml.encoder_adapter import ADAPTER_DIR
    from detector.mt.model.corpus import shipped_corpus
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    torch.set_num_threads(args.threads)
    out = args.out or SHIPPED_DIR / STUDENT_DIR
    t0 = time.monotonic()
    splits = shipped_corpus()
    train_s = split_sentences(splits["train"], args.sentences, 0)
    dev_s = split_sentences(splits["dev"], args.dev_sentences, 1)
    print(f"{len(train_s)} train and {len(dev_s)} dev sentences in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    teacher = MTModel.load(SHIPPED_DIR, runtime="torch")
    train = teacher_targets(teacher.encoder, train_s, SHIPPED_DIR)
    dev = teacher_targets(teacher.encoder, dev_s, SHIPPED_DIR)
    print(f"teacher states in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    model, heads = teacher.encoder.model, teacher.heads
    meta = {"teacher_adapter": adapter_hash(SHIPPED_DIR / ADAPTER_DIR), "train_sentences": len(train_s),
            "dev_sentences": len(dev_s), "lr": args.lr, "batch_size": args.batch_size, "loss_weights": WEIGHTS,
            "data": "distinct sentences of the MT model's train split (corpus.shipped_corpus); dev split picks layers and epoch"}
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    trials = []
    if args.layers:
        layers = tuple(int(x) for x in args.layers.split(","))
    else:
        for cand in CANDIDATES:
            _, report = train_student(model, heads, cand, train, dev, args.trial_minutes, args.lr, args.batch_size, None, meta, log=log)
            trials.append(report)
        layers = tuple(min(trials, key=lambda r: r["best_dev_loss"])["layers_from"])
        log(f"chose layers {layers}")
    _, report = train_student(model, heads, layers, train, dev, args.minutes, args.lr, args.batch_size, out,
                              meta | {"layer_trials": trials}, log=log)
    log(f"wrote {out} ({time.monotonic() - t0:.0f} s)")
    print(json.dumps({"layers_from": report["layers_from"], "best_dev_loss": report["best_dev_loss"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
