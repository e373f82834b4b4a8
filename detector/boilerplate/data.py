"""Labelled article lines for training and evaluating the furniture classifier.

Two sources in ../shared/data/boilerplate (read in place, never copied):

* ScrapingHub article-extraction benchmark (MIT): each page rendered to visible lines with
  ``detector.io.html.visible_text``, a line labelled content when it aligns to the ground-truth
  body (token bigram coverage, or an exact match for short lines), cropped to a window around the
  body, where the furniture that survives extraction lives (headers, share bars, author boxes).
* WCXB dev articles (CC-BY-4.0): clean bodies as hosts, into which real furniture is injected:
  the ``without`` snippets of other pages, related-post widgets and bare teasers built from other
  articles' titles and "…"-truncated leads, author boxes, and page headers. Injected lines carry
  their kind, so recall can be measured per kind.

Some WCXB reference bodies keep a publisher's own cue lines ("Also read: <headline>", "READ MORE:
...", "Related: ..."), which are furniture, not article text. With ``clean_hosts`` such lines are
dropped from the hosts by the fixed ``HOST_CUE_RE`` below (a data-cleaning step that never looks at
the detector's output), and each document records what was dropped.

Splits are by site (a hash of the page's domain, ``site_split``): train, val and test sites are
disjoint, so the test measures what a user sees on a site the model never saw, and the snippet and
title pools of a split come from its own sites only. ``trafilatura_docs`` gives the real leftovers:
the ScrapingHub pages through trafilatura's default extraction, each output line labelled by its
alignment to the ground-truth body.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from detector.datasets import iter_scrapinghub, iter_wcxb

KINDS = ("widget", "teaser", "furniture", "authorbox", "header")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_WIDGET_WORDS = re.compile(r"\b(related|more|also|recommended|popular|latest|read|trending|stories|posts|articles|"
                           r"discover|next|previous|similar|top|picks|news)\b", re.IGNORECASE)
#: A publisher's cue line kept in a WCXB reference body: a cue, a separator, then a headline.
#: Fixed here, apart from the detector's lexicons; bare headings ("See also:") stay, as the lines
#: under them cannot be told from a list the article makes.
HOST_CUE_RE = re.compile(
    r"^[\W_]{0,4}(?:also read|read also|read more|read next|related(?: articles?| stories| posts| reading| coverage)?|"
    r"see also|don[’']t miss|check also|further reading)\s*[:|»>–—]\s*\S",
    re.IGNORECASE,
)
HOST_CUE_MAX_WORDS = 30
_ROLES = ("staff writer", "freelance journalist", "senior reporter", "news editor", "contributing writer",
          "correspondent", "features writer", "digital producer")
_BIO_TAILS = ("covers politics, business and technology.", "has written for several national titles.",
              "joined the team in 2019.", "writes about culture, health and the environment.",
              "previously worked as a local news reporter.", "")


def site_of(url_or_domain: str) -> str:
    """The site a page belongs to: its host name without "www." (or the domain given)."""
    host = urlparse(url_or_domain).netloc if "//" in url_or_domain else url_or_domain
    return host.lower().split(":")[0].removeprefix("www.")


def site_split(site: str) -> str:
    """"train", "val" or "test" for a site (stable md5 bucket of ten: 6 train, 2 val, 2 test)."""
    bucket = int(hashlib.md5(f"site:{site}".encode()).hexdigest(), 16) % 10
    return "test" if bucket < 2 else ("val" if bucket < 4 else "train")


@dataclass
class LabelledDoc:
    """An article's lines with per-line labels (True = furniture) and, for injected lines, the kind."""

    id: str
    source: str
    lines: list[str]
    labels: list[bool]
    kinds: list[str | None] = field(default_factory=list)
    blocks: list[tuple[int, int, str]] = field(default_factory=list)  # (first line, end line, kind)
    dropped: list[str] = field(default_factory=list)  # host lines removed by ``clean_hosts``
    site: str = ""
    title: str = ""
    url: str = ""  # the page's address, as a user's record may give it

    @property
    def text(self) -> str:
        return "\n\n".join(self.lines)


# -- ScrapingHub ------------------------------------------------------------------------------
def _tokens(s: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(s)]


