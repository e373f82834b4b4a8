"""Punctuation left by sentence-by-sentence translation: ``MT.RepeatedPunctuation`` and
``MT.DanglingFragment``.

When an MT system translates segment by segment and the pieces are glued back together, a period
the source sentence ended with meets the one the system added ("In the center of town.. It"), and
a speaker's name the source put after the verb becomes a sentence of its own ("“…,” he said.
Zhyvytsky."). Ellipses ("...", "…") and emphatic "?!" / "!!" are deliberate and never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from detector.article import ABBREVIATIONS, Document
from detector.mt.context import SPEECH_VERBS, ArticleContext, Hit, sentences_by_line

#: Two marks where English has one: "..", ",,", ";;", ",.", ";.". Left out: ".," and ".;" (after an
#: abbreviation they are correct: "R.D., co-owner", "incl., box") and "::" (markup, emoticons).
_DOUBLED = re.compile(r"(?<=[^\W\d_])(?<!\.)(\.\.|,,|;;|[,;]\.)(?![.\w/])")
_ENTITY_BEFORE = re.compile(r"&#?\w+$")
_SPEAKER_END = re.compile(r"(?:[”\"’]\s*|,\s*)?\b(\w+)\s+(" + "|".join(sorted(SPEECH_VERBS)) + r")\.[”\"’]?$")


def find_repeated_punctuation(doc: Document, ctx: ArticleContext | None = None) -> Iterator[Hit]:
    """Doubled marks; kind "conversational" (weaker) in a blog, review or how-to (given ``ctx``),
    where a doubled full stop is more often the writer's typo than two segments joined."""
    text = doc.text
    kind = "conversational" if ctx is not None and ctx.conversational else "doubled"
    for m in _DOUBLED.finditer(text):
        # URLs and ranges never get here: a letter must precede and no word character may follow.
        mark = m.group(1)
        if mark == ".." and _abbreviation(text, m.start(1)):
            continue  # "U.S..", "Inc.." end a sentence on an abbreviation's own full stop
        if mark[0] == ";" and _ENTITY_BEFORE.search(text, max(0, m.start(1) - 10), m.start(1)):
            continue  # "&gt;," is an HTML entity followed by a comma
        keep = "." if mark[1] == "." else mark[0]
        yield Hit(
            m.start(1), m.end(1),
            f"'{mark}': doubled punctuation where English has one mark (segments joined after translation).",
            suggestion=keep,
            kind=kind,
        )


def find_dangling_fragments(
    doc: Document, ctx: ArticleContext, zipf: Callable[[str], float], max_words: int = 3
) -> Iterator[Hit]:
    """A sentence of only a name (1-3 capitalised words) right after "..., he said." on one line."""
    for _line, sentences in sentences_by_line(doc):
        for prev, cur in zip(sentences, sentences[1:], strict=False):
            words = [w.text for w in ctx.words_in(cur)]
            if not 1 <= len(words) <= max_words or not cur.text.endswith("."):
                continue
            if not all(w[:1].isupper() and not w.isupper() for w in words):
                continue
            # A name, not "Yes." or "Thank You.": rare as a common word, or a name the article uses.
            if not all(zipf(w.lower()) < 4.0 or ctx.running_capitals[w] > 0 for w in words):
                continue
            speech = _SPEAKER_END.search(prev.text)
            if speech is None:
                continue
            start = prev.start + speech.start(1)
            pronoun = speech.group(1).lower() in ("he", "she", "they")
            yield Hit(
                start, cur.end,
                f"'{cur.text}' stands alone after '{speech.group(1)} {speech.group(2)}.': the speaker's "
                "name was split off its sentence in translation.",
                suggestion=f"{speech.group(2)} {cur.text}" if pronoun else None,
                kind="after-speech",
                data={"fragment": cur.text},
            )


def _abbreviation(text: str, dot: int) -> bool:
    """The word before ``dot`` is an abbreviation: dotted ("U.S"), known ("Inc"), capitals or short."""
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot]
    return "." in word or word.lower() in ABBREVIATIONS or word.isupper() or len(word) <= 2
