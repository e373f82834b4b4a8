"""The third held-out copy-eval split, ``test3``: built after test2 had been run once and its one
miss fixed (a verbatim copy that had lost its line breaks), so those fixes can be judged on data no
threshold or fix has seen. Its composition was chosen from data counts only, before any detector
output on it existed. Every source is one no other split reads:

- stories: HT-vs-MT German-original WMT news documents (newstest2008-2019) -- the human English
  translation is the original, DeepL's and Google's translations of the same document are the two
  rewrites (one of them a mashup when long enough) -- and WMT22 general-test cs-en and de-en line
  windows (their references B and A, the many systems of that year);
- verbatim copies: WCXB and ScrapingHub pages of sites no other split drew, up to 12,000
  characters, with the page's own furniture and widgets no other split uses; a quarter of the
  copies run on (the scraper lost every line break), long ones are also cut mid-sentence;
- negatives: same-event look-alikes first (the spare HT-vs-MT document most like a story by TF-IDF,
  published within a day or two of it), then spare bodies, WMT22 original-English news documents
  (the en-hr and en-uk sources) and spare story documents, in turn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from detector.datasets import WmtDoc, require_shared
from detector.eval.copies_sources import interleave, keys, line_windows, site

#: Widgets of the scrapers' pages, none of them in the furniture the other splits (and so the
#: thresholds) saw.
FURNITURE3 = ["We use cookies to improve your experience. By continuing you accept our cookie policy.",
              "Most read", "Trending now", "Tags: news, world, politics", "Share on WhatsApp",
              "Don't miss out: get our morning briefing in your inbox", "Photo: Archive",
              "Leave a comment", "Previous article", "Next article", "Support independent journalism - donate today",
              "Copyright 2022 Daily Feed Network. Reproduction prohibited."]
GENERAL_PAIRS = {"cs-en": "B", "de-en": "A"}  # WMT22 general test: the reference each pair has
HT_FILES = {"train": range(8, 18), "dev": (18,), "test": (19,)}
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """A document that is one line split into sentences (HT-vs-MT keeps one document a line)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _overlap(a: str, b: str) -> float:
    x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(x & y) / max(1, len(x | y))


def ht_documents(min_words: int = 120, max_words: int = 900) -> list[WmtDoc]:
    """HT-vs-MT German-original documents: the human translation as reference, DeepL and Google as
    systems. A line whose three versions share under a quarter of their words is out of step
    between the files (2 of 580) and left out."""
    root = require_shared() / "mt" / "ht-vs-mt"
    out = []
    for part, years in HT_FILES.items():
        for y in (f"{y:02d}" for y in years):
            ref = _lines(root / "deepl" / part / f"trans_en_wmt{y}.txt")
            deepl = _lines(root / "deepl" / part / f"org_de_wmt{y}.deepl.en")
            google = _lines(root / "google" / part / f"org_de_wmt{y}.txt.en.google")
            for i, r in enumerate(ref):
                if i >= min(len(deepl), len(google)) or not min_words <= len(r.split()) <= max_words:
                    continue
                if min(_overlap(r, deepl[i]), _overlap(r, google[i])) < 0.25:
                    continue
                out.append(WmtDoc(id=f"ht-vs-mt/trans_en_wmt{y}.txt:{i}", origlang="de", domain="news", src=[],
                                  ref=sentences(r), hyps={"deepl": sentences(deepl[i]), "google": sentences(google[i])}))
    return out


def general_windows(rng: np.random.Generator, per_pair: int = 6, min_mean_words: float = 12.0) -> list[WmtDoc]:
    """WMT22 general-test line windows of running text (a mean of ``min_mean_words`` words a line:
    the set's chat and product-review lines are shorter), ``per_pair`` a pair, the pairs in turn."""
    folder = require_shared() / "mt" / "wmt22" / "txt"
    out = []
    for pair, ref in GENERAL_PAIRS.items():
        wins = line_windows(folder, pair, rng, 10 * per_pair, year="2022", stem=f"generaltest2022.{pair}", reference=ref)
        out.append([w for w in wins if np.mean([len(x.split()) for x in w.ref]) >= min_mean_words][:per_pair])
    return interleave(*out)


