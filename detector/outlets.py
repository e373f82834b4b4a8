"""Phase 2: what only shows across an outlet's articles, and the outlet's reliability score.

Reads nothing but the results store (texts, findings and annotations phase 1 wrote), so a corpus
scanned elsewhere can be analysed anywhere. Two cross-article rules run here:

* ``Translit.OutletInconsistent`` — one entity spelled two ways by the same outlet ("Kyiv" in one
  article, "Kiev" in another), from the entity mentions the transliteration check stores as
  ``annotations["translit"]["entities"]``.
* ``Boilerplate.Repeated`` — a line repeated across many of an outlet's articles (a newsletter
  plug, a copyright footer), found by hashing normalised lines as CCNet does for paragraph
  de-duplication (Wenzek et al. 2020, "CCNet", §3.3).

Their findings join the stored ones, and ``detector.reliability`` turns the counts into scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from detector.article import Document
from detector.checks.base import Rule
from detector.checks.boilerplate import REPEATED_RULE
from detector.findings import Category, Finding, Severity
from detector.reliability import GammaPrior, OutletScore, score_outlets
from detector.scoring import NOTE_RULES, UNSCORED
from detector.store import Store, StoredArticle
from detector.translit.mentions import PARTS, spelling_parts

_TRANSLIT_RULE = Rule(
    id="Translit.OutletInconsistent",
    category=Category.TRANSLITERATION,
    severity=Severity.INFO,
    summary="The outlet spells the same name two ways across its articles.",
    doc=(
        "Computed over an outlet's stored articles (phase 2), from the names the transliteration "
        "check found in each. When the same person or place appears as 'Kyiv' in some articles and "
        "'Kiev' in others, each mention that differs from the outlet's preferred spelling is flagged: "
        "the standard spelling when the name has one (SpellingUkraine), else the spelling the outlet "
        "uses in most articles. Inconsistent spelling breaks search and archives, and often shows "
        "that copy was machine-translated or pasted from different sources."
    ),
    outlet_level=True,
)
#: The outlet-level rules phase 2 emits. ``Boilerplate.Repeated`` is declared by its check family
#: (``detector.checks.boilerplate``); until the transliteration family declares its id, it is defined
#: here, and ``_declared`` prefers the registered declaration once it exists.
OUTLET_RULES = (_TRANSLIT_RULE, REPEATED_RULE)


def _declared(fallback: Rule) -> Rule:
    """The rule as its check family declares it once that check is registered; else ours."""
    from detector.checks import all_rules

    return all_rules().get(fallback.id, fallback)


_PUNCT_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")
_ACCENT_RE = re.compile(r"[\u0300-\u036f]")  # combining diacritical marks
_SPACE_RE = re.compile(r"\s+")


def normalize_line(line: str) -> str:
    """CCNet's normalisation for de-duplication: case, accents, digits and punctuation folded."""
    text = line.lower()
    if not text.isascii():
        text = _ACCENT_RE.sub("", unicodedata.normalize("NFD", text))
    text = _DIGIT_RE.sub("0", text)
    text = _PUNCT_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


def _hash(normalized: str) -> bytes:
    return hashlib.sha1(normalized.encode("utf-8")).digest()[:8]


def repeated_lines(articles: list[StoredArticle], settings: Mapping[str, Any]) -> dict[int, list[Finding]]:
    """``Boilerplate.Repeated`` findings by article pk: two linear passes over the outlet's lines."""
    rule = REPEATED_RULE
    min_chars = int(settings["min_chars"])
    need = max(int(settings["min_articles"]), int(settings["min_share"] * len(articles) + 0.999999))
    docs = [Document(a.article) for a in articles]
    seen: Counter[bytes] = Counter()
    keyed: list[list[tuple[bytes, Any]]] = []
    for doc in docs:
        normalized = ((normalize_line(ln.text), ln) for ln in doc.lines)
        lines = [(_hash(norm), ln) for norm, ln in normalized if len(norm) >= min_chars]
        keyed.append(lines)
        seen.update({h for h, _ in lines})
    out: dict[int, list[Finding]] = {}
    for stored, doc, lines in zip(articles, docs, keyed, strict=True):
        for h, ln in lines:
            if seen[h] >= need:
                n = seen[h]
                out.setdefault(stored.pk, []).append(rule.finding(
                    doc, ln.start, ln.end,
                    f"This line appears in {n} of this outlet's {len(articles)} articles: template text, not article content.",
                    suggestion="Remove it from the article body (fix the scraper's extraction rules for this site).",
                    confidence=min(1.0, 0.5 + n / (2 * len(articles))), data={"articles": n},
                ))
    return out


