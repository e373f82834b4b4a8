"""LoRA adaptation of the sentence encoder to a model's document labels (``detector train --adapt-epochs``).

Why: a frozen MiniLM's pooled states barely separate machine-translated from human sentences
(WMT22 dev: document AUC 0.63 from the sentence votes), because the cues are grammatical and
phrasal (dropped articles, literal word order) rather than topical. Fine-tuning low-rank adapters
on every linear layer with a sentence classifier on top (balanced labels, a few minutes of CPU)
lifts the sentence votes to about 0.77 document AUC. The adapter is small (rank 16: 0.7 M
parameters, 1.4 MB in half precision) and is merged into the encoder's weights when loaded, so inference costs the
same as before. It is saved in peft's format (``adapter_config.json``,
``adapter_model.safetensors``) in the model folder's ``adapter/``; the heads are then trained on
the adapted encoder's outputs as usual.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detector.ml.encoder import Encoder, quiet_peft, resolve_encoder

#: The folder inside a model folder that holds its encoder adapter.
ADAPTER_DIR = "adapter"
#: Every linear layer of a BERT-style encoder (attention projections and the feed-forward block).
TARGET_MODULES = ("query", "key", "value", "dense")


@dataclass
class AdaptConfig:
    """LoRA fine-tuning settings; the defaults built the shipped adapter (ten CPU minutes)."""

    epochs: int = 2
    lr: float = 3e-4
    rank: int = 16
    batch_size: int = 32
    seed: int = 0


def has_adapter(folder: Path) -> bool:
    """Whether a model folder carries an encoder adapter."""
    return (folder / ADAPTER_DIR / "adapter_config.json").is_file()


def balanced_epoch(labels: Sequence[int], rng: random.Random) -> list[int]:
    """Indices of one epoch: every label contributes as many sentences as the rarest has (a new
    sample each epoch), so the many MT versions of a reference do not drown it."""
    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    n = min(len(v) for v in by_label.values())
    out = [i for v in by_label.values() for i in rng.sample(v, n)]
    rng.shuffle(out)
    return out


def tidy_saved(folder: Path, base_label: str) -> None:
    """Make a saved adapter reproducible and portable: peft records the base model's local path
    and its target modules in set order, and writes a template model card."""
    path = folder / "adapter_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = base_label
    if isinstance(config.get("target_modules"), list):
        config["target_modules"] = sorted(config["target_modules"])
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "README.md").unlink(missing_ok=True)


def train_adapter(encoder: Encoder, sentences: Sequence[str], labels: Sequence[int], n_labels: int, output: Path,
                  config: AdaptConfig | None = None, previous: Path | None = None, progress: bool = True,
                  log: Callable[[str], None] = print, base_label: str = "auto",
                  on_epoch: Callable[[int, Any, Any], None] | None = None) -> Path:
    """Fine-tune LoRA adapters of ``encoder`` (continuing ``previous`` when given) so that its
    mean-pooled sentence states predict ``labels``; save them to ``output`` and return it.
    ``base_label`` names the encoder in the saved config ("auto": the packaged MiniLM).
    ``on_epoch(epoch, peft_model, head)`` runs after each epoch (in eval mode, then back to
    training): a caller scores dev data there to select an epoch without touching test data."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from torch import nn
    from tqdm import tqdm
    from transformers import AutoModel

    cfg = config or AdaptConfig()
    if len(set(labels)) < 2:
        raise ValueError("adapting the encoder needs sentences of at least two document labels")
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    base = AutoModel.from_pretrained(resolve_encoder(encoder.name))  # a private copy: peft edits it in place
    with quiet_peft():
        if previous is not None:
            model = PeftModel.from_pretrained(base, str(previous), is_trainable=True)
        else:
            model = get_peft_model(base, LoraConfig(r=cfg.rank, lora_alpha=2 * cfg.rank, lora_dropout=0.1,
                                                    target_modules=list(TARGET_MODULES)))
    model.to(encoder.device)
    head = nn.Linear(encoder.dim, n_labels).to(encoder.device)
    params = [p for p in model.parameters() if p.requires_grad] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    epochs = [balanced_epoch(labels, rng) for _ in range(cfg.epochs)]
    total = sum((len(e) + cfg.batch_size - 1) // cfg.batch_size for e in epochs)
    warmup = max(1, min(50, total // 10))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / total))
    model.train()
    bar = tqdm(total=total, desc="adapting encoder", unit="batch", disable=not progress, file=sys.stderr)
    for epoch, order in enumerate(epochs, 1):
        for b in range(0, len(order), cfg.batch_size):
            idx = order[b:b + cfg.batch_size]
            enc = encoder.tokenize([sentences[i] for i in idx])
            mask = enc["attention_mask"].to(encoder.device)
            states = model(input_ids=enc["input_ids"].to(encoder.device), attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            logits = head((states * m).sum(1) / m.sum(1).clamp(min=1.0))
            loss = nn.functional.cross_entropy(logits, torch.tensor([labels[i] for i in idx], device=encoder.device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
        if on_epoch is not None:
            model.eval()
            with torch.no_grad():
                on_epoch(epoch, model, head)
            model.train()
    bar.close()
    output.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16).save_pretrained(str(output), save_embedding_layers=False)  # half precision: half the size, same merged weights to ~1e-4
    tidy_saved(output, base_label)
    log(f"adapted the encoder: {cfg.epochs} epochs of {len(epochs[0])} balanced sentences, LoRA rank "
        f"{model.peft_config['default'].r}, saved to {output}")
    return output
