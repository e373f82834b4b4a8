"""Copy detection on Ray, on CPU, shaped like NeMo Curator's fuzzy and semantic deduplication.

For a corpus too large for one process, the same steps run as ``ray.data`` stages:

1. **Signatures** (``map_batches`` on worker actors): each article's ``Signature``, with the MT
   check's sentence vectors (the scan's encoder pass; a ``vectors`` callable can stand in).
2. **Candidates by shuffle**, never all pairs:
   - MinHash LSH (fuzzy dedup): each article is emitted once per band under ``(band, key)``; a
     ``groupby`` on the bucket brings its members together and each bucket yields its pairs;
   - document vectors (semantic dedup): k-means centroids fitted on a sample; each article goes to
     its two nearest centroids, and within a centroid's group the top ``ann_k`` neighbours by
     cosine (>= ``ann_min_similarity``, inside the publication window) are candidates.
   Buckets larger than ``max_bucket`` (page furniture every article shares) are skipped.
3. **Confirmation**: candidate pairs are joined with both signatures (a shuffle join by
   ``groupby``: Ray's own ``Dataset.join`` needs polars) and confirmed by ``align.confirm`` on the workers.
4. **Components**: confirmed links come back to the driver (they are few: one per copy) and
   ``cluster.stories`` joins them, partial links never merging stories. Each article's clustering
   facts (outlet, date, words, defects and boilerplate findings of its scan, when given reports)
   ride through the signature stage beside its signature, so the original is chosen by the same
   key (``cluster.original_key``) as on the store path.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from detector.article import Article, Document
from detector.copies import align
from detector.copies.cluster import Meta, Story, defect_counts, stories
from detector.copies.index import DEFAULTS, _in_window, band_keys
from detector.copies.signature import compute
from detector.findings import ArticleReport

CENTROIDS = 2  # each article joins the groups of its two nearest centroids
#: What clustering needs of an article (``cluster.Meta``), carried beside its signature.
_FACTS = ("pk", "id", "outlet", "published", "words", "defects", "boilerplate")


class _Signer:
    """A worker actor: signatures of a batch of articles (MT model loaded once per actor)."""

    def __init__(self, vectors: Callable[[list[Document]], list[dict]] | None, bands: int, mask: bool = True) -> None:
        self.vectors = vectors
        self.bands = bands
        self.mask = mask
        if vectors is None:
            from detector.checks.mt_model import MTModelCheck

            self.check = MTModelCheck()
            self.check.ensure_setup()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        docs = [Document(Article(id=str(i), text=str(t))) for i, t in zip(batch["id"], batch["text"])]
        got = self.vectors(docs) if self.vectors is not None else [r.signals for r in self.check.check_batch(docs)]
        sigs = [compute(d, g.get("sentence_vectors"), g.get("encoder"), g.get("sentence_spans")) for d, g in zip(docs, got)]
        if self.mask:  # the store path's masking: sentences inside the scan's boilerplate findings
            sigs = [s.masked(json.loads(str(f))) for s, f in zip(sigs, batch["furniture"])]
        return {**{k: list(batch[k]) for k in _FACTS},
                "sig": [pickle.dumps(s) for s in sigs],
                "bands": [band_keys(s.minhash, self.bands) for s in sigs],
                "vector": [s.doc_vector() for s in sigs]}


def _bucket_pairs(max_bucket: int) -> Callable[[dict[str, np.ndarray]], dict[str, list]]:
    def pairs(group: dict[str, np.ndarray]) -> dict[str, list]:
        pks = sorted(set(int(p) for p in group["pk"]))
        if len(pks) > max_bucket:
            pks = []
        a = [x for i, x in enumerate(pks) for _ in pks[i + 1:]]
        b = [y for i in range(len(pks)) for y in pks[i + 1:]]
        return {"a": a, "b": b}

    return pairs


def _neighbour_pairs(settings: Mapping[str, Any]) -> Callable[[dict[str, np.ndarray]], dict[str, list]]:
    k, floor, window = int(settings["ann_k"]), float(settings["ann_min_similarity"]), int(settings["window_days"])

    def pairs(group: dict[str, np.ndarray]) -> dict[str, list]:
        pks = [int(p) for p in group["pk"]]
        vecs = np.stack(list(group["vector"])).astype(np.float32)
        sims = vecs @ vecs.T
        np.fill_diagonal(sims, -1.0)
        a, b = [], []
        for i in range(len(pks)):
            for j in np.argsort(-sims[i])[:k]:
                if sims[i, j] >= floor and _in_window(_iso(group["published"][i]), _iso(group["published"][j]), window):
                    a.append(min(pks[i], pks[j]))
                    b.append(max(pks[i], pks[j]))
        return {"a": a, "b": b}

    return pairs


def _attach(pairs: Any, side: Any, which: str) -> Any:
    """Pairs with the signature of their article ``which`` ("a" or "b") attached: a shuffle join (both
    sides keyed by that article, one ``groupby``), so no worker holds more than one key's rows."""
    def tag_pair(r: dict) -> dict:
        return {"key": r[which], "a": r["a"], "b": r["b"], "sig_a": r["sig_a"], "sig": b""}

    def tag_sig(r: dict) -> dict:
        return {"key": r["pk"], "a": -1, "b": -1, "sig_a": b"", "sig": r["sig"]}

    def attach(group: dict[str, np.ndarray]) -> dict[str, list]:
        sig = next((g for g, a in zip(group["sig"], group["a"]) if a == -1), None)
        out: dict[str, list] = {"a": [], "b": [], "sig_a": [], **({"sig_b": []} if which == "b" else {})}
        for a, b, sa in zip(group["a"], group["b"], group["sig_a"]):
            if a == -1 or sig is None:
                continue
            out["a"].append(int(a))
            out["b"].append(int(b))
            out["sig_a"].append(sig if which == "a" else sa)
            if which == "b":
                out["sig_b"].append(sig)
        return out

    return pairs.map(tag_pair).union(side.map(tag_sig)).groupby("key").map_groups(attach)


