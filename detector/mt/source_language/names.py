"""Evidence from names: a form of a Ukrainian or Russian name that only some translation routes print.

Why: a system translating from Russian or Ukrainian writes "Melitopol"; one translating an Italian
article writes what the Italian said, "Melitopoli", and a German one "Charkiw" or "Selenskyj". Such
a form survives machine translation into English and names the route (the language the English was
translated from) with no training data, for languages the model never learned. The table joins a
reviewed hand list with sources (``names_hand.tsv``) and the German and French romanizations of
Ukraine's larger places built from the gazetteer's data (``names_gazetteer.tsv``, ``build_names``).

A form may belong to several routes (Charkiw: German and Polish); each distinct form found gives its
routes an equal share of one vote. The evidence probability of the best route L is
``(1 - MISS ** n_L) * share_L``: n_L distinct forms support L, and share_L is L's part of the votes,
so two Italian-only forms give 0.84 and one form shared by two routes 0.3 each (not confident alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLES = (HERE / "names_hand.tsv", HERE / "names_gazetteer.tsv")
#: The chance that one route form is not evidence of its route (quoted, a name's own spelling, a typo).
MISS = 0.4


@dataclass(frozen=True)
class NameForm:
    form: str
    languages: tuple[str, ...]
    english: str
    source: str


@dataclass
class NameEvidence:
    """Route forms found in one text: occurrences (start, end, form) and the route probabilities."""

    hits: list[tuple[int, int, NameForm]] = field(default_factory=list)

    @property
    def forms(self) -> dict[str, NameForm]:
        return {h[2].form: h[2] for h in self.hits}

    def probabilities(self) -> dict[str, float]:
        """Each route language's evidence probability (see the module doc), best first."""
        forms = self.forms.values()
        votes: dict[str, float] = {}
        support: dict[str, int] = {}
        for f in forms:
            for lang in f.languages:
                votes[lang] = votes.get(lang, 0.0) + 1.0 / len(f.languages)
                support[lang] = support.get(lang, 0) + 1
        total = sum(votes.values()) or 1.0
        probs = {lang: (1.0 - MISS ** support[lang]) * votes[lang] / total for lang in votes}
        return dict(sorted(probs.items(), key=lambda kv: (-kv[1], kv[0])))

    def best(self) -> tuple[str | None, float]:
        """The most supported route and its probability ((None, 0.0) without evidence)."""
        probs = self.probabilities()
        if not probs:
            return None, 0.0
        lang = next(iter(probs))
        return lang, probs[lang]


def read_table(paths: Iterable[Path] = TABLES) -> list[NameForm]:
    """The name forms of the TSV tables (a form listed twice joins its languages)."""
    out: dict[str, NameForm] = {}
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            form, langs, english, source = line.split("\t")
            prev = out.get(form)
            languages = tuple(sorted(set(langs.split(",")) | set(prev.languages if prev else ())))
            out[form] = NameForm(form, languages, english, f"{prev.source}; {source}" if prev else source)
    return sorted(out.values(), key=lambda f: f.form)


class NameTable:
    """All route forms, matched as whole words, case-sensitively, in one regex pass."""

    def __init__(self, forms: Iterable[NameForm]) -> None:
        self.forms = {f.form: f for f in forms}
        alternatives = sorted(self.forms, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)") if alternatives else None

    def find(self, text: str) -> NameEvidence:
        if self.pattern is None:
            return NameEvidence()
        return NameEvidence([(m.start(), m.end(), self.forms[m.group()]) for m in self.pattern.finditer(text)])


@lru_cache(maxsize=1)
def shipped_table() -> NameTable:
    """The shipped table, loaded once per process."""
    return NameTable(read_table())
