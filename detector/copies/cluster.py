"""Stories from confirmed links, and which member is the original.

Full links (``verbatim``, ``near``, ``rewrite``) are joined by union-find; ``partial`` links never
join two stories, so a mashup cannot chain them: a mashup with only partial links belongs to the
story of its strongest one, and each other story it borrows from lists it as a ``partial`` member.

The original is the earliest published member; on a tie, or with no dates, the one with the fewest
boilerplate findings (added furniture), then the fewest defects per 1,000 words: a copy usually
carries more boilerplate and MT findings than what it copied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from detector.copies.align import Link

#: Credits that make a copy attributed syndication, not a theft.
_CREDIT = re.compile(
    r"\b(?:contributed to this (?:report|story)|contributed reporting|(?:the )?associated press contributed|"
    r"\((?:AP|AFP|Reuters|dpa|UPI)\)|(?:source|via|courtesy of|originally (?:published|appeared) (?:by|in|on|at))\s*:?\s+[A-Z]|"
    r"(?:reuters|associated press|agence france-presse|afp|bloomberg|ukrinform|interfax)\s+(?:reported|reports|contributed))",
    re.IGNORECASE)


@dataclass
class Meta:
    """What clustering needs of an article (from the store)."""

    pk: int
    id: str
    outlet: str
    published: dt.date | None
    words: int
    defects: int
    boilerplate: int
    text: str = field(default="", repr=False)


@dataclass
class Member:
    meta: Meta
    link: str
    similarity: float
    via: Link | None = None  # the link that tied it (None for the original)


@dataclass
class Story:
    original: Meta
    members: list[Member]

    @property
    def id(self) -> str:
        return f"story-{self.original.pk}"


def defect_counts(categories: Iterable[str]) -> tuple[int, int]:
    """(defects, boilerplate findings) of an article from its findings' categories: what the
    original's tie-break counts, the same for the store path and the Ray path."""
    defects = boilerplate = 0
    for c in categories:
        defects += c != "internal"
        boilerplate += c == "boilerplate"
    return defects, boilerplate


def original_key(m: Meta) -> tuple:
    return (m.published is None, m.published or dt.date.max, m.boilerplate,
            m.defects * 1000.0 / max(m.words, 1), m.pk)


def attributed(copy: Meta, original: Meta) -> bool:
    """The copy credits a wire service or names the original outlet."""
    if _CREDIT.search(copy.text):
        return True
    name = original.outlet.lower().removeprefix("www.").split(".")[0]
    return len(name) >= 3 and re.search(rf"\b{re.escape(name)}\b", copy.text, re.IGNORECASE) is not None


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


#: A mashup with partial links only joins the story of its strongest one when that link aligns at
#: least this share of the shorter article and this many sentences (a weak partial link is a borrowing).
ATTACH = {"attach_share": 0.45, "attach_aligned": 4, "merge_density": 0.5}


