"""The copy index beside the store: MinHash bands, an ANN index of article vectors, confirmed links.

It lives in a folder next to the results store (``results.db.copies/``: ``index.sqlite`` and
``vectors.usearch``), so phase 2 keeps opening the store read-only and a store copied elsewhere
takes its index along or rebuilds it (the files, their identity and the write lock: ``storage``). ``update`` indexes the current articles it has not seen:
each new article is looked up in the band table (an indexed SQL lookup per band) and in the ANN
index (top ``ann_k`` by cosine), and only those candidates are confirmed; nothing compares all
pairs, and an article indexed once is never compared again except as someone's candidate.

Why usearch: of the three ANN libraries the issue names, hnswlib has no wheel for this platform
(it would need a compiler at install); usearch keeps the index in one file, supports removal and
f16 storage (768 bytes an article at 384 dimensions). faiss was not measured.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detector.copies import align
from detector.copies.signature import COLUMNS, NUM_PERM, Signature, compute, from_row, to_row
from detector.copies.storage import DEFAULTS, IndexFiles, SettingsDiffer, default_folder, store_state

__all__ = ["DEFAULTS", "CopyIndex", "SettingsDiffer", "UpdateStats", "band_keys", "default_folder", "store_state"]
#: Signatures kept in memory while indexing (about 10 KB each).
CACHE_SIGNATURES = 50_000


@dataclass
class UpdateStats:
    """What one ``update`` did: articles indexed, candidate pairs confirmed or not, seconds."""

    added: int = 0
    compared: int = 0
    links: int = 0
    backfilled: int = 0
    #: Candidate pairs whose sentence vectors came from different encoders (say one scan ran the
    #: student, ``checks.mt_model.student``, another the full encoder): their vectors are not
    #: comparable (cosine 0.78 between the two encoders' states of one sentence), so such a pair is
    #: aligned by identical sentences alone; MinHash still finds it, a rewrite is missed.
    cross_encoder: int = 0
    seconds: float = 0.0
    per_article: list[int] = field(default_factory=list, repr=False)

    def notice(self) -> str | None:
        """One line for the user when pairs crossed encoders, else None."""
        if not self.cross_encoder:
            return None
        return (f"{self.cross_encoder} candidate pair(s) hold sentence vectors of different encoders (scans with and without "
                "checks.mt_model.student): compared by identical sentences only, so rewrites between them are missed; "
                "scan the store with one encoder")


def band_keys(minhash: np.ndarray, bands: int) -> list[int]:
    """One signed 64-bit key per band of rows of the MinHash."""
    rows = NUM_PERM // bands
    raw = minhash.astype("<u4").tobytes()
    return [int.from_bytes(hashlib.blake2b(raw[b * rows * 4:(b + 1) * rows * 4], digest_size=8).digest(), "little",
                           signed=True) for b in range(bands)]


class CopyIndex(IndexFiles):
    """The on-disk index of one store (see the module docstring)."""

    @classmethod
    def fresh(cls, store: Any, folder: Path | None = None, settings: Mapping[str, Any] | None = None) -> tuple[CopyIndex | None, str | None]:
        """For readers (``outlets``, ``report``, ``serve``): the index brought up to date with the
        store's scanned articles, and a notice when it could not be (or None, None when the store has
        neither an index nor signatures). The check is cheap (``store_state``); new articles are
        indexed incrementally from the scan's signatures. Articles stored without one are left to
        ``detector copies`` (it computes them, a second encoder pass no reader should start), and an
        index built with other settings is read as it is, never rebuilt behind the user's back."""
        old = cls.existing(store, folder, settings)
        if old is not None and old.built_with() != old._identity()["settings"]:
            return old, "the copy index was built with other copies settings: run 'detector copies' to rebuild it"
        state = store_state(store)
        if old is not None and old.seen() == state:
            return old, None
        signed = {r[0] for r in store.conn.execute("SELECT article_pk FROM copy_signatures")}
        if old is None and not signed:
            return None, None
        try:
            index = cls(store, folder, settings, reset=old is None)
        except SettingsDiffer:
            return old, "the copy index was built with other copies settings: run 'detector copies' to rebuild it"
        except (PermissionError, sqlite3.OperationalError) as exc:
            return old, f"the copy index could not be brought up to date ({exc}): run 'detector copies --index DIR'"
        if old is not None:
            old.close()
        stats = index.update(only=signed | {r[0] for r in index.conn.execute("SELECT pk FROM signatures")}, state=state)
        missing = index.unindexed()
        index.ann = None
        notices = [f"{missing} stored article(s) have no copy signature yet: run 'detector copies' to index them"
                   if missing else None, stats.notice()]
        return index, "; ".join(n for n in notices if n) or None

    # -- signatures ------------------------------------------------------------------------------------------
    def signatures(self, pks: Iterable[int]) -> dict[int, Signature]:
        """Signatures by article pk: the scan's, else the ones this index backfilled."""
        want = [pk for pk in dict.fromkeys(pks) if pk not in self._cache]
        cols = ", ".join(COLUMNS)
        for start in range(0, len(want), 500):
            chunk = want[start:start + 500]
            marks = ",".join("?" * len(chunk))
            got: dict[int, Signature] = {}
            for row in self.store.conn.execute(f"SELECT article_pk, {cols} FROM copy_signatures WHERE article_pk IN ({marks})", chunk):
                got[row[0]] = from_row(tuple(row)[1:])
            missing = [pk for pk in chunk if pk not in got]
            if missing:
                for row in self.conn.execute(f"SELECT pk, {cols} FROM signatures WHERE pk IN ({','.join('?' * len(missing))})", missing):
                    got[row[0]] = from_row(row[1:])
            furniture: dict[int, list[tuple[int, int]]] = {}
            if self.settings["mask_furniture"] and got:
                for pk, a, b in self.store.conn.execute(
                        f'SELECT article_pk, start, "end" FROM findings WHERE category = \'boilerplate\' AND article_pk IN ({marks})', chunk):
                    furniture.setdefault(pk, []).append((a, b))
            for pk, sig in got.items():
                self._cache[pk] = sig.masked(furniture.get(pk, ()))
        return {pk: self._cache[pk] for pk in pks if pk in self._cache}

    def _backfill(self, pks: list[int]) -> int:
        """Signatures for stored articles that have none (scanned before this feature, or without the
        MT model): computed from the stored text, vectors by the MT model's encoder when it loads."""
        from detector.article import Document

        rows = {r["pk"]: r for r in self.store.conn.execute(
            f"SELECT pk, id, outlet, text FROM articles WHERE pk IN ({','.join('?' * len(pks))})", pks)}
        docs = {pk: Document(_article(r)) for pk, r in rows.items()}
        vectors = _mt_signals(list(docs.values())) if self.settings["backfill_vectors"] else [{}] * len(docs)
        for (pk, doc), sig in zip(docs.items(), vectors):
            s = compute(doc, sig.get("sentence_vectors"), sig.get("encoder"), sig.get("sentence_spans"))
            self._cache.pop(pk, None)  # read back through ``signatures``, which masks the furniture
            self.conn.execute(f"INSERT OR REPLACE INTO signatures(pk, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                              (pk, *to_row(s)))
        return len(docs)

    # -- indexing --------------------------------------------------------------------------------------------
    def update(self, batch: int = 512, only: set[int] | None = None, state: str | None = None) -> UpdateStats:
        """Index every current article not indexed yet (of ``only``, when given), confirming its
        candidates; saves the index. ``state`` (``store_state``, taken before) is recorded as seen."""
        with self.locked():
            return self._update(batch, only, state)

    def _update(self, batch: int, only: set[int] | None, state: str | None) -> UpdateStats:
        t0 = time.perf_counter()
        stats = UpdateStats()
        from threadpoolctl import threadpool_limits

        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have indexed (and saved vectors) since this one opened: read both afresh.
            self._reload_ann()
            current = self.current()
            done = {r[0] for r in self.conn.execute("SELECT pk FROM indexed")}
            new = sorted((pk for pk in current if pk not in done and (only is None or pk in only)),
                         key=lambda pk: (current[pk] or "", pk))
            # One BLAS thread: the alignment's matrices are small, and OpenBLAS's threads on busy cores
            # made them 20-100x slower (0.5 ms -> 54 ms for 100 x 100 sentences on 2 shared cores).
            with threadpool_limits(1, "blas"):
                for start in range(0, len(new), batch):
                    chunk = new[start:start + batch]
                    have = self.signatures(chunk)
                    missing = [pk for pk in chunk if pk not in have]
                    if missing:
                        stats.backfilled += self._backfill(missing)
                    for pk in chunk:
                        self._add(pk, current, stats)
                    if len(self._cache) > CACHE_SIGNATURES:  # bounded memory
                        keep = set(chunk)
                        self._cache = {pk: s for pk, s in self._cache.items() if pk in keep}
            if new:
                self._save_ann()
            self._record(state)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._cache.clear()
            self.ann = self._load_ann()
            raise
        stats.seconds = time.perf_counter() - t0
        return stats

    def _add(self, pk: int, current: Mapping[int, str | None], stats: UpdateStats) -> None:
        sig = self.signatures([pk])[pk]
        keys = band_keys(sig.minhash, int(self.settings["bands"]))
        cands: set[int] = set()
        for b, key in enumerate(keys):
            cands.update(r[0] for r in self.conn.execute("SELECT pk FROM bands WHERE band = ? AND key = ?", (b, key)))
        vec = sig.doc_vector()
        if vec is not None and self.ann is not None and len(self.ann):
            m = self.ann.search(vec, min(int(self.settings["ann_k"]), len(self.ann)))
            cands.update(int(k) for k, d in zip(m.keys, m.distances) if 1.0 - float(d) >= float(self.settings["ann_min_similarity"]))
        cands.discard(pk)
        cands = {c for c in cands if c in current and _in_window(current[pk], current[c], int(self.settings["window_days"]))}
        others = self.signatures(cands)
        stats.per_article.append(len(others))
        for c, other in others.items():
            stats.compared += 1
            if sig.crosses_encoders(other):
                stats.cross_encoder += 1  # ``align.similarity_matrix`` then pairs identical sentences only
            a, b, x, y = (c, pk, other, sig) if c < pk else (pk, c, sig, other)
            link = align.confirm(a, x, b, y, self.settings)
            if link is not None:
                stats.links += 1
                self.conn.execute("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?)",
                                  (a, b, link.kind, link.similarity, json.dumps(link.data())))
        self.conn.executemany("INSERT INTO bands VALUES (?, ?, ?)", [(b, key, pk) for b, key in enumerate(keys)])
        in_ann = 0
        if vec is not None:
            self._ann_add(pk, vec)
            in_ann = 1
        self.conn.execute("INSERT OR REPLACE INTO indexed VALUES (?, ?, ?)", (pk, current[pk], in_ann))
        stats.added += 1

    # -- reading ---------------------------------------------------------------------------------------------
    def links(self, min_similarity: float = 0.0) -> Iterator[align.Link]:
        """Confirmed links between current articles."""
        current = self.current()
        for a, b, kind, sim, data in self.conn.execute("SELECT a, b, kind, similarity, data FROM links WHERE similarity >= ?",
                                                        (min_similarity,)):
            if a in current and b in current:
                yield align.Link.from_data(a, b, kind, sim, json.loads(data))


def _in_window(x: str | None, y: str | None, days: int) -> bool:
    if not days or x is None or y is None:
        return True
    import datetime as dt

    return abs((dt.date.fromisoformat(x) - dt.date.fromisoformat(y)).days) <= days


def _article(row: Any) -> Any:
    from detector.article import Article

    return Article(id=row["id"], text=row["text"], outlet=row["outlet"])


def _mt_signals(docs: list[Any]) -> list[dict]:
    """The MT check's sentence vectors for ``docs`` (the same pass the scan runs), or none if it cannot load."""
    from detector.checks.mt_model import MTModelCheck

    check = MTModelCheck()
    check.ensure_setup()
    if check.model is None:
        return [{} for _ in docs]
    return [r.signals for r in check.check_batch(docs)]
