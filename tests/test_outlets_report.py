"""The HTML report: exact highlighting, escaping, and the pages as a real browser renders them."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from outlets_helpers import BODIES, finding, report, store_with

from detector.config import DEFAULTS
from detector.report import slug, write_report
from detector.report.highlight import highlight


def test_highlight_marks_exact_spans_and_escapes_text():
    text = "Use <b>Kiev</b> & Kyiv."
    f = finding(text, "Kiev", "transliteration", rule="Translit.Test", message="Old spelling", suggestion="Kyiv")
    html = str(highlight(text, [f]))
    assert "&lt;b&gt;" in html and "<b>" not in html and "&amp;" in html
    mark = re.search(r'<mark class="sev-warning cat-transliteration" data-rule="Translit.Test" title="([^"]*)"', html)
    assert mark and "Old spelling" in mark.group(1) and "Suggestion: Kyiv" in mark.group(1)
    visible = re.sub(r'<span class="tip".*?</span>', "", html, flags=re.S)
    assert re.sub(r"<[^>]+>", "", visible).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_overlapping_findings_both_show():
    text = "the the quick fox"
    a = finding(text, "the the", "grammar", rule="G.Repeat")
    b = finding(text, "the quick", "mt", rule="MT.X")
    b.start, b.end, b.text = 4, 13, text[4:13]
    html = str(highlight(text, [a, b]))
    assert html.count("<mark") == 4  # "the " (a), "the" (a and b), " quick" (b)
    assert 'data-rule="G.Repeat"' in html and 'data-rule="MT.X"' in html


def test_slugs_are_safe_and_distinct():
    assert slug("a/b") != slug("a?b") and "/" not in slug("../../etc/passwd") and slug("x") == slug("x")


@pytest.fixture
def report_dir(tmp_path):
    reports = [report(f"a{i}", body, outlet="Daily <Times>",
                      findings=[finding(body, body.split()[2], "mt", rule="MT.Test", message="Literal translation",
                                        suggestion="better words")] if i == 0 else [], words=600)
               for i, body in enumerate(BODIES)]
    reports.append(report("solo", BODIES[0], outlet="tiny"))
    store = store_with(tmp_path / "r.db", reports)
    write_report(store, tmp_path / "rep", DEFAULTS["outlets"])
    return tmp_path / "rep"


def test_report_pages_exist_and_escape_outlet_names(report_dir):
    index = (report_dir / "index.html").read_text()
    assert "Daily &lt;Times&gt;" in index and "Daily <Times>" not in index
    outlet_pages = list((report_dir / "outlets").glob("*.html"))
    article_pages = list((report_dir / "articles").rglob("*.html"))
    assert len(outlet_pages) == 2 and len(article_pages) == 6
    assert all(p.name in index for p in outlet_pages)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dump_dom(browser: str, url: str, profile) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--dump-dom", url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90).stdout


def test_pages_render_in_a_headless_browser(report_dir, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("needs chromium (apt-get install -y chromium)")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=report_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/index.html", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        dom = _dump_dom(browser, base + "/index.html", tmp_path / "profile")
        assert "Outlets by reliability" in dom and "Daily &lt;Times&gt;" in dom
        assert "Insufficient evidence" in dom and "<svg" in dom  # the tiny outlet; the interval plot
        rows = re.findall(r'<tr class="[^"]*">\s*<td>(\d+)</td>\s*<td><a href="outlets/([^"]+)"', dom)
        assert [r[0] for r in rows] == ["1", "2"]
        outlet = next(p for p in (report_dir / "outlets").iterdir() if p.name.startswith("Daily"))
        dom = _dump_dom(browser, f"{base}/outlets/{outlet.name}", tmp_path / "profile")
        assert "Defect facts" in dom and "MT.Test" in dom and "Literal translation" in dom
        article = next((report_dir / "articles" / outlet.stem).glob("a0-*.html"))
        dom = _dump_dom(browser, f"{base}/articles/{outlet.stem}/{article.name}", tmp_path / "profile")
        mark = re.search(r'<mark [^>]*data-rule="MT.Test"[^>]*>(.*?)<span class="tip"', dom)
        assert mark and mark.group(1) == BODIES[0].split()[2]
        assert "Suggestion: better words" in dom
    finally:
        server.terminate()
        server.wait(timeout=10)
