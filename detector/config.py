"""Settings from ``[tool.detector]`` in pyproject.toml or a ``detector.toml``, with provenance.

Precedence, lowest first: built-in defaults < the config file < command-line options. Every
leaf value remembers where it came from, so ``detector config`` can say why a value is what it is.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

#: Built-in defaults of every section; checks add their own ``checks.<name>`` defaults.
DEFAULTS: dict[str, Any] = {
    "select": [],  # rule-id prefixes to run; empty = all
    "ignore": [],  # rule-id prefixes to skip
    "fail_on": "error",
    "batch_size": 32,
    # Past max_chars an article is checked on its first max_chars characters (Input.TooLong says so),
    # so one huge record cannot take the memory and hours a corpus run has.
    "max_chars": 1_000_000,
    # Seconds one check may spend on one article (0: no limit); past it the check's findings for
    # that article are missing and an Internal.CheckFailed finding says so. The rest of the run goes on.
    "time_budget": 120.0,
    "severity": {},  # per-rule severity overrides, e.g. {"Date.MixedFormat": "warning"}
    "checks": {},
    "scoring": {
        # Article score = 100 * exp(-load / d0), load = sum of weight[severity] * confidence
        # per 1,000 words (at least min_words words assumed, so short texts are not punished twice).
        "weights": {"error": 3.0, "warning": 1.0, "info": 0.2},
        "d0": 10.0,
        "min_words": 300,
    },
    # Outlet reliability (detector.reliability; formula in docs/reliability.md): per category a
    # gamma-Poisson rate per 1,000 words, load D = sum(weights[k] * rate_k), score 100*exp(-D/d0).
    "outlets": {
        "weights": {"mt": 3.0, "date": 2.0, "transliteration": 1.0, "language": 1.0, "grammar": 0.5, "boilerplate": 0.5},
        "d0": 10.0,
        "min_confidence": 0.5,  # findings below this confidence are listed but not counted
        "min_severity": "info",  # and findings below this severity
        "min_articles": 3,  # fewer articles or words: "Insufficient evidence"
        "min_words": 1500,
        "interval": 0.9,
        # Join the categories' posteriors with their correlation across outlets (a sloppy outlet
        # is sloppy in every category); false treats them as independent.
        "correlated_categories": True,
        "samples": 4000,
        "seed": 0,
        # NewsGuard's bands: the lowest (rounded) score of each tier.
        "tiers": {"high": 100, "generally_credible": 75, "credible_with_exceptions": 60,
                  "proceed_with_caution": 40, "maximum_caution": 0},
        # Boilerplate.Repeated: a normalised line in at least max(min_articles, min_share * n) of an
        # outlet's n articles, and at least min_chars long once normalised (shorter lines are mostly
        # section headings like "Conclusion"; short furniture is the per-article check's job).
        "boilerplate": {"min_articles": 3, "min_share": 0.1, "min_chars": 20},
        # Translit.OutletInconsistent: an entity spelled two ways, each in >= min_articles articles.
        "translit": {"min_articles": 1},
        # Unattributed machine rewrites of other outlets' articles (detector copies): their shrunk share x weight
        # is added to the load; weight 0 shows the columns without scoring them (docs/reliability.md).
        "copies": {"weight": 10.0, "prior_articles": 4},
    },
    # Copies across outlets (`detector copies`, docs/copies.md): signatures in the scan, the index beside the store.
    "copies": {
        "signatures": True,  # compute each article's signature during `detector check` (stored with --db)
        "min_similarity": 0.0,  # links below this are not shown
        "window_days": 7,  # candidates published at most this many days apart (0: any)
        "ann_k": 20,
        "ann_min_similarity": 0.35,
        "bands": 32,
        "backfill_vectors": True,
        "sentence_similarity": 0.6,
        "student_sentence_similarity": 0.75,  # the same, between two sentences of the student encoder's vectors
        "full_share": 0.6,
        "partial_share": 0.25,
        "min_aligned": 3,
        "min_full_aligned": 4,
        "attach_share": 0.45,
        "attach_aligned": 4,
        "merge_density": 0.5,
        "max_sentences": 300,
        "min_anchors": 5,
        "min_anchor_agreement": 0.2,
        "block_gap": 2,  # a partial link's aligned sentences must form a passage (steps of at most this many)
        "passage_similarity": 0.72,  # ... whose pairs' mean cosine is at least this, unless word for word
        "mask_furniture": True,  # sentences inside the scan's boilerplate findings take no part in alignment
    },
}


class ConfigError(ValueError):
    """A config file or option that cannot be used; the CLI turns it into exit code 2."""


@dataclass
class Config:
    """Effective settings plus the source of each leaf value."""

    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def check_settings(self, name: str) -> dict[str, Any]:
        return dict(self.values.get("checks", {}).get(name, {}))

    def with_overrides(self, overrides: Mapping[str, Any], source: str = "command line") -> "Config":
        """A copy with dotted-key overrides applied (None values are ignored)."""
        values = copy.deepcopy(self.values)
        sources = dict(self.sources)
        for dotted, value in overrides.items():
            if value is None:
                continue
            _set(values, dotted, value)
            for key in [k for k in sources if k == dotted or k.startswith(dotted + ".")]:
                del sources[key]
            for leaf in _leaves(value, dotted):
                sources[leaf] = source
        return Config(values, sources, self.path)

    def flat_sources(self) -> list[tuple[str, str]]:
        return [(k, src) for k, _, src in self.flat()]

    def flat(self) -> list[tuple[str, Any, str]]:
        """(dotted key, value, source) for every leaf, sorted by key."""
        return [(k, self.get(k), self.sources.get(k, "default")) for k in sorted(_leaves(self.values, ""))]


def _set(values: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = values
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _leaves(value: Any, prefix: str) -> list[str]:
    if isinstance(value, Mapping) and value:
        out = []
        for k, v in value.items():
            out.extend(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return [prefix] if prefix else []


def _merge(base: dict[str, Any], top: Mapping[str, Any], source: str, sources: dict[str, str], prefix: str = "") -> None:
    for key, value in top.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source, sources, dotted)
        else:
            base[key] = copy.deepcopy(value)
            for leaf in _leaves(value, dotted):
                sources[leaf] = source


def find_config_file(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """Walk up from ``start`` to the first detector.toml, or pyproject.toml with [tool.detector]."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "detector.toml"
        if own.is_file():
            return own, _read_toml(own)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _read_toml(pyproject).get("tool", {}).get("detector")
            if section is not None:
                return pyproject, section
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if path.name == "detector.toml":
        return data.get("tool", {}).get("detector", data)
    return data


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Defaults, then ``path`` (or the file found by walking up from ``start``/cwd)."""
    from detector.checks import all_checks

    values = copy.deepcopy(DEFAULTS)
    values["checks"] = {name: copy.deepcopy(dict(cls.defaults)) for name, cls in all_checks().items()}
    sources: dict[str, str] = {}
    found: tuple[Path, dict[str, Any]] | None
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("detector", {})
        found = (path, data)
    else:
        found = find_config_file(start)
    if found is None:
        return Config(values, sources, None)
    file_path, data = found
    unknown = set(data) - set(DEFAULTS)
    if unknown:
        raise ConfigError(f"{file_path}: unknown setting(s) {', '.join(sorted(unknown))} in [tool.detector]")
    unknown_checks = set(data.get("checks", {})) - set(values["checks"])
    if unknown_checks:
        raise ConfigError(f"{file_path}: no check named {', '.join(sorted(unknown_checks))} in [tool.detector.checks]")
    _merge(values, data, str(file_path), sources)
    return Config(values, sources, file_path)
