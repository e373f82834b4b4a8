"""Grammar evidence from LanguageTool (optional backend; category ``grammar``).

LanguageTool has thousands of rules whose ids change between releases, while detector's rule ids
must be declared and stable; so its matches are grouped by LanguageTool category into five rules
and LanguageTool's own rule id, category, message and replacements travel in the finding's
message, suggestion and ``data``. All five are info by default: LanguageTool's precision on names
and transliterations in news text is not measured here (raise them with ``[tool.detector.severity]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Result, Rule
from detector.findings import Category, Finding, Severity
from detector.grammar.languagetool import GrammarBackend, GrammarMatch, Unavailable, check_backend, open_backend

_DOC_TAIL = (
    " Runs only when LanguageTool is configured: `server` (a LanguageTool server URL, e.g. "
    "http://localhost:8081) or `path` (an unpacked LanguageTool folder; needs Java) in "
    "[tool.detector.checks.grammar]; when neither is set or the server does not answer, the check emits "
    "nothing and `detector check` says once on stderr that grammar checks are off. LanguageTool's rule "
    "id, category and replacements are in the finding's data; the article's metric "
    "`grammar_matches_per_1000_words` is available to models."
)


def _rule(name: str, summary: str, categories: str) -> Rule:
    return Rule(f"Grammar.{name}", Category.GRAMMAR, Severity.INFO, summary,
                f"{summary} LanguageTool categories: {categories}.{_DOC_TAIL}")


SYNTAX = _rule("Syntax", "A grammar error found by LanguageTool (agreement, verb form, article, confused word).",
               "GRAMMAR, CONFUSED_WORDS, COLLOCATIONS, SEMANTICS, NONSTANDARD_PHRASES")
SPELLING = _rule("Spelling", "A possible misspelling or wrong capitalisation found by LanguageTool.",
                 "TYPOS, CASING, COMPOUNDING")
PUNCTUATION = _rule("Punctuation", "A punctuation or typography problem found by LanguageTool.",
                    "PUNCTUATION, TYPOGRAPHY")
STYLE = _rule("Style", "A style problem found by LanguageTool (redundancy, repetition, wordiness).",
              "STYLE, REDUNDANCY, REPETITIONS, REPETITIONS_STYLE, PLAIN_ENGLISH, WIKIPEDIA, MISC")
OTHER = _rule("Other", "Any other LanguageTool match (a category detector does not group).", "all others")

#: LanguageTool category id -> rule; issue types decide for unknown categories.
BY_CATEGORY: dict[str, Rule] = {
    **dict.fromkeys(("GRAMMAR", "CONFUSED_WORDS", "COLLOCATIONS", "SEMANTICS", "NONSTANDARD_PHRASES"), SYNTAX),
    **dict.fromkeys(("TYPOS", "CASING", "COMPOUNDING"), SPELLING),
    **dict.fromkeys(("PUNCTUATION", "TYPOGRAPHY"), PUNCTUATION),
    **dict.fromkeys(("STYLE", "REDUNDANCY", "REPETITIONS", "REPETITIONS_STYLE", "PLAIN_ENGLISH", "WIKIPEDIA", "MISC"), STYLE),
}
BY_ISSUE_TYPE: dict[str, Rule] = {"misspelling": SPELLING, "grammar": SYNTAX, "typographical": PUNCTUATION,
                                  "whitespace": PUNCTUATION, "style": STYLE}


def rule_for(match: GrammarMatch) -> Rule:
    return BY_CATEGORY.get(match.category) or BY_ISSUE_TYPE.get(match.issue_type) or OTHER


@register
class GrammarCheck(Check):
    """LanguageTool matches as findings; off (no findings, one notice) when LanguageTool is absent."""

    name = "grammar"
    rules = (SYNTAX, SPELLING, PUNCTUATION, STYLE, OTHER)
    defaults = {"server": "", "path": "", "language": "en-US", "disabled_rules": [], "max_chars": 20_000,
                "connect_timeout": 3.0}

    #: Why the check is off in this process (None while LanguageTool answers).
    notice: str | None = None

    @classmethod
    def preflight(cls, settings: Mapping[str, Any]) -> str | None:
        try:
            check_backend(settings)
        except Unavailable as exc:
            return f"grammar checks are off: {exc}"
        return None

    def setup(self) -> None:
        self.backend: GrammarBackend | None = None
        try:
            self.backend = open_backend(self.settings)
        except Unavailable as exc:
            self.notice = f"grammar checks are off: {exc}"

    def check(self, doc: Document) -> Result:
        if self.backend is None:
            return Result()
        matches = [m for m in self.backend.check(doc.text) if 0 <= m.start < m.end <= len(doc.text)]
        findings = [self._finding(doc, m) for m in matches]
        return Result(findings, metrics={"grammar_matches_per_1000_words": 1000.0 * len(matches) / max(doc.words, 1)})

    @staticmethod
    def _finding(doc: Document, m: GrammarMatch) -> Finding:
        return rule_for(m).finding(
            doc, m.start, m.end, f"{m.message} (LanguageTool {m.rule_id})",
            suggestion=m.replacements[0] if m.replacements else None,
            data={"lt_rule": m.rule_id, "lt_category": m.category, "lt_issue_type": m.issue_type,
                  "replacements": m.replacements[:5]},
        )
