"""Guess the Russian spelling of a Ukrainian place name, for settlements GeoNames gives no Russian name.

Soviet-era Russian names differ from the Ukrainian ones by a handful of regular correspondences
(Ukrainian orthography vs Russian; see Wikipedia, "Ukrainian alphabet" and "Ikavism"):

- ikavism: Ukrainian і in a closed syllable is Russian о or е (Фастів / Фастов, Михайлівка /
  Михайловка, Новозарівка / Новозаревка); elsewhere і is и or е (Біла / Белая);
- neuter adjectives end in -е in Ukrainian, -ое or -о in Russian (Глазове / Глазовое,
  Апостолове / Апостолово), -че in -чье (Лисиче / Лисичье);
- masculine adjectives -ий are -ый, -ий or (stressed) -ой (Кривий Ріг / Кривой Рог);
- plural adjectives -і are Russian -ые / -ие (Нові Санжари / Новые Санжары);
- soft doubled consonants before я are Russian -ье (Білопілля / Белополье, Привілля / Приволье);
- feminine adjectives -а, -я are Russian -ая, -яя (Лозова / Лозовая, Верхня / Верхняя);
- є, ї, ґ and the apostrophe have Russian counterparts (є / е, ї / и or е, ґ / г, м'я / ме);
- some words are translated, not transcribed: ``TRANSLATED`` (Червона Слобода / Красная Слобода,
  Вовчий Яр / Волчий Яр, Першотравневе / Первомайское, Олександрівка / Александровка).

The guesses are romanized with ``kmu.russian_forms`` into Russian-derived variants. They are guesses:
the build keeps only their folding keys, and only those that name no other settlement in the
register (``build_gazetteer``), so a wrong guess costs nothing unless someone writes exactly it.
"""

from __future__ import annotations

import itertools
import re

#: At most this many guesses per word and per name.
MAX_GUESSES = 27

#: Ukrainian stems of names that Russian translates (or spells with another root), as
#: (Ukrainian, Russian) prefixes of a word or of a compound's part. Both spellings are guessed.
#: Sources: the Russian names of KATOTTG settlements in GeoNames; Wikipedia, "Decommunization in
#: Ukraine" (the 2016 renames list both names).
TRANSLATED = [
    ("червоно", "красно"), ("червон", "красн"), ("велико", "больше"), ("велик", "больш"),
    ("чорно", "черно"), ("чорн", "черн"), ("вовч", "волч"), ("вовк", "волк"), ("жовтнев", "октябрьск"),
    ("жовт", "желт"), ("першотравнев", "первомайск"), ("першотравн", "первомайск"), ("перш", "перв"),
    ("травнев", "майск"), ("гірник", "горняк"), ("шахтар", "шахтер"), ("південн", "южн"),
    ("північн", "северн"), ("східн", "восточн"), ("західн", "западн"), ("зоря", "заря"), ("зорян", "зарян"),
    ("перемог", "побед"), ("глибок", "глубок"), ("високо", "высоко"), ("сонячн", "солнечн"),
    ("піщан", "песчан"), ("щаслив", "счастлив"), ("ведмеж", "медвеж"), ("вільш", "ольш"), ("вільх", "ольх"),
    ("олекс", "алекс"), ("олен", "елен"), ("микол", "никол"), ("пилип", "филипп"), ("ганн", "анн"),
    ("панас", "афанас"), ("омелян", "емельян"), ("охрім", "ефрем"), ("яблун", "яблон"), ("горіх", "орех"),
    ("під", "под"), ("польов", "полев"), ("середн", "средн"), ("новосел", "новосел"), ("дніпр", "днепр"),
    ("дністр", "днестр"), ("кам'ян", "камен"), ("кам’ян", "камен"), ("руд", "руд"), ("вишн", "вишн"),
    ("юр'ї", "юрье"), ("юр’ї", "юрье"), ("григор", "григорь"), ("василі", "василье"), ("іллі", "ильи"),
    ("пошт", "почт"), ("костянтин", "константин"), ("слов'ян", "славян"), ("слов’ян", "славян"),
]
#: Compound heads after which a translated stem may follow (Старокостянтинів / Староконстантинов).
_COMPOUND_HEADS = ("старо", "ново", "велико", "мало", "верхньо", "нижньо", "біло", "чорно")
_TRANSLATED = sorted(TRANSLATED, key=lambda p: -len(p[0]))

