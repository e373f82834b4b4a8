"""Copies across outlets (phase 2): who republished whom, and how.

The scan stores a signature per article (``signature``); ``CopyIndex`` (``index``) indexes new
articles incrementally beside the store and confirms their candidates by sentence alignment
(``align``); ``cluster`` groups confirmed links into stories and names each story's original.
``find`` runs the three over a store, ``story_dict`` gives the JSON shape of ``detector copies``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detector.copies.align import KINDS, Link
from detector.copies.cluster import Member, Meta, Story, defect_counts, outlet_shares, stories
from detector.copies.index import CopyIndex, UpdateStats, store_state

__all__ = ["KINDS", "CopyIndex", "Link", "Member", "Meta", "Story", "find", "outlet_shares", "story_dict", "side_by_side"]


def load_meta(store: Any, pks: set[int] | None = None, with_text: bool = True) -> dict[int, Meta]:
    """Clustering facts of the store's current articles (of ``pks`` only, when given)."""
    cats: dict[int, list[str]] = defaultdict(list)
    for pk, cat, n in store.conn.execute(
            "SELECT article_pk, category, count(*) FROM findings WHERE article_pk IN (SELECT pk FROM articles WHERE current = 1)"
            " GROUP BY article_pk, category"):
        cats[pk] += [cat] * n
    cols = "pk, id, outlet, published, words" + (", text" if with_text else "")
    out = {}
    for r in store.conn.execute(f"SELECT {cols} FROM articles WHERE current = 1"):
        if pks is not None and r["pk"] not in pks:
            continue
        d, b = defect_counts(cats.get(r["pk"], ()))
        out[r["pk"]] = Meta(r["pk"], r["id"], r["outlet"], dt.date.fromisoformat(r["published"]) if r["published"] else None,
                            r["words"], d, b, r["text"] if with_text else "")
    return out


def find(store: Any, settings: Mapping[str, Any] | None = None, *, folder: Path | None = None,
         min_similarity: float = 0.0) -> tuple[list[Story], UpdateStats, CopyIndex]:
    """Bring the store's copy index up to date and cluster its links into stories."""
    index = CopyIndex(store, folder, settings)
    stats = index.update(state=store_state(store))
    links = list(index.links(min_similarity))
    linked = {pk for lk in links for pk in (lk.a, lk.b)}
    meta = load_meta(store, linked)
    return stories(links, meta, index.settings), stats, index


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def member_evidence(member: Member, sig_a: Any = None, sig_b: Any = None) -> dict[str, Any]:
    """What tied a member to its story: aligned sentences, shared passages, names and numbers."""
    lk = member.via
    if lk is None:
        return {}
    out: dict[str, Any] = {"aligned_sentences": lk.aligned, "of_sentences": lk.of,
                           "verbatim_sentences": lk.verbatim, "shared_5grams": round(lk.containment, 3),
                           "shared_names_numbers": [t.lstrip("#") for t in lk.shared_anchors]}
    if lk.anchor_agreement is not None:
        out["anchor_agreement"] = lk.anchor_agreement
    if sig_a is not None and sig_b is not None and member.meta.text:
        same = [(i, j) for i, j in lk.pairs if sig_a.hashes[i] == sig_b.hashes[j]][:3]
        mine = sig_a if member.meta.pk == lk.a else sig_b
        out["shared_passages"] = [_clip(member.meta.text[slice(*mine.spans[i if mine is sig_a else j])]) for i, j in same]
    return out


def _clip(s: str, n: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def story_dict(story: Story, index: CopyIndex | None = None) -> dict[str, Any]:
    """One cluster in the JSON shape of ``detector copies --format json``."""
    members = []
    for m in story.members:
        sigs = index.signatures([m.via.a, m.via.b]) if index is not None and m.via is not None else {}
        ev = member_evidence(m, sigs.get(m.via.a), sigs.get(m.via.b)) if sigs else member_evidence(m)
        if m.via is not None and m.link == "partial":
            ev["partial_of"] = m.via.a if m.via.b == m.meta.pk else m.via.b
        members.append({"id": m.meta.id, "outlet": m.meta.outlet, "published": _date(m.meta.published),
                        "link": m.link, "similarity": round(m.similarity, 4), "evidence": ev})
    return {"id": story.id, "original": story.original.id, "members": members}


def side_by_side(index: CopyIndex, link: Link, text_a: str, text_b: str) -> list[tuple[str | None, str | None, str]]:
    """Rows (sentence of a, sentence of b, "verbatim"/"aligned"/"") in reading order: aligned pairs on
    one row, unaligned sentences of either side on rows of their own, so the two read in parallel."""
    sigs = index.signatures([link.a, link.b])
    sa, sb = sigs[link.a], sigs[link.b]
    rows: list[tuple[str | None, str | None, str]] = []
    i = j = 0
    for pi, pj in [*link.pairs, (len(sa.spans), len(sb.spans))]:
        while i < pi:
            rows.append((text_a[slice(*sa.spans[i])], None, ""))
            i += 1
        while j < pj:
            rows.append((None, text_b[slice(*sb.spans[j])], ""))
            j += 1
        if pi < len(sa.spans) and pj < len(sb.spans):
            kind = "verbatim" if sa.hashes[pi] == sb.hashes[pj] else "aligned"
            rows.append((text_a[slice(*sa.spans[pi])], text_b[slice(*sb.spans[pj])], kind))
            i, j = pi + 1, pj + 1
    return rows
