"""Run an exported encoder (``export``) with ONNX Runtime instead of torch.

``runtime`` picks the path: "torch" never uses ONNX; "onnx" (fp32) and "onnx-int8" require the
export and onnxruntime; "auto" uses the fp32 export when both are there and torch otherwise. Why
not int8 by default: it runs the encoder 1.65x faster with the same document AUC
(bench/results/encoder_paths.json), but dynamic quantization scales activations per batch, so an
article's probabilities move (by up to 0.027 on 40 WMT22 documents) with the other sentences in its batch; fp32 gives torch's
numbers to 1e-6 whatever the batch, and a cold start without transformers' modeling code. An
export whose manifest names another encoder, adapter or max length than the loaded model (a
retrained model not yet re-exported) is not used: "auto" falls back to torch with one warning.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import sys
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
    """An ONNX Runtime session over an exported encoder: numpy in, last hidden states out."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # As many threads as torch is allowed (workers of --jobs set it to their share of the cores).
        opts.intra_op_num_threads = threads or (sys.modules["torch"].get_num_threads() if "torch" in sys.modules
                                                else int(os.environ.get("OMP_NUM_THREADS", 0)))
        opts.inter_op_num_threads = 1
        self.path = path
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, enc: Any) -> Any:
        """Hidden states (numpy) of a tokenized batch (numpy arrays or torch tensors)."""
        feeds = {k: enc[k] if isinstance(enc[k], np.ndarray) else enc[k].numpy() for k in self.inputs}
        return self.session.run(None, feeds)[0]


_sessions: dict[Path, OnnxSession] = {}


def with_runtime(encoder: Encoder, folder: Path, runtime: str = "auto") -> Encoder:
    """``encoder`` running on the chosen runtime for the model in ``folder`` (a copy; the cached
    torch encoder is untouched). Raises ValueError for an unknown runtime, FileNotFoundError
    when "onnx"/"onnx-int8" is asked for and cannot be had."""
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    if runtime == "torch" or encoder.device != "cpu":
        return dataclasses.replace(encoder, session=None)
    wanted = "onnx" if runtime == "auto" else runtime
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
