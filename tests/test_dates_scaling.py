"""The dates check is linear in text size: a 4x longer text must not take 16x longer.

Before, every mention rescanned to the nearest line break, paragraph break and earlier mention,
and the overlap filter compared each mention with all kept ones: 0.25/0.5/1 MB took 1.8/6/18 s.
The texts here are small (50 and 200 KB) so the test stays fast; quadratic work shows as a
ratio near 16, linear as about 4.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from detector.article import Article, Document
from detector.checks.dates import DatesCheck

PARAGRAPH = (
    "KYIV, March 5 (Reuters) - On Monday, March 28, troops left. In 2014 Crimea was annexed on March 18. "
    "The talks on 14 March went on; since Feb. 24 the city was shelled (see https://x.example/?d=2022-03-01). "
    "The 1st of March was cold, and the invasion on February 24 was recalled. May 32 killed.\n\n"
)


def _seconds(text: str) -> float:
    check = DatesCheck()
    check.ensure_setup()
    best = float("inf")
    for _ in range(2):
        doc = Document(Article(id="long", text=text, published=dt.date(2022, 3, 30)))
        t0 = time.perf_counter()
        check.check(doc)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize("one_line", [False, True], ids=["paragraphs", "one-line"])
def test_four_times_the_text_takes_about_four_times_as_long(one_line):
    def text(n: int) -> str:
        t = (PARAGRAPH * (n // len(PARAGRAPH) + 1))[:n]
        return t.replace("\n", " ") if one_line else t

    small, large = _seconds(text(50_000)), _seconds(text(200_000))
    assert large / small < 9, f"50 KB {small:.3f}s, 200 KB {large:.3f}s: superlinear"


def test_long_text_findings_keep_exact_offsets():
    text = PARAGRAPH * 200
    check = DatesCheck()
    check.ensure_setup()
    found = check.check(Document(Article(id="long", text=text, published=dt.date(2022, 3, 30)))).findings
    assert found and all(text[f.start:f.end] == f.text for f in found)
    assert sum(f.rule == "Date.Impossible" for f in found) == 0  # "May 32 killed" is a count
