"""The HTTP API of a real ``detector serve`` (default config, real models) over a real port."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from web_helpers import ROOT, start

SEEDS = ROOT / "seeds" / "articles.jsonl"


@pytest.fixture(scope="module")
def cli_jsonl(tmp_path_factory) -> list[dict]:
    """`detector check seeds/articles.jsonl -f jsonl`, run beside the server while it loads."""
    cwd = tmp_path_factory.mktemp("cli")  # no config file: the defaults, as the server has
    proc = subprocess.Popen([sys.executable, "-m", "detector", "check", str(SEEDS), "-f", "jsonl", "--fail-on", "never"],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"})
    server()  # start the server now, so both load their models at the same time
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def server():
    return start()


@pytest.fixture(scope="module")
def api(cli_jsonl):
    return server().ready()


def test_check_returns_exactly_the_cli_jsonl_contract(api, cli_jsonl):
    records = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines()]
    for record, expected in zip(records, cli_jsonl, strict=True):
        r = api.request("POST", "/v1/check", record)
        assert r.status == 200 and r.headers["content-type"] == "application/json"
        assert r.json() == expected
    assert any(f["rule"] == "Date.Future" for f in cli_jsonl[2]["findings"])  # the comparison covers real findings
    assert all(o["mt_probability"] is not None for o in cli_jsonl)  # and the model's output


def test_batch_streams_in_input_order_and_answers_a_broken_line_in_its_place(api, cli_jsonl):
    lines = SEEDS.read_text(encoding="utf-8").splitlines()
    body = "\n".join([lines[0], '{"id": "broken", "text": ', lines[1], '{"id": 7}', lines[2]]) + "\n"
    r = api.request("POST", "/v1/check/batch", body, {"Content-Type": "application/x-ndjson"})
    assert r.status == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    assert r.headers.get("transfer-encoding") == "chunked"  # streamed, not buffered into one body
    out = r.lines()
    assert len(out) == 5
    assert out[0] == cli_jsonl[0] and out[2] == cli_jsonl[1] and out[4] == cli_jsonl[2]
    assert out[1]["line"] == 2 and "invalid JSON" in out[1]["error"]
    assert out[3] == {"line": 4, "error": "record has no 'text' field (choose one with --text-key)"}


def test_languagetool_v2_counts_offsets_in_utf16_code_units(api):
    text = "😀 Residents of Kharkov said the shelling stopped on Tuesday."
    r = api.request("POST", "/v2/check", f"text={_quote(text)}&language=en-US",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200
    answer = r.json()
    match = next(m for m in answer["matches"] if m["rule"]["id"] == "Translit.RussianDerived")
    python_start = text.index("Kharkov")
    assert match["offset"] == python_start + 1  # the emoji is two UTF-16 code units, one Python character
    units = text.encode("utf-16-le")
    assert units[2 * match["offset"]:2 * (match["offset"] + match["length"])].decode("utf-16-le") == "Kharkov"
    assert match["replacements"] == [{"value": "Kharkiv"}]
    ctx = match["context"]
    assert ctx["text"].encode("utf-16-le")[2 * ctx["offset"]:2 * (ctx["offset"] + ctx["length"])].decode("utf-16-le") == "Kharkov"
    assert match["sentence"] == text
    assert match["rule"]["category"] == {"id": "TRANSLITERATION", "name": "Transliteration"}
    assert match["rule"]["issueType"] == "misspelling" and match["shortMessage"] and match["message"]
    v1 = api.request("POST", "/v1/check", {"text": text}).json()
    assert next(f for f in v1["findings"] if f["rule"] == "Translit.RussianDerived")["start"] == python_start


def test_v2_check_without_language_is_a_400_problem(api):
    r = api.request("POST", "/v2/check", "text=Hello", {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400 and r.headers["content-type"] == "application/problem+json"
    assert "language" in r.json()["detail"]


def test_rules_info_and_health(api):
    assert api.request("GET", "/healthz").body == b"ok"
    rules = api.request("GET", "/v1/rules").json()
    ids = [r["id"] for r in rules]
    assert "Date.Future" in ids and ids == sorted(ids)
    one = api.request("GET", "/v1/rules/Date.Future").json()
    assert one["category"] == "date" and one["doc"]
    missing = api.request("GET", "/v1/rules/No.Such")
    assert missing.status == 404 and missing.headers["content-type"] == "application/problem+json"
    info = api.request("GET", "/v1/info").json()
    assert info["version"] and "mt_model" in info["checks"] and "Date.Future" in info["enabled_rules"]
    assert info["limits"]["max_body_bytes"] == 2 * 1024 * 1024


def test_every_response_has_the_security_headers_and_no_cors_by_default(api):
    for path in ("/", "/v1/info", "/v1/rules/No.Such", "/static/web.js"):
        r = api.request("GET", path, headers={"Origin": "https://elsewhere.example"})
        assert r.headers["content-security-policy"] == "default-src 'self'"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "access-control-allow-origin" not in r.headers


def test_openapi_schema_and_an_offline_docs_page(api):
    schema = api.request("GET", "/openapi.json").json()
    assert {"/v1/check", "/v1/check/batch", "/v2/check", "/v1/outlets", "/healthz"} <= set(schema["paths"])
    docs = api.request("GET", "/docs").body.decode()
    assert "/v1/check/batch" in docs and "CheckRequest" in docs
    assert "cdn" not in docs.lower() and 'src="http' not in docs and 'href="http' not in docs


def test_invalid_request_is_a_one_line_problem_that_does_not_echo_the_text(api):
    r = api.request("POST", "/v1/check", {"text": 12345678901, "id": "x"})
    assert r.status == 422 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 422 and "\n" not in problem["detail"] and "12345678901" not in problem["detail"]


def test_article_text_never_reaches_the_log(api):
    marker = "Zyxwvutsrqponm"
    api.request("POST", "/v1/check", {"text": f"The mayor of {marker} met reporters in Kiev on Tuesday."})
    api.request("POST", "/v1/check/batch", json.dumps({"text": f"{marker} again."}) + "\n{broken\n")
    log = api.log.read_text(encoding="utf-8", errors="replace")
    assert "POST /v1/check" in log and marker not in log


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