def translit_inconsistencies(articles: list[StoredArticle], settings: Mapping[str, Any]) -> dict[int, list[Finding]]:
    """``Translit.OutletInconsistent`` findings by article pk, from the stored entity mentions.

    The contract (written by the transliteration check): ``annotations["translit"]["entities"]`` is
    a list of ``{"canonical", "form", "start", "end", "standard", "kind"}`` (people also ``first``
    and ``surname``); ``standard`` is the standard spelling (a string) or whether this form is it (a
    boolean). Spellings are compared part by part as the article check compares them
    (``translit.mentions.spelling_parts``): a surname used alone is the full name's spelling.
    """
    rule = _declared(_TRANSLIT_RULE)
    min_articles = int(settings["min_articles"])
    mentions: dict[str, list[tuple[StoredArticle, dict]]] = defaultdict(list)
    for stored in articles:
        ents = ((stored.annotations.get("translit") or {}).get("entities")) or []
        for e in ents:
            if isinstance(e, dict) and _valid_mention(stored.article.text, e):
                # ``key`` (when stored) joins an unknown person's spellings across articles
                mentions[f"{e.get('kind')}:{e['key']}" if e.get("key") else str(e["canonical"]).casefold()].append((stored, e))
    out: dict[int, list[Finding]] = {}
    flagged: set[tuple[int, int]] = set()  # one finding per mention, at its first differing part
    for group in mentions.values():
        kind = str(group[0][1].get("kind"))
        for part in PARTS.get(kind, PARTS["place"]):
            used = [(stored, e, piece) for stored, e in group if (piece := _spellings(e).get(part))]
            by_form: dict[str, set[int]] = defaultdict(set)
            spelled: dict[str, str] = {}
            for stored, _e, piece in used:
                by_form[piece.casefold()].add(stored.pk)
                spelled.setdefault(piece.casefold(), piece)
            if sum(len(pks) >= min_articles for pks in by_form.values()) < 2:
                continue
            preferred = _preferred(kind, part, used, by_form)
            for stored, e, piece in used:
                if piece.casefold() == preferred.casefold() or (stored.pk, int(e["start"])) in flagged:
                    continue
                flagged.add((stored.pk, int(e["start"])))
                others = len(by_form.get(preferred.casefold(), set()) - {stored.pk})
                where = f"in {others} other article{'s' if others != 1 else ''}" if others else "elsewhere"
                doc = Document(stored.article)
                out.setdefault(stored.pk, []).append(rule.finding(
                    doc, int(e["start"]), int(e["end"]),
                    f"'{piece}' here, but this outlet writes '{preferred}' {where}: one name, two spellings.",
                    suggestion=str(e["form"]).replace(piece, preferred),
                    data={"canonical": e["canonical"], "forms": sorted(spelled.values()), "kind": e.get("kind"),
                          "part": part},
                ))
    return out


def _spellings(e: Mapping[str, Any]) -> dict[str, str]:
    first, surname = e.get("first"), e.get("surname")
    return spelling_parts(str(e.get("kind")), str(e["form"]), str(first) if first else None,
                          str(surname) if surname else None)


def _valid_mention(text: str, e: dict) -> bool:
    try:
        start, end = int(e["start"]), int(e["end"])
        return bool(e["canonical"]) and bool(e["form"]) and 0 <= start < end <= len(text)
    except (KeyError, TypeError, ValueError):
        return False


def _preferred(kind: str, part: str, used: list[tuple[StoredArticle, dict, str]], by_form: Mapping[str, set[int]]) -> str:
    """The standard spelling of ``part`` when known, else the spelling in most articles (ties:
    alphabetical)."""
    for _stored, e, _piece in used:
        std = e.get("standard")
        if isinstance(std, str) and std.strip():
            return spelling_parts(kind, std.strip()).get(part) or std.strip()
    standard_forms = [piece for _s, e, piece in used if e.get("standard") is True]
    if standard_forms:
        return Counter(standard_forms).most_common(1)[0][0]
    forms = {piece.casefold(): piece for _s, _e, piece in used}
    best = min(by_form, key=lambda k: (-len(by_form[k]), k))
    return forms[best]


