"""Hostile input: one bad record costs that record, never the run; every reader fuzzed.

Each test named after an issue-14 item reproduces the probe that broke; the properties below say the
same for random input: no crash, every well-formed record out exactly once, every bad one reported
with its file and line, and the exit code says so.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.article import Article
from detector.io.readers import ReaderOptions, ReadError, iter_articles, read_stdin

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read(*paths, **kw):
    return list(iter_articles([str(p) for p in paths], ReaderOptions(**kw)))


# -- item 1: an out-of-range date costs its record -------------------------------------------
@pytest.mark.parametrize("published", [1e30, -1e30, float("nan"), 10**400, True, {"y": 2022}, [2022]])
def test_an_impossible_published_value_is_one_read_error(tmp_path, published):
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"id": "a", "text": "ok"}) + "\n" + json.dumps({"id": "b", "text": "x", "published": published}) + "\n"
                 + json.dumps({"id": "c", "text": "ok"}) + "\n")
    items = read(p)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    [err] = [i for i in items if isinstance(i, ReadError)]
    assert err.line == 2 and "published" in err.message


def test_an_out_of_range_date_in_parquet_costs_its_row(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": ["ok", "x", "ok"], "published": [1.6e9, 1e30, None]}), p)
    items = read(p)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    assert [(e.line, "published" in e.message) for e in items if isinstance(e, ReadError)] == [(2, True)]
    # a timestamp column past what Python's datetime holds (year 10000+) costs its row alone
    stamps = pa.array([0, 400_000_000_000, 86_400], type=pa.timestamp("s"))
    q = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": ["ok", "x", "ok"], "published": stamps}), q)
    items = read(q)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    assert [e.line for e in items if isinstance(e, ReadError)] == [2]


def test_item1_cli_prints_and_stores_the_good_records(cli, tmp_path):
    (tmp_path / "p.jsonl").write_text('{"id":"a","text":"ok"}\n{"id":"b","text":"x","published":1e30}\n')
    code, out, err = cli("check", "p.jsonl", "--select", "Input", "-f", "jsonl", "--db", "x.db")
    assert code == 2 and "internal error" not in err and "p.jsonl:2" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a"]


# -- item 2: a bad byte costs its record, not the stream -------------------------------------
def test_a_bad_byte_in_jsonl_costs_one_line(tmp_path):
    p = tmp_path / "u.jsonl"
    p.write_bytes(b'{"id":"a","text":"ok"}\n{"id":"b","text":"\xff"}\n{"id":"c","text":"ok"}\n')
    items = read(p)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    [err] = [i for i in items if isinstance(i, ReadError)]
    assert err.line == 2 and "UTF-8" in err.message and "0xff" in err.message
    gz = tmp_path / "u.jsonl.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    assert [i.id for i in read(gz) if isinstance(i, Article)] == ["a", "c"]


def test_a_bad_byte_in_csv_costs_one_row(tmp_path):
    p = tmp_path / "u.csv"
    p.write_bytes(b'id,text\na,ok\nb,"bad \xff byte"\nc,ok\n')
    items = read(p)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    assert [(e.line, "UTF-8" in e.message) for e in items if isinstance(e, ReadError)] == [(3, True)]


def test_a_bad_byte_on_stdin_costs_one_line():
    stream = io.BytesIO(b'{"id":"a","text":"ok"}\n{"id":"b","text":"\xff"}\n{"id":"c","text":"ok"}\n')
    items = list(read_stdin(ReaderOptions(), stream))
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    assert [e.line for e in items if isinstance(e, ReadError)] == [2]


# -- item 3: equal file names in different folders stay apart --------------------------------
def test_plain_file_ids_are_paths_relative_to_the_input_folder(tmp_path):
    for sub, text in (("a", "first story"), ("b", "second story")):
        (tmp_path / "c" / sub).mkdir(parents=True)
        (tmp_path / "c" / sub / "s.txt").write_text(text)
        (tmp_path / "c" / sub / "index.html").write_text(f"<html><body><p>{text} page</p></body></html>")
    (tmp_path / "c" / "a" / "s.md").write_text("same stem, other suffix")
    items = read(tmp_path / "c", html_text="full")
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids)) == 5
    assert {"a/s", "b/s", "a/index", "b/index"} <= set(ids)
    assert {a.id: a.text for a in items}["b/s"] == "second story"


def test_item3_a_folder_scan_stores_both_articles(cli, tmp_path):
    for sub, text in (("a", "first story"), ("b", "second story")):
        (tmp_path / "c" / sub).mkdir(parents=True)
        (tmp_path / "c" / sub / "s.txt").write_text(text)
    code, out, err = cli("check", "c", "--select", "Input", "--db", "x.db")
    from detector.store import Store

    store = Store(tmp_path / "x.db", readonly=True)
    assert sorted(a.article.id for a in store.articles()) == ["a/s", "b/s"]
    assert all(len(store.history("unknown", i)) == 1 for i in ("a/s", "b/s"))


# -- item 8: deeply nested HTML is never a silent empty article ------------------------------
@pytest.mark.parametrize("depth", [300, 5000])
def test_deeply_nested_html_keeps_its_text(tmp_path, depth):
    body = "<p>The mayor of Konotop told Russian officers that the town would not surrender.</p>"
    page = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    (tmp_path / "deep.html").write_text(page)
    for mode in ("main", "full"):
        [a] = read(tmp_path / "deep.html", html_text=mode)
        assert "mayor of Konotop" in a.text and "nested" in a.meta["html_fallback"]


def test_shallow_html_does_not_use_the_fallback(tmp_path):
    (tmp_path / "p.html").write_text("<html><body><div><p>A short but real paragraph of news text here.</p></div></body></html>")
    [a] = read(tmp_path / "p.html", html_text="full")
    assert a.text == "A short but real paragraph of news text here." and "html_fallback" not in a.meta


# -- item 11: an empty article is not a perfect one ------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\t \u00a0\u2003\n"])
def test_an_empty_article_gets_input_empty_and_no_score(cli, tmp_path, text):
    (tmp_path / "e.jsonl").write_text(json.dumps({"id": "e", "text": text}) + "\n")
    code, out, err = cli("check", "e.jsonl", "-f", "jsonl")
    [rec] = [json.loads(line) for line in out.splitlines()]
    assert rec["score"] is None and rec["mt_probability"] is None and rec["words"] == 0
    assert [f["rule"] for f in rec["findings"]] == ["Input.Empty"]
    code, out, _ = cli("check", "e.jsonl")
    assert "not scored" in out


def test_an_empty_folder_exits_2(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = cli("check", "empty")
    assert code == 2 and "no articles found" in err


# -- property: random bytes into every reader ------------------------------------------------
SUFFIXES = [".jsonl", ".jsonl.gz", ".json", ".csv", ".tsv", ".txt", ".html", ".parquet"]


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_a_reader(tmp_path_factory, data, suffix):
    p = tmp_path_factory.mktemp("fuzz") / f"in{suffix}"
    p.write_bytes(data)
    for item in read(p):
        assert isinstance(item, (Article, ReadError))
        if isinstance(item, ReadError):
            assert item.source.startswith(str(p)) and item.message


# -- property: random JSON values in every field ---------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=6)
FIELDS = ("id", "text", "outlet", "url", "title", "published")
RECORD = st.one_of(st.fixed_dictionaries({}, optional={k: JSON for k in FIELDS}), JSON)


def well_formed(record: object) -> bool:
    """What the readers promise to accept: an object with a text, scalar metadata, a date or nothing."""
    from detector.io.readers import parse_date

    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    for key in ("id", "outlet", "url", "title"):
        v = record.get(key)
        if v not in (None, "") and (isinstance(v, bool) or not isinstance(v, (str, int, float))):
            return False
    try:
        parse_date(record.get("published"))
    except ValueError:
        return False
    return True


@FUZZ
@given(records=st.lists(RECORD, max_size=8))
def test_random_json_records_each_come_out_once_or_are_reported_with_their_line(tmp_path_factory, records):
    p = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = read(p)
    assert len(items) == len(records)
    for n, (record, item) in enumerate(zip(records, items, strict=True), 1):
        assert item.line == n
        if well_formed(record):
            assert isinstance(item, Article) and item.text == record["text"]
            assert item.id == (str(record["id"]) if record.get("id") not in (None, "") else f"in:{n}")
        else:
            assert isinstance(item, ReadError) and str(item).startswith(f"{p}:{n}: ")


CELL = st.text(alphabet=string.ascii_letters + string.digits + ' ,"\n\t', max_size=10)


@FUZZ
@given(header=st.lists(st.sampled_from(["id", "text", "outlet", "title", "x"]), min_size=1, max_size=4, unique=True),
       rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=6))
def test_random_csv_shapes_each_row_out_once_or_reported(tmp_path_factory, header, rows):
    p = tmp_path_factory.mktemp("fuzz") / "in.csv"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")
    items = read(p)
    if "text" not in header:
        assert len(items) == 1 and isinstance(items[0], ReadError) and items[0].line == 1
        return
    good = [r for r in rows if len(r) == len(header)]
    got = [i for i in items if isinstance(i, Article)]
    assert [a.text for a in got] == [r[header.index("text")] for r in good]
    bad = [i for i in items if isinstance(i, ReadError)]
    assert len(bad) == sum(1 for r in rows if len(r) != len(header) and r != [])  # csv skips blank rows
    assert all(str(e).startswith(f"{p}:") and e.line is not None for e in bad)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(RECORD, min_size=1, max_size=5), junk=st.binary(max_size=30))
def test_the_exit_code_says_whether_records_were_skipped(cli, tmp_path_factory, records, junk):
    folder = tmp_path_factory.mktemp("fuzzcli")
    lines = [json.dumps(r).encode() for r in records] + [junk.replace(b"\n", b" ")]
    (folder / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = cli("check", "in.jsonl", "--select", "Input", "-f", "jsonl", cwd=Path(folder))
    assert "internal error" not in err and "Traceback" not in err
    printed = [json.loads(line)["id"] for line in out.splitlines()]
    good = [r for r in records if well_formed(r)]
    assert len(printed) >= len(good)
    skipped = err.count("detector: skipped ")
    assert len(printed) + skipped == len(records) + (1 if junk.decode("utf-8", "replace").strip() else 0)
    assert code == (2 if skipped or not printed else 0)