_ENDINGS = [
    (re.compile(r"ічн(е|а|ий|і)$"), ("ическое", "ическая", "ический", "ические")),  # Ботанічне / Ботаническое
    (re.compile(r"(?<=[нжлтд])є$"), ("ее", "ое")),  # Верхнє / Верхнее, Придорожнє / Придорожное
    (re.compile(r"(?<=[чжшщ])е$"), ("ье", "ое")),  # Лисиче / Лисичье
    (re.compile(r"(?<=[бвгґджзклмнпрстфхц])е$"), ("ое", "о")),
    (re.compile(r"ів$"), ("ов", "ев")),
    (re.compile(r"іль$"), ("оль",)),
    (re.compile(r"(?<=[вднлктрзсх])ий$"), ("ый", "ой")),  # Кривий / Кривой, Сухий / Сухой
    (re.compile(r"ій$"), ("ий",)),
    # feminine adjectives (Нова / Новая, Лозова / Лозовая, Велика / Великая), not nouns in -вка, -да
    (re.compile(r"(?:(?<=[лн])|(?<=[оеиі]в)|(?<=ськ|цьк|зьк)|(?<=[иоі]к)|(?<=стар)|(?<=[ух]х)|(?<=больш))а$"), ("ая",)),
    (re.compile(r"(?<=[н])я$"), ("яя",)),  # Верхня / Верхняя
    (re.compile(r"иця$"), ("ица",)),  # Тисмениця / Тысменица
]
_DOUBLED_SOFT = re.compile(r"([лнтсдрчшжц])\1я$")
_PLURAL_ADJ = re.compile(r"(?<=[нвдкрт])і$")
_CONSONANT = set("бвгґджзйклмнпрстфхцчшщь")


def _translations(word: str) -> list[str]:
    """The word as written and with a translated stem (each part of a hyphenated compound)."""
    out = [word]
    head = next((h for h in _COMPOUND_HEADS if word.startswith(h) and len(word) > len(h) + 3), "")
    for start in dict.fromkeys((0, len(head))):
        for uk, ru in _TRANSLATED:
            if word.startswith(uk, start):
                out.append(word[:start] + ru + word[start + len(uk):])
                break
    return out


def _word_guesses(word: str) -> list[str]:
    bases: list[str] = []
    for w in _translations(word):
        bases.append(w)
        m = _DOUBLED_SOFT.search(w)
        if m:
            bases.append(w[: m.start()] + m.group(1) + "ье")
        if _PLURAL_ADJ.search(w):
            bases += [w[:-1] + "ые", w[:-1] + "ие"]
    out: list[str] = []
    for base in bases:
        for pattern, repl in _ENDINGS:
            if pattern.search(base):
                out += [pattern.sub(r, base) for r in repl]
        out.append(base)
    return list(dict.fromkeys(out))


def _closed(word: str, i: int) -> bool:
    """Whether the vowel at ``i`` is in a closed syllable: a consonant follows, then a consonant or
    the end of the word (the ikavism context: Харків, Михайлівка)."""
    nxt = word[i + 1: i + 3]
    return bool(nxt) and nxt[0] in _CONSONANT and (len(nxt) == 1 or nxt[1] in _CONSONANT)


def _letters(word: str) -> list[str]:
    """Expand the letter correspondences: і -> и/е (and о, ё in a closed syllable: Вишнівка /
    Вишнёвка), the apostrophe before я (м'я / ме, р'я / рья), and the fixed ones."""
    out: list[str] = []
    for w in dict.fromkeys((re.sub(r"['’ʼ]я", "е", word), re.sub(r"['’ʼ]я", "ья", word))):
        w = re.sub(r"['’ʼ]ї", "ье", w)
        w = w.replace("є", "е").replace("ґ", "г").replace("ьо", "е")
        slots = [(("е", "о", "ё", "и") if _closed(w, i) else ("и", "е")) if c == "і" else ("и", "е") if c == "ї"
                 else (c,) for i, c in enumerate(w)]
        out += ["".join(p) for p in itertools.islice(itertools.product(*slots), MAX_GUESSES)]
    return out


def russified(name: str) -> list[str]:
    """Plausible Russian spellings of the Ukrainian name ``name`` (lower case), best-effort."""
    words = name.lower().split()
    per_word = []
    for w in words:
        parts = [g for base in _word_guesses(w) for g in _letters(base)]
        per_word.append(list(dict.fromkeys(parts))[:MAX_GUESSES])
    combos = itertools.islice(itertools.product(*per_word), MAX_GUESSES * 2)
    return list(dict.fromkeys(" ".join(c) for c in combos))
