"""The store side of a real server: ?store=true, /v1/outlets read on each request, the outlet pages."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from cli_helpers import run_cli
from outlets_helpers import BODIES, report
from web_helpers import LIGHT_CONFIG, start

from detector.store import Store

OUTLET = "Daily <Times>"
KIEV = ("The mayor of Kiev met reporters on Tuesday, March 1, 2022.\n"
        "Officials in Kyiv said the talks would go on next week.\n")


@pytest.fixture(scope="module")
def web():
    return start(config=LIGHT_CONFIG).ready()


@pytest.fixture(scope="module")
def stored(web):
    for i in range(3):
        r = web.request("POST", "/v1/check?store=true",
                        {"id": f"t{i}", "outlet": OUTLET, "published": f"2022-03-0{i + 1}", "text": KIEV})
        assert r.status == 200, r.body
    return web


def test_store_true_writes_the_report_and_the_outlet_appears(stored):
    ranking = stored.request("GET", "/v1/outlets").json()
    mine = next(o for o in ranking if o["outlet"] == OUTLET)
    assert mine["articles"] == 3 and mine["counts"]["transliteration"] >= 3
    with Store(stored.db, readonly=True) as store:
        assert {a.article.id for a in store.articles(OUTLET)} == {"t0", "t1", "t2"}


def test_outlets_are_read_from_the_store_on_each_request(stored):
    """A scan writing beside the server shows up at once (no restart, no cache)."""
    before = {o["outlet"] for o in stored.request("GET", "/v1/outlets").json()}
    with Store(stored.db) as store:
        store.add_reports([report(f"s{i}", body, outlet="beside.example") for i, body in enumerate(BODIES)])
    after = {o["outlet"] for o in stored.request("GET", "/v1/outlets").json()}
    assert "beside.example" not in before and after == before | {"beside.example"}
    assert "beside.example" in stored.request("GET", "/outlets").body.decode()


def test_outlet_defects_match_the_cli_with_the_same_filters(stored, monkeypatch, capsys, tmp_path):
    path = "/v1/outlets/" + quote(OUTLET, safe="") + "?category=transliteration&rule=Translit.Russian&since=2022-03-02"
    rows = stored.request("GET", path).json()
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "outlets", OUTLET, "--db", str(stored.db), "-f", "json",
                             "--category", "transliteration", "--rule", "Translit.Russian", "--since", "2022-03-02")
    assert code == 0, err
    assert rows == json.loads(out) and len(rows) == 2 and {r["article"] for r in rows} == {"t1", "t2"}
    bad = stored.request("GET", "/v1/outlets/" + quote(OUTLET, safe="") + "?category=nope")
    assert bad.status == 422 and bad.headers["content-type"] == "application/problem+json"
    assert stored.request("GET", "/v1/outlets/no.such.outlet").status == 404


def test_outlet_pages_escape_names_and_filter_the_evidence(stored):
    ranking = stored.request("GET", "/outlets").body.decode()
    assert "Daily &lt;Times&gt;" in ranking and "Daily <Times>" not in ranking
    page = stored.request("GET", "/outlets/" + quote(OUTLET, safe="") + "?category=date").body.decode()
    assert "Defects by category" in page and "Daily &lt;Times&gt;" in page
    evidence = page.split('id="evidence"')[1].split('id="articles"')[0]
    assert "Translit." not in evidence.split("</form>")[1]  # filtered to dates: no transliteration rows
    assert re.search(r'href="/article\?outlet=Daily%20%3CTimes%3E&amp;id=t0"', page)


def test_a_stored_article_page_has_its_highlights(stored):
    page = stored.request("GET", "/article?outlet=" + quote(OUTLET, safe="") + "&id=t0").body.decode()
    mark = re.search(r'<mark class="sev-warning cat-transliteration"[^>]*data-f="(\d+)"[^>]*>Kiev</mark>', page)
    assert mark and f'id="card-0-{mark.group(1)}"' in page


def test_figures_are_svg_images(stored):
    r = stored.request("GET", "/figures/forest.svg")
    if r.status == 404:
        pytest.skip("matplotlib is not installed: the pages show tables only")
    assert r.status == 200 and r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.body


def test_the_event_loop_answers_while_a_long_check_runs(web):
    """Checks run in worker processes: /healthz is answered before a long check finishes."""
    import threading
    import time

    text = KIEV * 150  # ~17,000 characters: seconds of checking
    done: dict[str, float] = {}

    def long_check() -> None:
        r = web.request("POST", "/v1/check", {"text": text})
        assert r.status == 200
        done["check"] = time.monotonic()

    t = threading.Thread(target=long_check)
    t.start()
    while web.request("GET", "/v1/info").json()["pool"]["in_flight"] == 0 and t.is_alive():
        time.sleep(0.01)
    assert web.request("GET", "/healthz").body == b"ok"
    done["healthz"] = time.monotonic()
    t.join(timeout=300)
    assert done["healthz"] < done["check"]


def test_a_killed_worker_is_replaced_and_checks_go_on(web):
    import os
    import signal

    (pid,) = web.request("GET", "/v1/info").json()["pool"]["worker_pids"]
    os.kill(pid, signal.SIGKILL)  # a worker of the server this test module started
    first = web.request("POST", "/v1/check", {"text": KIEV})
    assert first.status in (200, 500) and first.headers["content-type"] in ("application/json", "application/problem+json")
    assert web.request("POST", "/v1/check", {"text": KIEV}).status == 200
