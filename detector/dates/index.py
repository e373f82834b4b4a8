"""Line, sentence and paragraph lookups for one text in O(log n) each.

The date rules ask, for every mention, "which line / sentence / paragraph holds it?". Answered
with ``str.rfind`` and ``str.find`` that costs the distance to the nearest break, so a long text
without line breaks (a scraped page flattened to one line) made the check quadratic: 1 MB took
18 s. Here the breaks are found once (linear) and every question is a bisection; sentences are
split once per line, the first time a mention on that line asks. Windows around a mention are
also capped (``MAX_SENTENCE``), so one pathological 1 MB "sentence" cannot make each of its
mentions rescan it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from detector.article import split_sentences

#: The most characters of a sentence looked at on either side of a mention.
MAX_SENTENCE = 1000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class TextIndex:
    """Break positions of one text; build with :func:`text_index` (cached per text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.paragraphs = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
        self._sentences: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}

    def line_of(self, pos: int) -> int:
        """The number of the line holding ``pos`` (0-based)."""
        return bisect_right(self.newlines, pos - 1) if pos > 0 else 0

    def line(self, start: int, end: int | None = None) -> tuple[int, int]:
        """Bounds of the line holding ``start`` (without its newline)."""
        k = self.line_of(start)
        line_start = self.newlines[k - 1] + 1 if k > 0 else 0
        line_end = self.newlines[k] if k < len(self.newlines) else len(self.text)
        return line_start, line_end

    def paragraph_start(self, pos: int) -> int:
        """Where the paragraph holding ``pos`` begins (just after the last blank line before it)."""
        k = bisect_left(self.paragraphs, pos) - 1
        return self.paragraphs[k] + 1 if k >= 0 else 0

    def sentence(self, start: int) -> tuple[int, int]:
        """Bounds of the sentence holding ``start``, at most ``MAX_SENTENCE`` characters either side."""
        line_start, line_end = self.line(start)
        got = self._sentences.get(line_start)
        if got is None:
            spans = [(s.start, s.end) for s in split_sentences(self.text, line_start, line_end)]
            got = ([s for s, _ in spans], spans)
            self._sentences[line_start] = got
        starts, spans = got
        k = bisect_right(starts, start) - 1
        s, e = spans[k] if k >= 0 and spans[k][0] <= start < spans[k][1] else (line_start, line_end)
        return max(s, start - MAX_SENTENCE), min(e, start + MAX_SENTENCE)


@lru_cache(maxsize=8)
def text_index(text: str) -> TextIndex:
    """The index of ``text``; the rules of one article share it (a str caches its hash, and the cache
    compares by identity first, so a lookup is O(1) after the first)."""
    return TextIndex(text)
