"""Run an exported encoder (``export``) with ONNX Runtime instead of torch.

``runtime`` picks the path: "torch" never uses ONNX; "onnx" (fp32) and "onnx-int8" require the
export and onnxruntime; "auto" uses the int8 export when it is there, else the fp32 one, else torch.
Why int8 by default (bench/results/encoder_paths.json, 312 WMT22 test documents and 300
source-language test documents): 1.7x the fp32 encoder's sentences per CPU second, document AUC
0.7556 against fp32's 0.7562 (probabilities within 0.019, 0.003 on average), source-language top-1
0.750 against 0.757 (2 of 300 documents), copy vectors at cosine 0.992 to fp32's. Each text runs
alone on int8 (``OnnxSession``), so its numbers never depend on the rest of the scan. fp32 gives
torch's numbers to 1e-6; torch stays for training and as the fallback. An export whose manifest
names another encoder, adapter or max length than the loaded model (a retrained model not yet
re-exported) is not used: "auto" falls back to torch with one warning.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from detector.ml.encoder import Encoder

log = logging.getLogger("detector")

ONNX_DIR = "onnx"
MANIFEST = "manifest.json"
FILES = {"onnx": "encoder.fp32.onnx", "onnx-int8": "encoder.int8.onnx"}
RUNTIMES = ("auto", "torch", *FILES)


def expected_manifest(encoder: str, adapter: str | None, max_length: int) -> dict[str, Any]:
    """What ties an export to its source: the encoder (id, or last two folder names), the adapter hash, max length."""
    path = Path(encoder)
    label = f"{path.parent.name}/{path.name}" if path.is_dir() else encoder  # portable across installs
    return {"encoder": label, "adapter": adapter, "max_length": int(max_length)}


def export_file(folder: Path, encoder: Encoder, runtime: str) -> tuple[Path | None, str]:
    """The ONNX file for ``runtime`` in ``folder/onnx`` if it matches ``encoder``, else None and why."""
    path = folder / ONNX_DIR / FILES[runtime]
    manifest = folder / ONNX_DIR / MANIFEST
    if not path.is_file() or not manifest.is_file():
        return None, f"no ONNX export in {folder / ONNX_DIR} (build it with `make export` or python -m detector.ml.export {folder})"
    found = json.loads(manifest.read_text(encoding="utf-8"))
    want = expected_manifest(encoder.name, encoder.adapter, encoder.max_length)
    if any(found.get(k) != v for k, v in want.items()):
        return None, f"the ONNX export in {folder / ONNX_DIR} is of another model; rebuild it with python -m detector.ml.export {folder}"
    return path, ""


class OnnxSession:
    """An ONNX Runtime session over an exported encoder: token ids in, last hidden states out.

    Why this shape (bench/results/encoder_paths.json): each run is single-threaded and the cores
    are used by running batches side by side (``workers`` threads; ONNX Runtime releases the GIL),
    because splitting each small product over two threads spent a third of the CPU time waking and
    waiting; and sentences are batched with others of the same token length, so nothing is padded
    (sorting by characters padded 30% of the tokens). The int8 graph quantizes activations with one
    scale per input tensor, so it runs each text alone: a sentence's states never depend on what
    else is in the scan (batched, they moved an article's probability by up to 0.027).
    """

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = path
        self.workers = max(1, threads or default_threads())
        self.per_text = path.name == FILES["onnx-int8"]
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def _run(self, ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids) if mask is None else mask,
                 "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, {k: feeds[k] for k in self.inputs})[0]

    def _map(self, fn: Callable[[Any], np.ndarray], items: list[Any]) -> list[np.ndarray]:
        if self.workers == 1 or len(items) < 2:
            return [fn(x) for x in items]
        if self._pool is None or self._pool_pid != os.getpid():  # a forked child has none of its parent's threads
            self._pool, self._pool_pid = ThreadPoolExecutor(self.workers, thread_name_prefix="onnx"), os.getpid()
        return list(self._pool.map(fn, items))

    def run_each(self, ids: Sequence[Sequence[int]], batch_size: int = 64) -> list[np.ndarray]:
        """Hidden states (T_i, D) of each unpadded id sequence: same-length batches (one text per
        run on int8), run side by side."""
        by_length: dict[int, list[int]] = {}
        for i, seq in enumerate(ids):
            by_length.setdefault(len(seq), []).append(i)
        size = 1 if self.per_text else max(1, batch_size)
        batches = [group[b:b + size] for _, group in sorted(by_length.items()) for b in range(0, len(group), size)]
        states = self._map(lambda idx: self._run(np.array([ids[i] for i in idx], dtype=np.int64)), batches)
        out: list[np.ndarray] = [np.zeros((0, 0), dtype=np.float32)] * len(ids)
        for idx, got in zip(batches, states, strict=True):
            for j, i in enumerate(idx):
                out[i] = got[j]
        return out

    def __call__(self, enc: Any) -> Any:
        """Hidden states (B, T, D) of a padded batch (numpy arrays or torch tensors): each text run
        unpadded (``run_each``), padding rows zero."""
        ids = enc["input_ids"] if isinstance(enc["input_ids"], np.ndarray) else enc["input_ids"].numpy()
        mask = enc["attention_mask"] if isinstance(enc["attention_mask"], np.ndarray) else enc["attention_mask"].numpy()
        lengths = mask.sum(1)
        each = self.run_each([row[:n].tolist() for row, n in zip(ids, lengths, strict=True)], batch_size=len(ids))
        out = np.zeros((*ids.shape, each[0].shape[-1] if each else 0), dtype=np.float32)
        for i, (n, states) in enumerate(zip(lengths, each, strict=True)):
            out[i, :n] = states
        return out


def default_threads() -> int:
    """The cores this process may use: ``OMP_NUM_THREADS`` (``--jobs`` workers get their share), else
    the CPUs it is allowed to run on."""
    from detector.parallel import usable_cores

    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return usable_cores()


_sessions: dict[Path, OnnxSession] = {}


def auto_runtime(folder: Path) -> str:
    """The ONNX runtime that ``runtime = "auto"`` asks for in ``folder``: the int8 export, or an
    older export's fp32 alone (``with_runtime`` then checks it against the encoder; the state
    cache's stamp, ``source_language.embed.encoder_stamp``, names it from the files)."""
    return "onnx-int8" if (folder / ONNX_DIR / FILES["onnx-int8"]).is_file() else "onnx"


def with_runtime(encoder: Encoder, folder: Path, runtime: str = "auto") -> Encoder:
    """``encoder`` running on the chosen runtime for the model in ``folder`` (a copy; the cached
    torch encoder is untouched). Raises ValueError for an unknown runtime, FileNotFoundError
    when "onnx"/"onnx-int8" is asked for and cannot be had."""
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    if runtime == "torch" or encoder.device != "cpu":
        return dataclasses.replace(encoder, session=None)
    wanted = auto_runtime(folder) if runtime == "auto" else runtime
    if importlib.util.find_spec("onnxruntime") is None:
        if runtime == "auto":
            return dataclasses.replace(encoder, session=None)
        raise FileNotFoundError("onnxruntime is not installed; install it with pip install 'detector[export]'")
    path, why = export_file(folder, encoder, wanted)
    if path is None:
        if runtime == "auto":
            if (folder / ONNX_DIR).exists():
                log.warning("detector: %s; using torch", why)
            return dataclasses.replace(encoder, session=None)
        raise FileNotFoundError(why)
    if path not in _sessions:
        _sessions[path] = OnnxSession(path)
    return dataclasses.replace(encoder, session=_sessions[path])