def align_labels(lines: list[str], body: str) -> list[bool]:
    """True for lines that are *not* in the ground-truth body (i.e. furniture)."""
    btoks = _tokens(body)
    bigrams = set(zip(btoks, btoks[1:], strict=False))
    padded = " " + " ".join(btoks) + " "
    out = []
    for line in lines:
        t = _tokens(line)
        if not t:
            out.append(True)
        elif len(t) >= 6:
            cover = sum(b in bigrams for b in zip(t, t[1:], strict=False)) / (len(t) - 1)
            out.append(cover < 0.6)
        else:
            out.append((" " + " ".join(t) + " ") not in padded)
    return out


def _decode(html: bytes) -> str:
    """The page as text: lxml guesses Latin-1 for UTF-8 bytes without a meta charset (mojibake)."""
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", "replace")


def scrapinghub_docs(split: str, before: int = 8, after: int = 20) -> Iterator[LabelledDoc]:
    """Pages as visible lines, cropped to ``before``/``after`` lines around the aligned body."""
    from detector.io.html import visible_text

    for page_id, html, body, url in iter_scrapinghub():
        if site_split(site_of(url)) != split or not body.strip():
            continue
        lines = visible_text(_decode(html)).split("\n")
        furniture = align_labels(lines, body)
        long_content = [i for i, (x, f) in enumerate(zip(lines, furniture, strict=False)) if not f and len(x.split()) >= 8]
        if not long_content:
            continue
        lo, hi = max(0, long_content[0] - before), min(len(lines), long_content[-1] + after + 1)
        # Short lines count as content only between the first and last long content line.
        labels = [f or not (long_content[0] <= i <= long_content[-1]) for i, f in enumerate(furniture)]
        labels = labels[lo:hi]
        yield LabelledDoc(page_id, "scrapinghub", lines[lo:hi], labels, [None] * len(labels),
                          _runs(["page" if f else None for f in labels]), site=site_of(url), url=url or "")


def trafilatura_docs(split: str) -> Iterator[LabelledDoc]:
    """ScrapingHub pages of ``split`` sites as trafilatura's default extraction gives them.

    Each output line is furniture when it does not align to the ground-truth body: the leftovers a
    user of the most common extractor actually gets (share bars, credits, "related" lists, bylines).
    """
    import trafilatura

    for page_id, html, body, url in iter_scrapinghub():
        if site_split(site_of(url)) != split or not body.strip():
            continue
        page = _decode(html)
        text = trafilatura.extract(page, url=url or None) or ""
        meta = trafilatura.extract_metadata(page)
        lines = [" ".join(x.split()) for x in text.split("\n") if x.strip()]
        if len(lines) < 2:
            continue
        labels = align_labels(lines, body)
        yield LabelledDoc(page_id, "trafilatura", lines, labels, [None] * len(labels),
                          _runs(["page" if f else None for f in labels]), site=site_of(url),
                          title=(meta.title if meta else None) or "", url=url or "")


# -- WCXB injection ---------------------------------------------------------------------------
@dataclass
class _Pools:
    snippets: list[str]
    widget_headings: list[str]
    titles: list[str]
    leads: list[str]
    authors: list[str]
    bios: list[str]


def _pools(records: list[dict]) -> _Pools:
    snippets, titles, leads, authors, bios = [], [], [], [], []
    for r in records:
        g = r["ground_truth"]
        for s in g.get("without") or []:
            for line in s.split("\n"):
                line = line.strip()
                if line:
                    (bios if re.search(r"^(?:[A-Z][\w.'’-]+ ){1,3}is an? ", line) else snippets).append(line)
        if g.get("title"):
            titles.append(g["title"].strip())
        body = [x for x in (g.get("main_content") or "").split("\n") if len(x.split()) >= 20]
        if body:
            leads.append(body[0])
        if g.get("author"):
            authors.append(re.split(r",| and | & ", g["author"])[0].strip())
    heads = [s for s in snippets if len(s.split()) <= 5 and _WIDGET_WORDS.search(s)]
    return _Pools(snippets, heads, titles, leads, [a for a in authors if 1 < len(a.split()) <= 4], bios)


def _truncate(lead: str, rng: random.Random) -> str:
    words = lead.split()
    cut = rng.randint(12, 30)
    return " ".join(words[:cut]).rstrip(",;:") + rng.choice([" …", "…", " ...", " [...]", "..."])


