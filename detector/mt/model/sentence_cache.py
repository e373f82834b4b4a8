"""Sentence encodings of the fixed (shipped) encoder, cached on disk by sentence text.

Why: every head above the encoder (sentence votes, windows, the document regression) is cheap to
refit, but encoding is not (MiniLM on two CPU cores: ~60 sentences/s). With the encoder fixed, each
distinct sentence is encoded once: its pooled state (mean and max of the last hidden layer, float16)
and the shipped sentence head's log-odds (MT minus human) are stored by a hash of the text, so
leave-one-language-out folds and reruns only read. Sentences are encoded in one fixed order
(sorted by length, then text), so a cold cache fills with the same batches, hence the same numbers.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Sentences encoded per chunk before the cache is written (bounded memory, resumable).
CHUNK = 4096


def key(sentence: str) -> bytes:
    return hashlib.sha1(sentence.encode("utf-8")).digest()[:12]


def model_key(folder: Path) -> str:
    """A short hash of what fixes the encodings: the model's adapter and heads files (a retrained
    encoder gets a fresh cache folder, never stale numbers)."""
    h = hashlib.sha1()
    for path in sorted([folder / "heads.safetensors", *(folder / "adapter").glob("*")]):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def voting_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that vote on its label, as the scanner splits them (``mt_sentences``)."""
    from detector.article import Article, Document
    from detector.mt.context import mt_sentences
    from detector.mt.model.model import votes

    return [s.text for s in mt_sentences(Document(Article("v", text))) if votes(s.text)]


class SentenceCache:
    """``pooled`` (N, 2D float16) and ``odds`` (N,) by sentence key, in one ``.npz`` folder of shards."""

    def __init__(self, folder: Path | None, model=None) -> None:
        self.folder, self.model = folder, model
        self.index: dict[bytes, tuple[int, int]] = {}
        self.shards: list[tuple[np.ndarray, np.ndarray]] = []
        if folder is not None and folder.is_dir():
            for path in sorted(p for p in folder.glob("shard-*.npz") if not p.name.endswith(".tmp.npz")):
                with np.load(path, allow_pickle=False) as z:
                    self._add(list(z["keys"]), z["pooled"], z["odds"])

    def _add(self, keys: Sequence, pooled: np.ndarray, odds: np.ndarray) -> None:
        s = len(self.shards)
        self.shards.append((pooled, odds))
        for i, k in enumerate(keys):
            self.index[bytes(k).ljust(12, b"\0")] = (s, i)  # numpy "S12" drops trailing NUL bytes

    def __contains__(self, sentence: str) -> bool:
        return key(sentence) in self.index

    def fill(self, sentences: Sequence[str], log=sys.stderr, part: tuple[int, int] = (0, 1)) -> int:
        """Encode the sentences not cached yet (in the fixed order); the number encoded. ``part``
        (i, n): only the i-th of n disjoint shares, for n processes filling one cache."""
        missing = sorted({s for s in sentences if key(s) not in self.index and key(s)[0] % part[1] == part[0]},
                         key=lambda s: (len(s), s))
        if not missing:
            return 0
        if self.model is None:
            raise RuntimeError(f"{len(missing)} sentences are not cached and no model was given to encode them")
        import torch

        from detector.mt.model.model import encode, head_outputs

        mt = self.model.doc_labels.index("mt")
        t0 = time.perf_counter()
        for c in range(0, len(missing), CHUNK):
            chunk = missing[c:c + CHUNK]
            enc = encode(self.model.encoder, chunk, keep_states=[False] * len(chunk))
            with torch.inference_mode():
                _, logp = head_outputs(self.model.heads, enc)
            keys = np.frombuffer(b"".join(key(s) for s in chunk), dtype="S12")
            pooled, odds = enc.pooled.numpy().astype(np.float16), (logp[:, mt] - logp[:, 1 - mt]).astype(np.float32)
            if self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"shard-{keys[0].hex()}-{len(chunk)}.npz"  # unique across processes
                np.savez(path.with_suffix(".tmp.npz"), keys=keys, pooled=pooled, odds=odds)
                path.with_suffix(".tmp.npz").replace(path)  # a killed run leaves no half-written shard
            self._add(list(keys), pooled, odds)
            done = c + len(chunk)
            rate = done / max(time.perf_counter() - t0, 1e-9)
            print(f"encoded {done}/{len(missing)} sentences ({rate:.0f}/s, {(len(missing) - done) / rate / 60:.1f} min left)",
                  file=log, flush=True)
        return len(missing)

    def get(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(pooled float32 (n, 2D), odds (n,)) of cached sentences."""
        if not sentences:
            dim = self.shards[0][0].shape[1] if self.shards else 0
            return np.zeros((0, dim), dtype=np.float32), np.zeros(0, dtype=np.float32)
        loc = [self.index[key(s)] for s in sentences]
        pooled = np.stack([self.shards[s][0][i] for s, i in loc]).astype(np.float32)
        odds = np.array([self.shards[s][1][i] for s, i in loc], dtype=np.float32)
        return pooled, odds
