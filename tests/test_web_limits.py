"""Limits and safety of a real server: the token (401), body and text size (413), deadline and capacity (503)."""

from __future__ import annotations

import threading

import pytest
from web_helpers import LIGHT_CONFIG, start

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = "The council met on Tuesday to discuss the new budget for schools and roads in the city. " * 20


@pytest.fixture(scope="module")
def guarded():
    """One worker, no queue, a deadline no check can meet, small limits, and a token."""
    return start("--workers", "1", "--queue", "0", "--deadline", "0.001", "--max-body-bytes", "20000",
                 "--max-chars", "5000", config=LIGHT_CONFIG, env={"DETECTOR_TOKEN": TOKEN}).ready()


def test_without_the_token_every_endpoint_but_healthz_is_401(guarded):
    assert guarded.request("GET", "/healthz").status == 200
    for method, path in (("GET", "/"), ("GET", "/v1/info"), ("GET", "/v1/rules"), ("POST", "/v1/check"),
                         ("GET", "/openapi.json"), ("GET", "/static/web.js"), ("POST", "/v2/check")):
        r = guarded.request(method, path, {"text": "x"} if method == "POST" else None)
        assert r.status == 401, path
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"].startswith("Bearer")
    wrong = guarded.request("GET", "/v1/info", headers={"Authorization": f"Bearer {TOKEN}x"})
    assert wrong.status == 401
    assert guarded.request("GET", "/v1/info", headers=AUTH).status == 200


def test_a_body_over_max_body_bytes_is_413(guarded):
    r = guarded.request("POST", "/v1/check", {"text": "word " * 5000}, AUTH)
    assert r.status == 413 and r.headers["content-type"] == "application/problem+json"
    assert "20,000" in r.json()["detail"]
    batch = guarded.request("POST", "/v1/check/batch", ('{"text": "a"}\n' * 3000), AUTH)
    assert batch.status == 413


def test_a_text_over_max_chars_is_413_and_a_batch_says_so_on_its_line(guarded):
    r = guarded.request("POST", "/v1/check", {"text": "x" * 5001}, AUTH)
    assert r.status == 413 and "5,000" in r.json()["detail"]
    out = guarded.request("POST", "/v1/check/batch", '{"text": "' + "x" * 5001 + '"}\n', AUTH).lines()
    assert out[0]["line"] == 1 and "limit" in out[0]["error"]


def test_a_check_past_its_deadline_is_503(guarded):
    r = guarded.request("POST", "/v1/check", {"text": ARTICLE[:4000]}, AUTH)
    assert r.status == 503 and r.headers["content-type"] == "application/problem+json"
    assert "deadline" in r.json()["detail"]


def test_past_capacity_the_answer_is_503_with_retry_after_never_a_hang(guarded):
    n = 6
    barrier = threading.Barrier(n)
    answers: list = [None] * n

    def call(i: int) -> None:
        barrier.wait()
        answers[i] = guarded.request("POST", "/v1/check", {"text": ARTICLE[:4000]}, AUTH, timeout=30)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(a is not None for a in answers)  # every request answered, none hung
    assert all(a.status == 503 for a in answers)  # the deadline, or no free slot
    busy = [a for a in answers if "retry-after" in a.headers]
    assert busy, "six simultaneous checks on one slot: some must be refused as busy"
    assert all(int(a.headers["retry-after"]) >= 1 and "busy" in a.json()["detail"] for a in busy)
    info = guarded.request("GET", "/v1/info", headers=AUTH).json()
    assert info["pool"]["refused_busy"] >= len(busy) and info["limits"]["capacity"] == 1


def test_the_login_form_sets_a_cookie_the_pages_accept(guarded):
    bad = guarded.request("POST", "/login", "token=nope", {"Content-Type": "application/x-www-form-urlencoded"})
    assert bad.status == 401
    ok = guarded.request("POST", "/login", f"token={TOKEN}", {"Content-Type": "application/x-www-form-urlencoded"})
    assert ok.status == 303
    cookie = ok.headers["set-cookie"].split(";")[0]
    assert "httponly" in ok.headers["set-cookie"].lower()
    assert guarded.request("GET", "/", headers={"Cookie": cookie}).status == 200


def test_serve_refuses_a_bad_store_a_busy_port_and_a_bad_pattern_in_one_line(cli, tmp_path):
    import socket

    (tmp_path / "notes.db").write_text("not a database", encoding="utf-8")
    code, _out, err = cli("serve", "--db", str(tmp_path / "notes.db"))
    assert code == 2 and err.count("\n") == 1 and "not a database" in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, _out, err = cli("serve", "--port", str(taken.getsockname()[1]))
    assert code == 2 and "cannot listen on 127.0.0.1" in err and "Traceback" not in err
    code, _out, err = cli("serve", "--ignore", "No.Such.Rule")
    assert code == 2 and "match no rule" in err
