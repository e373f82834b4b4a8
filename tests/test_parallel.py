"""Scale-out gives the same reports, in the same order, as a serial scan."""

from __future__ import annotations

import pytest

from detector.article import Article
from detector.config import load_config
from detector.scanner import Scanner

GERMAN = "Die Bürger der Stadt haben sich gegen die Soldaten gestellt und lautstark protestiert."


def corpus(n: int = 10) -> list[Article]:
    base = "The mayor spoke to residents in the main square on Tuesday afternoon, officials said."
    return [Article(id=f"a{i}", outlet=f"o{i % 3}", text=base + ("\n\n" + GERMAN if i % 2 else "")) for i in range(n)]


def as_dicts(reports):
    return [r.to_dict() for r in reports]


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    cfg = load_config(start=tmp_path_factory.mktemp("cfg"))
    return cfg, as_dicts(Scanner(cfg).scan(corpus(), batch_size=3))


def test_processes_match_serial(serial):
    from detector.parallel import scan_processes

    cfg, expected = serial
    assert sum(len(d["findings"]) for d in expected) == 5
    assert as_dicts(scan_processes(corpus(), cfg, jobs=2, batch_size=2)) == expected


def test_ray_matches_serial(serial):
    ray = pytest.importorskip("ray")
    from detector.parallel import scan_ray

    cfg, expected = serial
    try:
        got = as_dicts(scan_ray(corpus(), cfg, address="local", workers=2, batch_size=2))
    finally:
        ray.shutdown()
    assert got == expected