@dataclass
class OutletAnalysis:
    """One outlet's articles with every finding (stored plus outlet-level) and its countable totals."""

    outlet: str
    articles: list[StoredArticle]
    counts: dict[str, int] = field(default_factory=dict)
    rules: Counter[str] = field(default_factory=Counter)

    @property
    def words(self) -> int:
        return sum(a.words for a in self.articles)

    def source_languages(self, top: int = 3) -> list[tuple[str, int]]:
        """The languages its articles were most often judged machine-translated from, with counts."""
        return _top(Counter(str(a.metrics["source_language"]) for a in self.articles if a.metrics.get("source_language")), top)


def _top(counts: Mapping[str, int], top: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def countable(f: Finding, settings: Mapping[str, Any]) -> bool:
    """Findings that count towards the score: real defects, confident enough, severe enough."""
    if f.category in UNSCORED or f.rule in NOTE_RULES:
        return False
    if f.category.value not in settings["weights"]:
        return False
    return f.confidence >= float(settings["min_confidence"]) and f.severity.rank >= Severity.parse(settings["min_severity"]).rank


def analyze_outlet(store: Store, outlet: str, settings: Mapping[str, Any]) -> OutletAnalysis:
    """Read an outlet's current articles, add the cross-article findings, count what is scored."""
    articles = list(store.articles(outlet))
    extra: dict[int, list[Finding]] = defaultdict(list)
    for found in (repeated_lines(articles, settings["boilerplate"]), translit_inconsistencies(articles, settings["translit"])):
        for pk, fs in found.items():
            extra[pk].extend(fs)
    analysis = OutletAnalysis(outlet, articles)
    for a in articles:
        new = [f for f in extra.get(a.pk, []) if not any(_same_defect(f, g) for g in a.findings)]
        a.findings = sorted(a.findings + new, key=lambda f: (f.start, f.end, f.rule))
        for f in a.findings:
            if countable(f, settings):
                analysis.counts[f.category.value] = analysis.counts.get(f.category.value, 0) + 1
                analysis.rules[f.rule] += 1
    return analysis


def _same_defect(a: Finding, b: Finding) -> bool:
    return a.category == b.category and a.start < b.end and b.start < a.end


def analyze(store: Store, settings: Mapping[str, Any], priors: Mapping[str, GammaPrior] | None = None
            ) -> tuple[list[OutletScore], dict[str, Counter[str]], dict[str, GammaPrior]]:
    """Score every outlet in the store: (scores best first, top rules per outlet, fitted priors)."""
    counts: dict[str, dict[str, int]] = {}
    rules: dict[str, Counter[str]] = {}
    for outlet in store.outlets():
        analysis = analyze_outlet(store, outlet, settings)
        counts[outlet] = analysis.counts
        rules[outlet] = analysis.rules
    scores, fitted = score_outlets(counts, store.outlet_totals(), settings, priors)
    from detector.copies import evidence  # copies across outlets, from the index `detector copies` keeps

    found = evidence.outlet_copies(store)
    if found is not None:
        scores = evidence.apply(scores, found[0], settings)
    return scores, rules, fitted


def main_source_languages(store: Store, top: int = 3) -> dict[str, list[tuple[str, int]]]:
    """Per outlet, the source languages its articles were most often judged translated from, with counts."""
    return {outlet: _top(langs, top) for outlet, langs in store.source_languages().items()}


def source_language_words(languages: list[tuple[str, int]]) -> str:
    """"Russian 12, Ukrainian 3" ("-" for none)."""
    from detector.mt.source_language.model import NAMES

    return ", ".join(f"{NAMES.get(k, k)} {n}" for k, n in languages) or "-"


def defects(analysis: OutletAnalysis, *, rule: str | None = None, category: str | None = None,
            since: dt.date | None = None) -> Iterable[tuple[StoredArticle, Finding]]:
    """An outlet's findings, oldest article first, filtered by rule-id prefix, category and date."""
    for a in analysis.articles:
        if since is not None and (a.article.published is None or a.article.published < since):
            continue
        for f in a.findings:
            if rule and not f.rule.startswith(rule):
                continue
            if category and f.category.value != category:
                continue
            yield a, f


def monthly_rates(analysis: OutletAnalysis, settings: Mapping[str, Any]) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM, articles, words, counted defects) per publication month, for the trend plot."""
    months: dict[str, list[int]] = {}
    for a in analysis.articles:
        if a.article.published is None:
            continue
        m = months.setdefault(a.article.published.strftime("%Y-%m"), [0, 0, 0])
        m[0] += 1
        m[1] += a.words
        m[2] += sum(countable(f, settings) for f in a.findings)
    return [(k, *v) for k, v in sorted(months.items())]
