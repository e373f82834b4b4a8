"""Sentence states for training, computed exactly as the scan computes them, and cached on disk.

The scan's MT model encodes an article's sentences (``mt_sentences``) once; the source-language head
reads the pooled states of the voting sentences (``model.votes``). Training does the same through
``MTModel.predict_sentence_vectors`` and keeps every vector in a cache keyed by the sentence's hash, so
reruns (and leave-one-language-out folds) never encode a sentence twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.article import Article, Document
from detector.mt.context import mt_sentences
from detector.mt.model.model import votes


def voting_sentences(text: str) -> list[str]:
    """The sentences of ``text`` whose states the head reads, in order (as in ``predict_parsed``)."""
    return [s.text for s in mt_sentences(Document(Article("x", text))) if votes(s.text)]


def _key(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:16]


STAMP = "encoder.json"


def encoder_stamp(folder: Path | None = None, student: bool = False) -> dict[str, str | None]:
    """Which encoder states the MT model in ``folder`` gives the scan, from its files alone (the
    runtime ``with_runtime(..., "auto")`` picks: the int8 export, else fp32, else torch; the export's
    hash and the adapter's), so a cache of states is never read for another encoder or runtime.
    With ``student``, the distilled encoder's (``folder/student``): its "adapter" is the student's
    content hash (``student_hash``, as its export's manifest and ``Encoder.adapter`` name it)."""
    import hashlib
    import importlib.util
    import json

    from detector.ml.encoder import adapter_hash
    from detector.ml.encoder_adapter import ADAPTER_DIR, has_adapter
    from detector.ml.onnx_runtime import FILES, MANIFEST, ONNX_DIR, auto_runtime
    from detector.mt.model.model import SHIPPED_DIR

    folder = folder or SHIPPED_DIR
    meta = folder / "meta.json"
    stamp: dict[str, str | None] = {
        "encoder": json.loads(meta.read_text(encoding="utf-8")).get("encoder") if meta.is_file() else None,
        "adapter": adapter_hash(folder / ADAPTER_DIR) if has_adapter(folder) else None,
        "runtime": "torch", "export_sha1": None}
    if student:
        from detector.ml.encoder_student import STUDENT_DIR, student_hash, student_problem

        why = student_problem(folder / STUDENT_DIR, stamp["adapter"])
        if why is not None:
            raise FileNotFoundError(why)
        folder = folder / STUDENT_DIR
        stamp["adapter"] = student_hash(folder)
    manifest = folder / ONNX_DIR / MANIFEST
    if importlib.util.find_spec("onnxruntime") is not None and manifest.is_file() \
            and json.loads(manifest.read_text(encoding="utf-8")).get("adapter") == stamp["adapter"]:
        runtime = auto_runtime(folder)
        path = folder / ONNX_DIR / FILES[runtime]
        if path.is_file():
            stamp["runtime"], stamp["export_sha1"] = runtime, hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    return stamp


class VectorCache:
    """Pooled sentence vectors (float16) in shards ``vectors-N.npz`` of a folder; append-only.

    With ``stamp`` (``encoder_stamp``), the folder's ``encoder.json`` must match it: a new folder is
    stamped, a folder of another encoder's states is refused (ValueError), and an unstamped old one
    is read with a warning."""

    def __init__(self, folder: Path, stamp: dict | None = None) -> None:
        import json

        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        shards = sorted(folder.glob("vectors-*.npz"))
        if stamp is not None:
            path = folder / STAMP
            if path.is_file():
                found = json.loads(path.read_text(encoding="utf-8"))
                if found != stamp:
                    raise ValueError(f"{folder} holds the states of another encoder ({found}), not of the shipped "
                                     f"one ({stamp}); give another --cache")
            elif shards:
                print(f"warning: {folder} has no {STAMP}; assuming its states are the shipped encoder's {stamp}", flush=True)
            else:
                path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        self.rows: dict[str, np.ndarray] = {}
        for shard in shards:
            with np.load(shard, allow_pickle=False) as z:
                self.rows.update(zip(z["keys"].tolist(), z["vectors"], strict=True))

    def has_all(self, sentences: Sequence[str]) -> bool:
        return all(_key(s) in self.rows for s in sentences)

    def vectors(self, model: object, sentences: Sequence[str], chunk: int = 4096, progress: bool = True) -> np.ndarray:
        """Vectors of ``sentences`` (n, 2·dim), encoding the missing ones with ``model`` in chunks
        (each chunk saved as a shard, so an interrupted run loses little)."""
        keys = [_key(s) for s in sentences]
        missing = list(dict.fromkeys(s for s, k in zip(sentences, keys, strict=True) if k not in self.rows))
        for c in range(0, len(missing), chunk):
            part = missing[c:c + chunk]
            vecs = model.sentence_vectors(part).astype(np.float16)  # type: ignore[attr-defined]
            part_keys = [_key(s) for s in part]
            self.rows.update(zip(part_keys, vecs, strict=True))
            n = len(list(self.folder.glob("vectors-*.npz")))
            np.savez(self.folder / f"vectors-{n:04d}.npz", keys=np.array(part_keys), vectors=vecs)
            if progress:
                print(f"encoded {min(c + chunk, len(missing))}/{len(missing)} sentences", flush=True)
        if not keys:
            return np.zeros((0, 0), dtype=np.float16)
        return np.stack([self.rows[k] for k in keys])


def load_mt_model(folder: Path | None = None, runtime: str = "auto", student: bool = False) -> object:
    """The MT model whose encoder the head reads (the shipped one by default), on the scan's runtime;
    with ``student``, on its distilled encoder (``checks.mt_model.student = true``)."""
    from detector.ml.onnx_runtime import with_runtime
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    folder = folder or SHIPPED_DIR
    if student:
        return MTModel.load(folder, runtime=runtime, student=True)
    model = MTModel.load(folder)
    model.encoder = with_runtime(model.encoder, folder, runtime)
    return model


def document_vectors(cache: VectorCache, model: object, texts: Sequence[str]) -> list[np.ndarray]:
    """Per text: the vectors of its voting sentences (float16), encoding only what the cache lacks."""
    per_doc = [voting_sentences(t) for t in texts]
    flat = [s for sents in per_doc for s in sents]
    vecs = cache.vectors(model, flat)
    out, k = [], 0
    for sents in per_doc:
        out.append(vecs[k:k + len(sents)])
        k += len(sents)
    return out
