"""``detector check --db``, ``detector outlets`` and ``detector report`` through the real entry point."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_helpers import run_cli
from outlets_helpers import BODIES, finding, report, store_with

from detector.store import Store


@pytest.fixture
def db(tmp_path):
    reports = []
    for o, n_bad in (("good", 0), ("bad", 3)):
        for i, body in enumerate(BODIES):
            fs = [finding(body, body.split()[1], "mt", rule="MT.Test")] if i < n_bad else []
            reports.append(report(f"{o}{i}", body, outlet=o, findings=fs, published=f"2022-0{1 + i % 3}-15", words=600))
    store_with(tmp_path / "r.db", reports).close()
    return tmp_path / "r.db"


def test_check_writes_reports_and_run_metadata_to_the_store(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.txt").write_text("The council met on Tuesday to discuss the budget.\n", encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--outlet", "daily", "--db", "r.db",
                             "--fail-on", "never")
    assert code == 0, err
    store = Store(tmp_path / "r.db", readonly=True)
    (a,) = store.articles()
    assert a.article.outlet == "daily" and a.article.text.startswith("The council") and a.words == 9
    (run,) = store.runs()
    assert run["detector_version"] and run["config_hash"] and "language" in json.loads(run["models_json"])
    # scanning again adds a run but not a second copy of the article
    assert run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--outlet", "daily", "--db", "r.db", "--fail-on", "never")[0] == 0
    assert len(list(Store(tmp_path / "r.db").articles(history=True))) == 1


def test_check_refuses_a_file_that_is_not_a_store(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.txt").write_text("Text.\n")
    (tmp_path / "notes.db").write_text("my notes " * 100)
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.txt", "--db", "notes.db")
    assert code == 2 and "cannot open notes.db" in err and "Traceback" not in err


def test_outlets_ranks_good_above_bad(db, tmp_path, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("good") and lines[2].startswith("bad") and "MT.Test (3)" in lines[2]
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "--format", "json")
    data = json.loads(out)
    assert [d["outlet"] for d in data] == ["good", "bad"] and data[1]["counts"]["mt"] == 3
    assert data[0]["interval"][0] <= data[0]["score"] <= data[0]["interval"][1]
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[1]["outlet"] == "bad" and float(rows[1]["mt_per_1000"]) > float(rows[0]["mt_per_1000"])


def test_outlet_defects_with_filters(db, tmp_path, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "bad")
    assert code == 0 and out.count("MT.Test") == 3 and "bad0:" in out and "3 defect(s)" in out
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "bad", "--since", "2022-02-01",
                           "--format", "json")
    assert sorted(r["article"] for r in json.loads(out)) == ["bad1", "bad2"]
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "bad", "--category", "date")
    assert "0 defect(s)" in out
    code, out, _ = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "bad", "--rule", "MT", "-f", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 3


@pytest.mark.parametrize("args,message", [
    (["outlets", "--db", "missing.db"], "no results store"),
    (["outlets", "--db", "{db}", "nowhere"], "no outlet 'nowhere'"),
    (["outlets", "--db", "{db}", "bad", "--since", "yesterday"], "--since must be a date"),
    (["outlets", "--db", "{db}", "bad", "--category", "spelling"], "unknown --category"),
    (["outlets", "--db", "{db}", "--rule", "MT"], "give an OUTLET"),
    (["outlets", "--db", "{db}", "--format", "xml"], "--format must be"),
])
def test_outlets_usage_errors_are_one_line(db, tmp_path, monkeypatch, capsys, args, message):
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, *[a.format(db=db) for a in args])
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_report_refuses_to_overwrite_without_force(db, tmp_path, monkeypatch, capsys):
    assert run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "rep")[0] == 0
    assert (tmp_path / "rep" / "index.html").is_file()
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "rep")
    assert code == 2 and "--force" in err
    (tmp_path / "rep" / "notes.txt").write_text("mine")  # the user's file in the report folder
    stale = tmp_path / "rep" / "outlets" / "gone-outlet-00000000.html"  # a page the earlier report listed
    stale.write_text("old")
    manifest = tmp_path / "rep" / ".detector-report.json"
    listed = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**listed, "files": [*listed["files"], "outlets/gone-outlet-00000000.html"]}))
    assert run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "rep", "--force")[0] == 0
    assert not stale.exists() and (tmp_path / "rep" / "index.html").is_file()
    assert (tmp_path / "rep" / "notes.txt").read_text() == "mine"


def test_report_force_deletes_only_its_own_files_even_beside_an_index_html(db, tmp_path, monkeypatch, capsys):
    """A folder that merely holds an index.html (a website, not our report) is refused, not emptied."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>my site</h1>")
    (site / "cv.pdf").write_bytes(b"%PDF")
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "site", "--force")
    assert code == 2 and "refusing" in err and len(err.strip().splitlines()) == 1
    assert (site / "index.html").read_text() == "<h1>my site</h1>" and (site / "cv.pdf").exists()


def test_report_out_that_is_a_file_is_a_usage_error(db, tmp_path, monkeypatch, capsys):
    (tmp_path / "r.html").write_text("x")
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "r.html", "--force")
    assert code == 2 and "is a file" in err and "internal" not in err and (tmp_path / "r.html").read_text() == "x"


def test_report_force_never_replaces_a_folder_that_is_not_a_report(db, tmp_path, monkeypatch, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    code, _, err = run_cli(monkeypatch, capsys, tmp_path, "report", "--db", str(db), "--out", "docs", "--force")
    assert code == 2 and "refusing" in err and (tmp_path / "docs" / "thesis.tex").read_text() == "precious"


def test_check_stores_the_rest_when_one_record_cannot_be_stored(tmp_path, monkeypatch, capsys):
    lines = ['{"id": "ok1", "outlet": "x", "text": "The council met on Tuesday."}',
             '{"id": "bad", "outlet": "x", "text": "A lone surrogate \\ud800 in the text."}',
             '{"id": "ok2", "outlet": "x", "text": "Members agreed to publish the plan."}']
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "in.jsonl", "--db", "r.db", "--fail-on", "never")
    assert code == 2 and "could not store" in err and "[bad]" in err and "Traceback" not in err
    store = Store(tmp_path / "r.db", readonly=True)
    assert sorted(a.article.id for a in store.articles()) == ["ok1", "ok2"]
    assert store.runs()[-1]["errors"] == 1


def test_outlet_settings_come_from_the_config_file(db, tmp_path, monkeypatch, capsys):
    def scores(*extra):
        code, out, err = run_cli(monkeypatch, capsys, tmp_path, "outlets", "--db", str(db), "-f", "json", *extra)
        assert code == 0, err
        return {d["outlet"]: d["score"] for d in json.loads(out)}

    (tmp_path / "strict.toml").write_text("[outlets]\nd0 = 1.0\n", encoding="utf-8")
    assert scores("--config", "strict.toml")["bad"] < scores()["bad"]
