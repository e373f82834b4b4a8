"""The source-language training data: every WMT xx-en test set in ``../shared/data/mt``, as documents.

Both human references and MT outputs carry their source language, so both are used. Per source
document every reference is kept and ``systems`` MT outputs are drawn (seeded by the document), to
spend the encoder's time on more documents rather than on near-identical versions of one. Line-aligned
sets (cs, de, ha, zh) have no document ids: blocks of ``BLOCK`` consecutive lines are the documents.
The split is by document (``corpus.split_of`` of the group that every version of one source document
shares), so no test document is seen in training as another system's output.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from detector.datasets import require_shared
from detector.mt.model.corpus import split_of
from detector.mt.model.sources import (
    HT,
    MT,
    ORIGINAL,
    TXT_SETS,
    XML_SETS,
    Doc,
    ht_vs_mt_docs,
    line_windows,
    wcxb_bodies,
    wmt_xml_docs,
)

#: The trained source languages (ISO 639-1). Livonian is left out: its references are original English
#: and its 420 one-sentence "documents" are MT of translationese, not news (FORMATS.md).
LANGUAGES = ("cs", "de", "ha", "is", "ja", "ru", "uk", "zh")
#: Lines per pseudo-document of the line-aligned sets (about the length of a short news article).
BLOCK = 32


def documents(systems: int = 2, shared: Path | None = None, languages: Sequence[str] = LANGUAGES,
              seed: int = 0, eval_systems: int | None = None) -> list[Doc]:
    """References and ``systems`` drawn MT outputs of every train document of the trained languages,
    ``eval_systems`` (default ``systems``) of every dev and test one (so more training outputs leave
    the measured sets as they were)."""
    base = (shared or require_shared()) / "mt"
    docs: list[Doc] = []
    for rel, year, lang in XML_SETS:
        if lang in languages and (base / rel).is_file():
            docs += wmt_xml_docs(base / rel, year, lang)
    for year, test, lang, refs in TXT_SETS:
        if lang in languages:
            docs += line_windows(base / year / "txt", year, test, lang, refs, BLOCK)
    groups: dict[str, list[Doc]] = {}
    for d in docs:
        if d.kind in (HT, MT) and d.language in languages:
            groups.setdefault(d.group, []).append(d)
    out: list[Doc] = []
    for g in sorted(groups):
        rng = random.Random(f"{seed}:{g}")
        versions = groups[g]
        mt = [d for d in versions if d.kind == MT]
        # A full seeded permutation, then its first ``systems``: more systems only ever add outputs.
        k = systems if split_of(g) == "train" or eval_systems is None else eval_systems
        out += [d for d in versions if d.kind == HT] + rng.sample(mt, len(mt))[:k]
    return out


#: Original English web bodies in the class "en" (a seeded sample of the WCXB "tune" half of sites,
#: each cut to its first ``WEB_SENTENCES`` voting sentences), so that "en" is more than 2009-18 WMT news.
WEB_BODIES = 150
WEB_SENTENCES = 24


def original_english(shared: Path | None = None) -> list[Doc]:
    """The class "en" (all of it train): HT-vs-MT original English documents of its train years and
    web bodies of the "tune" half of WCXB sites (the "test" half measures native text)."""
    from detector.mt.source_language.embed import voting_sentences

    news = [d for d in ht_vs_mt_docs(shared) if d.kind == ORIGINAL and d.split == "train"]
    web = wcxb_bodies("tune", shared)
    web = random.Random(0).sample(web, min(WEB_BODIES, len(web)))
    cut = [replace(d, text=" ".join(voting_sentences(d.text)[:WEB_SENTENCES])) for d in web]
    return news + [d for d in cut if d.text]


def split(doc: Doc) -> str:
    """"train", "dev" or "test" of a document (by its source document, never by line or system)."""
    return split_of(doc.group)
