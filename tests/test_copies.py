"""Copy detection over a real results store: stories, originals, mashups, incremental indexing."""

from __future__ import annotations

import json

import pytest
from copies_helpers import RAW, corpus, day, rewrite, scan_into, text

from detector.article import Article
from detector.copies import CopyIndex, find, story_dict
from detector.copies import align as align_module
from detector.copies.cluster import Meta, attributed
from detector.copies.signature import anchors
from detector.findings import Category, Finding, Severity
from detector.store import Store


def _stories(db, **kw):
    with Store(db, readonly=True) as store:
        found, stats, index = find(store, **kw)
        out = [story_dict(s, index) for s in found]
        index.close()
    return out, stats


def _story_of(clusters, article_id):
    return [c["id"] for c in clusters for m in c["members"] if m["id"] == article_id and m["link"] != "partial"]


def test_copy_and_rewrite_join_their_original_and_unrelated_stories_stay_apart(tmp_path):
    db = tmp_path / "results.db"
    scan_into(db, corpus())
    clusters, _ = _stories(db)
    assert len(clusters) == 1
    story = clusters[0]
    links = {m["id"]: m["link"] for m in story["members"]}
    assert links == {"k-orig": "original", "k-copy": "verbatim", "k-rewrite": "rewrite"}
    assert story["original"] == "k-orig"  # the earliest published
    assert not _story_of(clusters, "h-orig") and not _story_of(clusters, "e-orig")
    rewrite_member = next(m for m in story["members"] if m["id"] == "k-rewrite")
    assert rewrite_member["evidence"]["aligned_sentences"] == 8
    assert rewrite_member["evidence"]["verbatim_sentences"] == 0
    assert "12" in rewrite_member["evidence"]["shared_names_numbers"]
    copy_member = next(m for m in story["members"] if m["id"] == "k-copy")
    assert copy_member["evidence"]["shared_passages"]
    assert set(story["members"][0]) == {"id", "outlet", "published", "link", "similarity", "evidence"}


def test_the_earliest_member_is_the_original_whatever_the_scan_order(tmp_path):
    db = tmp_path / "results.db"
    arts = corpus()
    arts[0].published, arts[2].published = day(5), day(0)  # the rewrite now came first
    scan_into(db, arts[::-1])
    clusters, _ = _stories(db)
    assert clusters[0]["original"] == "k-rewrite"


def test_on_a_date_tie_the_member_without_added_furniture_is_the_original(tmp_path):
    db = tmp_path / "results.db"
    arts = corpus()[:2]
    arts[1].published = arts[0].published
    copy_text = arts[1].text
    furniture = Finding("Boilerplate.Widget", Category.BOILERPLATE, Severity.WARNING, 0, 18, copy_text[:18], "widget")
    scan_into(db, arts[::-1], extra={"k-copy": [furniture]})
    clusters, _ = _stories(db)
    assert clusters[0]["original"] == "k-orig"


def test_a_mashup_belongs_to_the_story_it_mostly_copies_and_does_not_chain_two_stories(tmp_path):
    db = tmp_path / "results.db"
    k, h = RAW["konotop"], RAW["harbour"]
    arts = [
        Article("k-orig", text(k), outlet="wire.example", published=day(0)),
        Article("k-rewrite", text([rewrite(s) for s in k]), outlet="farm.example", published=day(1)),
        Article("h-orig", text(h), outlet="port.example", published=day(0)),
        Article("h-copy", text(h) + "\n\nShare this article", outlet="mirror.example", published=day(1)),
        # five sentences of the Konotop story (rewritten) padded with three of the harbour story
        Article("mashup", text([rewrite(s) for s in k[:5]] + h[:3]), outlet="farm.example", published=day(2)),
    ]
    scan_into(db, arts)
    clusters, _ = _stories(db)
    assert len(clusters) == 2
    konotop = _story_of(clusters, "k-orig")
    assert _story_of(clusters, "mashup") == konotop
    harbour = next(c for c in clusters if c["original"] == "h-orig")
    assert {m["id"] for m in harbour["members"] if m["link"] != "partial"} == {"h-orig", "h-copy"}
    borrowed = [m for m in harbour["members"] if m["id"] == "mashup"]
    assert borrowed and borrowed[0]["link"] == "partial"


