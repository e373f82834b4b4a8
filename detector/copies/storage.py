"""The copy index's files: where they live, what they were built from, one writer at a time.

``IndexFiles`` owns the folder beside the store (``index.sqlite``: bands, links, backfilled
signatures, the store state last seen; ``vectors.usearch``): opening it, starting afresh when the
store or the settings changed, the cross-process write lock, and replacing the vectors file
atomically. What goes in, how candidates are found and confirmed, and how readers bring it up to
date, is ``index.CopyIndex``'s.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from detector.copies import align

if TYPE_CHECKING:
    from detector.copies.signature import Signature

INDEX_VERSION = 1
DEFAULTS: dict[str, Any] = {
    "bands": 32,  # 32 bands of 4 rows: pairs with 5-gram Jaccard >= ~0.42 meet in some band
    "ann_k": 20,
    "ann_min_similarity": 0.35,  # document-vector cosine below this is no candidate
    "window_days": 7,  # candidates published at most this many days apart (0: no window)
    "backfill_vectors": True,  # articles stored without the MT pass get vectors at indexing (a second pass)
    "mask_furniture": True,  # sentences inside the scan's boilerplate findings take no part in alignment
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indexed (pk INTEGER PRIMARY KEY, published TEXT, in_ann INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, key INTEGER NOT NULL, pk INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(band, key);
CREATE TABLE IF NOT EXISTS links (a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT NOT NULL,
    similarity REAL NOT NULL, data TEXT NOT NULL, PRIMARY KEY (a, b));
CREATE INDEX IF NOT EXISTS links_b ON links(b);
CREATE TABLE IF NOT EXISTS signatures (pk INTEGER PRIMARY KEY, minhash BLOB, shingles INTEGER, spans BLOB,
    hashes BLOB, anchors TEXT, vectors BLOB, dim INTEGER, encoder TEXT);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
#: Seconds a connection waits for another process's write to the index to finish.
BUSY_SECONDS = 60


class SettingsDiffer(Exception):
    """The index on disk was built with other settings; only ``detector copies`` rebuilds it."""


def default_folder(db: Path) -> Path:
    return db.with_name(db.name + ".copies")


class IndexFiles:
    """The index folder of one store (see the module docstring)."""

    def __init__(self, store: Any, folder: Path | None = None, settings: Mapping[str, Any] | None = None,
                 *, reset: bool = True) -> None:
        """Open (or create) the index for writing. An index of other settings is rebuilt when ``reset``
        (``detector copies``; it says so in ``rebuilt``), else ``SettingsDiffer`` is raised (readers)."""
        self.store = store
        self.settings = {**DEFAULTS, **align.DEFAULTS, **(settings or {})}
        self.folder = Path(folder) if folder is not None else default_folder(Path(store.path))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.rebuilt = False
        with self.locked():
            self.conn = sqlite3.connect(self.folder / "index.sqlite", isolation_level=None, timeout=BUSY_SECONDS)
            self.conn.executescript(_SCHEMA)
            self._cache: dict[int, Signature] = {}
            self._reset_if_stale(reset)
            self.ann = self._load_ann()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time across processes (``detector copies``, ``outlets``, ``report``, ``serve``):
        an exclusive lock on ``lock`` in the index folder. Readers need none: sqlite keeps them
        consistent, and the vectors file is replaced atomically."""
        try:
            import fcntl
        except ImportError:  # no POSIX locks (Windows): sqlite's own write lock still serialises commits
            yield
            return
        with open(self.folder / "lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    @classmethod
    def existing(cls, store: Any, folder: Path | None = None, settings: Mapping[str, Any] | None = None) -> Self | None:
        """The index as ``detector copies`` last left it, opened read-only; None if there is none
        (or it belongs to another store or other settings)."""
        self = cls.__new__(cls)
        self.store = store
        self.settings = {**DEFAULTS, **align.DEFAULTS, **(settings or {})}
        self.folder = Path(folder) if folder is not None else default_folder(Path(store.path))
        path = self.folder / "index.sqlite"
        if not path.is_file():
            return None
        self.conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_SECONDS)
        try:
            have = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            have = {}
        want = self._identity()
        if any(have.get(k) != want[k] for k in ("version", "store")):  # another store: not this one's index
            self.conn.close()
            return None
        self._cache = {}
        self.ann = None  # reading links needs no vectors
        self.rebuilt = False
        return self

    def built_with(self) -> str | None:
        """The settings (JSON) the index on disk was built with."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
        return row[0] if row else None

    def seen(self) -> str | None:
        """The ``store_state`` the index was last brought up to date with."""
        row = self.conn.execute("SELECT value FROM seen WHERE key = 'store'").fetchone()
        return row[0] if row else None

    def unindexed(self) -> int:
        """Current articles the index has not seen yet."""
        done = {r[0] for r in self.conn.execute("SELECT pk FROM indexed")}
        return sum(pk not in done for pk in self.current())

    # -- identity: a rebuilt store, or other settings, start the index afresh ------------------------------
    def _identity(self) -> dict[str, str]:
        first = self.store.conn.execute("SELECT min(started_at) FROM runs").fetchone()[0]
        keys = ("bands", "sentence_similarity", "student_sentence_similarity", "full_share", "partial_share", "min_aligned", "min_full_aligned", "max_sentences",
                "min_anchors", "min_anchor_agreement", "window_days", "block_gap", "passage_similarity",
                "mask_furniture")
        return {"version": str(INDEX_VERSION), "store": str(first),
                "settings": json.dumps({k: self.settings[k] for k in keys}, sort_keys=True)}

    def _reset_if_stale(self, reset: bool = True) -> None:
        want = self._identity()
        have = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if have == want:
            return
        if have and not reset and all(have.get(k) == want[k] for k in ("version", "store")):
            raise SettingsDiffer(self.folder)
        self.rebuilt = bool(have)
        self.conn.execute("BEGIN IMMEDIATE")
        for table in ("meta", "indexed", "bands", "links", "signatures", "seen"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)", list(want.items()))
        self.conn.execute("COMMIT")
        (self.folder / "vectors.usearch").unlink(missing_ok=True)

    # -- the vectors file (usearch): read afresh when another process replaced it, replaced atomically ------
    def _load_ann(self) -> Any:
        path = self.folder / "vectors.usearch"
        self._ann_stamp = _stamp(path)
        if path.is_file():
            from usearch.index import Index

            return Index.restore(str(path))
        return None

    def _reload_ann(self) -> None:
        if _stamp(self.folder / "vectors.usearch") != getattr(self, "_ann_stamp", None) or self.ann is None:
            self.ann = self._load_ann()

    def _record(self, state: str | None) -> None:
        if state is not None:
            self.conn.execute("INSERT OR REPLACE INTO seen VALUES ('store', ?)", (state,))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def current(self) -> dict[int, str | None]:
        """pk -> published date of the store's current articles."""
        return {r[0]: r[1] for r in self.store.conn.execute("SELECT pk, published FROM articles WHERE current = 1")}

    def _ann_add(self, pk: int, vec: np.ndarray) -> None:
        if self.ann is None:
            from usearch.index import Index

            self.ann = Index(ndim=len(vec), metric="cos", dtype="f16")
        if pk in self.ann:  # left by an update that saved the vectors but did not commit
            self.ann.remove(pk)
        self.ann.add(pk, vec.astype(np.float32))

    def _save_ann(self) -> None:
        if self.ann is None:
            return
        path = self.folder / "vectors.usearch"
        tmp = path.with_suffix(".tmp")
        self.ann.save(str(tmp))
        os.replace(tmp, path)
        self._ann_stamp = _stamp(path)


def store_state(store: Any) -> str:
    """What changes whenever the store gains, replaces or re-ranks an article, read cheaply: the
    schema version, the largest article and signature rowids (one b-tree step each) and the count
    of current articles (from the index on them)."""
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    top = store.conn.execute("SELECT max(pk) FROM articles").fetchone()[0]
    n = store.conn.execute("SELECT count(*) FROM articles WHERE current = 1").fetchone()[0]
    sigs = store.conn.execute("SELECT max(article_pk) FROM copy_signatures").fetchone()[0]
    return f"v{version}:{top}:{n}:{sigs}"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
