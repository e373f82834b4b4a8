"""Copies as reliability evidence: the two outlet columns and their weight in the score.

Per outlet, from the copy index brought up to date with the store (``CopyIndex.fresh``: articles
scanned since the index was last written are indexed first, from the scan's signatures):
- ``rewrite_share``: articles that are machine rewrites (link ``rewrite``) of another outlet's
  earlier article, with no credit (no wire credit such as "The Associated Press contributed", no
  mention of the original outlet);
- ``syndication_share``: verbatim or near-verbatim copies of another outlet's article. Syndication
  is normal (wire copy) and is shown, never scored.

The rewrite share enters the load as ``weight · p``, where ``p = rewrites / (articles +
prior_articles)`` is the share shrunk towards zero by ``prior_articles`` clean pseudo-articles (one
rewrite among three articles does not make a content farm, and an outlet with none pays nothing),
so the score is multiplied by ``exp(−weight · p / d0)``: with the default weight (= d0), an outlet
of 40 articles that are all unattributed rewrites keeps 40% of its score. ``weight = 0`` shows the
columns without scoring them.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Any

from detector.reliability import INSUFFICIENT, tier_for


def outlet_copies(store: Any, settings: Mapping[str, Any] | None = None) -> tuple[dict[str, dict[str, Any]], str | None] | None:
    """(per-outlet shares, a notice when the index could not be brought up to date), or None
    without a copy index or signatures."""
    from detector.copies import load_meta
    from detector.copies.cluster import outlet_shares, stories
    from detector.copies.index import CopyIndex

    if settings is None:
        from detector.config import load_config

        settings = load_config().get("copies")
    index, notice = CopyIndex.fresh(store, settings=settings)
    if notice:
        logging.getLogger("detector.copies").warning("detector: %s", notice)
    if index is None:
        return None
    try:
        links = list(index.links(float((settings or {}).get("min_similarity", 0.0))))
    finally:
        index.close()
    meta = load_meta(store, {pk for lk in links for pk in (lk.a, lk.b)})
    totals = {o: n for o, (n, _) in store.outlet_totals().items()}
    return outlet_shares(stories(links, meta, settings), totals), notice


def apply(scores: list, shares: Mapping[str, Mapping[str, Any]], settings: Mapping[str, Any]) -> list:
    """Scores with the copy columns attached and the unattributed-rewrite share in the load."""
    cfg = settings.get("copies") or {}
    weight = float(cfg.get("weight", 0.0))
    k = float(cfg.get("prior_articles", 4))
    d0 = float(settings["d0"])
    out = []
    for s in scores:
        row = shares.get(s.outlet)
        if row is None:
            out.append(s)
            continue
        shrunk = row["rewrites"] / (row["articles"] + k)
        factor = math.exp(-weight * shrunk / d0)
        copies = {"rewrites": row["rewrites"], "rewrite_share": round(row["rewrite_share"], 4),
                  "syndicated": row["syndicated"], "syndication_share": round(row["syndication_share"], 4),
                  "rewrite_share_shrunk": round(shrunk, 4), "weight": weight}
        score = s.score * factor
        out.append(dataclasses.replace(
            s, score=score, low=s.low * factor, high=s.high * factor, load=s.load + weight * shrunk,
            tier=tier_for(score, settings["tiers"]) if s.sufficient else INSUFFICIENT, copies=copies))
    out.sort(key=lambda s: (not s.sufficient, -s.score, s.outlet))
    return out
