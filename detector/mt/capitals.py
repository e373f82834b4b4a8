"""Capitals where English has none: ``MT.MidSentenceCapital`` and ``MT.MissingSentenceBreak``.

Sentence-by-sentence MT and post-editing by copy-paste leave capitalised common words inside a
sentence ("As proven Another photo", "showed residents Throw a Molotov cocktail into the tank, At
the exit") and dates glued to the next sentence ("on Thursday, February 24 Faced with the army").
A capital is only suspicious on a word English writes in lower case, so a candidate must be:
Titlecase, not the first word of a sentence, quote, bracket or colon clause; frequent as a common
word (wordfreq Zipf frequency, Speer et al. 2018); not a conventionally capitalised word
(``capitalised.txt``: days, months, demonyms, titles); not next to another capitalised word (a
multi-word name such as "Sea of Azov" or "Bohdana Khmelnytskoho Avenue"); not capitalised elsewhere
in the article in running text (a name the article uses consistently); not a known place or person
(the transliteration gazetteer, when installed); and not on a headline-like line. In a
conversational article (a blog, review or how-to: ``ArticleContext.conversational``) a capital is
weaker evidence: lists, table rows and headings flattened into running text leave the same capitals
("explore You return with answers"). On WCXB tune-half sites 17 of the 18 warnings were in such
articles. The cost: on WMT22 uk-en the function-word warning fires more on the human references than
on MT output (0.20 vs 0.10 per 1,000 words), so little MT evidence is lost with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources

from detector.article import Document, Span
from detector.mt.context import ArticleContext, Hit, Word, sentences_by_line

#: Closed-class words: a capital on one of these mid-sentence is almost never a name.
FUNCTION_WORDS = frozenset(
    """a an another the this that these those some any each every all both either neither none other
    such at in on of to for from by with within without into onto upon over under above below between
    among through during before after since until against about around across along behind beyond near
    toward towards and or but nor so yet because although though while whereas if unless whether than
    as it its he him his she her they them their we us our you your who whom whose which what where when
    why how is are was were be been being has have had do does did can could would shall should might
    must not also very just only even still already there then""".split()
)
#: Subjects and openers that start a new clause after a comma splice ("..., You want it straight"):
#: weaker evidence there (info) than a preposition or determiner would be ("the tank, At the exit").
CLAUSE_OPENERS = frozenset("you this it these those they we he she there if".split())
#: Words that join the parts of a multi-word name ("Sea of Azov", "Rostov-on-Don", "Bank of America").
NAME_JOINERS = frozenset("of de da del della di du la le von van der den al el bin ibn and or for the on upon y".split())
#: Small words inside a title-case title ("How to Live Stream on Facebook", "Gone with the Wind");
#: not "a" or "by", which follow verbs and nouns in running text ("Throw a Molotov cocktail").
TITLE_SMALL = NAME_JOINERS | frozenset(("to", "with"))
MONTHS = ("January February March April May June July August September October November December "
          "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
#: "... February 24 Faced", "... March 1st Verification", "... 1 March Prices", "... May 2021 Prices": a
#: date, then a capitalised word, then a lower-case word. A bare year is left out: "the 2025 Report",
#: "the Winter 2025 Release" are titles.
_DATE_BEFORE = re.compile(
    r"(?:\b(?:" + "|".join(MONTHS) + r")\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d\d)"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(MONTHS) + r"))\s+$"
)
_TITLECASE = re.compile(r"[A-Z][a-z]+(?:['’][a-z]+)?")
_CLAUSE_START = set(":;()[]{}“‘«\"'—–•|/*#>")
#: Words after which a capital starts a direct question or a name: "ask, What are...", "brother Albert".
_OPENING_WORDS = frozenset("ask asks asked asking wonder wonders wondered brother sister uncle aunt mom dad father mother".split())


@lru_cache(maxsize=1)
def conventionally_capitalised() -> frozenset[str]:
    text = resources.files("detector.mt").joinpath("capitalised.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def find_capitals(
    doc: Document,
    ctx: ArticleContext,
    zipf: Callable[[str], float],
    is_known_name: Callable[[str], bool] = lambda _w: False,
    min_zipf: float = 3.5,
    min_zipf_common: float = 4.0,
) -> Iterator[Hit]:
    """Hits of kind "function-word", "common-word" (MidSentenceCapital) or "date-break"."""
    capitalised = conventionally_capitalised()
    text = doc.text
    for line, sentences in sentences_by_line(doc):
        if _headline_like(ctx, line):
            continue
        for sentence in sentences:
            words = ctx.words_in(sentence)
            first = _first_word(words)
            for i, w in enumerate(words):
                if i <= first or not _TITLECASE.fullmatch(w.text):
                    continue
                lw = w.text.lower()
                if lw in capitalised or not _running_text(text, words, i) or _in_name(words, i):
                    continue
                if _short_quote(ctx, w.start, text):
                    continue
                function_word = lw in FUNCTION_WORDS
                # The article capitalises it elsewhere in running text, or a gazetteer knows it: a name.
                name = not function_word and (ctx.running_capitals[w.text] > 1 or is_known_name(w.text))
                date = _DATE_BEFORE.search(text, max(sentence.start, w.start - 30), w.start)
                following = words[i + 1].text if i + 1 < len(words) else ""
                if date and following[:1].islower():
                    if not name and zipf(lw) >= min_zipf:
                        yield _date_break(text, date.start(), w)
                    continue
                if name or zipf(lw) < (min_zipf if function_word else min_zipf_common):
                    continue
                kind = "function-word" if function_word else "common-word"
                if function_word and lw in CLAUSE_OPENERS and text[words[i - 1].end:w.start].strip() == ",":
                    kind = "common-word"  # "carefully, You want": a comma splice, native as often as MT
                elif function_word and ctx.conversational:
                    kind = "conversational"  # a how-to's flattened list or heading ("past talks This helps")
                yield Hit(
                    w.start, w.end,
                    f"'{w.text}' is capitalised in the middle of a sentence but is a common word, not a name"
                    " (a machine-translation or sentence-joining slip).",
                    suggestion=lw,
                    confidence=0.9 if function_word else 0.6,
                    kind=kind,
                    data={"word": w.text, "zipf": round(zipf(lw), 2), "lowercase_in_article": lw in ctx.lowercase_forms},
                )


def _date_break(text: str, start: int, w: Word) -> Hit:
    return Hit(
        start, w.end,
        f"'{text[start:w.end]}': a date runs into a new sentence starting with '{w.text}' (a missing full stop).",
        suggestion=f"{text[start:w.start].rstrip()}. {w.text}",
        kind="date-break",
        data={"word": w.text},
    )


def _running_text(text: str, words: list[Word], i: int) -> bool:
    """Not the start of a clause: no bracket, quote, colon, dash or missed sentence end before it,
    and no verb that opens a direct question or a name ("ask, What...", "brother Albert")."""
    gap = text[words[i - 1].end:words[i].start]
    if any(c in _CLAUSE_START for c in gap) or _after_sentence_end(gap) or " - " in f" {gap} ":
        return False
    if _FOOTNOTE_BEFORE.search(text, max(0, words[i].start - 6), words[i].start):
        return False  # "...as of mid-October.1 As income tax season...": a footnote mark ends the sentence
    return words[i - 1].text.lower() not in _OPENING_WORDS


def _after_sentence_end(gap: str) -> bool:
    """A sentence end the splitter missed ("stationed.As", "said. Then")."""
    return any(c in ".!?…" for c in gap)


_FOOTNOTE_BEFORE = re.compile(r"[.!?]\d{1,2}\s+$")


def _in_name(words: list[Word], i: int) -> bool:
    """Part of a run of capitalised words, possibly joined by "of", "de", "on"..."""
    def cap(j: int) -> bool:
        if i < j < len(words) - 1 and words[j].text.isdigit():  # "The 2025 Sprout Social Index"
            j += 1
        return 0 <= j < len(words) and words[j].text[:1].isupper()

    if (i > 1 and cap(i - 1)) or cap(i + 1):
        return True
    if i > 1 and words[i - 1].text in NAME_JOINERS and cap(i - 2) and i - 2 > 0:
        return True
    j = i + 1
    while j < len(words) and j <= i + 2 and words[j].text in TITLE_SMALL:
        j += 1
    return j > i + 1 and cap(j)


def _first_word(words: list[Word]) -> int:
    """Index of a sentence's first word after list and footnote markers ("1 In 2025", "⁰ Those", "(b) The")."""
    i = 0
    while i < len(words) - 1 and (not words[i].text.isalpha() or (len(words[i].text) == 1 and words[i].text.islower())):
        i += 1
    return i


def _short_quote(ctx: ArticleContext, offset: int, text: str) -> bool:
    """Inside a quote of a few words (a slogan, a name: "the “Z” symbol") or a title-case quote (a
    headline cited in the text: "“Bluetooth Headphones Don’t Always Play Nice. Here’s Why.”")."""
    q = ctx.quote_at(offset)
    if q is None:
        return False
    words = text[q[0]:q[1]].split()
    if len(words) <= 8:
        return True
    long = [w.strip("“”\"'") for w in words if len(w.strip("“”\"'.,:;!?")) > 3]
    return bool(long) and sum(w[:1].isupper() for w in long) >= 0.6 * len(long)


def _headline_like(ctx: ArticleContext, line: Span) -> bool:
    """A title-case line (a headline or heading): most of its longer words are capitalised."""
    words = [w.text for w in ctx.words_in(line) if len(w.text) > 3]
    if not words:
        return True
    caps = sum(w[:1].isupper() for w in words)
    return caps / len(words) >= 0.5 or (len(words) <= 8 and line.text[-1:] not in ".!?\"”")
