"""Transliteration checks: one place or person spelled several ways, and spellings that are not
Ukraine's own (issue 4).

The standard is Ukraine's national romanization (KMU 2010) overridden by established English names
and official spellings; ``detector.translit`` holds the gazetteer and the matching. Every resolved
mention also goes to phase 2 as an annotation, so the outlet analysis can see an outlet use
several forms of one entity across its articles (``Translit.OutletInconsistent``):
``Result.annotations["entities"]`` is a list of ``{canonical, form, start, end, standard, kind, key}``
(people also ``first`` and ``surname``, as written).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from detector.article import Document
from detector.checks import register
from detector.checks.base import Check, Result, Rule
from detector.findings import Category, Finding, Severity
from detector.translit.gazetteer import load_gazetteer
from detector.translit.keys import fold_key, normalize_form
from detector.translit.mentions import PARTS, Mention, MentionFinder, group_mentions, spelling_parts
from detector.translit.people import KnownPeople

_T = Category.TRANSLITERATION
INCONSISTENT = Rule(
    "Translit.Inconsistent", _T, Severity.WARNING,
    "The same place or person is spelled more than one way in this article.",
    "Names are resolved against a gazetteer of Ukrainian places (KATOTTG, GeoNames, SpellingUkraine) "
    "and linked within the article (a surname alone to the full name; Dmitry to Dmytro). When one "
    "entity appears in several spellings, every mention that differs from the standard spelling -- or, "
    "when the article never uses the standard one, from its most frequent spelling -- is flagged once. "
    "`data` lists the canonical form, every variant with its offsets, and which variant is standard. "
    "Names inside club or organisation names (Dynamo Kiev, Kyiv Independent) are not counted.",
)
RUSSIAN_DERIVED = Rule(
    "Translit.RussianDerived", _T, Severity.WARNING,
    "A Russian-derived or Soviet-era name where Ukraine's own name is established in English.",
    "Kiev, Kharkov, Odessa, Nikolaev, Lugansk, Zaporozhye, Dnepr, Chernigov, Rovno, Lvov, Krivoy Rog, "
    "Zhitomir and the like romanize the Russian name; English style guides (AP since 2019, BBC, the "
    "Guardian) and the Ukrainian government use the Ukrainian one (Kyiv, Kharkiv, Odesa...). "
    "Russian-derived forms come from GeoNames' Russian names (BGN/PCGN-style romanization), from "
    "SpellingUkraine, and, for every settlement of the KATOTTG register, from rules between Ukrainian "
    "and Russian place names (ikavism: Novozarivka / Novozarevka; endings: Hlazove / Glazovoe; "
    "translated words: Chervona / Krasnaya Sloboda), kept only when they name no other settlement. "
    "Inside a club's name (Dynamo Kiev) the finding is info only; Odessa, Texas and "
    "Prince Lvov are not places in Ukraine and are skipped.",
)
NON_STANDARD = Rule(
    "Translit.NonStandard", _T, Severity.INFO,
    "A legacy or ad-hoc romanization of a Ukrainian name (Kupyansk, Berdyans'k for Kupiansk, Berdiansk).",
    "Ukraine's national system (Cabinet of Ministers resolution No. 55 of 27 January 2010, 'KMU 2010') "
    "writes я, ю, є, ї as ia, iu, ie, i inside a word and drops the soft sign and apostrophe: "
    "Куп'янськ is Kupiansk, not Kupyansk or Kup'yansk. Spellings that differ from the standard only "
    "in such romanization choices (y/i, apostrophes, doubled letters) are reported at info level; "
    "for people, the official spelling (Zelenskyy, Klitschko) is the standard.",
)
FORMER_NAME = Rule(
    "Translit.FormerName", _T, Severity.WARNING,
    "A settlement's former (Soviet or imperial) name where it has been renamed (Artemovsk for Bakhmut).",
    "Ukraine renamed about a thousand settlements under the 2015 decommunization laws (Artemivsk is "
    "Bakhmut, Krasnoarmiisk is Pokrovsk, Kirovohrad is Kropyvnytskyi, Dnipropetrovsk is Dnipro). An "
    "old name is not a misspelling: it is a name the place no longer has, so the finding names the "
    "current one. Former names come from the override table and from GeoNames' alternate names of "
    "each place that are built on a root the laws removed (Kirov, Lenin, Komsomol, Zhovtnevyi...). "
    "History writing uses them on purpose; check the context before replacing.",
)
GARBLED = Rule(
    "Translit.Garbled", _T, Severity.WARNING,
    "A name mangled by translation through another language (Melitopoli, Meritopoli, Charkiw, Kiew).",
    "Machine translation through a pivot language leaves that language's spelling behind: German "
    "Charkiw and Kiew, French Tchernihiv, an Italian or Georgian final -i (Melitopoli), the r/l "
    "confusion of Japanese or Korean (Meritopoli). German and French forms come from their "
    "romanization tables; the -i/-a and r/l fallbacks apply only to keys of 6+ letters and to places "
    "of 20,000+ inhabitants, and never to common English words.",
)
OUTLET_INCONSISTENT = Rule(
    "Translit.OutletInconsistent", _T, Severity.INFO,
    "The outlet spells one place or person several ways across its articles.",
    "Computed by the outlet analysis over the stored results of an outlet's articles, from the "
    "entity mentions this check records (canonical, form, offsets, kind, standard or not). It reports "
    "an entity the outlet writes in two or more forms, with the counts of each form; it says the "
    "outlet lacks a style rule for that name, not that one article is wrong.",
    outlet_level=True,
)

_VARIANT_RULE = {"russian": RUSSIAN_DERIVED, "former": FORMER_NAME, "nonstandard": NON_STANDARD,
                 "garbled": GARBLED}
_CONFIDENCE = {"exact": 0.95, "key": 0.8, "mt": 0.6}


def _variant_message(m: Mention) -> str:
    e = m.match.entity
    thing = "person" if m.kind == "person" else "place"
    variant = m.match.variant
    if variant == "russian":
        msg = f"“{m.text}” is the Russian-derived spelling; the {thing}'s own name in English is “{e.canonical}”."
    elif variant == "former":
        msg = (f"“{m.text}” is a former (Soviet-era or imperial) name, not a misspelling: the place was renamed "
               f"and is now “{e.canonical}”.")
    elif variant == "garbled":
        how = ("looks machine-translated through another language (an added ending, r/l confused)"
               if m.match.how == "mt" else "is another language's spelling")
        msg = f"“{m.text}” {how}; in English the {thing} is “{e.canonical}”."
    elif m.kind == "person":
        msg = f"“{m.text}” is not the official spelling of {e.canonical}'s name."
    else:
        msg = f"“{m.text}” is a legacy or ad-hoc romanization; the national standard (KMU 2010) is “{e.canonical}”."
    if m.context == "club":
        msg += " It is part of a club's name, which may keep its historical spelling."
    return msg


def _suggestion(m: Mention) -> str:
    canonical = m.match.entity.canonical
    if m.kind == "person" and m.first is None:
        return canonical.split()[-1]  # a lone surname is replaced by the surname
    return canonical


@register
class TranslitCheck(Check):
    """Flags non-standard, Russian-derived and garbled spellings, and entities spelled two ways."""

    name = "translit"
    rules = (INCONSISTENT, RUSSIAN_DERIVED, FORMER_NAME, NON_STANDARD, GARBLED, OUTLET_INCONSISTENT)
    defaults = {"mt_fallback": True, "max_ngram": 4}

    def setup(self) -> None:
        gazetteer = load_gazetteer()
        self.finder = MentionFinder(gazetteer, KnownPeople(gazetteer), mt_fallback=self.settings["mt_fallback"],
                                    max_ngram=self.settings["max_ngram"])

    def check(self, doc: Document) -> Result:
        mentions = self.finder.find(doc)
        groups = group_mentions(mentions)
        findings: list[Finding] = []
        for m in mentions:
            # Russian and Belarusian places are in the gazetteer so as not to be misread; how
            # English romanizes them (Bobruisk, Bobruysk) is not this check's business.
            if m.match is not None and m.match.variant in _VARIANT_RULE and m.match.entity.country == "UA":
                rule = _VARIANT_RULE[m.match.variant]
                severity = Severity.INFO if m.context == "club" else None
                findings.append(rule.finding(
                    doc, m.start, m.end, _variant_message(m), suggestion=_suggestion(m),
                    confidence=_CONFIDENCE[m.match.how], severity=severity,
                    data={"canonical": m.match.entity.canonical, "variant": m.match.variant,
                          "kind": m.kind, "matched_by": m.match.how}))
        for group in groups:
            findings.extend(self._inconsistent(doc, [m for m in group if m.context == "text"]))
        findings.sort(key=lambda f: (f.start, f.rule))
        # A club's name (Dynamo Kiev) is not a mention of the city: kept out of phase 2 as well.
        entities = [_annotation(m, groups) for m in mentions if m.context == "text"]
        return Result(findings, annotations={"entities": entities})

    def _inconsistent(self, doc: Document, group: list[Mention]) -> list[Finding]:
        """One finding per mention whose spelling differs from the reference spelling: the standard
        one when the article uses it, else the most frequent (the earliest on a tie). People are
        compared part by part: the surname, then the first name (Dmitry/Dmytro)."""
        out: list[Finding] = []
        parts = PARTS["person"] if group and group[0].kind == "person" else PARTS["place"]
        for part in parts:
            used = [m for m in group if _piece(m, part)]
            counts = Counter(normalize_form(_piece(m, part)) for m in used)
            if len(counts) < 2:
                continue
            canonical, standard = _standard(used, part)
            norm_standard = normalize_form(standard) if standard else None
            if norm_standard in counts:
                reference = norm_standard
            else:
                reference = max(counts, key=lambda f: (counts[f], -min(
                    m.start for m in used if normalize_form(_piece(m, part)) == f)))
            shown = next(_piece(m, part) for m in used if normalize_form(_piece(m, part)) == reference)
            variants = [{"form": m.text, "start": m.start, "end": m.end,
                         "standard": normalize_form(_piece(m, part)) == norm_standard} for m in used]
            for m in used:
                piece = _piece(m, part)
                if normalize_form(piece) == reference:
                    continue
                others = sorted({_piece(u, part) for u in used if normalize_form(_piece(u, part)) != normalize_form(piece)})
                listed = ", ".join(f"“{o}”" for o in others)
                if m.kind == "place":
                    msg = f"“{piece}” and {listed} name the same place in this article"
                else:
                    msg = f"“{piece}” and {listed} spell the same person's {part} differently in this article"
                if reference == norm_standard:
                    msg += f"; the standard spelling is “{standard}”."
                else:
                    msg += f"; it is mostly “{shown}” here" + (f", and the standard spelling is “{standard}”."
                                                             if standard else ".")
                better = standard or shown
                out.append(INCONSISTENT.finding(
                    doc, m.start, m.end, msg, suggestion=m.text.replace(piece, better),
                    confidence=min(_CONFIDENCE[m.match.how] if m.match else 0.8, 0.9),
                    data={"canonical": canonical, "standard": standard, "part": part, "variants": variants}))
        return out


def _piece(m: Mention, part: str) -> str:
    """The part of a mention compared: the whole place name, or a person's surname or first name."""
    return spelling_parts(m.kind, m.text, m.first, m.surname).get(part, "")


