"""The results store: schema versions, atomic re-scans, history, broken records, concurrent readers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from outlets_helpers import CLEAN, finding, report, store_with

from detector.store import SCHEMA_VERSION, Store, StoreError


def test_new_store_is_wal_and_versioned(tmp_path):
    store = Store(tmp_path / "r.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()
    Store(tmp_path / "r.db").close()  # reopening does not migrate twice


def test_round_trip_keeps_text_findings_annotations_and_run(tmp_path):
    f = finding(CLEAN, "budget", "date", suggestion="Budget")
    ann = {"translit": {"entities": [{"canonical": "kyiv", "form": "Kyiv", "start": 0, "end": 4}]}}
    store = store_with(tmp_path / "r.db", [report("a1", findings=[f], annotations=ann)])
    (got,) = store.articles()
    assert got.article.text == CLEAN and got.article.published.isoformat() == "2022-03-01"
    assert got.annotations == ann
    assert [(x.rule, x.start, x.end, x.text, x.suggestion) for x in got.findings] == [
        ("Test.date", f.start, f.end, "budget", "Budget")]
    (run,) = store.runs()
    assert run["articles"] == 1 and run["errors"] == 0 and run["config_hash"] and run["finished_at"]


def test_rescan_same_text_replaces_findings(tmp_path):
    store = store_with(tmp_path / "r.db", [report("a1", findings=[finding(CLEAN, "council"), finding(CLEAN, "roads")])])
    store.add_reports([report("a1", findings=[finding(CLEAN, "plan")])])
    (got,) = store.articles()
    assert [f.text for f in got.findings] == ["plan"]
    assert len(store.history("daily", "a1")) == 1


def test_changed_text_keeps_earlier_version_as_history(tmp_path):
    store = store_with(tmp_path / "r.db", [report("a1", findings=[finding(CLEAN, "council")])])
    new_text = CLEAN.replace("Tuesday", "Wednesday")
    store.add_reports([report("a1", text=new_text)])
    (current,) = store.articles()
    assert current.article.text == new_text and current.findings == []
    old = [a for a in store.articles(history=True) if a.article.text == CLEAN]
    assert len(old) == 1 and [f.text for f in old[0].findings] == ["council"]
    rows = store.history("daily", "a1")
    assert [r["current"] for r in rows] == [0, 1] and rows[0]["superseded_at"]


def test_same_id_in_two_outlets_are_two_articles(tmp_path):
    store = store_with(tmp_path / "r.db", [report("a1", outlet="x"), report("a1", outlet="y")])
    assert store.outlet_totals().keys() == {"x", "y"}


def test_broken_record_is_skipped_and_the_rest_stored(tmp_path):
    store = Store(tmp_path / "r.db")
    bad_text = report("bad", text="lone surrogate \ud800 here")
    bad_ann = report("bad2", annotations={"x": float("nan")})
    stored, errors = store.add_reports([report("ok1"), bad_text, bad_ann, report("ok2")], store.start_run())
    assert stored == 2 and [e[0] for e in errors] == ["bad", "bad2"]
    assert sorted(a.article.id for a in store.articles()) == ["ok1", "ok2"]
    assert store.runs()[-1]["errors"] == 2


def test_failed_rescan_keeps_the_earlier_findings(tmp_path):
    store = store_with(tmp_path / "r.db", [report("a1", findings=[finding(CLEAN, "council")])])
    broken = report("a1", findings=[finding(CLEAN, "plan", data={"bad": float("inf")})])
    assert store.add_reports([broken])[1]
    (got,) = store.articles()
    assert [f.text for f in got.findings] == ["council"]


def test_refuses_newer_schema_and_foreign_files(tmp_path):
    newer = tmp_path / "newer.db"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="upgrade detector"):
        Store(newer)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.close()
    with pytest.raises(StoreError, match="not a detector results store"):
        Store(other)
    (tmp_path / "text.db").write_text("not sqlite at all, just some text " * 20)
    with pytest.raises(StoreError):
        Store(tmp_path / "text.db")


def test_readonly_open_of_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no results store"):
        Store(tmp_path / "missing.db", readonly=True)


def test_reader_in_another_process_reads_while_a_scan_holds_the_write_lock(tmp_path):
    path = tmp_path / "r.db"
    writer = store_with(path, [report("a1")])
    writer.conn.execute("BEGIN IMMEDIATE")  # a scan in the middle of a batch
    writer._put(report("a2"), None)
    reader = textwrap.dedent(f"""
        from detector.store import Store
        s = Store({str(path)!r}, readonly=True, timeout=1)
        print(sorted(a.article.id for a in s.articles()))
    """)
    out = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['a1']"  # the committed state, without waiting for the writer
    writer.conn.execute("COMMIT")
    assert sorted(a.article.id for a in Store(path, readonly=True).articles()) == ["a1", "a2"]


def test_two_scans_can_share_a_store(tmp_path):
    from detector.store import StoreWriter

    first, second = Store(tmp_path / "r.db"), Store(tmp_path / "r.db", timeout=1)
    slow = StoreWriter(first, first.start_run())
    slow.write(report("a1"))  # buffered while its checks would run: holds no lock
    fast = StoreWriter(second, second.start_run())
    fast.write(report("b1", outlet="other"))
    fast.close()
    slow.close()
    assert sorted(a.article.id for a in Store(tmp_path / "r.db", readonly=True).articles()) == ["a1", "b1"]


def test_an_older_store_is_migrated_in_place_and_keeps_its_data(tmp_path, monkeypatch):
    import detector.store as store_module

    store_with(tmp_path / "r.db", [report("a1")]).close()
    v2 = "ALTER TABLE articles ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, v2))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="open it once for writing"):
        Store(tmp_path / "r.db", readonly=True)
    upgraded = Store(tmp_path / "r.db")
    assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert [tuple(r) for r in upgraded.conn.execute("SELECT id, reviewed FROM articles")] == [("a1", 0)]
