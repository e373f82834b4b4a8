"""The Ray path (ray.data signatures, band and centroid shuffles, joined confirmation) on a real local Ray."""

from __future__ import annotations

import copies_helpers
import pytest
from copies_helpers import bag_of_words_vectors, corpus


def test_ray_path_finds_the_same_story_as_the_store_path():
    ray = pytest.importorskip("ray")
    from ray import cloudpickle

    from detector.copies.distributed import copies_ray

    cloudpickle.register_pickle_by_value(copies_helpers)  # the stand-in vectoriser travels to the workers
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        found = copies_ray(corpus(), vectors=bag_of_words_vectors, concurrency=2, centroids=2)
    finally:
        ray.shutdown()
        cloudpickle.unregister_pickle_by_value(copies_helpers)
    assert len(found) == 1
    story = found[0]
    assert story.original.id == "k-orig"
    assert {m.meta.id: m.link for m in story.members} == {"k-orig": "original", "k-copy": "verbatim", "k-rewrite": "rewrite"}
