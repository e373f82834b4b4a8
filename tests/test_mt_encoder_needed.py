"""The MT check runs its encoder only when an enabled rule needs it (``MTModelCheck.needs_encoder``):
ignoring ``MT.ModelSpan`` is the fast profile, with source-language notes from route names alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.article import Article
from detector.checks.mt_model import MTModelCheck
from detector.config import ConfigError, load_config
from detector.mt.model.model import MTModel
from detector.mt.source_language.model import SourceLanguageModel
from detector.scanner import Scanner

ROOT = Path(__file__).resolve().parent.parent
ITALIAN_ROUTE = ("Russian troops shelled Melitopoli again on Tuesday, the regional governor said in a statement. "
                 "Residents of Melitopoli were told to stay in shelters until the evening.")


def _mt_check(scanner: Scanner) -> MTModelCheck | None:
    return next((c for c in scanner.checks if isinstance(c, MTModelCheck)), None)


@pytest.fixture
def no_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the MT model (the encoder) or the source-language head fails the test."""
    def refuse(*_a: object, **_k: object) -> None:
        pytest.fail("a model was loaded that no enabled rule needs")

    monkeypatch.setattr(MTModel, "load", classmethod(refuse))
    monkeypatch.setattr(SourceLanguageModel, "load", classmethod(refuse))


@pytest.mark.parametrize("overrides", [{"ignore": ["MT.ModelSpan"]}, {"select": ["Translation.SourceLanguage"]}])
def test_without_model_spans_the_encoder_never_loads_and_names_still_speak(no_models: None, overrides: dict) -> None:
    scanner = Scanner(load_config(start=ROOT).with_overrides(overrides))
    check = _mt_check(scanner)
    assert check is not None and not check.needs_encoder
    assert check.enabled_rules == {"Translation.SourceLanguage"}
    (report,) = scanner.check_articles([Article("a", ITALIAN_ROUTE)])
    assert check.model is None and check.source is not None and check.source.model is None
    notes = [f for f in report.findings if f.rule == "Translation.SourceLanguage"]
    assert [f.text for f in notes] == ["Melitopoli"]
    assert report.mt_probability is None  # the model's number needs its pass
    assert report.source_language == "it"  # a route name form is evidence of translation by itself


def test_ignoring_both_rules_builds_no_mt_check() -> None:
    scanner = Scanner(load_config(start=ROOT).with_overrides({"ignore": ["MT.ModelSpan", "Translation.SourceLanguage"]}))
    assert _mt_check(scanner) is None


def test_model_spans_need_the_encoder_and_names_mode_skips_the_head(monkeypatch: pytest.MonkeyPatch) -> None:
    scanner = Scanner(load_config(start=ROOT))
    assert _mt_check(scanner).needs_encoder  # the default: every rule on
    loaded = []

    def record(name: str) -> classmethod:
        def load(cls: type, *_a: object, **_k: object) -> None:
            loaded.append(name)
            raise FileNotFoundError(name)  # the check goes on without it (one warning)
        return classmethod(load)

    monkeypatch.setattr(MTModel, "load", record("mt"))
    monkeypatch.setattr(SourceLanguageModel, "load", record("source"))
    full = MTModelCheck()
    full.setup()
    assert loaded == ["mt"]  # the head is chosen by the encoder loaded (heads.head_dir): without one, no head
    loaded.clear()
    check = MTModelCheck({"source_language": "names"})
    check.setup()
    assert loaded == ["mt"] and check.source is not None and check.source.model is None
    loaded.clear()
    off = MTModelCheck({"source_language": False})
    off.setup()
    assert loaded == ["mt"] and off.source is None


def test_a_bad_source_language_setting_is_refused_when_the_scanner_is_built() -> None:
    with pytest.raises(ConfigError, match="source_language must be"):
        MTModelCheck({"source_language": "model"})
