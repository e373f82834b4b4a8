"""The shipped gazetteer: loading it once and looking names up.

Three indexes, tried in order of trust: the exact form (case and apostrophe style ignored), which
says precisely which variant a writer used (Kharkov -> Russian-derived); the folding key, which
catches romanizations nobody listed (Kup'yansk); and, for long keys of notable places only, the
machine-translation fallbacks of ``keys.mt_keys`` (Meritopoli).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from detector.translit.keys import KEY_VERSION, MT_MIN_KEY, fold_key, liquid_key, mt_keys, normalize_form

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.json.gz"

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


class Gazetteer:
    """Entities with their known forms; ``lookup`` resolves one surface name."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.entities: list[Entity] = []
        self._exact: dict[str, list[tuple[int, str]]] = {}
        self._keys: dict[str, list[tuple[int, str]]] = {}
        self._mt: dict[str, list[int]] = {}
        self._typo: tuple[list[str], list[tuple[str, int, str]]] | None = None
        self._forms: list[list[tuple[str, str]]] = []
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
    def load(cls, path: Path | str = DEFAULT_PATH) -> Gazetteer:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return cls(json.load(fh))

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


@lru_cache(maxsize=2)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer.load(path or DEFAULT_PATH)
