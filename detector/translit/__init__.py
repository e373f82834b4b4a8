"""Transliteration of Ukrainian names: which spelling is standard, and which spellings are one entity.

Public API (stable; the outlet analysis relies on it):

- ``resolve(name)`` -> ``Resolution`` (canonical entity, kind, which variant ``name`` is) or None;
- ``same_entity(a, b)`` -> bool;
- ``fold_key(name)`` -> the key shared by every romanization of one name.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

from detector.translit.debris import clean_name
from detector.translit.gazetteer import Gazetteer, Match, load_gazetteer
from detector.translit.keys import MT_MIN_KEY, fold_key
from detector.translit.kmu import is_cyrillic, kmu
from detector.translit.mentions import common_english
from detector.translit.people import KnownPeople, fuzzy_first_name, same_person, split_name

__all__ = ["Resolution", "resolve", "same_entity", "fold_key", "kmu", "load_gazetteer", "known_people"]


@dataclass(frozen=True)
class Resolution:
    """What a name is: the entity's canonical (standard) spelling, its kind, and which variant the
    name is ("standard", "nonstandard", "russian", "former", "garbled")."""

    name: str
    canonical: str
    kind: str  # "place" | "person"
    variant: str
    how: str  # "exact" | "key" | "mt" | "typo"
    country: str

    @property
    def standard_form(self) -> str:
        return self.canonical

    @property
    def is_standard(self) -> bool:
        return self.variant == "standard"


_PEOPLE: weakref.WeakKeyDictionary[Gazetteer, KnownPeople] = weakref.WeakKeyDictionary()


def known_people(gazetteer: Gazetteer | None = None) -> KnownPeople:
    """The known people of ``gazetteer`` (default: the shipped one), indexed once."""
    gaz = gazetteer or load_gazetteer()
    if gaz not in _PEOPLE:
        _PEOPLE[gaz] = KnownPeople(gaz)
    return _PEOPLE[gaz]


def _resolution(name: str, m: Match) -> Resolution:
    e = m.entity
    return Resolution(name, e.canonical, e.kind, m.variant, m.how, e.country)


def resolve(name: str, gazetteer: Gazetteer | None = None) -> Resolution | None:
    """Resolve a place or person name: "Kharkov" -> Kharkiv (russian); "Kup'yansk" -> Kupiansk
    (nonstandard); "Dmitry Kuleba" -> Dmytro Kuleba (russian); None when unknown. Cyrillic input
    is romanized by KMU 2010 first ("Харьков" reads as "Kharkov")."""
    name = " ".join(name.split())
    if not name:
        return None
    gaz = gazetteer or load_gazetteer()
    query = kmu(name) if is_cyrillic(name) else name
    people = known_people(gaz)
    query = _clean(query, gaz)
    first, surname = split_name(query, fuzzy=True)
    if first is not None:
        m = people.lookup(first, surname, fuzzy=True)
        return _resolution(name, m) if m else None
    m = gaz.lookup(query, kind=None, any_size=True)
    if m is None and len(query.split()) == 1:
        m = people.lookup(None, query) if len(fold_key(query)) >= 5 else None
    if m is None and len(fold_key(query).replace(" ", "")) >= MT_MIN_KEY and not common_english(query):
        m = gaz.lookup_mt(query) or gaz.lookup_typo(query)
    return _resolution(name, m) if m else None


def _clean(name: str, gaz: Gazetteer) -> str:
    """``name`` without scraping debris glued to its first or last word ("videoOleksandr")."""
    people = known_people(gaz)
    return clean_name(name, lambda w: fuzzy_first_name(w) is not None or bool(gaz.exact_ids(w))
                      or people.has_surname(w), lambda w: w[:1].isupper() and len(w) >= 5)


@lru_cache(maxsize=65536)
def _resolve_cached(name: str, gazetteer: Gazetteer | None) -> Resolution | None:
    return resolve(name, gazetteer)


def same_entity(a: str, b: str, gazetteer: Gazetteer | None = None) -> bool:
    """True when ``a`` and ``b`` name the same place or person ("Kharkov"/"Kharkiv",
    "Dmitry Kuleba"/"Dmytro Kuleba"); False for look-alikes (Kharkiv/Kherson, Ivan/Ivana)."""
    ra, rb = _resolve_cached(a, gazetteer), _resolve_cached(b, gazetteer)
    gaz = gazetteer or load_gazetteer()
    a, b = _clean(" ".join(a.split()), gaz), _clean(" ".join(b.split()), gaz)
    if ra is not None and rb is not None:
        return (ra.kind, ra.canonical) == (rb.kind, rb.canonical)
    if ra is not None or rb is not None:
        # One side unknown: a person may still be a misspelling of the known one (same rule as
        # for two unknown people, against the known person's canonical name).
        known, other = (ra, b) if ra is not None else (rb, a)
        return known.kind == "person" and _looks_like_person(other) and same_person(other, known.canonical)
    if _looks_like_person(a) or _looks_like_person(b) or (len(a.split()) > 1 and len(b.split()) > 1):
        return same_person(a, b)  # two unknown full names (Rafael/Raphael Grossi) are compared as people
    # Unknown places: only one spelling system apart (key equality); no fuzzy merge, which would
    # join Austria and Australia.
    return fold_key(a) == fold_key(b)


def _looks_like_person(name: str) -> bool:
    parts = name.split()
    return bool(parts) and fuzzy_first_name(parts[0]) is not None
