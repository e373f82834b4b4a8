"""``MT.Untranslated``: source-language words left in an English article.

Three kinds, each seen in machine-translated Ukrainian/Russian/French news:
- a run of Cyrillic words inside an otherwise Latin sentence ("the city council (not a gloss) said
  that окупанти left"), or one word mixing Latin and Cyrillic letters ("Кyiv": a homoglyph left by
  the pipeline). Whole foreign sentences are ``Language.ForeignSegment``'s; glosses in brackets and
  quoted words are mentions, not slips, and are spared;
- source-language function words in Latin script: transliterated Ukrainian/Russian ones
  ("shcho", "chto"), and French/German ones when two come together ("dans les", "und die") outside
  names ("von der Leyen") and loan phrases ("à la carte");
- a name in a Slavic case form next to its dictionary form in the same article ("Zelensky" ...
  "Zelenskoho", "Putin" ... "Putina"): the system copied the inflected source form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from detector.article import Document
from detector.language import script_of
from detector.mt.context import ArticleContext, Hit

_CYRILLIC_RUN = re.compile(r"[\u0400-\u04FF]+(?:['’ʼ-][\u0400-\u04FF]+)*(?:[\s,]+[\u0400-\u04FF]+(?:['’ʼ-][\u0400-\u04FF]+)*){0,5}")
#: One token mixing Cyrillic with Latin letters or digits: "Кyiv", "WНO", "105х195" (look-alikes).
_MIXED = re.compile(r"\b(?=\w*[A-Za-z0-9])(?=\w*[\u0400-\u04FF])\w+\b")
#: Transliterated Ukrainian and Russian function words: never English, never in names.
TRANSLIT_FUNCTION_WORDS = frozenset(
    """shcho shchob tse tsei tsia tsiu yakyi yaka yake yaki yakykh dlia dlya tezh takozh vzhe duzhe mozhe
    yoho yiyi yikh cherez pislia mizh koly todi tomu bo chto chtoby eto etot eta kotoryi kotoraya
    kotoroye kotorye ochen uzhe tozhe takzhe mozhno nado esli kogda potomu seichas sejchas tolko""".split()
)
FRENCH_FUNCTION_WORDS = frozenset("le la les des du et est dans avec pour sur qui que une aux sont pas nous vous ils cette mais très été être".split())
GERMAN_FUNCTION_WORDS = frozenset("und nicht mit ist für auch eine einer sich oder werden wird dem das der die den im zum zur vom bei auf von zu nach aus wie".split())
#: Loan phrases English writes with these words.
LOAN_PHRASES = ("à la", "de la", "la carte", "par excellence", "pour le", "c'est la", "et al", "sur le",
                "vis-à-vis", "que sera", "mise en", "fin de", "tour de", "cri de", "pièce de", "la belle",
                "la dolce", "la la", "la liga", "le mans", "die hard", "das boot", "auf wiedersehen", "zu den")
#: Slavic case endings a copied name can carry (genitive, dative, instrumental, locative).
CASE_ENDINGS = ("oho", "ogo", "omu", "ovi", "evi", "oyu", "oiu", "ym", "om", "ykh", "ikh", "a", "u", "y", "i")
_NOMINATIVE_TAILS = ("yi", "iy", "ii", "y", "i", "a", "o", "")
_WORD = re.compile(r"[^\W\d_]+")
_ANY_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
#: Every word ``_function_words`` looks at: most words of an article are none of them.
_FOREIGN_FUNCTION_WORDS = TRANSLIT_FUNCTION_WORDS | FRENCH_FUNCTION_WORDS | GERMAN_FUNCTION_WORDS
_BY_LANGUAGE = (("French", FRENCH_FUNCTION_WORDS), ("German", GERMAN_FUNCTION_WORDS))


def find_untranslated(doc: Document, ctx: ArticleContext, zipf: Callable[[str], float]) -> Iterator[Hit]:
    yield from _cyrillic(doc, ctx)
    yield from _function_words(doc, ctx)
    yield from _inflected_names(doc, ctx, zipf)


def _cyrillic(doc: Document, ctx: ArticleContext) -> Iterator[Hit]:
    text = doc.text
    if _ANY_CYRILLIC.search(text) is None:  # both patterns need a Cyrillic letter: one scan decides
        return
    mixed = [m for m in _MIXED.finditer(text) if not _in_url(text, m.start())]
    for m in mixed:
        yield Hit(m.start(), m.end(), f"'{m.group()}' mixes Cyrillic with Latin letters or digits (a look-alike "
                  "letter left from the source text).", kind="mixed-script", data={"word": m.group()})
    for m in _CYRILLIC_RUN.finditer(text):
        sentence = doc.sentence_at(m.start())
        if sentence is None or script_of(sentence.text) != "latin":
            continue  # a foreign sentence: Language.ForeignSegment
        if _glossed(text, m.start(), sentence.start) or ctx.in_quote(m.start()) or _in_url(text, m.start()):
            continue
        if any(m.start() < x.end() and x.start() < m.end() for x in mixed):
            continue
        yield Hit(m.start(), m.end(), f"'{m.group()}' is left in Cyrillic inside an English sentence "
                  "(untranslated).", kind="cyrillic", data={"words": m.group()})


def _in_url(text: str, offset: int) -> bool:
    """Part of a web address ("https://премияарсеньева.рф/"): not prose."""
    start = offset
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = text.find(" ", offset)
    token = text[start:end if end >= 0 else len(text)]
    return "://" in token or token.startswith("www.") or "@" in token


def _glossed(text: str, start: int, floor: int) -> bool:
    """Inside brackets: "Kyiv (Київ)" is a gloss, not an untranslated word."""
    opened = text.rfind("(", floor, start)
    return opened >= 0 and text.find(")", opened, start) < 0


def _function_words(doc: Document, ctx: ArticleContext) -> Iterator[Hit]:
    text = doc.text
    words = list(_WORD.finditer(text))
    lowered = text.lower()
    for i, w in enumerate(map(re.Match.group, words)):
        if w not in _FOREIGN_FUNCTION_WORDS:
            continue
        m = words[i]
        if w in TRANSLIT_FUNCTION_WORDS and not ctx.in_quote(m.start()):
            yield Hit(m.start(), m.end(), f"'{w}' is a transliterated Ukrainian/Russian word, left untranslated.",
                      kind="translit-word", data={"word": w})
            continue
        for lang, vocab in _BY_LANGUAGE:
            if w not in vocab or i + 1 >= len(words):
                continue
            nxt = words[i + 1]
            if nxt.group() not in vocab or text[m.end():nxt.start()].strip() not in ("", "'", "’"):
                continue
            if i > 0 and words[i - 1].group() in vocab:
                continue  # reported once, from the first word of the run
            after = words[i + 2].group() if i + 2 < len(words) else ""
            before = words[i - 1].group() if i > 0 else ""
            if after[:1].isupper() or before[:1].isupper() and after[:1].isupper():
                continue  # a name particle: "von der Leyen", "Place de la Concorde"
            phrase = lowered[m.start():nxt.end()]
            if any(p in lowered[max(0, m.start() - 12):nxt.end() + 12] for p in LOAN_PHRASES if phrase in p or p in phrase):
                continue
            if ctx.in_quote(m.start()):
                continue
            yield Hit(m.start(), nxt.end(), f"'{text[m.start():nxt.end()]}': {lang} words left untranslated.",
                      kind="foreign-words", data={"language": lang})
            break


def _inflected_names(doc: Document, ctx: ArticleContext, zipf: Callable[[str], float]) -> Iterator[Hit]:
    names = {w for w, n in ctx.running_capitals.items() if len(w) >= 4}
    if not names:
        return
    stems: dict[str, list[str]] = {}
    for name in names:
        for tail in _NOMINATIVE_TAILS:
            if name.endswith(tail) and len(name) - len(tail) >= 4:
                stems.setdefault(name[: len(name) - len(tail)], []).append(name)
    seen: set[str] = set()
    for w in ctx.words:
        word = w.text
        if not word[:1].isupper() or word in names and ctx.running_capitals[word] > 1 or word in seen:
            continue
        if zipf(word.lower()) >= 2.5:
            continue  # an English word in its own right: "Germany" beside "German", "Israeli"
        for ending in CASE_ENDINGS:
            if not word.endswith(ending) or len(word) - len(ending) < 4:
                continue
            bases = [n for n in stems.get(word[: -len(ending)], ()) if n != word]
            if not bases:
                continue
            base = max(bases, key=lambda n: ctx.running_capitals[n])
            # single-letter endings only on consonant-final bases ("Putin" -> "Putina"), so that
            # "Maria"/"Marie" or "Petro"/"Petra" are never taken for case forms
            if len(ending) == 1 and base[-1] in "aeiouy":
                continue
            if ctx.running_capitals[base] < 2 or ctx.running_capitals[base] <= ctx.running_capitals[word]:
                continue
            seen.add(word)
            yield Hit(w.start, w.end, f"'{word}' looks like a Slavic case form of '{base}', which the article "
                      "uses elsewhere: the translation copied the inflected source form.", suggestion=base,
                      kind="inflected-name", data={"word": word, "name": base})
            break