def _standard(group: list[Mention], part: str) -> tuple[str, str | None]:
    """(canonical name, the standard spelling of ``part``, or None when the entity is unknown)."""
    m0 = next((m for m in group if m.match is not None), None)
    if m0 is None:
        full = max(group, key=lambda m: (m.first is not None, -m.start))
        return full.text, None
    canonical = m0.match.entity.canonical
    if part == "surname":
        return canonical, canonical.split()[-1]
    if part == "first name":
        return canonical, canonical.split()[0]
    return canonical, canonical


def _annotation(m: Mention, groups: list[list[Mention]]) -> dict[str, Any]:
    """One entity mention for phase 2. ``canonical`` is the gazetteer's standard spelling; for a
    person the gazetteer does not know, the full name as this article writes it, and ``standard``
    is False. ``key`` joins mentions across articles: the folding key of the canonical (of the
    surname, for people), so an unknown person's Zhyvytsky and Zhyvytskyi share it."""
    if m.match is not None:
        canonical, standard = m.match.entity.canonical, m.match.standard
    else:
        full = next((o for o in groups[m.group] if o.first), m)
        canonical, standard = full.text, False
    if m.kind == "person":
        key = fold_key(canonical.split()[-1] if m.match is not None else m.surname)
    else:
        key = fold_key(canonical)
    out = {"canonical": canonical, "form": m.text, "start": m.start, "end": m.end, "standard": bool(standard),
           "kind": m.kind, "key": key}
    if m.kind == "person":
        out.update(first=m.first, surname=m.surname)
    return out
