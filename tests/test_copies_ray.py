"""The Ray path (ray.data signatures, band and centroid shuffles, joined confirmation) on a real local Ray."""

from __future__ import annotations

import copies_helpers
import pytest
from copies_helpers import RAW, bag_of_words_vectors, corpus, day, rewrite, scan_into, text

from detector.article import Article
from detector.findings import Category, Finding, Severity
from detector.store import Store


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray")
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(copies_helpers)  # the stand-in vectoriser travels to the workers
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        cloudpickle.unregister_pickle_by_value(copies_helpers)


def test_ray_path_finds_the_same_story_as_the_store_path(ray_cluster):
    from detector.copies.distributed import copies_ray

    found = copies_ray(corpus(), vectors=bag_of_words_vectors, concurrency=2, centroids=2)
    assert len(found) == 1
    story = found[0]
    assert story.original.id == "k-orig"
    assert {m.meta.id: m.link for m in story.members} == {"k-orig": "original", "k-copy": "verbatim", "k-rewrite": "rewrite"}


def _finding(rule: str, category: Category, body: str) -> Finding:
    return Finding(rule, category, Severity.WARNING, 0, 12, body[:12], "test finding")


def test_ray_and_store_paths_pick_the_same_originals_when_only_defects_break_the_tie(ray_cluster, tmp_path):
    """Three stories whose members tie on date (or have none), the copy stored first (the lower
    key): only the scan's findings name the original, on both paths."""
    from detector.copies import find
    from detector.copies.distributed import copies_ray, store_reports

    k, h, e = RAW["konotop"], RAW["harbour"], RAW["election"]
    arts = [
        Article("k-copy", "\n\n".join(["Share this article", text(k), "Subscribe to our newsletter for updates."]),
                outlet="mirror.example", published=day(0)),
        Article("k-orig", text(k), outlet="wire.example", published=day(0)),
        Article("h-rewrite", text([rewrite(s) for s in h]), outlet="farm.example", published=day(3)),
        Article("h-orig", text(h), outlet="port.example", published=day(3)),
        Article("e-copy", text(e), outlet="copy.example"),  # no dates at all
        Article("e-orig", text(e), outlet="city.example"),
    ]
    by_id = {a.id: a for a in arts}
    extra = {"k-copy": [_finding("Boilerplate.Widget", Category.BOILERPLATE, by_id["k-copy"].text)],
             "h-rewrite": [_finding("MT.Literal", Category.MT, by_id["h-rewrite"].text)] * 2,
             "e-copy": [_finding("Grammar.Agreement", Category.GRAMMAR, by_id["e-copy"].text)]}
    db = tmp_path / "results.db"
    scan_into(db, arts, extra=extra)
    with Store(db, readonly=True) as store:
        local, _, index = find(store, folder=tmp_path / "index")
        index.close()
        reports = store_reports(store)
    assert [r.article.id for r in reports] == [a.id for a in arts]  # store order: every copy has the lower key
    ray_found = copies_ray(reports, vectors=bag_of_words_vectors, concurrency=2, centroids=2)

    def originals(found):
        return {frozenset(m.meta.id for m in s.members if m.link != "partial"): s.original.id for s in found}

    assert originals(local) == {frozenset({"k-copy", "k-orig"}): "k-orig", frozenset({"h-rewrite", "h-orig"}): "h-orig",
                                frozenset({"e-copy", "e-orig"}): "e-orig"}
    assert originals(ray_found) == originals(local)
