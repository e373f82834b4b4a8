"""What every MT rule needs to know about an article beyond its parse: where quotes are, and which
capitalised words the article itself treats as names.

Quoted speech is exempt from most MT rules (a quote may be in the first person, start with a
capital, or contain a name), so quotes are found once per article here. News quotes are often
unbalanced in scraped and machine-translated text: a paragraph that opens a quote and never closes
it continues the quote to its end (AP style for multi-paragraph quotes), a closing mark with no
opener closes a quote that began at the paragraph start, and a paragraph ending in "said:" makes the
next paragraph speech.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from detector.article import WORD_RE, Document, Span

OPENERS = "“«„"
CLOSERS = "”»"
#: Verbs that introduce speech after a colon ("he said: ...", "asking:").
SPEECH_VERBS = frozenset(
    """said says say told tells asked asks asking added adds stated states declared declares explained
    explains noted notes stressed stresses continued continues replied replies answered answers recalled
    recalls shouted shouts saying telling writes wrote wrote tweeted posted announced announces warned
    warns emphasized emphasised insisted insists admitted admits claimed claims reported reports""".split()
)

#: Words as the Document parse counts them (letters and digits, inner apostrophes).
_QUOTE_MARK = re.compile('["“”«»„]')
_RUNNING_CAPITAL = re.compile(r"(?<=[\w,] )[A-Z][a-z]+(?:['’][a-z]+)?\b")
#: The reader addressed, or a "we" narrator: the voice of blogs, reviews, how-tos and columns.
#: Reported news keeps "you" and "we" inside quotes.
_CONVERSATIONAL = re.compile(r"\b(?:[Yy]ou(?:['’](?:re|ll|ve|d))?|[Yy]our(?:s|self)?|[Ww]e(?:['’](?:re|ll|ve|d))?|[Oo]ur|[Uu]s)\b")
#: Words that name a first-person genre: a column, a review, a blog post, an interview.
_GENRE_WORDS = re.compile(r"\b(?:column|columnist|op-ed|blog|review(?:ed|ing)?|tested|podcast|newsletter|interview|"
                          r"diary|essay|memoir|my (?:experience|opinion|take|view))\b", re.IGNORECASE)
#: A conversational genre: this many conversational words outside quotes (per article), or a genre word.
MIN_CONVERSATIONAL = 3


class Word(NamedTuple):
    """A word with its offsets (a light ``Span``: articles have thousands of words)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """One artefact found by a detector, before it becomes a Finding of a rule."""

    start: int
    end: int
    message: str
    suggestion: str | None = None
    confidence: float = 1.0
    data: dict = field(default_factory=dict)
    #: Which variant of the rule fired; the check maps it to a severity (e.g. "function-word").
    kind: str = ""