def _block(kind: str, pools: _Pools, rng: random.Random) -> list[str]:
    if kind == "widget":
        heads = pools.widget_headings if rng.random() < 0.6 else [s for s in pools.snippets if len(s.split()) <= 4]
        out = [rng.choice(heads)]
        for _ in range(rng.randint(1, 3)):
            out.append(rng.choice(pools.titles))
            if rng.random() < 0.5:
                out.append(_truncate(rng.choice(pools.leads), rng))
        return out
    if kind == "teaser":
        out = [rng.choice(pools.titles)]
        return out + [_truncate(rng.choice(pools.leads), rng)] if rng.random() < 0.3 else out
    if kind == "furniture":
        return [rng.choice(pools.snippets) for _ in range(rng.randint(1, 3))]
    if kind == "authorbox":
        name = rng.choice(pools.authors)
        head = rng.choice([f"About {name}", "About the Author", f"About {name}", name])
        if pools.bios and rng.random() < 0.3:
            return [head, rng.choice(pools.bios)]
        role = rng.choice(_ROLES)
        return [head, f"{name} is a {role} at {rng.choice(pools.titles).split()[0]}. {name.split()[0]} {rng.choice(_BIO_TAILS)}".strip()]
    if kind == "header":
        if rng.random() < 0.2:
            return [f"Live Updates: {rng.choice(pools.titles)}"]
        return [rng.choice([s for s in pools.snippets if len(s.split()) <= 8])]
    raise ValueError(kind)


def _position(kind: str, n: int, rng: random.Random) -> int:
    if kind == "header":
        return 0
    if kind in ("widget", "authorbox"):
        return n if rng.random() < 0.7 else rng.randint(1, n)
    if kind == "teaser":
        return n if rng.random() < 0.5 else rng.randint(1, n)
    r = rng.random()
    return 0 if r < 0.2 else (n if r < 0.6 else rng.randint(1, n))


def is_host_cue(line: str) -> bool:
    """A cue line ("Also read: <headline>") that a reference body kept: furniture, not host text."""
    return len(line.split()) <= HOST_CUE_MAX_WORDS and bool(HOST_CUE_RE.match(line))


def host_lines(main_content: str, clean: bool) -> tuple[list[str], list[str]]:
    """A reference body's non-empty lines, and (with ``clean``) the cue lines taken out of it."""
    lines = [x.strip() for x in main_content.split("\n") if x.strip()]
    if not clean:
        return lines, []
    return [x for x in lines if not is_host_cue(x)], [x for x in lines if is_host_cue(x)]


def wcxb_injected(split: str, seed: int = 0, clean_share: float = 0.15, clean_hosts: bool = False) -> Iterator[LabelledDoc]:
    """WCXB bodies of ``split`` with 1–3 injected furniture blocks (a ``clean_share`` stay clean).

    ``clean_hosts``: drop the publisher's own cue lines from the bodies first (``is_host_cue``).
    """
    records = [r for r in iter_wcxb() if site_split(site_of(r["domain"] or r["url"])) == split]
    pools = _pools(records)
    for r in records:
        rng = random.Random(f"{seed}:{r['id']}")
        host, dropped = host_lines(r["ground_truth"].get("main_content") or "", clean_hosts)
        if len(host) < 4:
            continue
        own_title = (r["ground_truth"].get("title") or "").strip()
        others = replace(pools, titles=[t for t in pools.titles if t != own_title] or pools.titles)
        lines: list[str] = list(host)
        kinds: list[str | None] = [None] * len(host)
        if rng.random() >= clean_share:
            chosen = rng.sample(KINDS, rng.randint(1, 3))
            for kind in chosen:
                at = _position(kind, len(lines), rng)
                # Never split an earlier injected block: move to the nearest boundary after it.
                while 0 < at < len(lines) and kinds[at] is not None and kinds[at - 1] is not None:
                    at += 1
                block = [" ".join(x.split()) for x in _block(kind, others, rng) if x.strip()]
                lines[at:at] = block
                kinds[at:at] = [kind] * len(block)
        yield LabelledDoc(r["id"], "wcxb", lines, [k is not None for k in kinds], kinds, _runs(kinds), dropped,
                          site=site_of(r["domain"] or r["url"]), title=own_title, url=r["url"] or "")


def _runs(kinds: list[str | None]) -> list[tuple[int, int, str]]:
    """Maximal runs of one kind: (first line, end line, kind)."""
    blocks, i = [], 0
    while i < len(kinds):
        k = kinds[i]
        j = i + 1
        while j < len(kinds) and kinds[j] == k:
            j += 1
        if k is not None:
            blocks.append((i, j, k))
        i = j
    return blocks
