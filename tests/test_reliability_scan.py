"""What one article can cost a run: its size is capped (max_chars) and its time budgeted."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.article import Article, Document
from detector.checks import Check, Rule
from detector.config import load_config
from detector.findings import Category, Severity
from detector.scanner import Scanner

WORD = Rule("Test.Word", Category.MT, Severity.WARNING, "the word 'boom'", "Flags 'boom'.")


class BoomCheck(Check):
    name = "boom"
    rules = (WORD,)
    english_only = False

    def check(self, doc: Document):
        if "stall" in doc.text:
            while True:  # a pathological input: never returns on its own
                time.sleep(0.01)
        return [WORD.finding(doc, t.start, t.end, "boom") for t in doc.tokens if t.text == "boom"]


class BatchedStall(BoomCheck):
    name = "batched"

    def check_batch(self, docs: list[Document]):
        return [self.check(d) for d in docs]


def scanner(tmp_path, monkeypatch, checks, **overrides) -> Scanner:
    monkeypatch.chdir(tmp_path)
    return Scanner(load_config().with_overrides(overrides), checks=checks)


def test_a_long_article_is_checked_on_its_first_max_chars_and_says_so(tmp_path, monkeypatch):
    text = "boom " * 10 + "x" * 100 + " boom"
    s = scanner(tmp_path, monkeypatch, [BoomCheck()], max_chars=60)
    [r] = list(s.scan([Article("a", text)]))
    assert r.article.text == text  # the report keeps the whole text; offsets index it
    too_long = [f for f in r.findings if f.rule == "Input.TooLong"]
    assert [(f.start, f.end, f.data["chars"]) for f in too_long] == [(60, 60, len(text))]
    assert [f.start for f in r.findings if f.rule == "Test.Word"] == [5 * i for i in range(10)]
    assert all(text[f.start:f.end] == f.text for f in r.findings)
    assert r.score is not None
    [short] = list(s.scan([Article("b", "boom")]))
    assert [f.rule for f in short.findings] == ["Test.Word"]


def test_max_chars_default_is_a_million():
    assert load_config().get("max_chars") == 1_000_000


def test_a_check_that_stalls_on_one_article_is_stopped_at_its_budget(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()], time_budget=0.3)
    t0 = time.perf_counter()
    reports = list(s.scan([Article("a", "boom"), Article("b", "stall here"), Article("c", "boom boom")], batch_size=3))
    assert time.perf_counter() - t0 < 5
    assert [[f.rule for f in r.findings] for r in reports] == [["Test.Word"], ["Internal.CheckFailed"], ["Test.Word"] * 2]
    failed = reports[1].findings[0]
    assert "time budget" in failed.message and "time_budget" in failed.message


def test_a_batched_check_that_stalls_is_retried_alone_and_the_rest_kept(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BatchedStall()], time_budget=0.2)
    reports = list(s.scan([Article("a", "boom"), Article("b", "stall"), Article("c", "boom")], batch_size=3))
    assert [[f.rule for f in r.findings] for r in reports] == [["Test.Word"], ["Internal.CheckFailed"], ["Test.Word"]]


def test_empty_articles_in_a_batch_keep_their_place_and_get_no_score(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()])
    reports = list(s.scan([Article("a", "boom"), Article("b", " \n "), Article("c", "boom")], batch_size=3))
    assert [r.article.id for r in reports] == ["a", "b", "c"]
    assert [r.score is None for r in reports] == [False, True, False]
    assert [f.rule for f in reports[1].findings] == ["Input.Empty"]
    assert reports[1].to_dict()["score"] is None and reports[1].mt_probability is None


def test_input_rules_can_be_ignored(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()], ignore=["Input"])
    [r] = list(s.scan([Article("b", "")]))
    assert r.findings == [] and r.score is None


# -- linear merging: the bucketed index decides exactly as the pairwise comparison did ---------
def _merge_pairwise(findings, supporting):
    """The earlier quadratic merge, kept as the reference the indexed one must equal."""
    from detector.scanner import _overlaps

    kept = []
    for f in sorted(sorted(findings, key=lambda f: (f.start, -f.end, f.rule)),
                    key=lambda f: (f.rule in supporting, -f.severity.rank, -f.confidence, f.start)):
        twin = next((k for k in kept if _overlaps(k, f) and (k.rule == f.rule or (
            f.rule in supporting and k.category == f.category))), None)
        if twin is None:
            kept.append(f)
        elif twin.rule != f.rule:
            twin.data.setdefault("supported_by", []).append({"rule": f.rule, "confidence": round(f.confidence, 4)})
            twin.confidence = max(twin.confidence, f.confidence)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept


@settings(max_examples=200, deadline=None)
@given(spans=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 3000), st.sampled_from(["A.x", "A.y", "B.z", "M.s"]),
                                st.sampled_from(list(Severity)), st.floats(0, 1)), max_size=40))
def test_indexed_merge_equals_the_pairwise_merge(spans):
    import copy

    from detector.findings import Finding
    from detector.scanner import merge_findings

    cats = {"A.x": Category.MT, "A.y": Category.MT, "B.z": Category.DATE, "M.s": Category.MT}
    fs = [Finding(rule, cats[rule], sev, s, s + n, "", "m", confidence=c) for s, n, rule, sev, c in spans]
    want = _merge_pairwise(copy.deepcopy(fs), {"M.s"})
    got = merge_findings(copy.deepcopy(fs), {"M.s"})
    assert [(f.rule, f.start, f.end, f.confidence, f.data) for f in got] == [(f.rule, f.start, f.end, f.confidence, f.data) for f in want]


def test_merging_many_findings_is_linear():
    from detector.findings import Finding
    from detector.scanner import merge_findings

    def seconds(n: int) -> float:
        fs = [Finding("A.x", Category.MT, Severity.WARNING, 10 * i, 10 * i + 5, "", "m") for i in range(n)]
        t0 = time.perf_counter()
        assert len(merge_findings(fs)) == n
        return time.perf_counter() - t0

    seconds(1000)
    assert seconds(40_000) < 12 * seconds(10_000) + 0.05  # quadratic would be 16x
