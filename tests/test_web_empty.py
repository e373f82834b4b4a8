"""Empty articles through a real server: the API answers the contract with a null score (as
``detector check -f jsonl`` does), the check page says "no text", LanguageTool clients get no
matches, and stored empty articles render on the outlet and article pages."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from cli_helpers import run_cli
from web_helpers import LIGHT_CONFIG, start

OUTLET = "Empty Gazette"
ONLY_EMPTY = "Blank Herald"
TEXT = "The mayor of Kiev met reporters on Tuesday, March 1, 2022.\n"


@pytest.fixture(scope="module")
def web():
    return start(config=LIGHT_CONFIG).ready()  # the server test_web_outlets uses


@pytest.mark.parametrize("text", ["", "   \n "], ids=["empty", "whitespace"])
def test_check_of_an_empty_text_is_the_cli_contract_with_a_null_score(web, text, monkeypatch, capsys):
    record = {"id": "e", "text": text}
    r = web.request("POST", "/v1/check", record)
    assert r.status == 200, r.body
    got = r.json()
    assert got["score"] is None and got["mt_probability"] is None
    assert [f["rule"] for f in got["findings"]] == ["Input.Empty"]
    (web.dir / "empty.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, web.dir, "check", "empty.jsonl", "-f", "jsonl", "--fail-on", "never")
    assert code == 0, err
    assert got == json.loads(out)


def test_batch_answers_an_empty_line_with_a_null_score(web):
    body = json.dumps({"id": "e", "text": " "}) + "\n" + json.dumps({"id": "k", "text": TEXT}) + "\n"
    out = web.request("POST", "/v1/check/batch", body, {"Content-Type": "application/x-ndjson"}).lines()
    assert [o["score"] is None for o in out] == [True, False]


def test_languagetool_gets_no_matches_for_an_empty_text(web):
    for text in ("", "%20%20"):
        r = web.request("POST", "/v2/check", f"text={text}&language=en-US",
                        {"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 200, r.body
        assert r.json()["matches"] == []


def test_check_page_says_no_text(web):
    pasted = web.request("POST", "/check", "text=%20%20%20", {"Content-Type": "application/x-www-form-urlencoded"})
    assert pasted.status == 200, pasted.body
    assert "no text" in pasted.body.decode()
    lines = (json.dumps({"id": "blank", "text": ""}) + "\n").encode()
    boundary = "xYzBoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n"
            "Content-Type: application/x-ndjson\r\n\r\n").encode() + lines + f"\r\n--{boundary}--\r\n".encode()
    uploaded = web.request("POST", "/check", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert uploaded.status == 200, uploaded.body
    page = uploaded.body.decode()
    assert re.search(r'class="big">no text<', page) and "Input.Empty" in page and "nan" not in page.lower()


def test_stored_empty_articles_render_on_the_outlet_and_article_pages(web):
    for i, (outlet, text) in enumerate([(OUTLET, ""), (OUTLET, TEXT), (ONLY_EMPTY, "  ")]):
        r = web.request("POST", "/v1/check?store=true", {"id": f"e{i}", "outlet": outlet, "text": text})
        assert r.status == 200, r.body
    for path in ("/outlets", "/outlets/" + quote(OUTLET, safe=""), f"/article?outlet={quote(OUTLET)}&id=e0",
                 f"/v1/outlets/{quote(OUTLET, safe='')}", "/v1/outlets", "/outlets/" + quote(ONLY_EMPTY, safe=""),
                 f"/article?outlet={quote(ONLY_EMPTY)}&id=e2", f"/v1/outlets/{quote(ONLY_EMPTY, safe='')}",
                 "/figures/forest.svg", f"/figures/trend.svg?outlet={quote(ONLY_EMPTY)}"):
        r = web.request("GET", path)
        assert r.status == 200 or (r.status == 404 and "figures" in path), (path, r.body[:2000])
        assert b"nan" not in r.body.lower(), path
    article = web.request("GET", f"/article?outlet={quote(OUTLET)}&id=e0").body.decode()
    assert re.search(r'class="big">no text<', article)
    outlet = web.request("GET", "/outlets/" + quote(OUTLET, safe="")).body.decode()
    assert re.search(r'id=e0".*?—', outlet, re.S)  # the empty article's score cell
    ranking = {o["outlet"]: o for o in web.request("GET", "/v1/outlets").json()}
    assert ranking[ONLY_EMPTY]["articles"] == 1 and ranking[ONLY_EMPTY]["words"] == 0
