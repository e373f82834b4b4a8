"""People: first-name equivalents and the rule for when two surname spellings are one person.

A person's name varies in three ways in translated news: the first name is rendered from Russian
(Dmitry for Dmytro), the surname is romanized differently (Zhyvytsky, Zhyvytskyi), and either is
mistyped (Volodymr, Shmyhla). Name tokens merge when their person keys (the folding key with ph/f
and th/t joined: Raphael/Rafael, Anthony/Antony) are equal, or within an edit budget that grows with
length (issue 17): one edit (a transposition counts as one) at 6+ letters, two at 10+; short
names (Ivan/Ivana) never merge fuzzily. Gendered pairs (Zelensky/Zelenska, Ivanov/Ivanova) are
different people.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from detector.translit.gazetteer import VARIANTS, Entity, Gazetteer, Match
from detector.translit.keys import fold_key, normalize_form

#: Ukrainian first name (KMU 2010 or the established spelling) : Russian-derived forms | legacy or
#: ad-hoc romanizations. Sources: SpellingUkraine personal names (MIT) and the pairs in the
#: Wikipedia article "Romanization of Ukrainian"; the build adds SpellingUkraine's entries.
_FIRST_NAMES = """
Dmytro: Dmitry Dmitriy Dmitri Dmitrii | Dmytryi
Volodymyr: Vladimir Wladimir | Volodimir Wolodymyr
Oleksandr: Aleksandr Alexander Alexandr Aleksander | Oleksander Olexandr
Oleksii: Aleksei Alexei Alexey Aleksey Alexei | Oleksiy Oleksij Olexiy
Andrii: Andrei Andrey | Andriy Andrij
Serhii: Sergei Sergey Sergiy | Serhiy Serhij
Mykhailo: Mikhail Mihail | Mykhaylo
Mykola: Nikolai Nikolay | Mikola
Yurii: Yuri Yury Yuriy Iurii | Yuriy Yurij
Vitalii: Vitaly Vitaliy | Vitali Vitalij
Vasyl: Vasily Vasiliy Vassily | Vasil
Ihor: Igor | Ihor
Oleh: Oleg | Oleh
Hennadii: Gennady Gennadiy Gennadi | Hennadiy
Yevhen: Yevgeny Evgeny Evgeniy Yevgeniy | Yevhenii Evhen
Heorhii: Georgy Georgiy Georgi | Heorhiy
Pavlo: Pavel | Pavlo
Petro: Pyotr Petr | Petro
Mykyta: Nikita | Mikita
Kyrylo: Kirill | Kyryl
Anatolii: Anatoly Anatoliy | Anatoliy
Valerii: Valery Valeriy | Valeriy
Vadym: Vadim | Vadym
Denys: Denis | Denis
Maksym: Maxim Maksim | Maksim
Bohdan: Bogdan | Bohdan
Artem: Artyom Artiom | Artem
Borys: Boris | Boris
Arsenii: Arseny Arseniy | Arseniy
Viacheslav: Vyacheslav | Vyacheslav
Yaroslav: Yaroslav | Iaroslav
Stanislav: Stanislav | Stanislav
Kostiantyn: Konstantin | Kostyantyn Kostiantin
Valentyn: Valentin | Valentyn
Oleksandra: Aleksandra Alexandra | Olexandra
Olena: Elena Yelena Alyona Alena | Olena
Iryna: Irina | Irina
Yuliia: Yulia Yuliya Julia | Yulia Yuliya
Tetiana: Tatiana Tatyana | Tetyana
Nataliia: Natalia Natalya | Nataliya
Halyna: Galina | Halina
Liudmyla: Lyudmila Ludmila | Lyudmyla
Olha: Olga | Olga
Svitlana: Svetlana | Svetlana
Kateryna: Ekaterina Yekaterina | Katerina
Mariia: Maria Mariya | Mariya
Nadiia: Nadezhda | Nadiya
Viktoriia: Viktoria Viktoriya | Viktoriya
Liubov: Lyubov | Lyubov
Daria: Darya Daria | Dariia
Anastasiia: Anastasia Anastasiya | Anastasiya
"""


@lru_cache(maxsize=1)
def _first_name_table() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(exact form -> (Ukrainian first name, variant), fold key -> Ukrainian first name). Forms are
    matched exactly first: Valery and Valerii share a key but are different variants."""
    exact: dict[str, tuple[str, str]] = {}
    keys: dict[str, str] = {}
    for line in _FIRST_NAMES.strip().splitlines():
        name, rest = line.split(":", 1)
        russian, legacy = rest.split("|")
        for form, variant in [(f, "nonstandard") for f in legacy.split()] + [(f, "russian") for f in russian.split()]:
            exact.setdefault(normalize_form(form), (name, variant))
            keys.setdefault(fold_key(form), name)
        exact[normalize_form(name)] = (name, "standard")
        keys[fold_key(name)] = name
    return exact, keys


