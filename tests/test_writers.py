"""Writers: the jsonl contract, JSON, CSV, SARIF 2.1.0 and the linter-style text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from detector.article import Article
from detector.checks import all_rules
from detector.findings import ArticleReport, Category, Finding, Severity
from detector.io.writers import excerpt_lines, make_writer

TEXT = "Headline\n\nIn the center of town.. It prevented the convoy."
CONTRACT_KEYS = ["id", "outlet", "published", "language", "words", "score", "mt_probability", "source_language", "source_language_probability", "findings"]
FINDING_KEYS = ["rule", "category", "severity", "start", "end", "text", "message", "suggestion", "confidence", "data"]


def report(text: str = TEXT, source: str | None = "a.txt", line: int | None = None) -> ArticleReport:
    start = text.index("..")
    f = Finding("MT.RepeatedPunctuation", Category.MT, Severity.WARNING, start, start + 2, "..",
                "Two full stops in a row.", suggestion=".", confidence=0.9, data={"k": 1})
    a = Article(id="a1", text=text, outlet="o.com", published=dt.date(2022, 3, 1), source=source, line=line)
    return ArticleReport(article=a, findings=[f], score=71.04, mt_probability=None, language="en", words=9)


def write(fmt: str, reports, **kw) -> str:
    out = io.StringIO()
    w = make_writer(fmt, out, **kw)
    for r in reports:
        w.write(r)
    w.close()
    return out.getvalue()


def test_jsonl_follows_the_contract_exactly():
    [line] = write("jsonl", [report()]).splitlines()
    obj = json.loads(line)
    assert list(obj) == CONTRACT_KEYS
    assert list(obj["findings"][0]) == FINDING_KEYS
    assert obj["published"] == "2022-03-01" and obj["mt_probability"] is None and obj["score"] == 71.0
    f = obj["findings"][0]
    assert TEXT[f["start"]:f["end"]] == f["text"] == ".."
    assert (f["category"], f["severity"]) == ("mt", "warning")


def test_json_is_one_valid_array_even_when_empty():
    assert json.loads(write("json", [])) == []
    data = json.loads(write("json", [report(), report()]))
    assert len(data) == 2 and list(data[0]) == CONTRACT_KEYS


def test_csv_has_one_row_per_finding_with_line_and_column():
    rows = list(csv.DictReader(io.StringIO(write("csv", [report()]))))
    assert len(rows) == 1
    r = rows[0]
    assert (r["id"], r["rule"], r["line"], r["column"], r["text"]) == ("a1", "MT.RepeatedPunctuation", "3", "22", "..")


def test_text_is_linter_style_with_caret_under_the_span():
    out = write("text", [report()])
    lines = out.splitlines()
    assert lines[0] == "a.txt:3:22: MT.RepeatedPunctuation warning Two full stops in a row."
    assert lines[1] == "    In the center of town.. It prevented the convoy."
    assert lines[2] == "    " + " " * 21 + "^^"
    assert lines[3] == "    suggestion: ."
    assert "score 71/100" in lines[4]
    assert lines[-1] == "1 finding(s) in 1 article(s) (0 error, 1 warning, 0 info). By category: mt 1."


def test_text_names_records_by_id():
    out = write("text", [report(source="in.jsonl", line=7)])
    assert out.startswith("a1:3:22: ")
    assert "in.jsonl:7[a1]: score" in out


def test_excerpt_is_clipped_around_a_span_in_a_long_line():
    text = "x" * 300 + " TARGET " + "y" * 300
    start = text.index("TARGET")
    shown, caret = excerpt_lines(text, start, start + 6, width=60)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) <= 64
    assert shown[caret.index("^"):caret.index("^") + 6] == "TARGET"


def test_sarif_is_valid_2_1_0_with_rules_and_regions():
    rules = list(all_rules().values())
    doc = json.loads(write("sarif", [report()], rules=rules))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "detector"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "Internal.CheckFailed" in ids and "Language.ForeignSegment" in ids
    [res] = run["results"]
    assert res["level"] == "warning" and res["ruleId"] == "MT.RepeatedPunctuation"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (3, 22, 24)
    assert region["snippet"]["text"] == ".." and res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.txt"
    assert "Suggestion: ." in res["message"]["text"]
