"""The results store: phase 1 writes ArticleReports to SQLite, phase 2 reads only from it.

SQLite is the embedded default (one file, no server) and WAL mode lets readers (``detector
outlets``, the report) keep reading while a scan writes. The schema is versioned with ``PRAGMA
user_version`` and upgraded by the ordered ``MIGRATIONS`` on open; a file made by a newer detector
is refused rather than guessed at.

Nothing is lost silently: an article is keyed by (outlet, id). Re-scanning the same text with the
same rules and settings replaces its findings in one transaction; a changed text keeps the earlier
versions and their findings as history (``superseded_at`` set) and adds the new one.

A result is also kept per *scope* (the rules that ran and the settings that shape findings): a
re-scan with ``--select Date`` is stored beside the full result, not over it. Of an article's live
results, the fullest (every rule, else the most rules; then the latest) is ``current = 1``, the one
phase 2 reads, so a narrower re-scan never thins the outlet analysis. Each article is written inside
its own savepoint, so a broken record is rolled back alone and the rest of the scan is stored, and
``StoreWriter`` commits on a timer, so a report printed before a crash is in the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector import __version__
from detector.article import Article
from detector.findings import ArticleReport, Category, Finding, Severity

_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    detector_version TEXT NOT NULL,
    config_hash TEXT,
    config_json TEXT,
    models_json TEXT,
    command TEXT,
    articles INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE articles (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    outlet TEXT NOT NULL,
    url TEXT, title TEXT, published TEXT, source TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    words INTEGER NOT NULL,
    language TEXT,
    score REAL,
    mt_probability REAL,
    metrics_json TEXT NOT NULL DEFAULT '{}',
    annotations_json TEXT NOT NULL DEFAULT '{}',
    meta_json TEXT NOT NULL DEFAULT '{}',
    run_id INTEGER REFERENCES runs(id),
    scanned_at TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 1,
    superseded_at TEXT
);
CREATE UNIQUE INDEX articles_current ON articles(outlet, id) WHERE current = 1;
CREATE INDEX articles_outlet ON articles(outlet, current, published);
CREATE TABLE findings (
    pk INTEGER PRIMARY KEY,
    article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    message TEXT NOT NULL,
    suggestion TEXT,
    confidence REAL NOT NULL,
    data_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX findings_article ON findings(article_pk);
CREATE INDEX findings_rule ON findings(rule);
"""

# v2: results per scope (rule selection + settings); the fullest live one per article is current.
_V2 = """
ALTER TABLE articles ADD COLUMN scope TEXT;
ALTER TABLE articles ADD COLUMN rule_count INTEGER;
CREATE UNIQUE INDEX articles_live ON articles(outlet, id, coalesce(scope, '')) WHERE superseded_at IS NULL;
"""

# v3: each article's copy-detection signature (detector.copies.signature), written by the scan.
_V3 = """
CREATE TABLE copy_signatures (
    article_pk INTEGER PRIMARY KEY REFERENCES articles(pk) ON DELETE CASCADE,
    minhash BLOB NOT NULL, shingles INTEGER NOT NULL, spans BLOB NOT NULL, hashes BLOB NOT NULL,
    anchors TEXT NOT NULL, vectors BLOB, dim INTEGER NOT NULL DEFAULT 0, encoder TEXT
);
"""

#: Ordered schema migrations: MIGRATIONS[i] upgrades user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(ValueError):
    """A store file that cannot be used (newer schema, not a detector store)."""


@dataclass
class StoredArticle:
    """One current article as phase 2 sees it (text included, so nothing else need be read)."""

    pk: int
    article: Article
    words: int
    language: str | None
    score: float | None
    mt_probability: float | None
    metrics: dict[str, float]
    annotations: dict[str, Any]
    scanned_at: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """What shaped a result: ``key`` hashes the rules that ran and the settings that change findings;
    ``rule_count`` is how many per-article rules ran, None for all of them (the fullest)."""

    key: str | None = None
    rule_count: int | None = None


#: A buffered report is committed at the latest this many seconds after it was written.
FLUSH_SECONDS = 2.0

