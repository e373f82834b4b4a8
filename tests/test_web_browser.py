"""The check page and the outlet pages in a real browser: Playwright driving Debian's chromium.

No browser is downloaded: Playwright launches the system's /usr/bin/chromium. The test skips only
where chromium (or the playwright package) cannot be had.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from web_helpers import LIGHT_CONFIG, ROOT, start

SEED = next((ROOT / "seeds").glob("002_*.txt"))
PUBLISHED = "2022-03-02"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def web():
    # The README's screenshots show the default config (the model's mt_probability); the test needs no model.
    server = start(config=None if os.environ.get("DETECTOR_WEB_SCREENSHOTS") else LIGHT_CONFIG).ready()
    corpus = (ROOT / "notebooks" / "data" / "sample_corpus.jsonl").read_text(encoding="utf-8")
    r = server.request("POST", "/v1/check/batch?store=true", corpus)
    assert r.status == 200 and all("findings" in line for line in r.lines())
    return server


@pytest.fixture(scope="module")
def page(web):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("needs chromium (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=ARGS, headless=True)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


def _shot(page, name: str, tmp_path: Path) -> None:
    """Every run takes the screenshots; DETECTOR_WEB_SCREENSHOTS=docs keeps them (the README shows them)."""
    for folder in filter(None, [tmp_path, os.environ.get("DETECTOR_WEB_SCREENSHOTS")]):
        path = Path(folder) / name
        page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1400})
        assert path.stat().st_size > 10_000


def _expected(web, text: str) -> list[dict]:
    return web.request("POST", "/v1/check", {"text": text, "published": PUBLISHED, "id": SEED.stem}).json()["findings"]


def test_check_page_highlights_cards_accept_apply_all_download_and_keys(web, page, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    findings = _expected(web, text)
    page.goto(web.url + "/")
    page.fill("#text", text)
    page.fill("input[name=published]", PUBLISHED)
    page.click("#check-button")
    page.wait_for_selector(".result article.text mark")
    result = page.locator(".result").first

    # every finding is highlighted inline and has a card
    marked = page.eval_on_selector_all(".result mark[data-f]", "ms => [...new Set(ms.map(m => m.dataset.f))]")
    assert sorted(map(int, marked)) == [i for i, f in enumerate(findings) if f["end"] > f["start"]]
    assert result.locator(".card").count() == len(findings)
    assert result.locator("mark.cat-date").count() >= 1  # Date.Future, with its category's class

    # hovering a highlight opens its card: rule linked to its doc, message, suggestion
    garbled = next(i for i, f in enumerate(findings) if f["rule"] == "Translit.Garbled" and f["text"] == "Meritopoli")
    page.hover(f'.result mark[data-f="{garbled}"]')
    card = page.locator(f"#card-0-{garbled}")
    assert "open" in card.get_attribute("class")
    assert card.locator("a.rule").get_attribute("href") == "/rules/Translit.Garbled"
    assert findings[garbled]["message"][:40] in card.inner_text()
    assert "Melitopol" in card.locator(".sugg").inner_text()
    _shot(page, "web-check.png", tmp_path)

    # Accept applies the suggestion; Apply all applies every suggestion of one rule
    card.locator("button[data-act=accept]").click()
    assert "accepted" in card.get_attribute("class")
    nonstandard = [i for i, f in enumerate(findings) if f["rule"] == "Translit.NonStandard"]
    assert len(nonstandard) >= 2
    page.hover(f'.result mark[data-f="{nonstandard[0]}"]')
    page.locator(f"#card-0-{nonstandard[0]} button[data-act=apply-all]").click()
    for i in nonstandard:
        assert "accepted" in page.locator(f"#card-0-{i}").get_attribute("class")
    expected = _apply(text, [findings[garbled], *(findings[i] for i in nonstandard)])
    assert "Kupyansk" not in expected and "Kupiansk or Melitopol," in expected

    # the corrected text downloads
    with page.expect_download() as download:
        result.locator("button[data-act=download]").click()
    assert Path(download.value.path()).read_text(encoding="utf-8") == expected
    assert download.value.suggested_filename == "article.corrected.txt"

    # keyboard: j / k move between the open findings, focus follows, i ignores
    page.keyboard.press("Escape")
    page.locator("h1").click()
    live = page.eval_on_selector_all(".result .card:not(.done)", "cs => cs.map(c => c.dataset.f)")
    live = [f for f in live if page.locator(f'.result mark[data-f="{f}"]').count()]
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.f") == live[0]
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.f") == live[1]
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.dataset.f") == live[0]
    assert page.locator(f"#card-0-{live[0]}").get_attribute("class").count("open") == 1
    page.keyboard.press("i")
    assert "ignored" in page.locator(f"#card-0-{live[0]}").get_attribute("class")
    assert page.locator(f'.result mark[data-f="{live[0]}"]').count() == 0
    assert page.evaluate("document.activeElement.dataset.f") == live[1]  # on to the next one


def test_outlet_pages_in_the_browser(web, page, tmp_path):
    page.goto(web.url + "/outlets")
    assert page.locator("table.outlets tbody tr").count() >= 3
    _shot(page, "web-outlets.png", tmp_path)
    page.click("text=farm-one.example")
    page.wait_for_selector("#breakdown")
    assert "farm-one.example" in page.locator("h1").inner_text()
    page.select_option("select[name=category]", "transliteration")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**category=transliteration**")
    rules = page.eval_on_selector_all("table.evidence tbody code", "cs => cs.map(c => c.textContent)")
    assert rules and all(r.startswith("Translit.") for r in rules)
    _shot(page, "web-outlet.png", tmp_path)
    page.locator("table.evidence tbody a").first.click()
    page.wait_for_selector(".result article.text mark")


def test_a_long_check_streams_progress_before_its_result(web):
    text = SEED.read_text(encoding="utf-8") * 20
    r = web.request("POST", "/check", _form({"text": text, "published": PUBLISHED}), {
        "Content-Type": "multipart/form-data; boundary=XyZ", "Accept": "application/x-ndjson"})
    events = r.lines()
    assert r.status == 200 and events[-1]["state"] == "done" and "<mark" in events[-1]["html"]
    progress = events[:-1]
    assert progress and all(e["state"] in ("queued", "checking") and e["expected"] > 0 for e in progress)
    assert progress[0]["words"] == len(text.split())


def test_the_check_page_reads_uploaded_jsonl_and_html_files(web):
    lines = (ROOT / "seeds" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    jsonl = "\n".join([lines[0], "{broken", lines[2]]) + "\n"
    page = web.request("POST", "/check", _file("seeds.jsonl", jsonl), {"Content-Type": "multipart/form-data; boundary=XyZ"})
    html = page.body.decode()
    assert page.status == 200 and html.count('class="result"') == 2
    assert "seeds.jsonl:2: invalid JSON" in html and 'data-name="002_716936a3643cc3ef"' in html
    doc = "<html><head><title>Farm &amp; Co</title></head><body><article><p>" + "The mayor of Kiev spoke on Tuesday. " * 12 + \
          "</p><p>Officials in Kyiv said talks would go on next week, and the council agreed.</p></article></body></html>"
    page = web.request("POST", "/check", _file("page.html", doc), {"Content-Type": "multipart/form-data; boundary=XyZ"})
    html = page.body.decode()
    assert page.status == 200 and 'data-rule="Translit.RussianDerived"' in html and "&lt;p&gt;" not in html


def _file(name: str, content: str) -> bytes:
    return (f'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n{content}\r\n--XyZ--\r\n").encode()


def _apply(text: str, findings: list[dict]) -> str:
    for f in sorted(findings, key=lambda f: -f["start"]):
        text = text[:f["start"]] + f["suggestion"] + text[f["end"]:]
    return text


def _form(fields: dict[str, str]) -> bytes:
    parts = [f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    return ("".join(parts) + "--XyZ--\r\n").encode("utf-8")