#: Common given names of Ukrainian and Russian speakers absent from the table above because they are
#: spelled alike in both (Ivan, Roman, Taras, Anna): enough to say "a first name follows".
_SAME_IN_BOTH = frozenset(
    fold_key(n) for n in """Ivan Roman Ruslan Taras Stepan Leonid Anton Oleg Igor Viktor Artem Semen Fedir
    Marko Bohdan Yaroslav Rostyslav Vladyslav Vladislav Ilia Illia Ilya Danylo Daniil Zakhar Tymofii Nazar
    Anna Hanna Oksana Larysa Larisa Inna Alla Nina Alina Zoia Vira Vera Inga Lesia Uliana Ulyana Khrystyna
    Kristina Marina Maryna Ruslana Diana Valentyna Valentina Yevheniia Evgenia Polina Sofiia Sofia Lilia
    Liliia Emine Mustafa Rustem Refat Akhtem Eduard Arsen Tymur Timur Gleb Hlib Lev Yakiv Yakov Mikhail""".split()
)

_FEMININE = re.compile(r"(aia|ia|a)$")


def first_name(token: str) -> tuple[str, str] | None:
    """(Ukrainian first name, variant) for a first-name token; ("", "unknown") for a given name
    spelled alike in Ukrainian and Russian; None when ``token`` is not a known first name."""
    exact, keys = _first_name_table()
    hit = exact.get(normalize_form(token))
    if hit:
        return hit
    key = fold_key(token)
    if key in keys:
        return keys[key], "nonstandard"  # an unlisted romanization (Vitaliy for Vitalii)
    return ("", "unknown") if key in _SAME_IN_BOTH else None


@lru_cache(maxsize=1)
def _person_keys() -> list[tuple[str, str]]:
    return [(person_key(k), name) for k, name in _first_name_table()[1].items()]


@lru_cache(maxsize=16384)
def fuzzy_first_name(token: str) -> tuple[str, str] | None:
    """``first_name``, or a typo of a listed first name within ``edit_budget`` (Volodymr,
    Oleksnadr), read as a non-standard spelling of it. For a name asked about on its own: running
    text uses ``first_name`` alone."""
    hit = first_name(token)
    if hit is not None:
        return hit
    key = person_key(token)
    budget = edit_budget(len(key))
    if not budget:
        return None
    close = {name for k, name in _person_keys() if OSA.distance(key, k, score_cutoff=budget) <= budget}
    return (close.pop(), "nonstandard") if len(close) == 1 else None


def same_first_name(a: str, b: str) -> bool:
    ha, hb = fuzzy_first_name(a), fuzzy_first_name(b)
    if ha and hb and ha[0] and ha[0] == hb[0]:
        return True
    return not (ha and ha[0] and hb and hb[0]) and _close(person_key(a), person_key(b))


def person_key(token: str) -> str:
    """The folding key with the Latin spellings of Greek and Hebrew names joined (ph/f, th/t)."""
    return fold_key(token).replace(" ", "").replace("ph", "f").replace("th", "t")


def edit_budget(length: int) -> int:
    """Edits (insertions, deletions, substitutions, transpositions) tolerated in a name this long."""
    return 0 if length < 6 else 1 if length < 10 else 2


def _close(ka: str, kb: str) -> bool:
    """Equal keys, or within the edit budget of the shorter."""
    if ka == kb:
        return True
    budget = edit_budget(min(len(ka), len(kb)))
    return bool(budget) and OSA.distance(ka, kb, score_cutoff=budget) <= budget


def _gendered_pair(a: str, b: str) -> bool:
    """Zelensky/Zelenska, Ivanov/Ivanova (folded keys): one ends in a feminine -a/-aia/-ia and
    both share the stem once the masculine -i is dropped."""
    fem = [k for k in (a, b) if k.endswith("a")]
    if len(fem) != 1:
        return False
    masc = b if fem[0] == a else a
    return _FEMININE.sub("", fem[0]) == re.sub("i$", "", masc)


