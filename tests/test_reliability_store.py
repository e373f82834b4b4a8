"""The results store under stress: nothing lost, nothing overwritten, foreign files untouched.

The kill -9 and concurrent-writer probes run ``detector check`` as real processes (the ``cli``
fixture runs in-process and cannot be killed or run twice at once).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outlets_helpers import CLEAN, finding, report

from detector.article import Article
from detector.findings import ArticleReport, Category, Finding, Severity
from detector.store import FLUSH_SECONDS, Scope, Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def detector_process(*args: str, cwd: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "detector", *args], cwd=cwd, env=env, **kw)


# -- item 4: a narrower re-scan is kept beside the full result, never over it -----------------
def test_a_narrower_rescan_is_a_new_version_and_the_fullest_stays_current(tmp_path):
    store = Store(tmp_path / "x.db")
    full = [finding(CLEAN, "council", "mt"), finding(CLEAN, "Tuesday", "date")]
    store.add_reports([report("a1", findings=full)], scope=Scope("all", None))
    stored, _ = store.add_reports([report("a1", findings=full[1:])], scope=Scope("dates", 5))
    assert stored == 1
    (current,) = store.articles()
    assert sorted(f.text for f in current.findings) == ["Tuesday", "council"]  # nothing dropped
    rows = store.history("daily", "a1")
    assert [(r["scope"], r["current"], r["superseded_at"]) for r in rows] == [("all", 1, None), ("dates", 0, None)]
    versions = list(store.articles(history=True))
    assert sorted(len(v.findings) for v in versions) == [1, 2]  # the narrow result is kept too
    # a later full scan with other settings becomes current; the earlier full one stays as a version
    store.add_reports([report("a1", findings=full[:1])], scope=Scope("all-v2", None))
    (current,) = store.articles()
    assert [f.text for f in current.findings] == ["council"]
    assert len(store.history("daily", "a1")) == 3
    # a changed text makes every earlier result history
    store.add_reports([report("a1", text=CLEAN + "More.\n")], scope=Scope("dates", 5))
    assert [r["superseded_at"] is None for r in store.history("daily", "a1")] == [False, False, False, True]
    (current,) = store.articles()
    assert current.article.text.endswith("More.\n")


def test_item4_cli_select_rescan_keeps_every_finding(cli, tmp_path, seeds):
    code, out, _ = cli("check", str(seeds / "articles.jsonl"), "--db", "x.db", "-f", "jsonl", "--ignore", "MT.ModelSpan")
    before = {json.loads(line)["id"]: len(json.loads(line)["findings"]) for line in out.splitlines()}
    code, out, err = cli("check", str(seeds / "articles.jsonl"), "--db", "x.db", "-f", "jsonl", "--select", "Date")
    assert "extra versions" in err and "fuller" in err
    store = Store(tmp_path / "x.db", readonly=True)
    assert {a.article.id: len(a.findings) for a in store.articles()} == before
    assert sum(1 for _ in store.articles(history=True)) == 2 * len(before)


# -- item 9: a store on read-only media is readable -----------------------------------------
def test_item9_outlets_and_report_read_a_store_on_read_only_media(tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a read-only folder")
    media = tmp_path / "media"
    media.mkdir()
    store = Store(media / "r.db")
    store.add_reports([report("a1", findings=[finding(CLEAN, "council")]), report("a2", text=CLEAN + "x\n")])
    store.close()
    assert sorted(os.listdir(media)) == ["r.db"]  # no -wal/-shm left: a cleanly closed WAL store
    ro = tmp_path / "ro"
    ro.mkdir()
    detector = f"PYTHONPATH={ROOT} HF_HUB_OFFLINE=1 {sys.executable} -m detector"
    script = (f"mount --bind {media} {ro} && mount -o remount,bind,ro {ro} || exit 77; "
              f"touch {ro}/probe 2>/dev/null && exit 78; "
              f"{detector} outlets --db {ro}/r.db -f json && {detector} report --db {ro}/r.db --out {tmp_path}/site")
    out = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    if out.returncode in (77, 78) or "unshare failed" in out.stderr or "Operation not permitted" in out.stderr:
        pytest.skip(f"cannot mount a read-only folder here ({out.returncode}: {out.stderr.strip()[:120]})")
    assert out.returncode == 0, out.stderr
    [row] = json.loads(out.stdout[: out.stdout.rindex("]") + 1])
    assert row["outlet"] == "daily" and row["articles"] == 2
    assert (tmp_path / "site" / "index.html").is_file()


# -- item 13: a foreign SQLite file is refused untouched ------------------------------------
def test_item13_a_foreign_sqlite_file_is_not_modified(tmp_path, cli):
    other = tmp_path / "other_app.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes(body TEXT)")
    con.execute("INSERT INTO notes VALUES ('precious')")
    con.commit()
    con.close()
    before = other.read_bytes()
    assert before[18:20] == b"\x01\x01"  # rollback journal, not WAL
    with pytest.raises(StoreError, match="not a detector results store"):
        Store(other)
    code, _, err = cli("check", "-", "--db", str(other), "--select", "Input", stdin="hello")
    assert code == 2 and "not a detector results store" in err
    assert other.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["other_app.db"]  # no -wal or -shm created beside it


# -- item 14: reports printed before a kill are in the store --------------------------------
def test_item14_a_report_printed_before_kill_9_is_in_the_store(tmp_path):
    proc = detector_process("check", "-", "--db", "x.db", "--select", "Input", "-f", "jsonl", "--batch-size", "1",
                            cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for i in range(3):
            proc.stdin.write(json.dumps({"id": f"r{i}", "text": f"record {i}"}).encode() + b"\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["id"] == f"r{i}"  # printed
        time.sleep(FLUSH_SECONDS + 2.0)  # idle: no next write comes to trigger a commit
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    store = Store(tmp_path / "x.db", readonly=True)
    assert sorted(a.article.id for a in store.articles()) == ["r0", "r1", "r2"]


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc; none elsewhere)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_kill_9_in_the_middle_of_a_scan_leaves_a_readable_store_with_whole_articles(tmp_path):
    lines = "".join(json.dumps({"id": f"a{i}", "text": f"Article {i}. " * 50}) + "\n" for i in range(3000))
    (tmp_path / "big.jsonl").write_text(lines)
    proc = detector_process("check", "big.jsonl", "--db", "x.db", "--select", "Input", "-f", "jsonl",
                            "--batch-size", "8", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    printed = 0
    while printed < 300:
        assert proc.stdout.readline(), "the scan ended before it could be killed"
        printed += 1
    workers = _children(proc.pid)  # --jobs auto: a worker per core for 3,000 articles (none on one core)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the killed scan"
    store = Store(tmp_path / "x.db")  # opens (and recovers the WAL) like any later scan would
    got = list(store.articles())
    assert got and all(a.article.text == f"Article {a.article.id[1:]}. " * 50 for a in got)
    ids = [int(a.article.id[1:]) for a in got]
    assert sorted(ids) == list(range(len(ids)))  # a prefix of the input, no holes


# -- two scans writing one store at once ----------------------------------------------------
def test_two_concurrent_scans_into_one_store_lose_nothing(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.jsonl").write_text("".join(
            json.dumps({"id": f"{name}{i}", "outlet": name, "text": f"Text {i} of {name}."}) + "\n" for i in range(400)))
    procs = [detector_process("check", f"{name}.jsonl", "--db", "x.db", "--select", "Input", "-f", "jsonl",
                              "--batch-size", "4", cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for name in ("one", "two")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    store = Store(tmp_path / "x.db", readonly=True)
    assert store.outlet_totals() == {"one": (400, 4 * 400), "two": (400, 4 * 400)}
    assert [(r["articles"], r["errors"], bool(r["finished_at"])) for r in store.runs()] == [(400, 0, True)] * 2


def test_a_store_created_by_another_scan_between_two_reads_is_not_foreign(tmp_path, monkeypatch):
    """The race behind a rare "not a detector results store" when two scans create one store: the
    other scan commits its schema just after this one read the version (0) of the empty file."""
    path = tmp_path / "x.db"
    connect = Store._connect
    fired = []

    class Interleaved:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, *args):
            got = self._conn.execute(sql, *args)
            if sql == "PRAGMA user_version" and not fired:
                fired.append(got.fetchone()[0])
                Store(path).close()  # the other scan: creates and migrates the store now
                return _Row(fired[0])  # this scan still holds the version it read before
            return got

        def __getattr__(self, name: str):
            return getattr(self._conn, name)

    class _Row:
        def __init__(self, value: int) -> None:
            self.value = value

        def fetchone(self):
            return (self.value,)

    monkeypatch.setattr(Store, "_connect", lambda self, mode, timeout: Interleaved(connect(self, mode, timeout)))
    sqlite3.connect(path).close()  # an empty file, as the first scan finds it
    store = Store(path)
    assert fired == [0]
    assert store.outlet_totals() == {}
    store.close()


# -- round trip: what is written is what is read back ---------------------------------------
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=0, max_size=60)
FLOAT = st.floats(allow_nan=False, allow_infinity=False, width=64)
JSONABLE = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | FLOAT | TEXT,
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)


@st.composite
def reports(draw) -> ArticleReport:
    text = draw(TEXT)
    findings = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        findings.append(Finding(
            rule=draw(st.sampled_from(["MT.Calque", "Date.Future", "Input.Empty"])), category=draw(st.sampled_from(list(Category))),
            severity=draw(st.sampled_from(list(Severity))), start=start, end=end, text=text[start:end], message=draw(TEXT),
            suggestion=draw(st.none() | TEXT), confidence=draw(FLOAT), data=draw(st.dictionaries(TEXT, JSONABLE, max_size=3))))
    article = Article(id=draw(TEXT), text=text, outlet=draw(TEXT), url=draw(st.none() | TEXT), title=draw(st.none() | TEXT),
                      published=draw(st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
                      source=draw(st.none() | TEXT), meta=draw(st.dictionaries(TEXT, JSONABLE, max_size=3)))
    return ArticleReport(article=article, findings=findings, score=draw(st.none() | FLOAT),
                         mt_probability=draw(st.none() | FLOAT), language=draw(st.none() | TEXT),
                         words=draw(st.integers(0, 2**31)), metrics=draw(st.dictionaries(TEXT, FLOAT, max_size=3)),
                         annotations=draw(st.dictionaries(TEXT, JSONABLE, max_size=3)))


def _key(f: Finding) -> tuple:
    # numbers compared as numbers: SQLite keeps -0.0 as 0.0, which is equal but dumps differently
    return (f.start, f.end, f.rule, f.severity.value, f.category.value, f.confidence, f.message, f.suggestion or "",
            json.dumps(f.data, sort_keys=True))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(r=reports())
def test_store_round_trip_reads_back_what_was_written(tmp_path_factory, r):
    store = Store(tmp_path_factory.mktemp("rt") / "r.db")
    stored, errors = store.add_reports([r])
    assert (stored, errors) == (1, [])
    (got,) = store.articles()
    a, b = r.article, got.article
    assert (b.id, b.text, b.outlet, b.url, b.title, b.published, b.source, b.meta) == (
        a.id, a.text, a.outlet, a.url, a.title, a.published, a.source, a.meta)
    assert (got.score, got.mt_probability, got.language, got.words, got.metrics, got.annotations) == (
        r.score, r.mt_probability, r.language, r.words, r.metrics, r.annotations)
    assert [f.to_dict() for f in sorted(got.findings, key=_key)] == [f.to_dict() for f in sorted(r.findings, key=_key)]
    assert all(got.article.text[f.start:f.end] == f.text for f in got.findings)
    store.close()