class ArticleContext:
    """Quote regions and name evidence of one document, computed lazily and cached."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    # -- quotes ----------------------------------------------------------------------------
    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        """Sorted, non-overlapping (start, end) character ranges of quoted speech."""
        out: list[tuple[int, int]] = []
        paragraphs = self.doc.lines
        speech_next = False
        for para in paragraphs:
            if speech_next:
                out.append((para.start, para.end))
            else:
                out.extend(quote_regions(para))
                out.extend(single_quote_regions(para))
            speech_next = _introduces_speech(para.text)
        return _merge(out)

    def in_quote(self, offset: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, offset) - 1
        return i >= 0 and offset < self.quotes[i][1]

    def quote_at(self, offset: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._quote_starts, offset) - 1
        if i >= 0 and offset < self.quotes[i][1]:
            return self.quotes[i]
        return None

    @cached_property
    def _quote_starts(self) -> list[int]:
        return [q[0] for q in self.quotes]

    @cached_property
    def conversational(self) -> bool:
        """A blog, review, how-to or column: it addresses the reader or speaks as "we" outside quotes,
        or names its genre. First person is its voice, and its lists, tables and headings flattened
        into running text leave capitals and doubled marks that are not translation slips."""
        text = self.doc.text
        if _GENRE_WORDS.search(text, 0, 200_000):
            return True
        n = 0
        for m in _CONVERSATIONAL.finditer(text, 0, 200_000):
            if not self.in_quote(m.start()):
                n += 1
                if n >= MIN_CONVERSATIONAL:
                    return True
        return False

    # -- words -----------------------------------------------------------------------------
    @cached_property
    def words(self) -> list[Word]:
        """Every word of the article, with offsets (one regex pass, shared by all detectors)."""
        return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(self.doc.text)]

    @cached_property
    def _word_starts(self) -> list[int]:
        return [w.start for w in self.words]

    def words_in(self, span: Span) -> list[Word]:
        """The words inside ``span`` (by bisection, not by re-scanning the text)."""
        lo = bisect.bisect_left(self._word_starts, span.start)
        hi = bisect.bisect_left(self._word_starts, span.end)
        return self.words[lo:hi]

    @cached_property
    def lowercase_forms(self) -> frozenset[str]:
        """Words the article writes in lower case somewhere (evidence they are common words)."""
        return frozenset(w.text for w in self.words if w.text.islower())

    @cached_property
    def running_capitals(self) -> Counter[str]:
        """How often each Titlecase word occurs in running text (after a letter, digit or comma).

        Sentence and clause starts are left out: "Faced" opening two sentences is no evidence that
        the article treats "Faced" as a name.
        """
        return Counter(m.group() for m in _RUNNING_CAPITAL.finditer(self.doc.text))


def quote_regions(span: Span) -> list[tuple[int, int]]:
    """Quoted ranges inside one line/paragraph, tolerating unbalanced marks (see module doc)."""
    text, base = span.text, span.start
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for mark in _QUOTE_MARK.finditer(text):
        i, ch = mark.start(), mark.group()
        if ch == '"':
            before = text[i - 1] if i else " "
            ch = "“" if (before.isspace() or before in "([—–-") and open_at is None else "”"
        if ch in OPENERS:
            if open_at is not None:  # a new quote before the last one closed: the last one ends here
                out.append((base + open_at, base + i))
            open_at = i
        elif ch in CLOSERS:
            out.append((base + (open_at if open_at is not None else 0), base + i + 1))
            open_at = None
    if open_at is not None:
        out.append((base + open_at, base + len(text)))
    return out


_SINGLE_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[‘'](?=[^\s'‘’])(.*?[^\s])[’'](?![^\W_])")


def single_quote_regions(span: Span) -> list[tuple[int, int]]:
    """Closed 'single-quoted' passages (British style: ‘I didn’t know,’ she said).

    Only closed pairs count: a single quote mark is also an apostrophe, so an unclosed one proves
    nothing. The closing mark must not be followed by a letter ("didn’t" is not a closing quote).
    """
    return [(span.start + m.start(), span.start + m.end()) for m in _SINGLE_QUOTED.finditer(span.text)]


def _introduces_speech(text: str) -> bool:
    """A line ending in a colon after a speech verb ("... he addresses them, asking:")."""
    t = text.rstrip()
    if not t.endswith(":"):
        return False
    words = WORD_RE.findall(t[-40:])
    return bool(words) and words[-1].lower() in SPEECH_VERBS


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


#: Table cells and list items flattened into one line: a tab, " | ", " • ", " · " between them.
_CELL_BREAK = re.compile(r"\s*\t+\s*|\s+[|•·]\s+")


def split_cells(text: str, sentences: list[Span]) -> list[Span]:
    """Sentences cut again at cell boundaries, so a flattened table row ("Weight | 2 kg | The case")
    is several sentences for the MT rules and the model, as its line breaks already are."""
    out: list[Span] = []
    for s in sentences:
        if _CELL_BREAK.search(s.text) is None:
            out.append(s)
            continue
        cur = s.start
        for m in _CELL_BREAK.finditer(text, s.start, s.end):
            if m.start() > cur:
                out.append(Span(cur, m.start(), text[cur:m.start()]))
            cur = m.end()
        if s.end > cur:
            out.append(Span(cur, s.end, text[cur:s.end]))
    return out


def mt_sentences(doc: Document) -> list[Span]:
    """The sentences every MT rule and the MT model read: the parse's, split at line and cell breaks
    (once per document: the MT rules, the MT model and the copy signature each ask)."""
    return doc.derived(_split_sentences)


def _split_sentences(doc: Document) -> list[Span]:
    return split_cells(doc.text, doc.sentences)


def sentences_by_line(doc: Document) -> list[tuple[Span, list[Span]]]:
    """Each line with its sentences (``mt_sentences``: also split at table cells), in one pass."""
    out: list[tuple[Span, list[Span]]] = [(line, []) for line in doc.lines]
    starts = [line.start for line in doc.lines]
    for s in mt_sentences(doc):
        i = bisect.bisect_right(starts, s.start) - 1
        if i >= 0:
            out[i][1].append(s)
    return out