def same_token(a: str, b: str) -> bool:
    """The merge rule for two name tokens (keys compared, so Zhyvytsky == Zhyvytskyi; typos within
    ``edit_budget``)."""
    ka, kb = person_key(a), person_key(b)
    if ka == kb:
        return True
    if _gendered_pair(ka, kb):
        return False
    return _close(ka, kb)


def split_name(name: str, fuzzy: bool = False) -> tuple[str | None, str]:
    """("Dmytro", "Zhyvytsky") for "Dmytro Zhyvytsky"; (None, "Zhyvytsky") for a lone surname.
    ``fuzzy``: a mistyped first name counts too (Volodymr Zelenskyy)."""
    parts = name.split()
    if len(parts) >= 2 and (fuzzy_first_name if fuzzy else first_name)(parts[0]) is not None:
        return parts[0], parts[-1]
    return None, parts[-1] if parts else ""


def _given_and_surname(name: str) -> tuple[str | None, str]:
    """For a name compared on its own, the first of two or more words is the given name even when
    the table does not know it (Anhelina Boiko is not Svitlana Boiko)."""
    parts = name.split()
    return (parts[0], parts[-1]) if len(parts) >= 2 else (None, parts[-1] if parts else "")


def same_person(a: str, b: str) -> bool:
    """Two person names for one person: surnames merge and first names (when both are given) are
    equal or Russian/Ukrainian equivalents."""
    fa, sa = _given_and_surname(a)
    fb, sb = _given_and_surname(b)
    if not same_token(sa, sb):
        return False
    return fa is None or fb is None or same_first_name(fa, fb)


class KnownPeople:
    """The gazetteer's people (official spellings, SpellingUkraine), found by full name or surname."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._surnames: dict[str, list[tuple[Entity, str, str]]] = {}
        for e in gazetteer.entities:
            if e.kind != "person":
                continue
            for form, _ in [(e.canonical, "S"), *gazetteer.forms_of(e)]:
                first, surname = form.split()[0], form.split()[-1]
                self._surnames.setdefault(fold_key(surname), []).append((e, first, surname))

    def has_surname(self, surname: str) -> bool:
        return fold_key(surname) in self._surnames

    def _candidates(self, surname: str, fuzzy: bool) -> list[tuple[Entity, str, str]]:
        exact = self._surnames.get(fold_key(surname), [])
        if exact or not fuzzy:
            return exact
        key = person_key(surname)
        return [c for k, cs in self._surnames.items() if not _gendered_pair(key, person_key(k))
                and _close(key, person_key(k)) for c in cs]

    def lookup(self, first: str | None, surname: str, fuzzy: bool = False) -> Match | None:
        """The known person with this surname (and an equivalent first name, when given).
        ``fuzzy`` (a name asked about on its own, with a first name): a mistyped surname too."""
        if first:
            exact = self.gazetteer.lookup(f"{first} {surname}", kind="person")
            if exact is not None and exact.how == "exact":
                return exact
        for e, known_first, _ in self._candidates(surname, fuzzy and first is not None):
            if first and not same_first_name(first, known_first):
                continue
            canon_first, canon_surname = e.canonical.split()[0], e.canonical.split()[-1]
            variant = "standard"
            if surname.lower() != canon_surname.lower():
                variant = self._surname_variant(e, surname)
            if first and first.lower() != canon_first.lower():
                hit = first_name(first)
                first_variant = hit[1] if hit and hit[1] in ("russian", "nonstandard") else "nonstandard"
                if variant == "standard" or first_variant == "russian":
                    variant = first_variant
            return Match(e, variant, "exact" if variant == "standard" else "key")
        return None

    def _surname_variant(self, e: Entity, surname: str) -> str:
        """The variant a surname spelling is listed as, preferring forms with the canonical first
        name ("Zelensky" is listed under "Volodymyr Zelensky" (N) and "Vladimir Zelensky" (R))."""
        canon_first = e.canonical.split()[0]
        forms = sorted(self.gazetteer.forms_of(e), key=lambda fc: fc[0].split()[0] != canon_first)
        for form, code in forms:
            if form.split()[-1].lower() == surname.lower():
                return VARIANTS[code]
        return "nonstandard"