def stories(links: Iterable[Link], meta: Mapping[int, Meta], settings: Mapping[str, Any] | None = None) -> list[Story]:
    """Cluster linked articles into stories (largest first), each with its original and members.

    Full links join by union-find, most aligned sentences first; two stories of several members each are joined
    only when at least ``merge_density`` of the pairs between them are linked, so one mashup (or one
    article quoting another story) cannot chain them: its link to the second story is kept as a
    ``partial`` borrowing instead."""
    cfg = {**ATTACH, **(settings or {})}
    # Two articles of one outlet that share only a few sentences, all word for word, share its
    # furniture (the newsletter prompt the boilerplate check missed), not a story. A paraphrased
    # partial link within one outlet (its own mashup of its own rewrite) is kept: dropping it would
    # send the mashup to the story it borrowed from.
    links = [lk for lk in links if lk.a in meta and lk.b in meta
             and not (lk.kind == "partial" and lk.verbatim == lk.aligned and meta[lk.a].outlet == meta[lk.b].outlet)]
    uf = _Union()
    members: dict[int, list[int]] = {}
    adjacent: dict[int, set[int]] = defaultdict(set)
    by_pair: dict[tuple[int, int], Link] = {(lk.a, lk.b): lk for lk in links}
    # Most aligned sentences first: a mashup joins the story it takes the most sentences from.
    full = sorted((lk for lk in links if lk.kind != "partial"), key=lambda lk: (-lk.aligned, -lk.similarity, lk.a, lk.b))
    for lk in full:
        adjacent[lk.a].add(lk.b)
        adjacent[lk.b].add(lk.a)
    borrowed: list[Link] = [lk for lk in links if lk.kind == "partial"]
    for lk in full:
        ra, rb = uf.find(lk.a), uf.find(lk.b)
        if ra == rb:
            continue
        ma, mb = members.get(ra, [lk.a]), members.get(rb, [lk.b])
        if len(ma) > 1 and len(mb) > 1:
            small, big = (ma, set(mb)) if len(ma) <= len(mb) else (mb, set(ma))
            cross = sum(len(adjacent[x] & big) for x in small)
            if cross < float(cfg["merge_density"]) * len(ma) * len(mb):
                borrowed.append(lk)
                continue
        uf.union(ra, rb)
        root = uf.find(ra)
        members[root] = ma + mb
    home: dict[int, int] = {pk: uf.find(pk) for lk in full for pk in (lk.a, lk.b)}
    partial: dict[int, list[Link]] = defaultdict(list)
    for lk in links:
        if lk.kind == "partial":
            partial[lk.a].append(lk)
            partial[lk.b].append(lk)
    # A mashup with partial links only belongs to the story of its strongest partial link, if strong enough.
    attached: dict[int, Link] = {}
    for pk in sorted(set(partial) - set(home)):
        best = max(partial[pk], key=lambda lk: (lk.aligned, lk.similarity, -min(lk.a, lk.b)))
        if best.similarity < float(cfg["attach_share"]) or best.aligned < int(cfg["attach_aligned"]):
            continue
        other = best.b if best.a == pk else best.a
        home[pk] = home.get(other, uf.find(other))
        attached[pk] = best
    groups: dict[int, list[int]] = defaultdict(list)
    for pk, root in home.items():
        groups[root].append(pk)
    out: list[Story] = []
    story_of: dict[int, Story] = {}
    for pks in groups.values():
        if len(pks) < 2:
            continue
        original = min((meta[pk] for pk in pks), key=original_key)
        story = Story(original, [Member(original, "original", 1.0)])
        for pk in sorted(pks, key=lambda p: original_key(meta[p])):
            if pk != original.pk:
                via = _tie(pk, original.pk, pks, by_pair, attached.get(pk))
                story.members.append(Member(meta[pk], via.kind if via.kind != "partial" else via.lexical, via.similarity, via))
        out.append(story)
        for pk in pks:
            story_of[pk] = story
    # Borrowed parts: a partial (or refused) link into another story lists the borrower there as ``partial``.
    for lk in sorted(borrowed, key=lambda lk: -lk.similarity):
        for borrower, source in ((lk.a, lk.b), (lk.b, lk.a)):
            there = story_of.get(source)
            if there is None or story_of.get(borrower) is there or original_key(meta[borrower]) < original_key(meta[source]):
                continue  # no story to borrow from, the same story, or the earlier of the two is the source
            if any(m.meta.pk == borrower for m in there.members):
                continue
            there.members.append(Member(meta[borrower], "partial", lk.similarity, lk))
    out.sort(key=lambda s: (-len(s.members), original_key(s.original)))
    return out


def _tie(pk: int, original: int, pks: list[int], by_pair: Mapping[tuple[int, int], Link], attached: Link | None) -> Link:
    """The link that ties ``pk`` to its story: to the original if there is one, else its strongest
    full link to another member (else the partial link it was attached by)."""
    direct = by_pair.get((min(pk, original), max(pk, original)))
    if direct is not None and direct.kind != "partial":
        return direct
    full = [lk for q in pks if q != pk and (lk := by_pair.get((min(pk, q), max(pk, q)))) is not None and lk.kind != "partial"]
    if full:
        return max(full, key=lambda lk: lk.similarity)
    return direct or attached or next(lk for q in pks if (lk := by_pair.get((min(pk, q), max(pk, q)))) is not None)


def outlet_shares(found: list[Story], totals: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Per outlet: articles that are unattributed rewrites of another outlet's earlier article, and
    verbatim syndication (attributed or not), as counts and shares of its articles."""
    out = {o: {"articles": n, "rewrites": 0, "syndicated": 0} for o, n in totals.items()}
    for story in found:
        orig = story.original
        for m in story.members[1:]:
            row = out.get(m.meta.outlet)
            if row is None or m.meta.outlet == orig.outlet or m.link == "partial":
                continue
            earlier = orig.published is None or m.meta.published is None or orig.published <= m.meta.published
            if m.link == "rewrite" and earlier and not attributed(m.meta, orig):
                row["rewrites"] += 1
            elif m.link in ("verbatim", "near"):
                row["syndicated"] += 1
    for row in out.values():
        n = max(row["articles"], 1)
        row["rewrite_share"] = row["rewrites"] / n
        row["syndication_share"] = row["syndicated"] / n
    return out
