"""Readers of ../shared/data/mt on tiny fixtures written in its formats, one trap each."""

from __future__ import annotations

import gzip
from pathlib import Path

from detector.mt.model.sources import (
    HT,
    MT,
    ORIGINAL,
    ht_vs_mt_docs,
    native_english,
    repair_c1,
    site_half,
    txt_docs,
    wmt_xml_docs,
)

XML = """<dataset><collection id="general">
<doc origlang="ru" id="d1" domain="news">
 <src lang="ru"><p><seg id="1">Привет.</seg><seg id="2">Мир.</seg></p></src>
 <ref lang="en" translator="A"><p><seg id="1">Hello.</seg><seg id="2">World.</seg></p></ref>
 <hyp system="SysA" lang="en"><p><seg id="1">Hi.</seg><seg id="2">Peace.</seg></p></hyp>
 <hyp system="Lan-Bridge" lang="en"><p><seg id="1">Hi.</seg><seg id="2">Peace.</seg></p></hyp>
</doc>
<doc origlang="ru" id="tsuite-1" testsuite="tsuite-tedtalks-enru-rev">
 <ref lang="en" translator="A"><p><seg id="1">A TED talk.</seg></p></ref>
 <hyp system="SysA" lang="en"><p><seg id="1">A TED talk.</seg></p></hyp>
</doc>
</collection></dataset>"""

LIV = """<dataset><collection id="general"><doc origlang="en" id="l1">
 <ref lang="en"><p><seg id="1">The sea was calm.</seg></p></ref>
 <hyp system="SysL" lang="en"><p><seg id="1">Meg the sea calm.</seg></p></hyp>
</doc></collection></dataset>"""


def test_xml_docs_skip_test_suites_and_duplicate_systems(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text(XML, encoding="utf-8")
    docs = list(wmt_xml_docs(path, "wmt22", "ru"))
    assert [(d.kind, d.system, d.text) for d in docs] == [(HT, "ref-A", "Hello.\nWorld."), (MT, "SysA", "Hi.\nPeace.")]
    assert {d.group for d in docs} == {"wmt22:ru-en:d1"} and docs[0].domain == "news"


def test_liv_reference_is_original_english(tmp_path: Path) -> None:
    path = tmp_path / "liv.xml"
    path.write_text(LIV, encoding="utf-8")
    kinds = [(d.kind, d.language) for d in wmt_xml_docs(path, "wmt22", "liv")]
    assert kinds == [(ORIGINAL, "en"), (MT, "liv")]


def _gz(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))


def test_line_aligned_files_become_windows_of_consecutive_lines(tmp_path: Path) -> None:
    base = tmp_path / "mt" / "wmt22" / "txt"
    lines = [f"Line {i} with\u2028a separator." if i == 1 else f"Line {i}." for i in range(5)]
    _gz(base / "references" / "generaltest2022.cs-en.ref.C.en.gz", lines)
    _gz(base / "references" / "generaltest2022.cs-en.ref.B.en.gz", ["post-edited"] * 5)  # B is not used
    _gz(base / "system-outputs" / "generaltest2022.cs-en.hyp.Online-W.en.gz", [f"MT {i}." for i in range(5)])
    _gz(base / "system-outputs" / "generaltest2022.cs-en.hyp.Lan-Bridge.en.gz", [f"MT {i}." for i in range(5)])
    docs = [d for d in txt_docs(window=2, shared=tmp_path) if d.source == "wmt22:cs-en"]
    assert [(d.kind, d.system, d.group) for d in docs[:2]] == [(HT, "ref-C", "wmt22:cs-en:lines0-2"), (MT, "Online-W", "wmt22:cs-en:lines0-2")]
    assert docs[0].text == "Line 0.\nLine 1 with\u2028a separator."  # U+2028 does not split a line
    assert len(docs) == 6 and docs[-1].text == "MT 4." and docs[-1].group == "wmt22:cs-en:lines4-5"


def test_ht_vs_mt_joins_continuation_lines_and_repairs_c1(tmp_path: Path) -> None:
    for engine, mt_name in (("deepl", "org_de_wmt18.deepl.en"), ("google", "org_de_wmt18.txt.en.google")):
        folder = tmp_path / "mt" / "ht-vs-mt" / engine / "dev"
        folder.mkdir(parents=True)
        (folder / "trans_en_wmt18.txt").write_text("It\x92s a human one.\nSecond human.\n", encoding="utf-8")
        (folder / mt_name).write_text(f"First {engine}.\n   continued.\nSecond {engine}.\n", encoding="utf-8")
    docs = ht_vs_mt_docs(tmp_path)
    human = [d for d in docs if d.kind == HT]
    assert [d.text for d in human] == ["It’s a human one.", "Second human."]  # the .txt is read once
    deepl = [d for d in docs if d.system == "deepl"]
    assert [d.text for d in deepl] == ["First deepl. continued.", "Second deepl."]
    assert deepl[1].group == human[1].group == "htmt:de:wmt18:1" and deepl[0].split == "dev"


def test_native_english_groups_segments_by_document_and_domain(tmp_path: Path) -> None:
    base = tmp_path / "mt" / "wmt22"
    base.mkdir(parents=True)
    for pair in ("en-uk", "en-hr"):
        (base / f"generaltest2022.{pair}.src.en").write_text("A.\nB.\nC.\n", encoding="utf-8")
        (base / f"generaltest2022.{pair}.docids").write_text("n1\tnews\nn1\tnews\nr1\tecommerce\n", encoding="utf-8")
    news = native_english("news", tmp_path)
    assert [(d.group, d.text, d.kind) for d in news] == [("wmt22:en-uk:n1", "A.\nB.", ORIGINAL), ("wmt22:en-hr:n1", "A.\nB.", ORIGINAL)]


def test_site_half_is_stable_and_splits_sites() -> None:
    halves = {site_half(f"site{i}.com") for i in range(20)}
    assert halves == {"tune", "test"} and site_half("bbc.co.uk") == site_half("bbc.co.uk")
    assert repair_c1("\x93quoted\x94 \x96 dash") == "“quoted” – dash"
