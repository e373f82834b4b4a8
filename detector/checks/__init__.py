"""Registry of checks and their rules.

Checks register themselves with ``@register``; a check family also declares its outlet-level
rules (``Rule(outlet_level=True)``), which the outlet analysis emits, so every rule is documented
in one place; ``CHECK_MODULES`` lists the modules to import so
that registration happens once, on first use. Third-party checks can join through the
``detector.checks`` entry-point group.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TypeVar

from detector.checks.base import Check, CheckStats, Rule
from detector.findings import Category, Severity

__all__ = ["Check", "CheckStats", "Rule", "register", "all_checks", "all_rules", "get_rule", "INTERNAL_RULES"]

#: Modules whose import registers the built-in checks, in the order they run.
CHECK_MODULES = (
    "detector.checks.language",
    "detector.checks.dates",
    "detector.checks.translit",
    "detector.checks.boilerplate",
    "detector.checks.mt_rules",
    "detector.checks.mt_model",
    "detector.checks.grammar",
)

CHECK_FAILED = Rule(
    id="Internal.CheckFailed",
    category=Category.INTERNAL,
    severity=Severity.ERROR,
    summary="A check raised an exception on this article; its findings are missing.",
    doc=(
        "Raised by the scanner, not by a check: when one check fails on one article, the failure "
        "becomes this finding on that article (with the exception in `data`) and the run goes on "
        "with the other checks and articles. Please report it with the article that caused it."
    ),
)
INPUT_EMPTY = Rule(
    id="Input.Empty",
    category=Category.INTERNAL,
    severity=Severity.INFO,
    summary="The article has no text (empty or whitespace only); it is not scored.",
    doc=(
        "Raised by the scanner, not by a check: an article whose text is empty or only whitespace "
        "(a record with an empty field, a page whose text could not be extracted) is not checked. "
        "Its `score` and `mt_probability` are null rather than a perfect 100, so an unreadable page "
        "never passes as a clean article, and it adds no words to its outlet's reliability."
    ),
)
INPUT_TOO_LONG = Rule(
    id="Input.TooLong",
    category=Category.INTERNAL,
    severity=Severity.WARNING,
    summary="The article is longer than max_chars; only its first max_chars characters were checked.",
    doc=(
        "Raised by the scanner, not by a check: an article longer than the `max_chars` setting "
        "(default 1,000,000 characters) is checked on its first `max_chars` characters only, so one "
        "huge record cannot take the memory and time of a whole corpus run. The finding sits, with "
        "zero width, at the offset where checking stopped; `data` holds the article's length. Raise "
        "`max_chars` to check such articles whole."
    ),
)
#: Rules the scanner itself emits; always on unless ignored.
INTERNAL_RULES = (CHECK_FAILED, INPUT_EMPTY, INPUT_TOO_LONG)

_CHECKS: dict[str, type[Check]] = {}
_loaded = False

C = TypeVar("C", bound=type[Check])


def register(cls: C) -> C:
    """Class decorator adding a check to the registry (rule ids must be unique)."""
    known = {r.id for c in _CHECKS.values() for r in c.rules if c is not cls} | {r.id for r in INTERNAL_RULES}
    for rule in cls.rules:
        if rule.id in known:
            raise ValueError(f"rule id {rule.id} registered twice")
    _CHECKS[cls.name] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in CHECK_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group="detector.checks"):
        ep.load()


def all_checks() -> dict[str, type[Check]]:
    """Registered check classes by name, in run order."""
    _load()
    return dict(_CHECKS)


def all_rules() -> dict[str, Rule]:
    """Every rule id (per-article, outlet-level and internal) with its Rule."""
    _load()
    rules = {r.id: r for c in _CHECKS.values() for r in c.rules}
    for r in INTERNAL_RULES:
        rules[r.id] = r
    return rules


def get_rule(rule_id: str) -> Rule:
    rules = all_rules()
    if rule_id not in rules:
        raise KeyError(rule_id)
    return rules[rule_id]
