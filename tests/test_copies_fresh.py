"""Readers (``outlets``, ``report``, ``serve``) see copies of every stored article: the copy index is
brought up to date incrementally when the store has articles it has not seen, under a lock."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest
from copies_helpers import corpus, scan_into

from detector.copies.index import CopyIndex, default_folder, store_state
from detector.store import Store


def _rows(out: str) -> dict:
    return {row["outlet"]: row for row in json.loads(out)}


def test_outlets_see_new_links_after_a_second_scan_without_detector_copies(tmp_path, cli):
    db = tmp_path / "results.db"
    arts = {a.id: a for a in corpus()}
    scan_into(db, [arts["k-orig"], arts["h-orig"], arts["e-orig"]])
    code, out, err = cli("outlets", "--db", str(db), "--format", "json")
    assert code == 0, err
    first = _rows(out)
    assert first["wire.example"]["copies"]["syndicated"] == 0 and "farm.example" not in first
    scan_into(db, [arts["k-copy"], arts["k-rewrite"]])  # a later scan: the index has not seen these
    code, out, err = cli("outlets", "--db", str(db), "--format", "json")
    assert code == 0, err
    rows = _rows(out)
    assert rows["farm.example"]["copies"]["rewrite_share"] == 1.0
    assert rows["mirror.example"]["copies"]["syndication_share"] == 1.0
    with sqlite3.connect(default_folder(db) / "index.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM indexed").fetchone()[0] == 5
        assert conn.execute("SELECT count(DISTINCT pk) FROM bands").fetchone()[0] == 5
    # The report, read afterwards, shows the rewrite's story from the same (now current) index.
    assert cli("report", "--db", str(db), "--out", str(tmp_path / "site"))[0] == 0
    from detector.report import slug

    page = (tmp_path / "site" / "articles" / slug("farm.example") / f"{slug('k-rewrite')}.html").read_text(encoding="utf-8")
    assert "a <strong>rewrite</strong> copy" in page


def test_an_up_to_date_index_is_opened_read_only_and_not_written(tmp_path):
    db = tmp_path / "results.db"
    scan_into(db, corpus())
    with Store(db, readonly=True) as store:
        index, notice = CopyIndex.fresh(store)
        assert notice is None and index.seen() == store_state(store)
        index.close()
        path = default_folder(db) / "index.sqlite"
        before = path.stat().st_mtime_ns
        again, _ = CopyIndex.fresh(store)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            again.conn.execute("DELETE FROM links")
        again.close()
        assert path.stat().st_mtime_ns == before


def test_readers_never_rebuild_an_index_of_other_settings(tmp_path):
    db = tmp_path / "results.db"
    arts = corpus()
    scan_into(db, arts[:3])
    with Store(db, readonly=True) as store:
        with CopyIndex(store, settings={"sentence_similarity": 0.7}) as index:
            index.update()
            links = index.conn.execute("SELECT count(*) FROM links").fetchone()[0]
    assert links >= 1
    scan_into(db, arts[3:])
    with Store(db, readonly=True) as store:
        index, notice = CopyIndex.fresh(store, settings={})
        assert "other copies settings" in notice and "detector copies" in notice
        assert index.conn.execute("SELECT count(*) FROM indexed").fetchone()[0] == 3  # as it was: not rebuilt
        assert index.conn.execute("SELECT count(*) FROM links").fetchone()[0] == links
        index.close()


def test_articles_without_a_scan_signature_are_left_to_detector_copies(tmp_path):
    db = tmp_path / "results.db"
    scan_into(db, corpus())
    with Store(db) as store:
        store.conn.execute("DELETE FROM copy_signatures WHERE article_pk = (SELECT pk FROM articles WHERE id = 'k-rewrite')")
        store.conn.commit()
    with Store(db, readonly=True) as store:
        index, notice = CopyIndex.fresh(store)
        assert notice is not None and notice.startswith("1 stored article(s) have no copy signature")
        assert index.unindexed() == 1
        index.close()


def _fresh_in_process(db: str, ready) -> None:
    ready.wait()
    with Store(db, readonly=True) as store:
        index, _ = CopyIndex.fresh(store)
        index.close()


def test_concurrent_readers_index_each_article_once(tmp_path):
    db = tmp_path / "results.db"
    arts = corpus()
    scan_into(db, arts[:2])
    with Store(db, readonly=True) as store:
        CopyIndex.fresh(store)[0].close()
    scan_into(db, arts[2:])
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    procs = [ctx.Process(target=_fresh_in_process, args=(str(db), ready)) for _ in range(3)]
    for p in procs:
        p.start()
    ready.set()  # all three find the index stale at once
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with sqlite3.connect(default_folder(db) / "index.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM indexed").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM bands").fetchone()[0] == 5 * 32  # nobody indexed an article twice
        kinds = dict(conn.execute("SELECT kind, count(*) FROM links GROUP BY kind").fetchall())
    assert kinds == {"verbatim": 1, "rewrite": 2}
