"""Language checks: articles detector cannot judge, and sentences left in another language."""

from __future__ import annotations

import re
from typing import Iterator

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Rule
from detector.findings import Category, Finding, Severity
from detector.language import detect_languages, english_share, script_of

UNSUPPORTED = Rule(
    id="Language.Unsupported",
    category=Category.LANGUAGE,
    severity=Severity.INFO,
    summary="The article is not in English; English-only checks were skipped.",
    doc=(
        "detector's date, transliteration, boilerplate and machine-translation checks are written "
        "for English text. When langdetect (seeded, so deterministic) finds another main language, "
        "the article gets this one finding on its first line and only language-independent checks "
        "run. It lowers nothing in the score by itself; it says the score is based on less evidence."
    ),
)
FOREIGN_SEGMENT = Rule(
    id="Language.ForeignSegment",
    category=Category.LANGUAGE,
    severity=Severity.WARNING,
    summary="A whole sentence in another language inside an English article.",
    doc=(
        "Machine-translated republications sometimes leave a sentence untranslated (a quote, a "
        "caption, a source-language paragraph). A sentence is flagged when it is long enough "
        "(default 6+ words and 40+ characters) and either written mostly in a non-Latin script, or "
        "in Latin script with almost no English function words and langdetect at least 95% sure of "
        "another language. Names, headlines (mostly capitalised words) and short quotes are skipped. "
        "Single words left untranslated are `MT.Untranslated`."
    ),
)

LANGUAGE_NAMES = {
    "uk": "Ukrainian", "ru": "Russian", "be": "Belarusian", "pl": "Polish", "fr": "French",
    "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "ro": "Romanian", "tr": "Turkish", "cs": "Czech", "sk": "Slovak", "bg": "Bulgarian",
    "hu": "Hungarian", "zh-cn": "Chinese", "zh-tw": "Chinese", "ja": "Japanese", "ar": "Arabic",
    "ca": "Catalan", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@register
class LanguageCheck(Check):
    """Flags non-English articles and foreign-language sentences in English ones."""

    name = "language"
    rules = (UNSUPPORTED, FOREIGN_SEGMENT)
    english_only = False
    defaults = {"min_words": 6, "min_chars": 40, "min_probability": 0.95, "max_english_share": 0.08}

    def check(self, doc: Document) -> Iterator[Finding]:
        if doc.language not in (None, "en"):
            first = doc.lines[0] if doc.lines else doc.span(0, 0)
            yield UNSUPPORTED.finding(
                doc,
                first.start,
                first.end,
                f"The article is in {language_name(doc.language)}, not English: "
                "only language-independent checks ran.",
                data={"language": doc.language},
            )
            return
        for sentence in doc.sentences:
            found = self._foreign(doc, sentence.text)
            if found:
                lang, prob = found
                start, end = _script_run(sentence.text)
                yield FOREIGN_SEGMENT.finding(
                    doc,
                    sentence.start + start,
                    sentence.start + end,
                    f"This passage is in {language_name(lang)}, not English (left untranslated).",
                    confidence=prob,
                    data={"language": lang},
                )

    def _foreign(self, doc: Document, sentence: str) -> tuple[str, float] | None:
        s = self.settings
        words = _ALPHA.findall(sentence)
        if len(words) < s["min_words"] or len(sentence) < s["min_chars"]:
            return None
        script = script_of(sentence)
        if script == "none":
            return None
        if script == "latin" and (
            english_share(sentence) > s["max_english_share"] or not self._latin_candidate(sentence, words)
        ):
            return None
        candidates = detect_languages(sentence)
        if not candidates:
            return None
        lang, prob = candidates[0]
        if lang == "en":
            return None
        if script == "latin" and (prob < s["min_probability"] or _favoured_share(words, lang) < 0.5):
            return None
        return lang, prob

    def _latin_candidate(self, sentence: str, words: list[str]) -> bool:
        """Cheap filters before langdetect, which is unreliable on short English fragments."""
        tokens = sentence.split()
        if len(words) / max(len(tokens), 1) < 0.7:
            return False  # code, tables, measurements
        capitalised = sum(w[:1].isupper() for w in words)
        if capitalised / len(words) > 0.5:
            return False  # a headline, a list of names, a title
        return _english_word_share(words) < 0.5


_ALPHA = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, lang)
    except LookupError:
        return 0.0


def _english_word_share(words: list[str]) -> float:
    """Share of words common in English (Zipf ≥ 3, i.e. at least once per million words)."""
    return sum(_zipf(w.lower(), "en") >= 3.0 for w in words) / len(words)


def _favoured_share(words: list[str], lang: str) -> float:
    """Share of words clearly more frequent in ``lang`` than in English (wordfreq Zipf + 1).

    Confirms langdetect, which guesses confidently on short English fragments; for a language
    wordfreq does not know, langdetect's answer stands.
    """
    code = lang.split("-")[0]
    try:
        from wordfreq import available_languages

        if code not in available_languages():
            return 1.0
    except ImportError:
        return 1.0
    lowered = [w.lower() for w in words]
    return sum(_zipf(w, code) > _zipf(w, "en") + 1.0 for w in lowered) / len(lowered)


def _script_run(sentence: str) -> tuple[int, int]:
    """The part of a sentence written in its dominant script: a Cyrillic quote inside an English
    sentence is flagged without the English words around it."""
    script = script_of(sentence)
    if script == "latin":
        return 0, len(sentence)
    idx = [i for i, ch in enumerate(sentence) if ch.isalpha() and script_of(ch) == script]
    return idx[0], idx[-1] + 1