def original_english_news(min_words: int = 120, max_words: int = 900) -> list[tuple[str, str]]:
    """(text, source) of WMT22 en-hr and en-uk source documents of the news domain (original English)."""
    folder = require_shared() / "mt" / "wmt22"
    out, seen = [], set()
    for pair in ("en-hr", "en-uk"):
        docs: dict[str, list[str]] = {}
        for line, ids in zip(_lines(folder / f"generaltest2022.{pair}.src.en"), _lines(folder / f"generaltest2022.{pair}.docids")):
            doc, _, domain = ids.partition("\t")
            if domain == "news":
                docs.setdefault(doc, []).append(line.strip())
        for doc, segs in docs.items():
            if segs[0] in seen or not min_words <= sum(len(s.split()) for s in segs) <= max_words:
                continue
            seen.add(segs[0])
            out.append((_paragraphs(segs), f"wmt22/{pair}/{doc}"))
    return out


def _paragraphs(segs: list[str], per: int = 3) -> str:
    return "\n\n".join(" ".join(segs[i:i + per]) for i in range(0, len(segs), per))


def bodies(used: set[str], rng: np.random.Generator, wcxb: int = 75, scrapinghub: int = 45,
           max_chars: int = 12000) -> list[tuple[str, str, list[str], str]]:
    """One page a site, of sites whose key is not in ``used``: ``wcxb`` WCXB and ``scrapinghub``
    ScrapingHub pages, in turn."""
    from detector.eval.copies_corpus import _bodies

    out = []
    for kind, n in (("dev", wcxb), ("test", scrapinghub)):
        one_per_site: dict[str | None, tuple] = {}
        for b in _bodies(kind, max_chars=max_chars):
            if not keys([b[3]]) & used:
                one_per_site.setdefault(site(b[3]), b)
        pages = list(one_per_site.values())
        out.append([pages[i] for i in rng.permutation(len(pages))[:n]])
    return interleave(*out)


def look_alikes(stories: list[WmtDoc], spare: list[WmtDoc], n: int, min_cosine: float = 0.15
                ) -> Iterator[tuple[int, int, float]]:
    """(story index, spare index, cosine) of the ``n`` most alike pairs by TF-IDF of the references,
    each story and each spare document at most once: same-event reports that are not copies."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    refs = [" ".join(d.ref) for d in [*stories, *spare]]
    x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(refs)
    sim = (x[: len(stories)] @ x[len(stories):].T).toarray()
    used_s, used_p, found = set(), set(), 0
    for flat in np.argsort(-sim, axis=None):
        k, j = divmod(int(flat), sim.shape[1])
        if found >= n or sim[k, j] < min_cosine:
            return
        if k in used_s or j in used_p:
            continue
        used_s.add(k)
        used_p.add(j)
        found += 1
        yield k, j, float(sim[k, j])


def verbatim_copy(paras: list[str], junk: list[str], n: int) -> tuple[str, str]:
    """A scraper's page of a body (``paras``, its lines) with furniture ``junk``, and how it was
    made: a quarter run on (no line breaks), and a quarter of the long bodies (over 6,000
    characters) are cut mid-sentence at three quarters."""
    mid = len(paras) // 2
    lines = [junk[0], junk[1], *paras[:mid], junk[2], *paras[mid:], *junk[3:]]
    body = "\n".join(paras)
    note = "long" if len(body) > 6000 else ""
    if note and n % 4 == 1:
        cut = int(len(body) * 0.75)
        cut += body[cut:].find(" ") if " " in body[cut:] else 0
        lines = [junk[0], junk[1], *body[:cut].split("\n"), *junk[3:]]
        note = "cut"
    if n % 4 == 0:
        return " ".join(x.strip() for x in lines if x.strip()), "run-on" + (f"+{note}" if note else "")
    return "\n".join(lines), note or "plain"
