"""The shipped gazetteer: loading it once and looking names up.

Three indexes, tried in order of trust: the exact form (case and apostrophe style ignored), which
says precisely which variant a writer used (Kharkov -> Russian-derived); the folding key, which
catches romanizations nobody listed (Kup'yansk); and, for long keys of notable places only, the
machine-translation fallbacks of ``keys.mt_keys`` (Meritopoli).
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import marshal
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from detector.translit.keys import KEY_VERSION, MT_MIN_KEY, fold_key, liquid_key, mt_keys, normalize_form

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.json.gz"
#: The shipped gazetteer's indexes, frozen by ``make install`` (``freeze_shipped``; gitignored): building them from the JSON is a Python loop over 120,000 forms and keys (~0.7 s of
#: every cold start); ``marshal`` reads them back at C speed. Tied to the JSON file's hash, the
#: key version and the Python version, so a stale or foreign file is ignored.
FROZEN_PATH = DEFAULT_PATH.with_name("gazetteer.index.marshal")

#: Variant codes in the file and the names the API and findings use.
VARIANTS = {"S": "standard", "N": "nonstandard", "R": "russian", "F": "former", "G": "garbled"}
#: Places this large (or curated ones) are "notable": matched by key and by MT fallbacks anywhere;
#: smaller ones only by exact form, or by key once the article names them exactly.
NOTABLE_POPULATION = 20_000
#: ``lookup_typo`` considers places this large (and curated ones).
TYPO_POPULATION = 5_000


@dataclass(frozen=True)
class Entity:
    id: int
    canonical: str
    kind: str  # "place" | "person"
    country: str
    population: int
    curated: bool

    @property
    def notable(self) -> bool:
        return self.curated or self.population >= NOTABLE_POPULATION


@dataclass(frozen=True)
class Match:
    """A name resolved to an entity: which variant it is and how it was found."""

    entity: Entity
    variant: str  # a value of VARIANTS
    how: str  # "exact" | "key" | "mt" | "typo"

    @property
    def standard(self) -> bool:
        return self.variant == "standard"


#: Answers ``Gazetteer.lookup`` keeps before starting over.
LOOKUP_CACHE = 1 << 16


class Gazetteer:
    """Entities with their known forms; ``lookup`` resolves one surface name."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.entities: list[Entity] = []
        self._exact: dict[str, list[tuple[int, str]]] = {}
        self._keys: dict[str, list[tuple[int, str]]] = {}
        self._mt: dict[str, list[int]] = {}
        self._typo: tuple[list[str], list[tuple[str, int, str]]] | None = None
        self._forms: list[list[tuple[str, str]]] = []
        #: ``lookup`` answers without ``anchored`` or ``any_size``: the gazetteer never changes once
        #: built, and running text asks about the same names (and n-grams) over and over.
        self._lookups: dict[tuple[str, str | None], Match | None] = {}
        stored = data.get("key_version") == KEY_VERSION  # else recompute: fold_key has changed
        for i, (canonical, kind, country, pop, curated, forms, *keys) in enumerate(data["entities"]):
            canon_key, guessed = (keys + [None, []])[:2]
            e = Entity(i, canonical, kind, country, int(pop), bool(curated))
            self.entities.append(e)
            self._forms.append([(f[0], f[1]) for f in forms])
            rows = [(canonical, "S", canon_key), *forms]
            for form, code, *key in rows:
                self._exact.setdefault(normalize_form(form), []).append((i, code))
                k = key[0] if stored and key and key[0] is not None else fold_key(form)
                self._keys.setdefault(k, []).append((i, code))
            for k in guessed if stored else ():
                self._keys.setdefault(k, []).append((i, "R"))
            if kind == "place" and country == "UA" and e.notable:
                self._mt.setdefault(liquid_key(fold_key(canonical)), []).append(i)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH, frozen: Path | None = FROZEN_PATH) -> Gazetteer:
        """The gazetteer in ``path``, from its frozen indexes when they match it."""
        with _no_gc():  # 200,000 new containers would run the cyclic collector dozens of times (half the time)
            if frozen is not None and frozen.is_file():
                state = marshal.loads(frozen.read_bytes())  # marshal.load(file) reads object by object: slow
                if isinstance(state, dict) and state.get("fingerprint") == _fingerprint(Path(path)):
                    return cls.thaw(state)
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return cls(json.load(fh))

    def freeze(self, path: Path, source: Path = DEFAULT_PATH) -> None:
        """Write the indexes for ``load`` (atomically: a reader never sees half a file)."""
        state = {"fingerprint": _fingerprint(source), "exact": self._exact, "keys": self._keys, "mt": self._mt,
                 "forms": self._forms, "entities": [(e.id, e.canonical, e.kind, e.country, e.population, e.curated)
                                                    for e in self.entities]}
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps(state))
        tmp.replace(path)

    @classmethod
    def thaw(cls, state: dict[str, Any]) -> Gazetteer:
        g = cls({"entities": []})
        g.entities = [Entity(*row) for row in state["entities"]]
        g._exact, g._keys, g._mt, g._forms = state["exact"], state["keys"], state["mt"], state["forms"]
        return g

    def _best(self, hits: list[tuple[int, str]], kind: str | None) -> tuple[Entity, str] | None:
        """The likeliest reading when several entities share a form or key: curated entries, then
        the standard form, then the larger place (a village does not outrank Odesa)."""
        pool = [(self.entities[i], code) for i, code in hits if kind is None or self.entities[i].kind == kind]
        if not pool:
            return None
        return max(pool, key=lambda ec: (math.log10(ec[0].population + 1) + 2.0 * ec[0].curated
                                         + 1.0 * (ec[1] == "S"), -ec[0].id))

    def lookup(self, name: str, kind: str | None = "place", *, anchored: frozenset[int] = frozenset(),
               any_size: bool = False) -> Match | None:
        """Resolve ``name`` by exact form, then by folding key. In running text a key match needs a
        notable entity or one in ``anchored`` (entities the same article names exactly);
        ``any_size`` lifts that for a name asked about on its own."""
        if anchored or any_size:
            return self._lookup(name, kind, anchored, any_size)
        key = (name, kind)
        if key not in self._lookups:
            if len(self._lookups) >= LOOKUP_CACHE:
                self._lookups.clear()
            self._lookups[key] = self._lookup(name, kind, anchored, any_size)
        return self._lookups[key]

    def _lookup(self, name: str, kind: str | None, anchored: frozenset[int], any_size: bool) -> Match | None:
        best = self._best(self._exact.get(normalize_form(name), []), kind)
        if best is not None:
            return Match(best[0], VARIANTS[best[1]], "exact")
        hits = [(i, c) for i, c in self._keys.get(fold_key(name), [])
                if any_size or self.entities[i].notable or i in anchored]
        best = self._best(hits, kind)
        if best is None:
            return None
        entity, code = best
        # An unlisted form with the canonical's key is another romanization of it.
        return Match(entity, "nonstandard" if code == "S" else VARIANTS[code], "key")

    def lookup_mt(self, name: str) -> Match | None:
        """Machine-translation fallback (issue 4): final -i/-a added, r/l confused; keys of 6+
        letters and notable Ukrainian places only."""
        for key in mt_keys(fold_key(name)):
            ids = self._mt.get(key)
            if ids:
                return Match(self.entities[ids[0]], "garbled", "mt")
        return None

    def lookup_typo(self, name: str) -> Match | None:
        """One edit away from the key of a Ukrainian place of ``TYPO_POPULATION``+ (Hostemel).
        For a name asked about on its own (``resolve``); running text never uses it."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = fold_key(name)
        if len(key.replace(" ", "")) < MT_MIN_KEY:
            return None
        if self._typo is None:
            pairs = [(k, i, c) for k, hits in self._keys.items() for i, c in hits
                     if self.entities[i].kind == "place" and self.entities[i].country == "UA"
                     and (self.entities[i].curated or self.entities[i].population >= TYPO_POPULATION)]
            self._typo = ([p[0] for p in pairs], pairs)
        keys, pairs = self._typo
        found = process.extract(key, keys, scorer=Levenshtein.distance, score_cutoff=1, limit=8)
        best = self._best([(pairs[j][1], pairs[j][2]) for _, _, j in found], "place")
        if best is None:
            return None
        return Match(best[0], "nonstandard" if best[1] == "S" else VARIANTS[best[1]], "typo")

    def forms_of(self, entity: Entity) -> list[tuple[str, str]]:
        """The entity's listed variant forms with their codes (the canonical excluded)."""
        return self._forms[entity.id]

    def exact_ids(self, name: str, kind: str | None = None) -> list[int]:
        return [i for i, _ in self._exact.get(normalize_form(name), [])
                if kind is None or self.entities[i].kind == kind]

    def key_hits(self, key: str, kind: str) -> list[tuple[Entity, str]]:
        return [(self.entities[i], c) for i, c in self._keys.get(key, []) if self.entities[i].kind == kind]


@contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fingerprint(source: Path) -> str:
    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:16]
    return f"{digest}|{KEY_VERSION}|{sys.version_info[0]}.{sys.version_info[1]}|{marshal.version}"


@lru_cache(maxsize=2)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer.load(path or DEFAULT_PATH, FROZEN_PATH if path in (None, str(DEFAULT_PATH)) else None)



def freeze_shipped() -> Path:
    """``make install``: freeze the shipped gazetteer's indexes into ``FROZEN_PATH``."""
    Gazetteer.load(DEFAULT_PATH, frozen=None).freeze(FROZEN_PATH)
    return FROZEN_PATH