#: Ranks live results: every rule beats any subset, more rules beat fewer, then the latest.
_FULLEST = "ORDER BY coalesce(rule_count, 9223372036854775807) DESC, scanned_at DESC, pk DESC"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def config_hash(values: Any) -> str:
    """A short stable hash of the effective settings, to tell runs with different configs apart."""
    blob = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """A results store at ``path``; created and migrated on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.immutable = False
        self.notice: str | None = None
        if readonly and not self.path.is_file():
            raise FileNotFoundError(f"no results store at {self.path} (write one with 'detector check ... --db {self.path}')")
        if not readonly and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a results store file")
        try:
            self.conn = self._connect("ro" if readonly else None, timeout)
            version = self._version()
            if readonly and version is None:  # read-only media: WAL cannot make its -shm file
                self.conn.close()
                self.conn = self._connect("immutable", timeout)
                self.immutable = True
                version = self._version()
                wal = Path(f"{self.path}-wal")
                if wal.is_file() and wal.stat().st_size:
                    self.notice = (f"{self.path} is on read-only media and has a write-ahead log ({wal.name}) that "
                                   "cannot be read from there; copy both files somewhere writable to see every result")
            if version is None:
                raise sqlite3.OperationalError("unable to open database file")
            # Look before writing anything: a foreign or newer file is refused untouched.
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} has schema version {version}; this detector reads up to {SCHEMA_VERSION} (upgrade detector)")
            if version == 0 and self._foreign():
                raise StoreError(f"{self.path} is an SQLite file but not a detector results store")
        except sqlite3.Error as exc:
            self._close_quietly()
            raise StoreError(f"cannot open {self.path} as a detector results store ({exc})") from None
        except StoreError:
            self._close_quietly()
            raise
        if not readonly:
            self._wal(timeout)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(version)
        elif version < SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(f"{self.path} has schema version {version}; open it once for writing to upgrade it")

    def _wal(self, timeout: float) -> None:
        """Switch to WAL. Changing the journal mode takes an exclusive lock that SQLite's busy handler
        does not wait for, so two scans opening one new store at once would see "database is locked":
        retry until ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _connect(self, mode: str | None, timeout: float) -> sqlite3.Connection:
        if mode is None:
            target, uri = str(self.path), False
        else:
            query = "mode=ro" if mode == "ro" else "immutable=1"
            target, uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?{query}", True
        # check_same_thread=False: StoreWriter's timer commits from its own thread, under a lock.
        conn = sqlite3.connect(target, uri=uri, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return conn

    def _version(self) -> int | None:
        """The schema version; None when the file cannot be read through this connection."""
        try:
            return int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "unable to open" in str(exc):
                return None
            raise

    def _foreign(self) -> bool:
        """Tables but no schema version: another program's file. The tables and the version are read
        in one transaction: read apart, a scan creating this store at the same moment could commit
        its first tables in between, and look like a foreign file."""
        self.conn.execute("BEGIN")
        try:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            self.conn.execute("COMMIT")
        return version == 0 and tables > 0

    def _close_quietly(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    def _migrate(self, version: int) -> None:
        """Upgrade step by step; each step re-reads the version under the write lock, so two scans
        opening one new store at once migrate it once."""
        while version < SCHEMA_VERSION:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                target = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
                if target >= SCHEMA_VERSION:
                    self.conn.execute("COMMIT")
                    return
                for stmt in _statements(MIGRATIONS[target]):
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {target + 1}")
                self.conn.execute("COMMIT")
                version = target + 1
            except Exception:
                self.conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------
    def start_run(self, *, config: Any = None, models: dict[str, Any] | None = None, command: str | None = None) -> int:
        """Record a scan's metadata; returns the run id that stored articles point to."""
        cur = self.conn.execute(
            "INSERT INTO runs(started_at, detector_version, config_hash, config_json, models_json, command)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (_now(), __version__, None if config is None else config_hash(config),
             None if config is None else json.dumps(config, sort_keys=True, default=str),
             json.dumps(models or {}, sort_keys=True, default=str), command),
        )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, articles: int, errors: int) -> None:
        self.conn.execute("UPDATE runs SET finished_at = ?, articles = ?, errors = ? WHERE id = ?",
                          (_now(), articles, errors, run_id))

    def add_reports(self, reports: Iterable[ArticleReport], run_id: int | None = None, *, commit_every: int = 64,
                    scope: Scope | None = None) -> tuple[int, list[tuple[str, str]]]:
        """Store reports; returns (stored, [(article id, error)]) — a broken record is skipped alone."""
        writer = StoreWriter(self, run_id, commit_every=commit_every, max_delay=0, scope=scope)
        for report in reports:
            writer.write(report)
        writer.close()
        return writer.stored, writer.errors

    def _put(self, report: ArticleReport, run_id: int | None, scope: Scope | None = None) -> bool:
        """Write one report; True when it is the article's current (fullest) result."""
        scope = scope or Scope()
        a = report.article
        h = text_hash(a.text)
        now = _now()
        live = self.conn.execute(
            "SELECT pk, text_hash, scope FROM articles WHERE outlet = ? AND id = ? AND superseded_at IS NULL",
            (a.outlet, a.id)).fetchall()
        if any(r["text_hash"] != h for r in live):  # the text changed: every earlier result becomes history
            self.conn.execute("UPDATE articles SET current = 0, superseded_at = ? WHERE outlet = ? AND id = ?"
                              " AND superseded_at IS NULL", (now, a.outlet, a.id))
            live = []
        values = (
            a.url, a.title, a.published.isoformat() if a.published else None, a.source, a.text, h, report.words,
            report.language, report.score, report.mt_probability, _dumps(report.metrics), _dumps(report.annotations),
            _dumps(a.meta), run_id, now, scope.rule_count,
        )
        same = next((r for r in live if r["scope"] == scope.key), None)
        if same is not None:  # the same text under the same rules and settings: replace the result
            pk = same["pk"]
            self.conn.execute("DELETE FROM findings WHERE article_pk = ?", (pk,))
            self.conn.execute(
                "UPDATE articles SET url=?, title=?, published=?, source=?, text=?, text_hash=?, words=?, language=?,"
                " score=?, mt_probability=?, metrics_json=?, annotations_json=?, meta_json=?, run_id=?, scanned_at=?,"
                " rule_count=? WHERE pk = ?", (*values, pk))
        else:
            cur = self.conn.execute(
                "INSERT INTO articles(url, title, published, source, text, text_hash, words, language, score,"
                " mt_probability, metrics_json, annotations_json, meta_json, run_id, scanned_at, rule_count, id, outlet,"
                " scope, current) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)", (*values, a.id, a.outlet, scope.key))
            pk = cur.lastrowid
        self.conn.executemany(
            'INSERT INTO findings(article_pk, rule, category, severity, start, "end", text, message, suggestion,'
            " confidence, data_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(pk, f.rule, f.category.value, f.severity.value, f.start, f.end, f.text, f.message, f.suggestion,
              float(f.confidence), _dumps(f.data)) for f in report.findings],
        )
        signature = report.signals.get("copies")
        if signature is not None:
            from detector.copies.signature import COLUMNS, to_row

            self.conn.execute(f"INSERT OR REPLACE INTO copy_signatures(article_pk, {', '.join(COLUMNS)})"
                              f" VALUES (?{', ?' * len(COLUMNS)})", (pk, *to_row(signature)))
        best = self.conn.execute(f"SELECT pk FROM articles WHERE outlet = ? AND id = ? AND superseded_at IS NULL {_FULLEST}"
                                 " LIMIT 1", (a.outlet, a.id)).fetchone()["pk"]
        self.conn.execute("UPDATE articles SET current = 0 WHERE outlet = ? AND id = ? AND current = 1 AND pk != ?",
                          (a.outlet, a.id, best))
        self.conn.execute("UPDATE articles SET current = 1 WHERE pk = ?", (best,))
        return best == pk

    # -- reading -------------------------------------------------------------------------------
    def outlets(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT outlet FROM articles WHERE current = 1 ORDER BY outlet")]

    def articles(self, outlet: str | None = None, *, with_findings: bool = True, history: bool = False,
                 article_id: str | None = None) -> Iterator[StoredArticle]:
        """Current articles (and earlier versions with ``history``), by outlet then publication date."""
        where, args = [], []
        if not history:
            where.append("current = 1")
        if outlet is not None:
            where.append("outlet = ?")
            args.append(outlet)
        if article_id is not None:
            where.append("id = ?")
            args.append(article_id)
        cond = " WHERE " + " AND ".join(where) if where else ""
        rows = self.conn.execute(f"SELECT * FROM articles{cond} ORDER BY outlet, published IS NULL, published, id, pk",
                                 args).fetchall()
        found: dict[int, list[Finding]] = {}
        if with_findings:  # one query for all of them, not one per article
            for r in self.conn.execute(f'SELECT * FROM findings WHERE article_pk IN (SELECT pk FROM articles{cond})'
                                       ' ORDER BY article_pk, start, "end", rule, pk', args):
                found.setdefault(r["article_pk"], []).append(_finding(r))
        for row in rows:
            stored = _article(row)
            stored.findings = found.get(row["pk"], [])
            yield stored

    def findings(self, article_pk: int) -> list[Finding]:
        rows = self.conn.execute('SELECT * FROM findings WHERE article_pk = ? ORDER BY start, "end", rule, pk', (article_pk,))
        return [_finding(r) for r in rows]

    def outlet_totals(self) -> dict[str, tuple[int, int]]:
        """outlet → (current articles, words), without reading texts."""
        rows = self.conn.execute("SELECT outlet, count(*), coalesce(sum(words), 0) FROM articles WHERE current = 1 GROUP BY outlet")
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def source_languages(self) -> dict[str, dict[str, int]]:
        """outlet → {source language: current articles given it} (``metrics.source_language``), without reading texts."""
        rows = self.conn.execute(
            "SELECT outlet, json_extract(metrics_json, '$.source_language') AS lang, count(*) FROM articles"
            " WHERE current = 1 AND lang IS NOT NULL GROUP BY outlet, lang")
        out: dict[str, dict[str, int]] = {}
        for outlet, lang, n in rows:
            out.setdefault(outlet, {})[str(lang)] = int(n)
        return out

    def history(self, outlet: str, article_id: str) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT pk, text_hash, scope, rule_count, scanned_at, superseded_at, current, score FROM articles"
            " WHERE outlet = ? AND id = ? ORDER BY pk",
            (outlet, article_id)).fetchall()

    def runs(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()


class StoreWriter:
    """Streams reports into a store in short transactions, one savepoint per article.

    Reports are buffered and written ``commit_every`` at a time, and a timer thread commits what
    has waited ``max_delay`` seconds even while the scan is idle (waiting on stdin, or on a slow
    article), so a report printed more than ``max_delay`` seconds before a crash or ``kill -9`` is
    in the store. The write lock is held only while writing, never while checks run: two scans can
    share a store, and readers never wait (WAL). Shaped like ``io.writers.Writer``
    (``write``/``close``) so ``detector check --db`` uses it beside the printed output.
    """

    def __init__(self, store: Store, run_id: int | None, *, commit_every: int = 64, max_delay: float = FLUSH_SECONDS,
                 on_error: Callable[[ArticleReport, str], None] | None = None, scope: Scope | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.scope = scope or Scope()
        self.commit_every = max(1, commit_every)
        self.max_delay = max_delay
        self.on_error = on_error
        self.stored = 0
        self.alternates = 0  # stored beside a fuller result of the same article
        self.errors: list[tuple[str, str]] = []
        self._buffer: list[ArticleReport] = []
        self._oldest = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._timer: threading.Thread | None = None
        if max_delay > 0:
            self._timer = threading.Thread(target=self._tick, name="store-flush", daemon=True)
            self._timer.start()

    def write(self, report: ArticleReport) -> None:
        self._raise_timer_failure()
        with self._lock:
            if not self._buffer:
                self._oldest = time.monotonic()
            self._buffer.append(report)
            if len(self._buffer) >= self.commit_every:
                self._flush()

    def flush(self) -> None:
        """Write the buffered reports in one transaction; a broken one is rolled back alone."""
        with self._lock:
            self._flush()

    def _tick(self) -> None:
        while not self._stop.wait(self.max_delay / 4):
            with self._lock:
                if not self._buffer or time.monotonic() - self._oldest < self.max_delay:
                    continue
                try:
                    self._flush()
                except BaseException as exc:  # noqa: BLE001 - handed to the scan's thread
                    self._failure = exc
                    return

    def _raise_timer_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def _flush(self) -> None:
        if not self._buffer:
            return
        conn = self.store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for report in self._buffer:
                conn.execute("SAVEPOINT article")
                try:
                    current = self.store._put(report, self.run_id, self.scope)
                except (sqlite3.Error, ValueError, TypeError, UnicodeError) as exc:
                    conn.execute("ROLLBACK TO article")
                    conn.execute("RELEASE article")
                    message = f"{type(exc).__name__}: {exc}"
                    self.errors.append((str(report.article.id), message))
                    if self.on_error is not None:
                        self.on_error(report, message)
                    continue
                conn.execute("RELEASE article")
                self.stored += 1
                self.alternates += not current
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._buffer.clear()

    def close(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join()
        self._raise_timer_failure()
        self.flush()
        if self.run_id is not None:
            self.store.finish_run(self.run_id, self.stored, len(self.errors))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _dumps(value: Any) -> str:
    # Strict: a value JSON cannot represent makes the record fail (and be reported), not vanish.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)


def _article(row: sqlite3.Row) -> StoredArticle:
    published = dt.date.fromisoformat(row["published"]) if row["published"] else None
    article = Article(id=row["id"], text=row["text"], outlet=row["outlet"], url=row["url"], title=row["title"],
                      published=published, source=row["source"], meta=json.loads(row["meta_json"]))
    return StoredArticle(pk=row["pk"], article=article, words=row["words"], language=row["language"],
                         score=row["score"], mt_probability=row["mt_probability"],
                         metrics=json.loads(row["metrics_json"]), annotations=json.loads(row["annotations_json"]),
                         scanned_at=row["scanned_at"])


def _finding(row: sqlite3.Row) -> Finding:
    return Finding(rule=row["rule"], category=Category(row["category"]), severity=Severity(row["severity"]),
                   start=row["start"], end=row["end"], text=row["text"], message=row["message"],
                   suggestion=row["suggestion"], confidence=row["confidence"], data=json.loads(row["data_json"]))


def reports_models(checks: Sequence[Any]) -> dict[str, Any]:
    """What ran: each check's ``version``/``model_version`` attributes where a check declares them."""
    out: dict[str, Any] = {}
    for c in checks:
        info = {k: getattr(c, k) for k in ("version", "model_version", "model_name") if getattr(c, k, None) is not None}
        out[c.name] = info
    return out
