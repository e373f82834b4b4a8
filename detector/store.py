"""The results store: phase 1 writes ArticleReports to SQLite, phase 2 reads only from it.

SQLite is the embedded default (one file, no server) and WAL mode lets readers (``detector
outlets``, the report) keep reading while a scan writes. The schema is versioned with ``PRAGMA
user_version`` and upgraded by the ordered ``MIGRATIONS`` on open; a file made by a newer detector
is refused rather than guessed at.

Nothing is lost silently: an article is keyed by (outlet, id). Re-scanning the same text replaces
its findings in one transaction; a changed text keeps the earlier version and its findings as
history (``current = 0``) and adds the new one. Each article is written inside its own savepoint, so
a broken record is rolled back alone and the rest of the scan is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import time
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

#: Ordered schema migrations: MIGRATIONS[i] upgrades user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1,)
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
        if readonly and not self.path.is_file():
            raise FileNotFoundError(f"no results store at {self.path} (write one with 'detector check ... --db {self.path}')")
        uri = f"file:{self.path}?mode=ro" if readonly else str(self.path)
        try:
            self.conn = sqlite3.connect(uri, uri=readonly, timeout=timeout, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path} as a detector results store ({exc})") from None
        if version > SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(f"{self.path} has schema version {version}; this detector reads up to {SCHEMA_VERSION} (upgrade detector)")
        if not readonly:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(version)
        elif version < SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(f"{self.path} has schema version {version}; open it once for writing to upgrade it")

    def _migrate(self, version: int) -> None:
        if version == 0 and self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{self.path} is an SQLite file but not a detector results store")
        for target in range(version, SCHEMA_VERSION):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _statements(MIGRATIONS[target]):
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {target + 1}")
                self.conn.execute("COMMIT")
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

    def add_reports(self, reports: Iterable[ArticleReport], run_id: int | None = None, *, commit_every: int = 64
                    ) -> tuple[int, list[tuple[str, str]]]:
        """Store reports; returns (stored, [(article id, error)]) — a broken record is skipped alone."""
        writer = StoreWriter(self, run_id, commit_every=commit_every)
        for report in reports:
            writer.write(report)
        writer.close()
        return writer.stored, writer.errors

    def _put(self, report: ArticleReport, run_id: int | None) -> None:
        a = report.article
        h = text_hash(a.text)
        now = _now()
        row = self.conn.execute(
            "SELECT pk, text_hash FROM articles WHERE outlet = ? AND id = ? AND current = 1", (a.outlet, a.id)
        ).fetchone()
        values = (
            a.url, a.title, a.published.isoformat() if a.published else None, a.source, a.text, h, report.words,
            report.language, report.score, report.mt_probability, _dumps(report.metrics), _dumps(report.annotations),
            _dumps(a.meta), run_id, now,
        )
        if row is not None and row["text_hash"] == h:
            pk = row["pk"]
            self.conn.execute("DELETE FROM findings WHERE article_pk = ?", (pk,))
            self.conn.execute(
                "UPDATE articles SET url=?, title=?, published=?, source=?, text=?, text_hash=?, words=?, language=?,"
                " score=?, mt_probability=?, metrics_json=?, annotations_json=?, meta_json=?, run_id=?, scanned_at=?"
                " WHERE pk = ?", (*values, pk))
        else:
            if row is not None:  # the text changed: keep the earlier version as history
                self.conn.execute("UPDATE articles SET current = 0, superseded_at = ? WHERE pk = ?", (now, row["pk"]))
            cur = self.conn.execute(
                "INSERT INTO articles(url, title, published, source, text, text_hash, words, language, score,"
                " mt_probability, metrics_json, annotations_json, meta_json, run_id, scanned_at, id, outlet)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (*values, a.id, a.outlet))
            pk = cur.lastrowid
        self.conn.executemany(
            'INSERT INTO findings(article_pk, rule, category, severity, start, "end", text, message, suggestion,'
            " confidence, data_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(pk, f.rule, f.category.value, f.severity.value, f.start, f.end, f.text, f.message, f.suggestion,
              float(f.confidence), _dumps(f.data)) for f in report.findings],
        )

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
                                       ' ORDER BY article_pk, start, "end", rule', args):
                found.setdefault(r["article_pk"], []).append(_finding(r))
        for row in rows:
            stored = _article(row)
            stored.findings = found.get(row["pk"], [])
            yield stored

    def findings(self, article_pk: int) -> list[Finding]:
        rows = self.conn.execute('SELECT * FROM findings WHERE article_pk = ? ORDER BY start, "end", rule', (article_pk,))
        return [_finding(r) for r in rows]

    def outlet_totals(self) -> dict[str, tuple[int, int]]:
        """outlet → (current articles, words), without reading texts."""
        rows = self.conn.execute("SELECT outlet, count(*), coalesce(sum(words), 0) FROM articles WHERE current = 1 GROUP BY outlet")
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def history(self, outlet: str, article_id: str) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT pk, text_hash, scanned_at, superseded_at, current, score FROM articles WHERE outlet = ? AND id = ? ORDER BY pk",
            (outlet, article_id)).fetchall()

    def runs(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()


class StoreWriter:
    """Streams reports into a store in short transactions, one savepoint per article.

    Reports are buffered and written ``commit_every`` at a time (or after ``max_delay`` seconds),
    so the write lock is held only while writing, never while checks run: two scans can share a
    store, and readers never wait (WAL). Shaped like ``io.writers.Writer`` (``write``/``close``)
    so ``detector check --db`` uses it beside the printed output.
    """

    def __init__(self, store: Store, run_id: int | None, *, commit_every: int = 64, max_delay: float = 2.0,
                 on_error: Callable[[ArticleReport, str], None] | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.commit_every = max(1, commit_every)
        self.max_delay = max_delay
        self.on_error = on_error
        self.stored = 0
        self.errors: list[tuple[str, str]] = []
        self._buffer: list[ArticleReport] = []
        self._since = time.monotonic()

    def write(self, report: ArticleReport) -> None:
        self._buffer.append(report)
        if len(self._buffer) >= self.commit_every or time.monotonic() - self._since >= self.max_delay:
            self.flush()

    def flush(self) -> None:
        """Write the buffered reports in one transaction; a broken one is rolled back alone."""
        self._since = time.monotonic()
        if not self._buffer:
            return
        conn = self.store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for report in self._buffer:
                conn.execute("SAVEPOINT article")
                try:
                    self.store._put(report, self.run_id)
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
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._buffer.clear()

    def close(self) -> None:
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