def test_adding_an_article_compares_only_its_candidates_not_all_pairs(tmp_path, monkeypatch):
    db = tmp_path / "results.db"
    scan_into(db, corpus())
    with Store(db, readonly=True) as store, CopyIndex(store) as index:
        first = index.update()
    assert first.added == 5
    calls = []
    real = align_module.confirm
    monkeypatch.setattr(align_module, "confirm", lambda *a, **kw: calls.append(a[0]) or real(*a, **kw))
    scan_into(db, [Article("k-late", text([rewrite(s) for s in RAW["konotop"][:6]]), outlet="late.example", published=day(3))])
    with Store(db, readonly=True) as store, CopyIndex(store, settings={"ann_k": 2}) as index:
        second = index.update()
        links = list(index.links())
    assert second.added == 1
    # the new article against its candidates (2 ANN neighbours, no shared band), never old pairs again
    assert second.compared == len(calls) == 2
    assert any({lk.a, lk.b} & {6} for lk in links)
    clusters, stats = _stories(db)
    assert stats.added == 0 and stats.compared == 0  # nothing new: nothing compared
    assert _story_of(clusters, "k-late") == _story_of(clusters, "k-orig")


def test_the_publication_window_keeps_far_apart_articles_out(tmp_path):
    db = tmp_path / "results.db"
    arts = corpus()[:3]
    arts[2].published = day(40)
    scan_into(db, arts)
    clusters, _ = _stories(db, settings={"window_days": 7})
    assert not _story_of(clusters, "k-rewrite")
    (tmp_path / "other").mkdir()
    clusters, _ = _stories(db, settings={"window_days": 0}, folder=tmp_path / "other")
    assert _story_of(clusters, "k-rewrite") == _story_of(clusters, "k-orig")


def test_anchors_normalise_transliterations_through_the_gazetteer():
    a = anchors("Shelling hit Kharkov and 1,200 people fled to Kiev, said Oleksandr.")
    b = anchors("Shelling hit Kharkiv and 1200 people fled to Kyiv, said Oleksandr.")
    assert a == b
    assert "#1200" in a and "kharkiv" in a
    assert "shelling" not in a  # a capitalised sentence start is not a name


def test_wire_credits_and_named_sources_count_as_attribution():
    orig = Meta(1, "a", "cnn.com", day(0), 100, 0, 0)
    credited = Meta(2, "b", "farm.example", day(1), 100, 0, 0, text="... The Associated Press contributed to this report.")
    named = Meta(3, "c", "farm.example", day(1), 100, 0, 0, text="As CNN reported on Tuesday, ...")
    silent = Meta(4, "d", "farm.example", day(1), 100, 0, 0, text="Troops surrounded the city on Tuesday.")
    assert attributed(credited, orig) and attributed(named, orig)
    assert not attributed(silent, orig)


def test_unrelated_articles_on_one_topic_are_not_confirmed():
    """Sentences in another order do not align in order: two reports of one event are no copy."""
    import numpy as np

    from detector.copies.signature import Signature

    def sig(order):
        vec = np.eye(8, dtype=np.float32)[order] * 127
        return Signature(np.zeros(128, np.uint32), 10, np.zeros((8, 2), np.int32), np.arange(1, 9, dtype=np.uint32)[order] + 100,
                         [], vec.astype(np.int8), "e")

    same = align_module.confirm(1, sig(list(range(8))), 2, sig(list(range(8))))
    shuffled = align_module.confirm(1, sig(list(range(8))), 2, sig([7, 6, 5, 4, 3, 2, 1, 0]))
    assert same is not None and same.kind == "verbatim"
    assert shuffled is None