def _confirm(settings: Mapping[str, Any]) -> Callable[[dict[str, np.ndarray]], dict[str, list]]:
    def confirm(batch: dict[str, np.ndarray]) -> dict[str, list]:
        out: dict[str, list] = {"link": []}
        for a, b, sa, sb in zip(batch["a"], batch["b"], batch["sig_a"], batch["sig_b"]):
            link = align.confirm(int(a), pickle.loads(sa), int(b), pickle.loads(sb), settings)
            if link is not None:
                out["link"].append(pickle.dumps(link))
        return out

    return confirm


def _row(pk: int, item: Article | ArticleReport) -> dict[str, Any]:
    """An article's row: its text and clustering facts (defect counts from a report's findings)."""
    furniture: list[tuple[int, int]] = []
    if isinstance(item, ArticleReport):
        a, (defects, boilerplate) = item.article, defect_counts(str(f.category) for f in item.findings)
        words = item.words or len(a.text.split())
        furniture = [(f.start, f.end) for f in item.findings if str(f.category) == "boilerplate"]
    else:
        a, defects, boilerplate, words = item, 0, 0, len(item.text.split())
    return {"pk": pk, "id": a.id, "outlet": a.outlet, "text": a.text, "published": a.published.isoformat() if a.published else None,
            "words": words, "defects": defects, "boilerplate": boilerplate, "furniture": json.dumps(furniture)}


def copies_ray(articles: Iterable[Article | ArticleReport], settings: Mapping[str, Any] | None = None, *,
               vectors: Callable[[list[Document]], list[dict]] | None = None, concurrency: int = 2,
               max_bucket: int = 200, centroids: int | None = None, seed: int = 0) -> list[Story]:
    """Stories among ``articles`` computed on the running Ray cluster (``ray.init`` first). Given the
    scan's reports (or ``store_reports``), the original's tie-break counts their findings, as the store
    path does; given bare articles, only dates (then order) break ties."""
    import ray.data

    s = {**DEFAULTS, **align.DEFAULTS, **(settings or {})}
    rows = [_row(i + 1, x) for i, x in enumerate(articles)]
    ds = ray.data.from_items(rows)
    sigs = ds.map_batches(_Signer, fn_constructor_kwargs={"vectors": vectors, "bands": int(s["bands"]),
                                                          "mask": bool(s["mask_furniture"])},
                          batch_size=32, concurrency=concurrency).materialize()
    lsh = (sigs.flat_map(lambda r: [{"bucket": f"{b}:{k}", "pk": r["pk"]} for b, k in enumerate(r["bands"])])
           .groupby("bucket").map_groups(_bucket_pairs(max_bucket)))
    with_vec = sigs.filter(lambda r: r["vector"] is not None)
    n = with_vec.count()
    candidates = [lsh]
    if n >= 2:
        from sklearn.cluster import KMeans

        sample = np.stack([r["vector"] for r in with_vec.take(min(n, 20_000))]).astype(np.float32)
        km = KMeans(n_clusters=centroids or max(1, int(np.sqrt(n / 50))), n_init=1, random_state=seed).fit(sample)
        cents = km.cluster_centers_ / np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True)

        def assign(r: dict) -> list[dict]:
            near = np.argsort(-(cents @ np.asarray(r["vector"], dtype=np.float32)))[:CENTROIDS]
            return [{"centroid": int(c), "pk": r["pk"], "vector": r["vector"], "published": r["published"]} for c in near]

        candidates.append(with_vec.flat_map(assign).groupby("centroid").map_groups(_neighbour_pairs(s)))
    pairs = candidates[0].union(*candidates[1:]) if len(candidates) > 1 else candidates[0]
    pairs = pairs.groupby(["a", "b"]).count().select_columns(["a", "b"])
    side = sigs.select_columns(["pk", "sig"])
    joined = _attach(_attach(pairs.map(lambda r: {"a": r["a"], "b": r["b"], "sig_a": b""}), side, "a"), side, "b")
    links = [pickle.loads(r["link"]) for r in joined.map_batches(_confirm(s), batch_size=256).take_all()]
    linked = {pk for lk in links for pk in (lk.a, lk.b)}
    text = {r["pk"]: r["text"] for r in rows}
    meta = {int(r["pk"]): Meta(int(r["pk"]), str(r["id"]), str(r["outlet"]), _date(r["published"]), int(r["words"]),
                               int(r["defects"]), int(r["boilerplate"]), text[int(r["pk"])])
            for r in sigs.select_columns(list(_FACTS)).filter(lambda r: r["pk"] in linked).take_all()}
    return stories(links, meta, s)


def store_reports(store: Any) -> list[ArticleReport]:
    """The store's current articles as reports (text, words, findings) for ``copies_ray``, in store order."""
    return [ArticleReport(sa.article, sa.findings, sa.score, words=sa.words)
            for sa in sorted(store.articles(), key=lambda sa: sa.pk)]


def _iso(value: Any) -> str | None:
    """A date column's value: Arrow hands an all-null column back as NaN, not None."""
    return value if isinstance(value, str) and value else None


def _date(value: Any) -> dt.date | None:
    iso = _iso(value)
    return dt.date.fromisoformat(iso) if iso else None

