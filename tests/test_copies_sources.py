"""The copy eval's splits share no source: test2 is held out from dev, dev_hard and test, test3 from all four."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from detector.eval.copies_sources import disjointness, interleave, keys, line_windows, site


def _gz(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def test_line_windows_are_disjoint_runs_of_aligned_lines(tmp_path: Path) -> None:
    n = 100
    _gz(tmp_path / "sources" / "newstest2021.cs-en.src.cs.gz", [f"zdroj {i}" for i in range(n)])
    _gz(tmp_path / "references" / "newstest2021.cs-en.ref.A.en.gz", [f"reference {i}" for i in range(n)])
    _gz(tmp_path / "system-outputs" / "newstest2021.cs-en.hyp.SysA.en.gz", [f"a {i}" for i in range(n)])
    _gz(tmp_path / "system-outputs" / "newstest2021.cs-en.hyp.Short.en.gz", [f"b {i}" for i in range(n - 1)])
    wins = line_windows(tmp_path, "cs-en", np.random.default_rng(0), per_pair=10, sizes=(8, 12))
    assert 3 <= len(wins) <= 6  # 100 lines hold at most 100 / 16 windows with their gaps
    seen: set[int] = set()
    for w in wins:
        first, last = (int(x) for x in w.id.rsplit(" ", 1)[1].split("-"))
        lines = set(range(first, last + 1))
        assert 8 <= len(lines) <= 12 and not lines & seen and not {first - 1} & seen  # never two neighbours
        seen |= lines
        assert w.ref == [f"reference {i}" for i in range(first, last + 1)]
        assert w.src[0] == f"zdroj {first}" and list(w.hyps) == ["SysA"]  # a system missing a line is left out
        assert w.hyps["SysA"][-1] == f"a {last}"


def test_disjointness_names_shared_documents_and_sites() -> None:
    assert site("scrapinghub/www.Example.com/17") == "example.com" and site("wmt21/cs-en/lines 0-9") is None
    assert keys(["wcxb/example.com/3"]) == {"wcxb/example.com/3", "site:example.com"}
    clean = disjointness({"dev": ["wmt22/uk-en/d1", "wcxb/a.com/1"], "dev_hard": ["wmt22/uk-en/d1"],
                          "test": ["wmt21/ru-en/d1"], "test2": ["wmt21/cs-en/lines 0-9"]})
    assert clean == {"dev/test": [], "dev/test2": [], "test/test2": []}  # dev_hard shares dev's sources by design
    clash = disjointness({"dev": ["wcxb/a.com/1"], "dev_hard": ["wmt22/uk-en/d1"],
                          "test2": ["scrapinghub/www.a.com/9", "wmt22/uk-en/d1"]})
    assert clash == {"dev/test2": ["site:a.com", "wmt22/uk-en/d1"]}
    assert interleave([1, 2, 3], ["a"], [None, "x"]) == [1, "a", 2, "x", 3]


def test_overlapping_line_windows_of_one_set_clash() -> None:
    shared = disjointness({"test2": ["wmt21/cs-en/lines 10-19"], "test3": ["wmt21/cs-en/lines 19-30", "wmt21/de-en/lines 10-19"]})
    assert shared == {"test2/test3": ["wmt21/cs-en/line 19"]}  # one line in common; another set's lines are not


def test_no_source_document_or_site_is_in_two_splits(shared_data: Path) -> None:
    from collections import Counter

    from detector.eval.copies_corpus import build, build_hard

    splits = {"dev": build("dev")[1], "dev_hard": build_hard("dev")[1], "test": build("test")[1]}
    arts, splits["test2"] = build("test2")
    arts3, splits["test3"] = build("test3")
    sources = {k: [t.source for t in v.values()] for k, v in splits.items()}
    assert all(sources[k] and all(sources[k]) for k in sources)  # every article names where it came from
    assert disjointness(sources) == {f"{a}/{b}": [] for a, b in [("dev", "test"), ("dev", "test2"), ("dev", "test3"),
                                                                  ("test", "test2"), ("test", "test3"), ("test2", "test3")]}
    sets = {k: {s.split("/")[0] if not s.startswith("wmt") else "/".join(s.split("/")[:2]) for s in v} for k, v in sources.items()}
    assert not sets["test2"] & (sets["dev"] | sets["test"]) - {"wcxb", "scrapinghub", "ht-vs-mt"}  # other WMT sets
    assert not sets["test3"] & (sets["dev"] | sets["test"] | sets["test2"]) - {"wcxb", "scrapinghub", "ht-vs-mt"}
    assert len(arts) == 240 and {t.kind for t in splits["test2"].values()} == {"original", "rewrite", "mashup", "verbatim", "negative"}
    kinds = Counter(t.kind for t in splits["test3"].values())
    notes = Counter(t.note for t in splits["test3"].values() if t.kind == "verbatim")
    assert len(arts3) == 390 and kinds["verbatim"] == 80 and kinds["rewrite"] + kinds["mashup"] >= 90
    assert notes["run-on"] + notes["run-on+long"] == 20 and notes["cut"] > 0  # the pages test2 missed, and more
    assert sum(t.note == "same-event" for t in splits["test3"].values()) >= 15
    assert build("test3")[0] == arts3  # seeded: the same articles in the same order
