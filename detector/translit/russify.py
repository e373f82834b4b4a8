"""Guess the Russian spelling of a Ukrainian place name, for places GeoNames gives no Russian name.

Soviet-era Russian names differ from the Ukrainian ones by a handful of regular correspondences
(Ukrainian orthography vs Russian; see Wikipedia, "Ukrainian alphabet" and "Ikavism"):

- ikavism: Ukrainian і in a closed syllable is Russian о or е (Фастів / Фастов, Білопілля / Белополье);
- neuter adjectives end in -е in Ukrainian, -ое or -о in Russian (Аграрне / Аграрное,
  Апостолове / Апостолово);
- plural adjectives -і are Russian -ые / -ие (Нові Санжари / Новые Санжары);
- soft doubled consonants before я are Russian -ье (Білопілля / Белополье, Привілля / Приволье);
- feminine adjectives -а are Russian -ая (Лозова / Лозовая), -иця is -ица (Тисмениця / Тысменица);
- a few stems differ (чорн / черн, вовч / волч, жовт / желт: Чорноморськ / Черноморск);
- є, ї, ґ and the apostrophe have Russian counterparts (є / е, ї / и or е, ґ / г, м'я / ме).

The guesses are romanized with ``kmu.russian_forms`` into Russian-derived variants. They are guesses:
a few are not the real Russian name, which costs nothing unless someone writes exactly that form.
"""

from __future__ import annotations

import itertools
import re

#: At most this many guesses per name (three ambiguous і give 27).
MAX_GUESSES = 27

_ENDINGS = [
    (re.compile(r"(?<=[бвгґджзклмнпрстфхцчшщ])е$"), ("ое", "о")),
    (re.compile(r"ів$"), ("ов", "ев")),
    (re.compile(r"іль$"), ("оль",)),
    (re.compile(r"(?<=[вднлкт])а$"), ("ая",)),  # feminine adjectives: Нова / Новая, Лозова / Лозовая
    (re.compile(r"иця$"), ("ица",)),  # Тисмениця / Тысменица
]
_STEMS = [("чорн", "черн"), ("вовч", "волч"), ("жовт", "желт")]
_DOUBLED_SOFT = re.compile(r"([лнтсдрчшж])\1я$")
_PLURAL_ADJ = re.compile(r"(?<=[нвдкрт])і$")


def _word_guesses(word: str) -> list[str]:
    bases = [word]
    m = _DOUBLED_SOFT.search(word)
    if m:
        bases.append(word[: m.start()] + m.group(1) + "ье")
    if _PLURAL_ADJ.search(word):
        bases += [word[:-1] + "ые", word[:-1] + "ие"]
    out: list[str] = []
    for base in bases:
        for pattern, repl in _ENDINGS:
            if pattern.search(base):
                out += [pattern.sub(r, base) for r in repl]
        out.append(base)
    return out


def _letters(word: str) -> list[str]:
    """Expand the letter correspondences: і -> и/о/е, and the fixed ones."""
    word = re.sub(r"['’ʼ]я", "е", word)
    word = word.replace("є", "е").replace("ґ", "г").replace("ьо", "е")
    for uk, ru in _STEMS:
        word = word.replace(uk, ru)
    slots = [("и", "о", "е") if c == "і" else ("и", "е") if c == "ї" else (c,) for c in word]
    return ["".join(p) for p in itertools.islice(itertools.product(*slots), MAX_GUESSES)]


def russified(name: str) -> list[str]:
    """Plausible Russian spellings of the Ukrainian name ``name`` (lower case), best-effort."""
    words = name.lower().split()
    per_word = []
    for w in words:
        parts = [g for base in _word_guesses(w) for g in _letters(base)]
        per_word.append(list(dict.fromkeys(parts))[:MAX_GUESSES])
    combos = itertools.islice(itertools.product(*per_word), MAX_GUESSES)
    return list(dict.fromkeys(" ".join(c) for c in combos))
