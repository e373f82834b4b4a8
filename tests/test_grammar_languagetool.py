"""The optional LanguageTool backend: findings from a real HTTP server, and silence without one."""

from __future__ import annotations

import socket

import pytest

from detector.article import Article, Document
from detector.checks.grammar import GrammarCheck
from detector.grammar.languagetool import chunks

pytest.importorskip("language_tool_python")
from lt_server import FakeLanguageTool  # noqa: E402  (tests/ is on sys.path under pytest)


def _doc(text: str) -> Document:
    return Document(Article(id="a", text=text), language="en")


def _run(settings: dict, text: str) -> tuple[GrammarCheck, list]:
    check = GrammarCheck(settings)
    check.ensure_setup()
    return check, check.check(_doc(text)).findings


def test_matches_become_grammar_findings_with_languagetool_ids():
    text = "The mayor said he go to the square. This is noot true."
    with FakeLanguageTool() as lt:
        check, found = _run({"server": lt.url}, text)
    assert check.notice is None
    by_rule = {f.rule: f for f in found}
    assert set(by_rule) == {"Grammar.Syntax", "Grammar.Spelling"}
    spelling = by_rule["Grammar.Spelling"]
    assert spelling.text == "noot" and text[spelling.start:spelling.end] == "noot"
    assert spelling.suggestion == "not"
    assert spelling.data["lt_rule"] == "MORFOLOGIK_RULE_EN_US" and spelling.data["replacements"][:2] == ["not", "note"]
    assert "MORFOLOGIK_RULE_EN_US" in spelling.message
    assert by_rule["Grammar.Syntax"].text == "he go"


def test_match_rate_is_a_metric_for_models():
    with FakeLanguageTool() as lt:
        check = GrammarCheck({"server": lt.url})
        check.ensure_setup()
        result = check.check(_doc("Then he go home. It is noot far. The rest is fine."))
    assert result.metrics["grammar_matches_per_1000_words"] == pytest.approx(1000 * 2 / 12)


def test_offsets_stay_exact_after_characters_outside_the_bmp():
    # LanguageTool counts UTF-16 units: the emoji is 2 there, 1 in Python.
    text = "Glory to Ukraine 🇺🇦🙏 but this is noot right."
    with FakeLanguageTool() as lt:
        _check, found = _run({"server": lt.url}, text)
    assert [f.text for f in found] == ["noot"]


def test_unknown_categories_fall_back_to_the_issue_type():
    with FakeLanguageTool() as lt:
        _check, found = _run({"server": lt.url}, "A very unique idea.")
    assert [(f.rule, f.data["lt_category"]) for f in found] == [("Grammar.Style", "BOGUS_CATEGORY")]


def test_disabled_rules_are_sent_to_the_server():
    with FakeLanguageTool() as lt:
        _run({"server": lt.url, "disabled_rules": ["WHITESPACE_RULE"]}, "Fine text.")
        assert lt.requests[-1]["disabledRules"] == "WHITESPACE_RULE"


def test_long_texts_are_sent_in_pieces_and_offsets_shifted_back():
    para = "A clean paragraph of reasonable length here.\n\n"
    text = para * 30 + "Then he go home."
    with FakeLanguageTool() as lt:
        _check, found = _run({"server": lt.url, "max_chars": 300}, text)
        assert len(lt.requests) > 1
    assert [f.text for f in found] == ["he go"]


def test_chunks_cover_the_text_exactly():
    text = "one two\n\nthree four five\nsix " * 50
    pieces = list(chunks(text, 64))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 64 for _, p in pieces)
    assert all(text[o:o + len(p)] == p for o, p in pieces)


def test_not_configured_means_no_findings_and_a_notice():
    check, found = _run({}, "he go home")
    assert found == []
    assert check.notice is not None and check.notice.startswith("grammar checks are off")


def test_unreachable_server_means_no_findings_and_a_notice():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    check, found = _run({"server": f"http://127.0.0.1:{port}"}, "he go home")
    assert found == [] and "not reachable" in check.notice


def test_local_path_without_an_installation_is_off(tmp_path):
    check, found = _run({"path": str(tmp_path)}, "he go home")
    assert found == [] and "no LanguageTool installation" in check.notice


def test_cli_says_once_that_grammar_is_off(cli, seeds):
    code, out, err = cli("check", str(seeds / "000_2c271ffa57dc1cae.txt"), str(seeds / "001_3fe36ccae938e4bf.txt"),
                         "--fail-on", "never", "--batch-size", "1")
    assert code == 0
    lines = [line for line in err.splitlines() if "grammar checks are off" in line]
    assert len(lines) == 1


def test_cli_reports_languagetool_findings_when_configured(cli, tmp_path):
    (tmp_path / "a.txt").write_text("The mayor said he go to the square.\n", encoding="utf-8")
    with FakeLanguageTool() as lt:
        (tmp_path / "detector.toml").write_text(f'[checks.grammar]\nserver = "{lt.url}"\n', encoding="utf-8")
        code, out, err = cli("check", "a.txt", "-f", "jsonl", "--select", "grammar", cwd=tmp_path)
    assert "grammar checks are off" not in err
    assert '"rule": "Grammar.Syntax"' in out and '"lt_rule": "HE_VERB_AGR"' in out
