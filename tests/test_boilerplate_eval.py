"""The site-disjoint evaluation: its metrics on small fixtures, its splits and simulated outlets."""

from detector.boilerplate.data import LabelledDoc, site_split
from detector.eval.boilerplate import Pred, article_rate, score


def doc(labels, blocks=()):
    return LabelledDoc("d", "wcxb", [f"line {i}" for i in range(len(labels))], labels, blocks=list(blocks), site="a.example")


def test_article_rate_counts_articles_with_a_warning_not_lines():
    docs = [doc([False] * 50) for _ in range(4)]
    preds = [Pred([None] * 50, set()) for _ in range(3)] + [Pred(["Boilerplate.Widget"] + [None] * 49, {"Boilerplate.Widget"})]
    rate = article_rate(docs, preds)
    assert rate["flag_rate"] == 0.25 and rate["by_rule"] == {"Boilerplate.Widget": 1}
    info_only = Pred(["Boilerplate.Byline"] + [None] * 49, set())
    assert article_rate(docs[:1], [info_only])["flag_rate"] == 0.0


def test_block_scores_and_bylines_are_not_furniture():
    d = doc([False, True, True, False, False], blocks=[(1, 3, "widget")])
    hit = score([d], [Pred([None, "Boilerplate.Widget", "Boilerplate.Widget", None, "Boilerplate.Teaser"], set())])
    assert hit["block"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert hit["per_kind"]["widget"]["named_right"] == 1.0
    byline = score([d], [Pred([None, "Boilerplate.Widget", "Boilerplate.Widget", "Boilerplate.Byline", None], set())])
    assert byline["block"]["precision"] == 1.0


def test_sites_never_cross_splits(shared_data):
    from detector.datasets import iter_wcxb

    by_site: dict[str, set[str]] = {}
    for r in iter_wcxb():
        by_site.setdefault(r["domain"], set()).add(site_split(r["domain"]))
    assert all(len(s) == 1 for s in by_site.values())
    assert {s for v in by_site.values() for s in v} == {"train", "val", "test"}


def test_simulated_outlets_share_a_template_that_repeated_finds(shared_data):
    from detector.eval.boilerplate_outlets import OUTLET_SIZE, build_outlets

    outlets = build_outlets("test", 0)
    assert len(outlets) >= 10
    members, marks = outlets[0]
    assert len(members) == OUTLET_SIZE
    template = {d.lines[i] for d, m in zip(members, marks, strict=True) for i, t in enumerate(m) if t}
    assert template and all(d.labels[i] for d, m in zip(members, marks, strict=True) for i, t in enumerate(m) if t)
    assert len({d.site for d in members}) > 1  # bodies of several sites under one template


def test_repeated_finds_the_template_and_counts_what_a_veto_would_cost(shared_data):
    from detector.eval.boilerplate_outlets import simulate

    out = simulate("test", 0, max_outlets=4)
    assert out["outlets"] == 4
    assert out["repeated_recall"] > 0.9
    assert out["repeated_on_other"] <= out["template_lines"] // 10
    assert out["vetoable_false_warnings"] <= out["warnings_false"]
    assert out["true_warnings_lost_by_veto"] <= out["warnings_true"]


def test_wilson_interval_brackets_the_rate_and_stays_inside_zero_one():
    from detector.eval.boilerplate_clean import wilson

    lo, hi = wilson(6, 158)
    assert lo < 6 / 158 < hi and (round(lo, 3), round(hi, 3)) == (0.018, 0.08)
    assert wilson(0, 98)[0] == 0.0 and 0.03 < wilson(0, 98)[1] < 0.04
    assert wilson(0, 0) == [0.0, 1.0]


def test_second_clean_source_is_news_from_wmt_every_line_clean(shared_data):
    from detector.eval.boilerplate_clean import other_clean_sets

    sets = other_clean_sets()
    assert set(sets) == {"clean_native_news", "clean_reference_news"}
    native, refs = sets["clean_native_news"], sets["clean_reference_news"]
    assert 90 <= len(native) <= 99 and len(refs) >= 300
    for d in native + refs:
        assert len(d.lines) >= 4 and not any(d.labels) and d.blocks == []
    assert all(d.source.startswith("wmt22:en-") for d in native)
    assert not {d.id for d in native} & {d.id for d in refs}
