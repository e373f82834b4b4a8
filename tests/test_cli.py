"""The command line: contract output, exit codes, one-line errors, config precedence, pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from detector import __version__

GERMAN = ("The mayor spoke to residents in the main square on Tuesday afternoon, officials said.\n\n"
          "Die Bürger der Stadt haben sich gegen die Soldaten gestellt und lautstark protestiert.\n")


def test_check_seeds_jsonl_emits_the_contract(cli, seeds):
    code, out, err = cli("check", str(seeds / "articles.jsonl"), "--format", "jsonl", "--fail-on", "never")
    assert code == 0, err
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["id"] for o in objs] == ["000_2c271ffa57dc1cae", "001_3fe36ccae938e4bf", "002_716936a3643cc3ef"]
    for o in objs:
        assert list(o) == ["id", "outlet", "published", "language", "words", "score", "mt_probability", "source_language", "source_language_probability", "findings"]
        text = next(seeds.glob(f"{o['id']}.txt")).read_text(encoding="utf-8")
        for f in o["findings"]:
            assert text[f["start"]:f["end"]] == f["text"]
            assert f["category"] in {"mt", "transliteration", "date", "boilerplate", "language", "grammar"}
            assert f["severity"] in {"error", "warning", "info"}


def test_fail_on_sets_the_exit_code(cli, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(GERMAN, encoding="utf-8")
    assert cli("check", str(p), "--select", "Language")[0] == 0  # default: fail on error only
    assert cli("check", str(p), "--select", "Language", "--fail-on", "warning")[0] == 1
    assert cli("check", str(p), "--select", "Language", "--fail-on", "info")[0] == 1
    assert cli("check", str(p), "--select", "Language", "--fail-on", "never")[0] == 0
    code, _, err = cli("check", str(p), "--fail-on", "sometimes")
    assert code == 2 and err.startswith("detector: error: --fail-on")


def test_select_and_ignore_by_prefix_and_category(cli, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(GERMAN, encoding="utf-8")
    _, out, _ = cli("check", str(p), "--format", "jsonl", "--ignore", "Language.ForeignSegment")
    assert json.loads(out)["findings"] == []
    _, out, _ = cli("check", str(p), "--format", "jsonl", "--select", "language")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["Language.ForeignSegment"]


def test_a_select_or_ignore_pattern_that_matches_no_rule_is_a_usage_error(cli, tmp_path):
    """A typo in --select would otherwise run nothing and report a clean article."""
    p = tmp_path / "a.txt"
    p.write_text(GERMAN, encoding="utf-8")
    for option in ("--select", "--ignore"):
        code, out, err = cli("check", str(p), option, "Langauge")
        assert code == 2 and out == "" and "'Langauge' match no rule" in err
        assert err.strip().count("\n") == 0 and "Traceback" not in err


def test_a_folder_without_articles_says_so(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("not an article", encoding="utf-8")
    code, out, err = cli("check", "in", "--glob", "*.txt")
    assert code == 2 and "0 article(s)" in out
    assert "no articles found in in matching --glob '*.txt'" in err


def test_missing_file_is_one_line_and_exit_2(cli, tmp_path):
    code, out, err = cli("check", str(tmp_path / "nope.txt"))
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "no such file" in err and "Traceback" not in err


def test_usage_errors_exit_2(cli, seeds):
    assert cli("check", str(seeds), "--format", "xml")[0] == 2
    assert cli("check")[0] == 2
    assert cli("frobnicate")[0] == 2
    code, _, err = cli("rules", "No.Such")
    assert code == 2 and "no rule" in err


def test_broken_record_is_skipped_reported_and_the_rest_checked(cli, tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "ok1", "text": "fine"}\n{broken\n{"id": "ok2", "text": "also fine"}\n')
    code, out, err = cli("check", str(p), "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["ok1", "ok2"]
    assert f"{p}:2: invalid JSON" in err
    assert code == 2


def test_output_file_is_never_overwritten_without_force(cli, tmp_path, seeds):
    target = tmp_path / "out.jsonl"
    target.write_text("precious")
    code, _, err = cli("check", str(seeds / "articles.jsonl"), "-f", "jsonl", "-o", str(target), "--fail-on", "never")
    assert code == 2 and "--force" in err and target.read_text() == "precious"
    code, _, _ = cli("check", str(seeds / "articles.jsonl"), "-f", "jsonl", "-o", str(target), "--force", "--fail-on", "never")
    assert code == 0 and len(target.read_text().splitlines()) == 3


def test_stdin(cli):
    code, out, _ = cli("check", "-", "--format", "jsonl", stdin=GERMAN)
    assert json.loads(out)["id"] == "stdin"


def test_rules_lists_and_documents(cli):
    code, out, _ = cli("rules")
    assert code == 0 and "Language.ForeignSegment" in out and "Internal.CheckFailed" in out
    code, out, _ = cli("rules", "Language.ForeignSegment")
    assert code == 0 and out.startswith("Language.ForeignSegment  (language, default severity warning")
    assert "langdetect" in out
    code, out, _ = cli("rules", "--format", "json")
    assert {r["id"] for r in json.loads(out)} >= {"Language.ForeignSegment", "Language.Unsupported"}


def test_version(cli):
    assert cli("--version")[1].strip() == f"detector {__version__}"


def test_config_precedence_default_file_cli(cli, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(GERMAN, encoding="utf-8")
    project = tmp_path / "proj"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.detector]\nfail_on = "warning"\n[tool.detector.severity]\n"Language.ForeignSegment" = "info"\n')
    code, out, _ = cli("config", cwd=project / "sub")
    assert code == 0
    assert f'fail_on = "warning"    # {project / "pyproject.toml"}' in out
    assert 'batch_size = 32    # default' in out
    # File: the severity override makes the finding info, so fail_on=warning does not trip...
    code, out, _ = cli("check", str(p), "-f", "jsonl", cwd=project / "sub")
    assert code == 0 and json.loads(out)["findings"][0]["severity"] == "info"
    # ...and the command line beats the file.
    assert cli("check", str(p), "--fail-on", "info", cwd=project / "sub")[0] == 1
    # detector.toml next to it wins over pyproject.toml in the same folder.
    (project / "detector.toml").write_text('fail_on = "info"\n')
    code, out, _ = cli("config", cwd=project)
    assert f'fail_on = "info"    # {project / "detector.toml"}' in out


def test_bad_config_is_exit_2(cli, tmp_path, seeds):
    (tmp_path / "detector.toml").write_text("colour = 'red'\n")
    code, _, err = cli("check", str(seeds), cwd=tmp_path)
    assert code == 2 and "unknown setting" in err
    (tmp_path / "detector.toml").write_text("[checks.language]\nmin_wrds = 3\n")
    code, _, err = cli("check", str(seeds), cwd=tmp_path)
    assert code == 2 and "min_wrds" in err
    (tmp_path / "detector.toml").write_text("this is not toml")
    assert cli("config", cwd=tmp_path)[0] == 2


def test_closed_pipe_exits_quietly(seeds):
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        f"{sys.executable} -m detector check {seeds} {seeds} {seeds} --fail-on never | head -1",
        shell=True, capture_output=True, text=True, cwd=root, timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
