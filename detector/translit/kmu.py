"""Romanization of Ukrainian (KMU 2010) and of Russian (the forms English news used to print).

Ukrainian follows Cabinet of Ministers of Ukraine resolution No. 55 of 27 January 2010 ("KMU 2010",
also the UNGEGN-adopted national system): є ї й ю я are ye yi y yu ya at the start of a word and
ie i i iu ia elsewhere, зг is zgh, the soft sign and the apostrophe are dropped. The table matches
``translitua.UkrainianKMU`` (the tests cross-check the two).

Russian uses a simplified BGN/PCGN table, the system behind the legacy exonyms this package flags
(Kharkov, Zaporozhye, Nikolayev, Krivoy Rog). ``russian_forms`` returns the two renderings that
actually circulate: "ye" after vowels (Nikolayev) and plain "e" (Nikolaev).
"""

from __future__ import annotations

import re

_UK = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian letters, for reading a Ukrainian spelling "the Russian way" (Kirovohrad -> Kirovograd)
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
_RU_VOWELS = set("аеёиоуыэюяіїєъь")

APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
_WORD = re.compile(r"[\w" + APOSTROPHES + r"]+")


def _translate_word(word: str, table: dict[str, str], initial: dict[str, str], ye_after_vowel: bool) -> str:
    letters = [c for c in word if c not in APOSTROPHES]
    out = []
    for i, ch in enumerate(letters):
        low = ch.lower()
        prev = letters[i - 1].lower() if i else ""
        if low == "г" and prev == "з" and table is _UK:
            rom = "gh"  # зг -> zgh, so it is not read as the digraph zh
        elif i == 0 and low in initial:
            rom = initial[low]
        elif ye_after_vowel and low == "е" and prev in _RU_VOWELS:
            rom = "ye"
        else:
            rom = table.get(low, ch)
        out.append(rom[:1].upper() + rom[1:] if ch.isupper() else rom)
    return "".join(out)


def _translate(text: str, table: dict[str, str], initial: dict[str, str], ye_after_vowel: bool = False) -> str:
    def word(m: re.Match[str]) -> str:
        w = m.group()
        res = _translate_word(w, table, initial, ye_after_vowel)
        return res.upper() if sum(c.isalpha() for c in w) > 1 and w.isupper() else res

    return _WORD.sub(word, text)


def kmu(text: str) -> str:
    """Ukrainian Cyrillic -> Latin by KMU 2010: "Куп'янськ" -> "Kupiansk"."""
    return _translate(text, _UK, _UK_INITIAL)


def russian(text: str, ye: bool = True) -> str:
    """Russian Cyrillic -> Latin (simplified BGN/PCGN): "Харьков" -> "Kharkov"."""
    initial = {"е": "ye", "ё": "yo"} if ye else {}
    return _translate(text, _RU, initial, ye_after_vowel=ye)


def russian_forms(text: str) -> list[str]:
    """The Russian-derived spellings in circulation: with "ye" (Nikolayev) and plain "e" (Nikolaev);
    ё also as "e", since Russian print rarely marks it (Артёмовск -> Artemovsk)."""
    out: list[str] = []
    for src in (text, text.replace("ё", "е").replace("Ё", "Е")):
        for ye in (True, False):
            form = russian(src, ye=ye)
            if form not in out:
                out.append(form)
    return out


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)
