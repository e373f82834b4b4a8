"""``detector serve`` shows an article's story: its copies, its original, the side-by-side view."""

from __future__ import annotations

from urllib.parse import quote

from copies_helpers import corpus, scan_into
from web_helpers import LIGHT_CONFIG, start

# A server of its own (its store gets the copy corpus), light like the other store tests.
CONFIG = LIGHT_CONFIG + "# copies\n"


def test_served_article_pages_show_copies_and_the_aligned_original(cli):
    server = start(config=CONFIG).ready()
    scan_into(server.db, corpus())
    assert cli("copies", "--db", str(server.db))[0] == 0
    page = server.request("GET", "/article?outlet=farm.example&id=k-rewrite").body.decode()
    assert "a <strong>rewrite</strong> copy" in page and "Side by side" in page
    assert page.count('<tr class="aligned">') == 8
    assert 'href="/article?outlet=wire.example&amp;id=k-orig"' in page
    original = server.request("GET", "/article?outlet=wire.example&id=k-orig").body.decode()
    assert "is the <strong>original</strong>" in original and "k-copy" in original
    lone = server.request("GET", "/article?outlet=" + quote("port.example") + "&id=h-orig").body.decode()
    assert lone and "Copies of this story" not in lone
    outlets = server.request("GET", "/v1/outlets").json()
    rows = {r["outlet"]: r for r in (outlets["outlets"] if isinstance(outlets, dict) else outlets)}
    assert rows["farm.example"]["copies"]["rewrite_share"] == 1.0
