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
