"""The generated references match the code (regenerate with `make docs`)."""

from detector import docgen


def test_generated_references_are_up_to_date():
    assert docgen.main(["--check"]) == 0, "docs/cli.md or docs/rules.md is stale: run `make docs`"


def test_rule_reference_documents_every_rule():
    from detector.checks import all_rules

    text = docgen.rules_reference()
    for rule_id, rule in all_rules().items():
        assert f"## {rule_id}" in text and rule.doc in text
        assert len(rule.doc) > 80, f"{rule_id} needs a real paragraph of documentation"


def test_configuration_page_documents_every_setting(tmp_path, monkeypatch):
    """docs/configuration.md has a row for every setting the code knows, with its real default."""
    import json
    from pathlib import Path

    from detector.config import load_config

    monkeypatch.chdir(tmp_path)  # no config file: built-in defaults only
    page = (Path(docgen.DOCS) / "configuration.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[2].strip().strip("`")
            for line in page.splitlines() if line.startswith("| `")}
    for key, value, _source in load_config().flat():
        assert key in rows, f"{key} is not documented in docs/configuration.md"
        default = json.dumps(value, ensure_ascii=False) if not isinstance(value, (int, float)) or isinstance(value, bool) else repr(value)
        assert rows[key] in (default, str(value), json.dumps(value)), f"{key}: documented {rows[key]}, code says {default}"
