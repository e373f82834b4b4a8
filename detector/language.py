"""Language identification with langdetect, made deterministic.

langdetect samples n-grams at random; seeding its factory once makes the same text always get the
same answer, which tests and stored results rely on.
"""

from __future__ import annotations

import re
import threading

_lock = threading.Lock()
_factory_ready = False

#: Frequent English function words: a sentence with none of them is unlikely to be English.
ENGLISH_FUNCTION_WORDS = frozenset(
    """the a an of to in and or but is are was were be been being has have had do does did not no
    it its this that these those he she they we you i his her their our your my me him them us
    for on at by with from as into about over after before than then so if when while which who
    whom whose what where why how will would can could should may might must shall there here
    also just only very more most some any all each both such up out off said says""".split()
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _ensure_factory() -> None:
    global _factory_ready
    if _factory_ready:
        return
    with _lock:
        if not _factory_ready:
            from langdetect import DetectorFactory

            DetectorFactory.seed = 0
            _factory_ready = True


def detect_languages(text: str) -> list[tuple[str, float]]:
    """Candidate languages with probabilities, best first; [] when nothing can be told."""
    _ensure_factory()
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    try:
        return [(c.lang, float(c.prob)) for c in detect_langs(text)]
    except LangDetectException:
        return []


def detect_language(text: str, sample_chars: int = 3000) -> str | None:
    """The article's main language (ISO 639-1), from the start of the text; None when unsure."""
    sample = text[:sample_chars]
    if len(_WORD.findall(sample)) < 8:
        return None  # too short to tell; None lets every check run
    if english_share(sample) >= 0.25:
        return "en"  # plenty of English function words: skip the slow detector
    found = detect_languages(sample)
    if not found or found[0][1] < 0.8:
        return None
    return found[0][0]


def english_share(text: str) -> float:
    """Share of words that are English function words (0 when there are no words)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words)


_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024F]")


def script_of(text: str) -> str:
    """The dominant script of the letters: latin, cyrillic, greek, arabic, cjk or other."""
    if not _NON_LATIN_LETTER.search(text):  # the common case, at C speed
        return "latin" if any(ch.isalpha() for ch in text) else "none"
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        o = ord(ch)
        if o < 0x250:
            s = "latin"
        elif 0x370 <= o < 0x400:
            s = "greek"
        elif 0x400 <= o < 0x530:
            s = "cyrillic"
        elif 0x590 <= o < 0x700:
            s = "arabic" if o >= 0x600 else "hebrew"
        elif 0x3040 <= o < 0xA000 or 0xAC00 <= o < 0xD7B0:
            s = "cjk"
        else:
            s = "other"
        counts[s] = counts.get(s, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "none"
