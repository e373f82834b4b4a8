"""The scanner: failure isolation, rule selection, severity overrides, merging, scores."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.article import Article, Document
from detector.checks import Check, Rule
from detector.checks.base import Result
from detector.config import load_config
from detector.findings import Category, Finding, Severity
from detector.scanner import Scanner, merge_findings

WORD = Rule("Test.Word", Category.MT, Severity.WARNING, "the word 'boom'", "Flags 'boom'.")
MODEL = Rule("Test.Model", Category.MT, Severity.INFO, "model span", "A model's span.", supporting=True)


class BoomCheck(Check):
    name = "boom"
    rules = (WORD, MODEL)

    def check(self, doc: Document):
        if "crash" in doc.text:
            raise RuntimeError("kaboom")
        for tok in doc.tokens:
            if tok.text == "boom":
                yield WORD.finding(doc, tok.start, tok.end, "boom found")
                yield MODEL.finding(doc, tok.start, tok.end + 1, "model agrees", confidence=0.9)
        return


class RogueCheck(Check):
    name = "rogue"
    rules = (WORD,)

    def check(self, doc: Document):
        return Result([Finding("Other.Rule", Category.MT, Severity.INFO, 0, 0, "", "not mine")])


def scanner(tmp_path, monkeypatch, checks, **overrides):
    monkeypatch.chdir(tmp_path)
    cfg = load_config().with_overrides(overrides)
    return Scanner(cfg, checks=checks)


def art(i: str, text: str) -> Article:
    return Article(id=i, text=text)


def test_a_failing_check_on_one_article_does_not_stop_the_others(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()])
    reports = list(s.scan([art("a", "boom here."), art("b", "this will crash."), art("c", "boom boom.")], batch_size=3))
    assert [r.article.id for r in reports] == ["a", "b", "c"]
    assert [f.rule for f in reports[0].findings] == ["Test.Word"]
    failed = reports[1].findings
    assert [f.rule for f in failed] == ["Internal.CheckFailed"]
    assert failed[0].severity is Severity.ERROR and "kaboom" in failed[0].message
    assert failed[0].data["check"] == "boom"
    assert len(reports[2].findings) == 2
    assert s.stats["boom"].failures == 1


def test_a_check_emitting_an_undeclared_rule_is_reported_as_failed(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [RogueCheck()])
    [report] = s.check_articles([art("a", "text")])
    assert [f.rule for f in report.findings] == ["Internal.CheckFailed"]
    assert "does not declare" in report.findings[0].message


def test_supporting_model_span_folds_into_the_rule_finding(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()])
    [report] = s.check_articles([art("a", "A boom! now")])
    assert [f.rule for f in report.findings] == ["Test.Word"]
    assert report.findings[0].data["supported_by"] == [{"rule": "Test.Model", "confidence": 0.9}]


def test_ignore_and_severity_override(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()], ignore=["Test.Word"])
    [report] = s.check_articles([art("a", "boom now")])
    assert [f.rule for f in report.findings] == ["Test.Model"]
    s = scanner(tmp_path, monkeypatch, [BoomCheck()], select=["Test.Word"])
    s.severity_overrides["Test.Word"] = Severity.ERROR
    [report] = s.check_articles([art("a", "boom now")])
    assert [(f.rule, f.severity) for f in report.findings] == [("Test.Word", Severity.ERROR)]


def test_merge_keeps_the_most_severe_of_overlapping_duplicates():
    def f(start, end, sev):
        return Finding("X.Y", Category.DATE, sev, start, end, "x" * (end - start), "m")

    merged = merge_findings([f(0, 5, Severity.INFO), f(3, 8, Severity.ERROR), f(10, 12, Severity.INFO)])
    assert [(m.start, m.end, m.severity) for m in merged] == [(3, 8, Severity.ERROR), (10, 12, Severity.INFO)]


def test_score_falls_with_findings_and_language_is_detected(tmp_path, monkeypatch):
    s = scanner(tmp_path, monkeypatch, [BoomCheck()])
    clean, dirty = s.check_articles([art("a", "A calm sentence about the weather today, and then another one."), art("b", "There was a boom in the city. " * 4)])
    assert clean.score == 100.0 and clean.language == "en"
    assert dirty.score < clean.score
    assert dirty.words == 28 and dirty.language == "en"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "Kyiv", "Kiev", "Monday, March 28", "February 30, 2022", "town.. It", "Check Also", "About Jane Doe",
    "so I didn't know", "he said.", "Zhyvytsky.", "Meritopoli", "\n", "\n\n", " ", "“", "”", "é", "ї", "Ё",
    "Share this:", "As proven Another photo", "Москва", "der", "the", "24/02/2022", "…", "\t", "🙂",
]), max_size=60), st.text(max_size=40))
def test_every_finding_of_every_registered_check_indexes_the_input(parts, noise):
    import detector

    text = " ".join(parts) + noise
    report = detector.check(text, published="2022-03-02")
    for f in report.findings:
        assert f.rule != "Internal.CheckFailed", f.message
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start:f.end] == f.text
