"""Export a model folder's encoder (its LoRA adapter merged, as ``load_encoder`` builds it) to ONNX.

Why: the encoder is ~95% of a scan's time. ONNX Runtime with its transformer graph fusions
(attention, LayerNorm, GELU) and dynamic int8 quantization of the weights runs it faster on CPU
than torch fp32, and the heads stay in torch. The files go beside the model (``<model>/onnx/``),
with a manifest that ties them to the encoder and adapter they came from, so a retrained model is
never run through a stale export: ``onnx_runtime`` ignores files whose manifest does not match.
Works for any model folder in the encoder + ``adapter/`` format (``python -m detector.ml.export
FOLDER``; ``make export`` for models/mt), and for the distilled student in its ``student/`` when
there is one (``student/onnx/``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from detector.ml.encoder import Encoder, load_encoder, resolve_encoder
from detector.ml.encoder_student import STUDENT_DIR, has_student
from detector.ml.onnx_runtime import FILES, MANIFEST, ONNX_DIR, expected_manifest

OPSET = 17
#: The shipped MT model's folder (the default of ``make export``).
SHIPPED_MT = Path(__file__).resolve().parents[2] / "models" / "mt"


def _export_graph(encoder: Encoder, path: Path) -> list[str]:
    """The merged torch encoder → an ONNX graph with dynamic batch and sequence axes."""
    import torch

    sample = encoder.tokenize(["An example sentence for the exporter.", "A second, longer example sentence here."])
    names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]
    model = encoder.model.float().eval()
    # Plain (eager) attention exports as the MatMul/Softmax pattern ORT fuses into one Attention op.
    attention = model.config._attn_implementation
    model.set_attn_implementation("eager")

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.inner(**dict(zip(names, args, strict=True))).last_hidden_state

    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"last_hidden_state": {0: "batch", 1: "sequence"}}
    try:  # the exporter restores the wrapper's training flag afterwards: it must be eval, like the model
        with torch.inference_mode():
            torch.onnx.export(LastHidden().eval(), tuple(sample[n] for n in names), str(path), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    finally:
        model.eval().set_attn_implementation(attention)
    return names


def export_encoder(folder: Path, encoder: str | None = None, log: Callable[[str], None] = print,
                   student: bool = False) -> Path:
    """Write ``folder/onnx/`` (fp32 optimized and int8 graphs, manifest) for the model in ``folder``;
    with ``student``, ``folder/student/onnx/`` for its distilled encoder (``encoder_student``)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    from detector.ml.encoder_adapter import ADAPTER_DIR, has_adapter

    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    name = encoder or meta.get("encoder", "auto")
    adapter = folder / ADAPTER_DIR if has_adapter(folder) else None
    distilled = folder / STUDENT_DIR if student else None
    enc = load_encoder(name, max_length=int(meta.get("max_length", 128)), adapter=adapter, student=distilled)
    out = (distilled or folder) / ONNX_DIR
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    cfg = enc.model.config
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.onnx"
        names = _export_graph(enc, raw)
        opt = optimize_model(str(raw), model_type="bert", num_heads=int(cfg.num_attention_heads),
                             hidden_size=int(cfg.hidden_size))
        opt.save_model_to_file(str(out / FILES["onnx"]))
    # Weights only (dynamic: activations are quantized per batch at run time); signed int8 weights.
    # Fused ops (com.microsoft domain) defeat shape inference: tell the quantizer the tensors are fp32.
    quantize_dynamic(str(out / FILES["onnx"]), str(out / FILES["onnx-int8"]), weight_type=QuantType.QInt8,
                     per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    manifest = expected_manifest(resolve_encoder(name), enc.adapter, enc.max_length) | {
        "inputs": names, "opset": OPSET, "fused": opt.get_fused_operator_statistics(),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{f} {(out / f).stat().st_size / 1e6:.1f} MB" for f in FILES.values())
    log(f"exported {distilled or folder}'s encoder to {out} in {time.perf_counter() - t0:.0f} s ({sizes})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=SHIPPED_MT, help="model folder (default: models/mt)")
    ap.add_argument("--encoder", default=None, help="encoder id/path (default: the one in meta.json)")
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: no model folder {args.folder}", file=sys.stderr)
        return 2
    try:
        for student in (False, True) if has_student(args.folder / STUDENT_DIR) else (False,):
            export_encoder(args.folder, args.encoder, log=lambda m: print(m, file=sys.stderr), student=student)
    except ImportError as exc:
        print(f"error: {exc.name} is not installed; install it with pip install 'detector[export]'", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