def test_copies_cli_json_csv_text_and_outlet_filter(tmp_path, cli):
    db = tmp_path / "results.db"
    scan_into(db, corpus())
    code, out, err = cli("copies", "--db", str(db), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [m["link"] for m in data["clusters"][0]["members"]] == ["original", "verbatim", "rewrite"]
    code, out, _ = cli("copies", "--db", str(db), "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("story,original,id,outlet")
    code, out, _ = cli("copies", "--db", str(db), "port.example")
    assert code == 0 and "no copies found" in out
    code, out, _ = cli("copies", "--db", str(db), "farm.example")
    assert code == 0 and "k-rewrite" in out
    code, out, _ = cli("copies", "--db", str(db), "--min-similarity", "0.99", "--format", "json")
    assert all(m["similarity"] >= 0.99 for c in json.loads(out)["clusters"] for m in c["members"])


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "--format must be"),
    (["--min-similarity", "2"], "--min-similarity must be between 0 and 1"),
    (["nowhere.example"], "no outlet 'nowhere.example'"),
])
def test_copies_cli_bad_input_is_one_line_and_exit_2(tmp_path, cli, args, message):
    db = tmp_path / "results.db"
    scan_into(db, corpus()[:1])
    code, out, err = cli("copies", "--db", str(db), *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_copies_cli_missing_store(tmp_path, cli):
    code, _, err = cli("copies", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no results store" in err


def test_outlets_gain_rewrite_and_syndication_columns_and_rewrites_cost_score(tmp_path, cli):
    db = tmp_path / "results.db"
    arts = corpus()
    arts.append(Article("wire-credit", text([rewrite(s) for s in RAW["konotop"]]) + "\n\nThe Associated Press contributed to this report.",
                        outlet="credited.example", published=day(2)))
    scan_into(db, arts)
    code, out, _ = cli("outlets", "--db", str(db), "--format", "json")  # no 'detector copies' run: outlets indexes
    rows = {row["outlet"]: row for row in json.loads(out)}
    assert rows["farm.example"]["copies"]["rewrite_share"] == 1.0
    assert rows["credited.example"]["copies"]["rewrite_share"] == 0.0  # wire credit: not held against it
    assert rows["mirror.example"]["copies"]["syndication_share"] == 1.0
    assert rows["wire.example"]["copies"]["rewrite_share"] == 0.0
    (tmp_path / "detector.toml").write_text("[outlets.copies]\nweight = 0.0\n", encoding="utf-8")
    code, out, _ = cli("outlets", "--db", str(db), "--format", "json", "--config", str(tmp_path / "detector.toml"))
    unweighted = {row["outlet"]: row for row in json.loads(out)}
    assert rows["farm.example"]["score"] < unweighted["farm.example"]["score"]
    assert rows["mirror.example"]["score"] >= unweighted["mirror.example"]["score"] * 0.99
    code, out, _ = cli("outlets", "--db", str(db))
    assert code == 0 and "rewrites" in out.splitlines()[0] and "100%" in next(line for line in out.splitlines() if line.startswith("farm"))


def test_report_and_serve_pages_show_the_story_and_the_side_by_side_view(tmp_path, cli):
    from detector.report import slug

    db = tmp_path / "results.db"
    scan_into(db, corpus())
    assert cli("copies", "--db", str(db))[0] == 0
    assert cli("report", "--db", str(db), "--out", str(tmp_path / "site"))[0] == 0
    page = (tmp_path / "site" / "articles" / slug("farm.example") / f"{slug('k-rewrite')}.html").read_text(encoding="utf-8")
    assert "a <strong>rewrite</strong> copy" in page and "Side by side" in page
    assert f"../{slug('wire.example')}/{slug('k-orig')}.html" in page
    assert page.count('<tr class="aligned">') == 8  # every sentence paired with its rewritten counterpart
    original = (tmp_path / "site" / "articles" / slug("wire.example") / f"{slug('k-orig')}.html").read_text(encoding="utf-8")
    assert "is the <strong>original</strong>" in original and "k-copy" in original and "Side by side" not in original
    lone = (tmp_path / "site" / "articles" / slug("port.example") / f"{slug('h-orig')}.html").read_text(encoding="utf-8")
    assert "Copies of this story" not in lone


def test_seeds_000_and_001_are_one_story_through_the_real_mt_pass(tmp_path, seeds):
    """The scan's own MT model pass gives the sentence vectors (no second encoder pass)."""
    from detector.config import load_config
    from detector.io.readers import ReaderOptions, read_jsonl
    from detector.scanner import Scanner
    from detector.store import StoreWriter

    articles = list(read_jsonl(seeds / "articles.jsonl", ReaderOptions()))
    scanner = Scanner(load_config().with_overrides({"select": ["MT"]}))
    db = tmp_path / "results.db"
    with Store(db) as store:
        writer = StoreWriter(store, None, max_delay=0)
        for report in scanner.scan(articles):
            assert report.signals["copies"].vectors is not None
            writer.write(report)
        writer.close()
    clusters, stats = _stories(db)
    assert stats.backfilled == 0
    assert _story_of(clusters, "000_2c271ffa57dc1cae") == _story_of(clusters, "001_3fe36ccae938e4bf") != []
    assert not _story_of(clusters, "002_716936a3643cc3ef")
