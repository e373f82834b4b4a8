"""Articles and their one-time parse into offset-carrying spans.

Parsing never rewrites the text: every line, paragraph, sentence and token is a ``Span`` whose
``start``/``end`` index the untouched ``Article.text``. Checks share this parse instead of
re-splitting the text each in its own way.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")


@dataclass
class Article:
    """One input article, as read from a file, a record or a web page."""

    id: str
    text: str
    outlet: str = "unknown"
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None  # the file it was read from ("seeds/000.txt", "a.jsonl", "<stdin>")
    line: int | None = None  # the record's line (JSONL/CSV) or row (Parquet) within ``source``
    meta: dict[str, Any] = field(default_factory=dict)


    @property
    def location(self) -> str:
        """Where a person finds it: the file for a whole-file article, else "file:line[id]"."""
        if self.source is None:
            return self.id
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}[{self.id}]"


@dataclass(frozen=True)
class Span:
    """A piece of the article text: ``doc.text[start:end] == text``."""

    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return self.end - self.start


# Abbreviations after which a period does not end a sentence (news style).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt maj cmdr adm gov sen rep rev st jr sr vs etc inc ltd
    co corp dept univ no nos fig al approx est jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun u.s u.k e.g i.e a.m p.m ave blvd rd mt ft""".split()
)

#: A word token: letters and digits, with inner apostrophes ("don't", "Kup’yansk").
WORD_RE = re.compile(r"\w+(?:['’ʼ]\w+)*", re.UNICODE)
_TOKEN_RE = re.compile(r"\w+(?:['’ʼ]\w+)*|[^\w\s]", re.UNICODE)
# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before whitespace and
# a plausible sentence start, or at a missing space before a capitalised word ("stationed.As").
_SENT_END_RE = re.compile(
    r"""(?P<end>[.!?…]+["'”’»)\]]*)(?=\s+["'“‘«(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042F]|\s*$)"""
    r"""|(?P<glued>(?<=[a-z]{3})\.)(?=[A-Z][a-z])""",
    re.UNICODE,
)
_LINE_RE = re.compile(r"[^\n]*\n?")


def _abbreviation_before(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial ("Gen.", "J.")."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and text[start].isupper()  # an initial: "Donald J. Trump"


class Document:
    """An Article parsed once: lines, paragraphs, sentences and tokens, all with offsets.

    Parts are computed lazily and cached, so a check that only needs lines never pays for tokens.
    """

    def __init__(self, article: Article, language: str | None = None) -> None:
        self.article = article
        self.text = article.text
        self.language = language

    # -- structure -------------------------------------------------------------------------
    @cached_property
    def lines(self) -> list[Span]:
        """Non-blank lines, stripped of surrounding whitespace (offsets still exact)."""
        out = []
        for m in _LINE_RE.finditer(self.text):
            if m.start() == m.end():
                continue
            span = _strip(self.text, m.start(), m.end())
            if span is not None:
                out.append(span)
        return out

    @cached_property
    def paragraphs(self) -> list[Span]:
        """Blocks of consecutive non-blank lines (separated by blank lines)."""
        out: list[Span] = []
        block: list[Span] = []
        prev_end = -1
        for line in self.lines:
            gap = self.text[prev_end:line.start] if prev_end >= 0 else ""
            if block and gap.count("\n") >= 2:
                out.append(Span(block[0].start, block[-1].end, self.text[block[0].start:block[-1].end]))
                block = []
            block.append(line)
            prev_end = line.end
        if block:
            out.append(Span(block[0].start, block[-1].end, self.text[block[0].start:block[-1].end]))
        return out

    @cached_property
    def sentences(self) -> list[Span]:
        """Sentences within lines (a line break always ends a sentence)."""
        out: list[Span] = []
        for line in self.lines:
            out.extend(split_sentences(self.text, line.start, line.end))
        return out

    @cached_property
    def tokens(self) -> list[Span]:
        """Words and single punctuation marks."""
        return [Span(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(self.text)]

    @cached_property
    def words(self) -> int:
        return len(WORD_RE.findall(self.text))

    # -- lookups ---------------------------------------------------------------------------
    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", self.text))
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset (for editor-style locations)."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Span | None:
        """The sentence containing ``offset``, if any."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def words_in(self, span: Span) -> Iterator[Span]:
        for m in WORD_RE.finditer(self.text, span.start, span.end):
            yield Span(m.start(), m.end(), m.group())

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def derived(self, build: Callable[[Document], T]) -> T:
        """``build(self)``, computed once per document and shared (read it, do not change it): a parse
        another package makes from this one (``mt_sentences``), asked for by several checks."""
        cache = self.__dict__.setdefault("_derived", {})
        if build not in cache:
            cache[build] = build(self)
        return cache[build]


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentence spans, keeping exact offsets.

    A rule-based splitter: terminal punctuation before whitespace and a capital/digit/quote, minus
    abbreviations and initials; also a period glued to a capitalised word ("stationed.As"), which
    machine-translated text produces.
    """
    end = len(text) if end is None else end
    out: list[Span] = []
    cur = start
    for m in _SENT_END_RE.finditer(text, start, end):
        if m.group("end") is not None:
            stop = m.end("end")
            if text[m.start("end")] == "." and m.end("end") - m.start("end") == 1 and _abbreviation_before(
                text, m.start("end")
            ):
                continue
        else:
            stop = m.end("glued")
        span = _strip(text, cur, stop)
        if span is not None:
            out.append(span)
        cur = stop
    span = _strip(text, cur, end)
    if span is not None:
        out.append(span)
    return out
