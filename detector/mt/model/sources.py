"""Readers for the MT research data in ``../shared/data/mt`` (see its FORMATS.md), as ``Doc``s.

Every reader handles that file's traps: test-suite documents are skipped, liv-en's reference is
original English (not a human translation), line-aligned files become windows of consecutive lines
(no document ids exist), 2022 cs-en uses reference C (B looks post-edited), near-duplicate systems
are kept once, HT-vs-MT continuation lines are joined and its C1 controls repaired
(``detector.mt.typography``). Nothing here normalises typography otherwise: the model does that.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from detector.datasets import iter_wcxb, require_shared

#: Document labels: a human translation, machine translation, English written as English.
HT, MT, ORIGINAL = "ht", "mt", "original"


@dataclass(frozen=True)
class Doc:
    """One English document (segments joined by newlines) with where it came from."""

    text: str
    kind: str  # HT, MT or ORIGINAL
    source: str  # e.g. "wmt22:uk-en"
    language: str  # the source language ("en" for original English)
    group: str  # the source document: every version of one document shares it (split by group)
    system: str = ""  # the MT system, "ref-A" for a reference, "" otherwise
    domain: str = ""
    split: str = ""  # a split the data set itself defines (HT-vs-MT), else ""

    @property
    def is_mt(self) -> bool:
        return self.kind == MT


def _mt_dir(shared: Path | None) -> Path:
    return (shared or require_shared()) / "mt"


def _join(segments: list[str]) -> str:
    return "\n".join(s.strip() for s in segments if s.strip())


def _lines(text: str) -> list[str]:
    """Lines split on "\n" only (``splitlines`` would also split on U+0085 and U+2028 and break alignment)."""
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def site_half(site: str) -> str:
    """"tune" or "test": a stable split by site (outlet), so nothing tuned on a site is reported on it."""
    return "tune" if int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "test"


# -- original English ---------------------------------------------------------------------------
def native_english(domain: str | None = "news", shared: Path | None = None) -> list[Doc]:
    """Original English WMT22 sources (en-uk, en-hr) grouped by document id, in file order."""
    out: list[Doc] = []
    base = _mt_dir(shared) / "wmt22"
    for pair in ("en-uk", "en-hr"):
        lines = _lines((base / f"generaltest2022.{pair}.src.en").read_text(encoding="utf-8"))
        ids = _lines((base / f"generaltest2022.{pair}.docids").read_text(encoding="utf-8"))
        docs: dict[str, list[str]] = {}
        dom: dict[str, str] = {}
        for line, row in zip(lines, ids, strict=True):
            doc_id, d = row.split("\t")
            docs.setdefault(doc_id, []).append(line)
            dom[doc_id] = d
        for doc_id, segs in docs.items():
            if domain is None or dom[doc_id] == domain:
                out.append(Doc(_join(segs), ORIGINAL, f"wmt22:{pair}", "en", f"wmt22:{pair}:{doc_id}", domain=dom[doc_id]))
    return out


def wcxb_bodies(half: str | None = "test", shared: Path | None = None) -> list[Doc]:
    """WCXB clean article bodies (general web: news, how-tos, reviews, product pages) of one site half."""
    path = (shared / "boilerplate" / "wcxb-dev-articles.jsonl.gz") if shared else None
    out = []
    for rec in iter_wcxb(path):
        body = rec["ground_truth"].get("main_content")
        site = rec.get("domain") or ""
        if body and (half is None or site_half(site) == half):
            out.append(Doc(body, ORIGINAL, "wcxb", "en", f"wcxb:{rec.get('id', site)}", domain=site))
    return out


# -- WMT XML (documents) -------------------------------------------------------------------------
#: (file under mt/, pair): every XML test set with document ids.
XML_SETS = (
    ("wmt22/wmttest2022.uk-en.all.xml", "wmt22", "uk"), ("wmt22/wmttest2022.ru-en.all.xml", "wmt22", "ru"),
    ("wmt22/wmttest2022.ja-en.all.xml", "wmt22", "ja"), ("wmt22/wmttest2022.liv-en.all.xml", "wmt22", "liv"),
    ("wmt21/newstest2021.is-en.all.xml", "wmt21", "is"), ("wmt21/newstest2021.ja-en.all.xml", "wmt21", "ja"),
    ("wmt21/newstest2021.ru-en.all.xml", "wmt21", "ru"),
)
#: Systems that repeat another system's output (FORMATS.md): kept once.
DUPLICATE_SYSTEMS = frozenset({"XMU@wmt21:ja", "Watermelon@wmt21:de", "UF@wmt21:de", "ZMT@wmt21:ha",
                               "XMU@wmt21:zh", "Lan-Bridge@wmt22"})


def _duplicate(system: str, year: str, lang: str) -> bool:
    return f"{system}@{year}:{lang}" in DUPLICATE_SYSTEMS or f"{system}@{year}" in DUPLICATE_SYSTEMS


def _segments(el: ET.Element | None) -> list[str]:
    return [] if el is None else [(seg.text or "") for seg in el.iter("seg")]


def wmt_xml_docs(path: Path, year: str, lang: str) -> Iterator[Doc]:
    """References and MT outputs of one XML test set; test-suite documents skipped."""
    source = f"{year}:{lang}-en"
    for _event, el in ET.iterparse(path, events=("end",)):
        if el.tag != "doc":
            continue
        if el.get("testsuite") is None:
            group = f"{source}:{el.get('id', '')}"
            domain = el.get("domain") or ""
            original = el.get("origlang") == "en"
            for ref in el.findall("ref"):
                if original and lang != "liv":
                    continue  # English-original docs in a xx-en set: the ref is translationese in reverse
                text = _join(_segments(ref))
                if text:
                    kind = ORIGINAL if original else HT
                    yield Doc(text, kind, source, "en" if original else lang, group,
                              f"ref-{ref.get('translator') or 'orig'}", domain)
            if not original or lang == "liv":
                for hyp in el.findall("hyp"):
                    system = hyp.get("system", "?")
                    text = _join(_segments(hyp))
                    if text and not _duplicate(system, year, lang):
                        yield Doc(text, MT, source, lang, group, system, domain)
        el.clear()


def xml_docs(shared: Path | None = None) -> list[Doc]:
    base = _mt_dir(shared)
    return [d for rel, year, lang in XML_SETS if (base / rel).is_file() for d in wmt_xml_docs(base / rel, year, lang)]


# -- WMT line-aligned text (windows of consecutive lines) ------------------------------------------
#: (year, test set, source language, references to use).
TXT_SETS = (
    ("wmt21", "newstest2021", "cs", ("A", "B")), ("wmt21", "newstest2021", "de", ("A", "B")),
    ("wmt21", "newstest2021", "ha", ("A",)), ("wmt21", "newstest2021", "zh", ("A",)),
    ("wmt22", "generaltest2022", "cs", ("C",)), ("wmt22", "generaltest2022", "de", ("A", "B")),
)


def _gz_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return _lines(fh.read())


def line_windows(folder: Path, year: str, test: str, lang: str, refs: tuple[str, ...], window: int = 8) -> Iterator[Doc]:
    """Pseudo-documents of ``window`` consecutive lines, for every reference and (distinct) system."""
    source = f"{year}:{lang}-en"
    versions: list[tuple[str, str, list[str]]] = []
    for r in refs:
        p = folder / "references" / f"{test}.{lang}-en.ref.{r}.en.gz"
        if p.is_file():
            versions.append((HT, f"ref-{r}", _gz_lines(p)))
    for p in sorted((folder / "system-outputs").glob(f"{test}.{lang}-en.hyp.*.en.gz")):
        system = p.name[len(f"{test}.{lang}-en.hyp."):-len(".en.gz")]
        if not _duplicate(system, year, lang):
            versions.append((MT, system, _gz_lines(p)))
    if not versions:
        return
    n = min(len(lines) for _, _, lines in versions)
    for start in range(0, n, window):
        group = f"{source}:lines{start}-{min(start + window, n)}"
        for kind, system, lines in versions:
            text = _join(lines[start:start + window])
            if text:
                yield Doc(text, kind, source, lang, group, system)


def txt_docs(window: int = 8, shared: Path | None = None) -> list[Doc]:
    base = _mt_dir(shared)
    return [d for year, test, lang, refs in TXT_SETS
            for d in line_windows(base / year / "txt", year, test, lang, refs, window)]


# -- HT-vs-MT (van der Werff et al. 2022): German→English, its own train/dev/test split ----------------
_C1 = re.compile("[\x80-\x9f]")


def repair_c1(text: str) -> str:
    """cp1252 bytes read as Latin-1 (U+0092 for ’): each control mapped back to its character."""
    return _C1.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", errors="ignore"), text)


def _documents(path: Path) -> list[str]:
    """One document per line; a line starting with three spaces continues the document before it."""
    docs: list[str] = []
    for line in _lines(path.read_text(encoding="utf-8")):
        if line.startswith("   ") and docs:
            docs[-1] = f"{docs[-1]} {line.strip()}"
        elif line.strip():
            docs.append(line.strip())
    return docs


_HTMT_NAME = re.compile(r"(org_de|trans_en|org_en|trans_de)_wmt(\d\d)\.")


def ht_vs_mt_docs(shared: Path | None = None) -> list[Doc]:
    """HT (``trans_en``), MT of original German (``org_de``), original English (``org_en``) and round-trip
    MT (``trans_de``, system "<engine>-roundtrip"); the human ``.txt`` files are read once (they are the
    same under deepl/ and google/). Versions of one document share a group: split by group or year."""
    base = _mt_dir(shared) / "ht-vs-mt"
    out: list[Doc] = []
    seen_txt: set[tuple[str, str]] = set()
    for engine in ("deepl", "google"):
        for split in ("train", "dev", "test"):
            folder = base / engine / split
            for path in sorted(folder.glob("*")) if folder.is_dir() else []:
                m = _HTMT_NAME.match(path.name)
                if m is None:
                    continue
                part, year = m.group(1), m.group(2)
                human = path.suffix == ".txt"
                if human and (split, path.name) in seen_txt:
                    continue
                seen_txt.add((split, path.name))
                origin = "de" if part in ("org_de", "trans_en") else "en"
                kind = {"org_de": MT, "trans_en": HT, "org_en": ORIGINAL, "trans_de": MT}[part]
                system = "ref" if human else engine + ("-roundtrip" if part == "trans_de" else "")
                for i, text in enumerate(_documents(path)):
                    out.append(Doc(repair_c1(text), kind, "htmt:de-en", "en" if kind == ORIGINAL else "de",
                                   f"htmt:{origin}:wmt{year}:{i}", system, "news", split))
    return out


def all_documents(window: int = 8, shared: Path | None = None) -> list[Doc]:
    """Every document-labelled source: WMT XML, WMT line windows and HT-vs-MT."""
    return xml_docs(shared) + txt_docs(window, shared) + ht_vs_mt_docs(shared)
