"""User errors are one line and exit 2; outputs never destroy inputs; nothing hostile reaches a
terminal or a browser as code."""

from __future__ import annotations

import json

import pytest
from outlets_helpers import CLEAN, finding, report

from detector.article import Article
from detector.findings import ArticleReport
from detector.store import Store

RECORD = json.dumps({"id": "a", "text": "Kyiv, Monday, March 1, 2022. The mayor spoke to reporters."}) + "\n"


# -- item 10: usage errors are usage errors ----------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["check", "x", "--frobnicate"], "No such option: --frobnicate"),
    (["check", "a.jsonl", "--jobs", "0"], "--jobs"),
    (["check", "a.jsonl", "--format"], "requires an argument"),
    (["outlets"], "Missing option '--db'"),
    (["check", "a.jsonl", "-o", "outdir", "--force"], "is a folder"),
    (["report", "--db", "x.db", "--out", "r.html", "--force"], "is a file"),
])
def test_usage_errors_are_one_line_exit_2_never_internal(cli, tmp_path, args, message):
    (tmp_path / "a.jsonl").write_text(RECORD)
    (tmp_path / "outdir").mkdir()
    (tmp_path / "r.html").write_text("mine")
    Store(tmp_path / "x.db").close()
    code, out, err = cli(*args)
    assert code == 2 and message in err, err
    assert "internal error" not in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "r.html").read_text() == "mine"


# -- item 12: the output never overwrites an input -------------------------------------------
def test_output_onto_the_input_is_refused_even_with_force(cli, tmp_path):
    (tmp_path / "a.jsonl").write_text(RECORD)
    code, _, err = cli("check", "a.jsonl", "-o", "a.jsonl", "--force", "--select", "Input")
    assert code == 2 and "is also an input" in err
    assert (tmp_path / "a.jsonl").read_text() == RECORD
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "b.jsonl").write_text(RECORD)
    code, _, err = cli("check", "corpus", "-o", "corpus/b.jsonl", "--force", "--select", "Input")
    assert code == 2 and (tmp_path / "corpus" / "b.jsonl").read_text() == RECORD


def test_output_onto_the_store_is_refused(cli, tmp_path):
    (tmp_path / "a.jsonl").write_text(RECORD)
    code, _, err = cli("check", "a.jsonl", "--db", "x.db", "-o", "x.db", "--force", "--select", "Input")
    assert code == 2 and "--db store" in err and not (tmp_path / "x.db").exists()


# -- item 15: terminal escapes are shown, not obeyed -----------------------------------------
def test_text_output_escapes_control_characters(cli, tmp_path):
    evil = "\x1b]0;pwned\x07 Kyiv, Monday, March 1, 2022. \x1b[2J The \u202emayor\x9b spoke."
    (tmp_path / "e.jsonl").write_text(json.dumps({"id": "id\x1b[31m", "text": evil, "published": "2022-03-01"}) + "\n")
    code, out, err = cli("check", "e.jsonl", "--select", "Date,Input", "--fail-on", "never")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert "\\x1b[31m" in out  # shown, escaped
    assert "\x1b" not in err


def test_excerpt_caret_stays_under_the_span_when_controls_are_escaped():
    from detector.io.writers import excerpt_lines

    text = "a\x1bb Kyiv c"
    shown, caret = excerpt_lines(text, 4, 8)
    assert shown == "a\\x1bb Kyiv c" and shown[caret.index("^"):caret.index("^") + caret.count("^")] == "Kyiv"


# -- item 5: only http(s) links in the report ------------------------------------------------
@pytest.mark.parametrize("url, linked", [
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,<script>x</script>", False),
    ("file:///etc/passwd", False), ("//evil.example/x", False), ("https://news.example/a?b=1&c=2", True),
    ("http://news.example/", True),
])
def test_report_links_only_http_urls(tmp_path, url, linked):
    from detector.config import DEFAULTS
    from detector.report import write_report

    r = report("a1", findings=[finding(CLEAN, "council")])
    r.article.url = url
    store = Store(tmp_path / "x.db")
    store.add_reports([r])
    write_report(store, tmp_path / "site", DEFAULTS["outlets"])
    [page] = (tmp_path / "site" / "articles").rglob("*.html")
    html = page.read_text()
    assert ('href="' + url.strip().replace("&", "&amp;") + '"' in html) is linked
    assert "href=\"javascript" not in html.lower() and "href=\" javascript" not in html.lower()


# -- item 11 end to end: a null score through store, outlets and report ----------------------
def test_an_unscored_article_goes_through_store_outlets_and_report(cli, tmp_path):
    lines = [json.dumps({"id": f"a{i}", "outlet": "o.example", "text": CLEAN}) for i in range(3)]
    lines.append(json.dumps({"id": "empty", "outlet": "o.example", "text": "  "}))
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    code, out, err = cli("check", "in.jsonl", "--db", "x.db", "--select", "Date,Input", "-f", "csv")
    assert code == 0, err
    store = Store(tmp_path / "x.db", readonly=True)
    assert {a.article.id: a.score for a in store.articles()}["empty"] is None
    code, out, err = cli("outlets", "--db", "x.db", "-f", "json")
    [row] = json.loads(out)
    assert code == 0 and row["articles"] == 4 and row["words"] == 3 * len(CLEAN.split())
    code, out, err = cli("outlets", "--db", "x.db", "o.example")
    assert code == 0
    code, out, err = cli("report", "--db", "x.db", "--out", "site")
    assert code == 0, err
    pages = {p.name: p.read_text() for p in (tmp_path / "site").rglob("*.html")}
    assert any("Input.Empty" in html for html in pages.values())


def test_writers_cope_with_a_null_score():
    import io

    from detector.io.writers import FORMATS, make_writer

    r = ArticleReport(Article("e", ""), [], score=None, mt_probability=None)
    for fmt in FORMATS:
        buf = io.StringIO()
        w = make_writer(fmt, buf)
        w.write(r)
        w.close()
        assert buf.getvalue()
    assert json.loads(json.dumps(r.to_dict()))["score"] is None


def test_excerpts_of_findings_on_one_huge_line_cost_their_neighbourhood():
    import time

    from detector.io.writers import excerpt_lines

    def seconds(n: int) -> float:
        text = "word " * n
        t0 = time.perf_counter()
        for start in range(0, len(text) - 4, len(text) // 500):
            excerpt_lines(text, start, start + 4)
        return time.perf_counter() - t0

    assert seconds(400_000) < 4 * seconds(100_000) + 0.05
    assert excerpt_lines("a\nhello world\nb", 8, 13) == ("hello world", "      ^^^^^")
