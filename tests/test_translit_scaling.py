"""The transliteration check is linear in text size (issue 14, item 7).

Unknown people used to be grouped by comparing each mention with every member of every group,
and each inconsistent mention listed the other spellings by rescanning its whole group: 0.25 s
at 100 KB, 6.3 s at 1 MB, 48 s at 3 MB. ``SurnameIndex`` finds the surnames a name may merge with
from shared person-key deletions. The property test keeps the old all-pairs grouping as the
reference and checks the indexed one gives exactly its groups on random mention lists.
"""

from __future__ import annotations

import random
import time

import pytest

from detector.article import Article, Document
from detector.checks.translit import TranslitCheck
from detector.translit.gazetteer import Entity, Match
from detector.translit.mentions import Mention, SurnameIndex, _surnames_merge, group_mentions

# Close spellings on purpose: romanizations, typos, gendered pairs, short names.
SURNAMES = ["Zhyvytsky", "Zhyvytskyi", "Zhivitsky", "Zhyvytskiy", "Zhyvtysky", "Shmyhal", "Shmyhla", "Shmygal",
            "Zelensky", "Zelenska", "Zelenskyy", "Ivanov", "Ivanova", "Ivanow", "Boiko", "Boyko", "Bojko",
            "Kovalenko", "Kovalenkov", "Kowalenko", "Tkachenko", "Tkatchenko", "Smith", "Smyth", "Lee", "Li",
            "Kravchuk", "Kravchyk", "Melnyk", "Melnik", "Oliynyk", "Oliinyk", "Raphaelson", "Rafaelson", ""]


def _reference_groups(mentions: list[Mention]) -> list[list[int]]:
    """The grouping before the index: every unknown person against every member of every group."""
    groups: list[list[Mention]] = []
    by_entity: dict[tuple[str, int], int] = {}
    for m in mentions:
        if m.match is not None:
            key = (m.kind, m.match.entity.id)
            if key not in by_entity:
                by_entity[key] = len(groups)
                groups.append([])
            groups[by_entity[key]].append(m)
            continue
        for g in groups:
            if g[0].kind == "person" and g[0].match is None and any(_surnames_merge(m.surname, o.surname) for o in g):
                g.append(m)
                break
        else:
            groups.append([m])
    return [[id(m) for m in g] for g in groups]


def _random_mentions(rng: random.Random, n: int) -> list[Mention]:
    out = []
    for i in range(n):
        surname = rng.choice(SURNAMES)
        kind = "person" if rng.random() < 0.9 else "place"
        match = None
        if rng.random() < 0.25:
            match = Match(Entity(rng.randrange(3), surname or "X", kind, "UA", 0, True), "standard", "exact")
        out.append(Mention(i, i + 1, surname, kind, match, surname=surname))
    return out


@pytest.mark.parametrize("seed", range(300))
def test_indexed_grouping_equals_all_pairs_grouping(seed):
    rng = random.Random(seed)
    mentions = _random_mentions(rng, rng.randrange(1, 40))
    expected = _reference_groups(mentions)
    groups = group_mentions(mentions)
    assert [[id(m) for m in g] for g in groups] == expected
    assert all(m.group == gi for gi, g in enumerate(groups) for m in g)


def test_surname_index_finds_every_merging_surname():
    index = SurnameIndex()
    for rank, s in enumerate(SURNAMES):
        index.add(s, rank)
    for a in SURNAMES:
        merging = [r for r, s in enumerate(SURNAMES) if _surnames_merge(a, s)]
        assert index.first(a) == (min(merging) if merging else None), a
    assert index.first("Nobodyknowsme") is None


PARAGRAPH = ("Dmytro Zhyvytsky met Serhii Kovalenko in Kyiv. Zhyvytskyi said Kovalenkо and Kowalenko agreed; "
             "later Zhyvytsky went to Kharkov and Odessa. Dmitry Zhyvytsky, Olena Boiko and Boyko spoke. ")


def _seconds(text: str) -> float:
    check = TranslitCheck()
    check.ensure_setup()
    best = float("inf")
    for _ in range(2):
        doc = Document(Article(id="long", text=text))
        t0 = time.perf_counter()
        check.check(doc)
        best = min(best, time.perf_counter() - t0)
    return best


def test_four_times_the_text_takes_about_four_times_as_long():
    def text(n: int) -> str:
        return (PARAGRAPH * (n // len(PARAGRAPH) + 1))[:n]

    small, large = _seconds(text(50_000)), _seconds(text(200_000))
    assert large / small < 9, f"50 KB {small:.3f}s, 200 KB {large:.3f}s: superlinear"
