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


@pytest.mark.parametrize(("articles", "cores", "memory", "expected"), [
    (None, 8, 64 << 30, 1),        # stdin or a gzip file: not counted, one process
    (15, 8, 64 << 30, 1),          # too few to pay two workers' start-up
    (16, 8, 64 << 30, 2),          # one worker per PROCESS_CHUNK articles at most
    (300, 2, 64 << 30, 2),         # one worker per core
    (300, 8, (3 << 30) + 5, 3),    # at most one per GiB of available memory
    (300, 8, 100 << 20, 1),        # never fewer than one
    (300, 1, 64 << 30, 1),
])
def test_auto_jobs_counts_cores_memory_and_articles(articles, cores, memory, expected) -> None:
    from detector.parallel import auto_jobs

    assert auto_jobs(articles, cores=cores, memory=memory) == expected


def test_memory_and_cores_are_read_from_this_machine() -> None:
    from detector.parallel import available_memory, usable_cores

    assert usable_cores() >= 1
    mem = available_memory()
    assert mem is None or mem > 1 << 20


def _write_corpus(path, n: int) -> None:
    import json

    path.write_text("".join(json.dumps({"id": a.id, "outlet": a.outlet, "text": a.text}) + "\n" for a in corpus(n)),
                    encoding="utf-8")


def test_check_runs_auto_workers_on_a_long_file_with_the_serial_output(tmp_path, monkeypatch, capsys) -> None:
    """``detector check`` picks worker processes itself (``--jobs auto``, the default) for a counted
    file of 16+ articles on 2+ cores, and prints what one process prints; a short file stays in one process."""
    import detector.parallel as parallel
    from tests.cli_helpers import run_cli

    used: list[int] = []
    real = parallel.scan_processes
    monkeypatch.setattr(parallel, "scan_processes", lambda *a, **kw: used.append(kw["jobs"]) or real(*a, **kw))
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    _write_corpus(tmp_path / "long.jsonl", 16)
    _write_corpus(tmp_path / "short.jsonl", 4)
    cmd = ("check", "--format", "jsonl", "--ignore", "MT.ModelSpan", "--fail-on", "never")
    code, auto_out, _ = run_cli(monkeypatch, capsys, tmp_path, *cmd, "long.jsonl")
    assert code == 0 and used == [2]
    code, one_out, _ = run_cli(monkeypatch, capsys, tmp_path, *cmd, "long.jsonl", "--jobs", "1")
    assert code == 0 and used == [2] and auto_out == one_out and auto_out.count("\n") == 16
    code, _, _ = run_cli(monkeypatch, capsys, tmp_path, *cmd, "short.jsonl")
    assert code == 0 and used == [2]


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_bad_jobs_is_a_one_line_usage_error(tmp_path, monkeypatch, capsys, value) -> None:
    from tests.cli_helpers import run_cli

    _write_corpus(tmp_path / "a.jsonl", 2)
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "a.jsonl", "--jobs", value)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1] == f"detector: error: --jobs must be a positive number or auto, not {value!r}"
