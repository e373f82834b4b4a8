"""Readers: every input kind, renamed keys, broken records reported with file and line."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest

from detector.article import Article
from detector.io.readers import (
    InputError,
    ReaderOptions,
    ReadError,
    iter_articles,
    iter_jsonl,
    parse_date,
    read_stdin,
)

PAGE = """<html><head><title>Mayor defies troops</title>
<meta property="og:url" content="https://news.example.org/konotop">
<meta property="article:published_time" content="2022-03-01T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Mayor defies troops</h1>
<p>The mayor of Konotop told Russian officers that the town would not surrender, according to a video
posted by the regional administration on Tuesday afternoon.</p>
<p>Residents gathered in the main square and chanted at the soldiers, who left the city hall after
a short meeting with local officials and volunteers.</p>
<p>Regional authorities said an agreement had been reached to avoid provocations on both sides.</p></article>
<aside><h3>Check Also</h3><p>Why $200m won't convince teams about Formula 1 plans</p></aside>
<footer>Share this: Twitter Facebook</footer><script>var x = 1;</script></body></html>"""


def read(paths, **kw):
    return list(iter_articles([str(p) for p in paths], ReaderOptions(**kw)))


def test_txt_file_id_is_the_stem_and_outlet_from_option(tmp_path):
    p = tmp_path / "abc123.txt"
    p.write_text("Some text.", encoding="utf-8")
    [a] = read([p], outlet="example.com")
    assert (a.id, a.text, a.outlet, a.source, a.line) == ("abc123", "Some text.", "example.com", str(p), None)
    [b] = read([p])
    assert b.outlet == "unknown"


def test_folder_is_read_recursively_in_order_and_glob_filters(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / "notes.bin").write_bytes(b"\x00")
    assert [a.id for a in read([tmp_path])] == ["b", "sub/a"]
    assert [a.id for a in read([tmp_path], glob="sub/*.txt")] == ["sub/a"]


def test_seeds_folder_and_jsonl_agree(seeds):
    from_txt = {a.id: a.text for a in read([seeds], glob="*.txt")}
    from_jsonl = read([seeds / "articles.jsonl"])
    assert {a.id: a.text for a in from_jsonl} == from_txt
    assert [a.outlet for a in from_jsonl] == ["unknown-1", "unknown-2", "unknown-3"]
    assert [a.published for a in from_jsonl] == [dt.date(2022, 3, 1), dt.date(2022, 3, 1), dt.date(2022, 3, 2)]


def test_jsonl_broken_records_are_reported_with_line_and_the_rest_is_read(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(
        "\n".join([
            json.dumps({"id": "1", "text": "first", "outlet": "a.com", "published": "2022-03-01"}),
            "{not json",
            json.dumps({"id": "3", "body": "no text key"}),
            json.dumps({"id": "4", "text": 42}),
            json.dumps({"id": "5", "text": "bad date", "published": "someday"}),
            "",
            json.dumps(["a", "list"]),
            json.dumps({"text": "no id"}),
        ]) + "\n"
    )
    items = read([p])
    assert isinstance(items[0], Article) and items[0].outlet == "a.com" and items[0].line == 1
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [
        (2, "invalid"), (3, "record"), (4, "field"), (5, "field"), (7, "expected")]
    assert str(errors[0]).startswith(f"{p}:2: invalid JSON")
    assert items[-1].id == "in:8"  # records without an id get file:line


def test_jsonl_gz_and_renamed_keys(tmp_path):
    p = tmp_path / "in.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"doc": "x1", "body": "hello", "site": "s.com"}) + "\n")
    [a] = read([p], text_key="body", id_key="doc", outlet_key="site")
    assert (a.id, a.text, a.outlet) == ("x1", "hello", "s.com")


def test_jsonl_is_streamed(tmp_path):
    """The first record arrives before the rest of the input is read."""

    def lines():
        yield json.dumps({"id": "1", "text": "one"}) + "\n"
        raise AssertionError("read past the first record")

    first = next(iter_jsonl(lines(), "gen.jsonl", ReaderOptions()))
    assert first.id == "1"


def test_csv_and_tsv_with_a_broken_row(tmp_path):
    p = tmp_path / "in.csv"
    p.write_text('id,outlet,text\n1,a.com,"multi\nline text"\n2,b.com\n3,c.com,ok\n', encoding="utf-8")
    items = read([p])
    assert items[0].text == "multi\nline text" and items[0].line == 2
    assert isinstance(items[1], ReadError) and items[1].line == 4 and "fewer cells" in items[1].message
    assert items[2].id == "3" and items[2].line == 5
    t = tmp_path / "in.tsv"
    t.write_text("id\ttext\nq\tfrom tsv\n")
    assert read([t])[0].text == "from tsv"
    bad = tmp_path / "nocol.csv"
    bad.write_text("id,body\n1,x\n")
    [err] = read([bad])
    assert isinstance(err, ReadError) and "--text-key" in err.message


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["one", None], "published": ["2022-03-01", None]}), p)
    a, b = read([p])
    assert a.id == "a" and a.published == dt.date(2022, 3, 1)
    assert isinstance(b, ReadError) and b.line == 2
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    [err] = read([junk])
    assert isinstance(err, ReadError) and "Parquet" in err.message


def test_json_array(tmp_path):
    p = tmp_path / "in.json"
    p.write_text(json.dumps([{"id": "a", "text": "x"}, {"id": "b"}]))
    a, err = read([p])
    assert a.id == "a" and isinstance(err, ReadError)


def test_html_main_text_drops_furniture_and_full_keeps_it(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    [main] = read([p])
    assert "mayor of Konotop" in main.text and "Share this" not in main.text and "Check Also" not in main.text
    assert main.published == dt.date(2022, 3, 1)
    assert main.title == "Mayor defies troops"
    assert "Check Also" in main.meta["html_other_text"]
    [full] = read([p], html_text="full")
    assert "Check Also" in full.text and "Share this: Twitter Facebook" in full.text
    assert "var x" not in full.text
    assert full.text.splitlines()[:2] == ["Home World", "Mayor defies troops"]


def test_stdin_plain_text_and_jsonl():
    [a] = read_stdin(ReaderOptions(outlet="o"), io.StringIO("Plain text\nsecond line"))
    assert (a.id, a.text, a.outlet) == ("stdin", "Plain text\nsecond line", "o")
    items = list(read_stdin(ReaderOptions(), io.StringIO('{"id": "x", "text": "t"}\nnope\n')))
    assert items[0].id == "x" and isinstance(items[1], ReadError) and items[1].line == 2


def test_missing_and_unsupported_paths_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read([tmp_path / "missing.txt"])
    (tmp_path / "x.docx").write_bytes(b"")
    with pytest.raises(InputError, match="unsupported file type"):
        read([tmp_path / "x.docx"])


def test_not_utf8_text_file_is_a_read_error(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("café".encode("latin-1"))
    [err] = read([p])
    assert isinstance(err, ReadError) and "UTF-8" in err.message


@pytest.mark.parametrize("value,expected", [
    ("2022-03-01", dt.date(2022, 3, 1)),
    ("2022-03-01T23:30:00Z", dt.date(2022, 3, 1)),
    ("March 1st, 2022", dt.date(2022, 3, 1)),
    ("1 March 2022", dt.date(2022, 3, 1)),
    ("Tue, 01 Mar 2022 10:00:00 +0000", dt.date(2022, 3, 1)),
    (1646092800, dt.date(2022, 3, 1)),
    ("", None),
    (None, None),
])
def test_parse_date_accepts_common_forms(value, expected):
    assert parse_date(value) == expected


def test_parse_date_rejects_non_dates():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("next week")


def test_html_bytes_without_charset_are_read_as_utf8_and_xml_declaration_is_fine(tmp_path):
    from detector.io.html import visible_text

    page = "<html><body><p>Kup’yansk — Zelenskyy’s “visit”</p></body></html>"
    assert visible_text(page.encode("utf-8")) == "Kup’yansk — Zelenskyy’s “visit”"
    declared = '<?xml version="1.0" encoding="utf-8"?>' + page
    assert visible_text(declared) == "Kup’yansk — Zelenskyy’s “visit”"
    latin = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    assert visible_text(latin.encode("iso-8859-1")) == "café"
    p = tmp_path / "u.html"
    p.write_bytes(b"<html><body><article><p>" + ("Caf\u00e9 \u2014 " * 40).encode() + b"</p></article></body></html>")
    [full] = read([p], html_text="full")
    assert "Café —" in full.text and "Ã" not in full.text
