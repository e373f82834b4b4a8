"""Pair sets for ``same_entity``: one place or person in two spellings, and different ones that look alike.

Places come from the register itself. Every GeoNames settlement matched to a KATOTTG name and carrying
a Russian name gives positive pairs (KMU 2010 romanization of the Ukrainian name vs the Russian-derived
romanizations of the Russian one). Oblasts are split in two (GeoNames admin1 codes, alternately):
the rules were tuned looking only at the ``tune`` oblasts; ``test`` is what is reported. For each
split the gazetteer is rebuilt without that split's Russian and former names, so a pair is found
only by what the generator (``russify``) and the folding key make of the Ukrainian name.
Negatives: random pairs of different settlements of the split, and hard ones, other settlements
whose names are the most similar to a positive's (Jaro-Winkler on folding keys).

People come from SpellingUkraine's people (every pair of their correct, wrong and related Latin
spellings, each person held out of the gazetteer and the override table in turn) and from its
personal names (each Latin variant of a first name with a surname of ``SURNAMES``, spelled in a
second romanization; wrong spellings only). Negatives: random different people from the same pool, and hard ones (the
same surname with a first name that is no equivalent; a gendered surname; a similar surname).

Every pair is also scored by the baseline: Jaro-Winkler >= 0.90 on the lower-cased names.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from detector.translit import same_entity
from detector.translit.build_gazetteer import _russian_name, build, match_city
from detector.translit.gazetteer import Gazetteer
from detector.translit.keys import fold_key, normalize_form
from detector.translit.kmu import is_cyrillic, kmu, russian_forms
from detector.translit.people import first_name

Pair = tuple[str, str]
RANDOM_NEGATIVES = 100_000
HARD_PER_NAME = 2
BASELINE_JW = 0.90

#: Common Ukrainian surnames (KMU 2010, with a second romanization each), for the people pairs:
#: a fixture, not data the matcher sees.
SURNAMES = [("Kovalenko", "Kovalenko"), ("Bondarenko", "Bondarenko"), ("Tkachenko", "Tkatchenko"),
            ("Kravchenko", "Kravtchenko"), ("Melnyk", "Melnik"), ("Boiko", "Boyko"), ("Shevchuk", "Shevtchuk"),
            ("Lysenko", "Lisenko"), ("Savchenko", "Savtchenko"), ("Rudenko", "Rudenko"), ("Marchenko", "Marchenko"),
            ("Klymenko", "Klimenko"), ("Pavlenko", "Pavlenko"), ("Oliinyk", "Oleynik"), ("Kovalchuk", "Kovalchuk"),
            ("Polishchuk", "Polishuk"), ("Tkachuk", "Tkachuk"), ("Moroz", "Moroz"), ("Honcharenko", "Goncharenko"),
            ("Hrytsenko", "Gritsenko"), ("Zinchenko", "Zintchenko"), ("Ponomarenko", "Ponomarenko"),
            ("Kyrylenko", "Kirilenko"), ("Yakovenko", "Iakovenko"), ("Stepanenko", "Stepanenko"),
            ("Chornovol", "Tchornovol"), ("Humeniuk", "Gumenyuk"), ("Danyliuk", "Danilyuk"), ("Vasylenko", "Vasilenko"),
            ("Karpenko", "Karpenko"), ("Ostapenko", "Ostapenko"), ("Fedorenko", "Fedorenko"),
            ("Kuzmenko", "Kuzmenko"), ("Nazarenko", "Nazarenko"), ("Mykhailenko", "Mikhailenko"),
            ("Andriienko", "Andrienko"), ("Serhiienko", "Sergienko"), ("Prokopenko", "Prokopenko"),
            ("Kostenko", "Kostenko"), ("Dmytrenko", "Dmitrenko"), ("Hryshchenko", "Grishchenko"),
            ("Kolomiiets", "Kolomiets"), ("Savytskyi", "Savitsky"), ("Koval", "Koval"), ("Lytvyn", "Litvin"),
            ("Romaniuk", "Romanyuk"), ("Kostiuk", "Kostyuk"), ("Yurchenko", "Iurchenko"), ("Sydorenko", "Sidorenko")]
#: Gendered surname pairs (different people: a man and a woman of one family).
GENDERED = [("Zhyvytskyi", "Zhyvytska"), ("Savytskyi", "Savytska"), ("Ivanov", "Ivanova"), ("Petrov", "Petrova"),
            ("Kovalevskyi", "Kovalevska"), ("Zelenskyi", "Zelenska"), ("Dmytriiev", "Dmytriieva")]


def _jw(a: str, b: str) -> bool:
    return JaroWinkler.similarity(a.lower(), b.lower()) >= BASELINE_JW


def score(positives: list[Pair], hard: list[Pair], rand: list[Pair],
          judge: Callable[[str, str], bool]) -> dict[str, Any]:
    """Recall on positives; false merges per 1,000 hard and per 100,000 random negatives."""
    t0 = time.perf_counter()
    hits = sum(judge(a, b) for a, b in positives)
    seconds = time.perf_counter() - t0
    hard_fm = sum(judge(a, b) for a, b in hard)
    rand_fm = sum(judge(a, b) for a, b in rand)
    return {"recall": round(hits / max(len(positives), 1), 4),
            "false_merges_per_1000_hard": round(1000 * hard_fm / max(len(hard), 1), 2),
            "false_merges_per_100k_random": round(100_000 * rand_fm / max(len(rand), 1), 2),
            "pairs_per_second_positives": round(len(positives) / max(seconds, 1e-9))}


def _evaluate(positives: list[Pair], hard: list[Pair], rand: list[Pair], gaz: Gazetteer) -> dict[str, Any]:
    ours = score(positives, hard, rand, lambda a, b: same_entity(a, b, gazetteer=gaz))
    misses = [f"{a} / {b}" for a, b in positives if not same_entity(a, b, gazetteer=gaz)]
    merges = [f"{a} / {b}" for a, b in hard if same_entity(a, b, gazetteer=gaz)]
    return {"pairs": len(positives), "hard_negatives": len(hard), "random_negatives": len(rand),
            "same_entity": ours, "jaro_winkler_0.90": score(positives, hard, rand, _jw),
            "misses_sample": misses[:40], "hard_merges_sample": merges[:40]}


# -- places ------------------------------------------------------------------------------------
def register_settlements(katottg: dict[str, str], cities: Iterable[dict]) -> list[dict[str, Any]]:
    """Settlements with a GeoNames Russian name: {id, oblast, ukrainian (KMU), russian forms}."""
    out, seen = [], set()
    for city in cities:
        matched = match_city(city, katottg)
        if matched is None:
            continue
        uk, cyr = matched
        ru = _russian_name(uk, cyr)
        name = kmu(uk)
        if not ru or normalize_form(name) in seen:
            continue
        seen.add(normalize_form(name))
        forms = {fold_key(f): f for f in russian_forms(ru) if normalize_form(f) != normalize_form(name)}
        if forms:
            out.append({"cyrillic": uk, "oblast": city["admin1code"], "ukrainian": name,
                        "russian": sorted(forms.values())})
    return out


def register_pairs_sample(katottg: dict[str, str], cities: Iterable[dict]) -> list[Pair]:
    """Every register place pair (both splits), for timing."""
    return [(s["ukrainian"], r) for s in register_settlements(katottg, cities) for r in s["russian"]]


def split_oblasts(settlements: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    oblasts = sorted({s["oblast"] for s in settlements})
    test = set(oblasts[1::2])
    return {"tune": [s for s in settlements if s["oblast"] not in test],
            "test": [s for s in settlements if s["oblast"] in test]}


def place_pairs(split: list[dict[str, Any]], all_names: list[str], rng: random.Random) -> tuple[list[Pair], list[Pair], list[Pair]]:
    positives = [(s["ukrainian"], r) for s in split for r in s["russian"]]
    keys = [fold_key(n) for n in all_names]
    hard: list[Pair] = []
    for s in split:
        own = fold_key(s["ukrainian"])
        for query in (s["ukrainian"], s["russian"][0]):
            # A name spelled like the query up to the key is undecidable from the strings: left out.
            found = process.extract(fold_key(query), keys, scorer=JaroWinkler.similarity, limit=HARD_PER_NAME + 3)
            others = [all_names[j] for _, _, j in found if keys[j] not in (own, fold_key(query))][:HARD_PER_NAME]
            hard += [(query, o) for o in others]
    forms = [(i, f) for i, s in enumerate(split) for f in [s["ukrainian"], *s["russian"]]]
    rand: list[Pair] = []
    while len(rand) < RANDOM_NEGATIVES:
        (i, a), (j, b) = rng.choice(forms), rng.choice(forms)
        if fold_key(split[i]["ukrainian"]) != fold_key(split[j]["ukrainian"]):
            rand.append((a, b))
    return positives, hard, rand


def evaluate_places(katottg: dict[str, str], cities: list[dict], seed: int = 0) -> dict[str, Any]:
    """Both splits, each against a gazetteer built without its own Russian and former names."""
    splits = split_oblasts(register_settlements(katottg, cities))
    all_names = sorted({kmu(n) for n in katottg})
    out: dict[str, Any] = {}
    for name, split in splits.items():
        gaz = Gazetteer(build([], katottg=katottg, cities=cities, withhold=frozenset(s["cyrillic"] for s in split)))
        pos, hard, rand = place_pairs(split, all_names, random.Random(seed))
        out[name] = {"oblasts": sorted({s["oblast"] for s in split}), "settlements": len(split),
                     **_evaluate(pos, hard, rand, gaz)}
    return out


# -- people ------------------------------------------------------------------------------------
def _latin(spellings: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(s for s in spellings if s and not is_cyrillic(s)))


def spellingukraine_people(entries: list[dict]) -> list[tuple[dict, list[str]]]:
    people = [e for e in entries if e["kind"] == "people"]
    return [(e, _latin([e["correctSpelling"], *(e.get("incorrectSpellings") or []),
                        *(e.get("relatedSpellings") or [])])) for e in people]


def first_name_pairs(entries: list[dict]) -> list[Pair]:
    """Each wrong spelling of a SpellingUkraine personal name seen in use, with a surname in another
    romanization. Their related spellings are left out: those are other languages' names (Michael,
    Theodore) and diminutives (Sasha), another name rather than another spelling."""
    out: list[Pair] = []
    names = [e for e in entries if e["kind"] == "personal_names"]
    for i, e in enumerate(names):
        uk, other = SURNAMES[i % len(SURNAMES)]
        for variant in _latin(e.get("incorrectSpellings") or []):
            out.append((f"{e['correctSpelling']} {uk}", f"{variant} {other}"))
    return out


def people_negatives(entries: list[dict], rng: random.Random) -> tuple[list[Pair], list[Pair]]:
    firsts = sorted({e["correctSpelling"] for e in entries if e["kind"] == "personal_names"})
    hard: list[Pair] = []
    for uk, other in SURNAMES:
        for _ in range(3):
            f1, f2 = rng.sample(firsts, 2)
            if (first_name(f1) or ("",))[0] != (first_name(f2) or ("",))[0] or not first_name(f1):
                hard.append((f"{f1} {uk}", f"{f2} {other}"))
    for masc, fem in GENDERED:
        f = rng.choice(firsts)
        hard += [(f"{f} {masc}", f"{f} {fem}"), (masc, fem)]
    surnames = [s for s, _ in SURNAMES]
    for s in surnames:
        found = process.extract(s, surnames, scorer=JaroWinkler.similarity, limit=3)
        for t, _, _ in found:
            if t != s:
                f = rng.choice(firsts)
                hard += [(f"{f} {s}", f"{f} {t}"), (s, t)]
    rand: list[Pair] = []
    while len(rand) < RANDOM_NEGATIVES:
        (s1, o1), (s2, _) = rng.choice(SURNAMES), rng.choice(SURNAMES)
        if s1 != s2:
            rand.append((f"{rng.choice(firsts)} {s1}", f"{rng.choice(firsts)} {s2}" if rng.random() < 0.8 else s2))
        elif rng.random() < 0.2:
            f1, f2 = rng.sample(firsts, 2)
            if (first_name(f1) or ("",))[0] != (first_name(f2) or ("",))[0] or not first_name(f1):
                rand.append((f"{f1} {s1}", f"{f2} {o1}"))
    return hard, rand


def evaluate_people(entries: list[dict], katottg: dict[str, str], cities: list[dict], seed: int = 0) -> dict[str, Any]:
    """SpellingUkraine's people, each held out in turn; first-name pairs against the full build
    without SpellingUkraine's personal names (the first-name table never saw them)."""
    rng = random.Random(seed)
    hard, rand = people_negatives(entries, rng)
    positives: list[Pair] = []
    gaz_rest: Gazetteer | None = None
    by_person = []
    for e, spellings in spellingukraine_people(entries):
        gaz = Gazetteer(build([o for o in entries if o["key"] != e["key"]], katottg=katottg, cities=cities,
                              skip_overrides=frozenset({e["correctSpelling"]})))
        pairs = [(a, b) for i, a in enumerate(spellings) for b in spellings[i + 1:]]
        positives += pairs
        by_person.append((pairs, gaz))
        gaz_rest = gaz_rest or gaz
    people = {"pairs": len(positives), "recall": round(
        sum(same_entity(a, b, gazetteer=g) for pairs, g in by_person for a, b in pairs) / max(len(positives), 1), 4),
        "jaro_winkler_0.90_recall": round(sum(_jw(a, b) for a, b in positives) / max(len(positives), 1), 4),
        "misses": [f"{a} / {b}" for pairs, g in by_person for a, b in pairs if not same_entity(a, b, gazetteer=g)]}
    gaz = Gazetteer(build([o for o in entries if o["kind"] != "people"], katottg=katottg, cities=cities))
    names = first_name_pairs(entries)
    result = _evaluate(names, hard, rand, gaz)
    hits = sum(same_entity(a, b, gazetteer=gaz) for a, b in names) + people["recall"] * len(positives)
    result["recall_all_positives"] = round(hits / max(len(names) + len(positives), 1), 4)
    result["spellingukraine_people"] = people
    return result


def speed(pairs: list[Pair]) -> dict[str, Any]:
    """``same_entity`` pairs per second over the shipped gazetteer, every name new to the cache
    (the gazetteer and wordfreq loaded first, as in a running scan)."""
    from detector.translit import _resolve_cached

    same_entity("Kyiv", "Kiev")
    _resolve_cached.cache_clear()
    t0 = time.perf_counter()
    for a, b in pairs:
        same_entity(a, b)
    seconds = time.perf_counter() - t0
    return {"pairs": len(pairs), "seconds": round(seconds, 3), "pairs_per_second": round(len(pairs) / seconds)}
