"""HTML pages → article text: trafilatura's main text, or every visible line (with furniture).

The "full" variant keeps page furniture (headers, related-post widgets, share prompts) so the
boilerplate check can see and flag it; the "main" variant is what a reader of the article sees.
Whichever is not the article text is kept in ``Article.meta`` for later use.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from detector.article import Article

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "td", "th", "ul", "title",
    "caption", "summary", "details", "label", "option", "button",
}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(raw: bytes | str) -> str:
    """Page bytes → text: the declared charset if any, else UTF-8, else cp1252.

    lxml guesses Latin-1 for bytes without a ``<meta charset>``, which garbles UTF-8 pages.
    """
    if isinstance(raw, str):
        return raw
    declared = _CHARSET.search(raw[:4096])
    encodings = [declared.group(1).decode("ascii")] if declared else []
    for enc in [*encodings, "utf-8", "cp1252"]:
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", "replace")


def visible_text(html: bytes | str) -> str:
    """Every visible text line of a page, one block element per line, in document order."""
    import lxml.html
    from lxml import etree

    html = _XML_DECL.sub("", decode_html(html))  # lxml refuses str input that declares an encoding
    if not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []

    def walk(el) -> None:  # noqa: ANN001 - lxml element
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _SKIP or not isinstance(el.tag, str):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag.lower() in _BLOCK
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    body = root.find(".//body")
    walk(body if body is not None else root)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr"}
#: libxml2 (under lxml and trafilatura) drops everything nested deeper than 255 elements.
LXML_MAX_DEPTH = 255


class _FlatText(HTMLParser):
    """Visible text by a streaming tag scan: no tree, so no depth limit and linear time."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.depth = self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002 - attributes carry no text
        if tag not in _VOID:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
        if tag == "body":
            self.skip = 0
        elif tag in _SKIP:
            self.skip += tag not in _VOID
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def flat_text(html: bytes | str) -> tuple[str, int]:
    """Every visible line without building a tree, and the page's deepest nesting."""
    parser = _FlatText()
    parser.feed(decode_html(html))
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line), parser.max_depth


def main_text(html: bytes | str) -> tuple[str, dict[str, str | None]]:
    """trafilatura's article text (paragraphs kept as lines) and the page's title/date/url."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=False) or ""
    meta: dict[str, str | None] = {"title": None, "date": None, "url": None}
    try:
        md = trafilatura.extract_metadata(decode_html(html))
    except Exception:  # noqa: BLE001 - metadata is a bonus; a page without it is still an article
        md = None
    if md is not None:
        meta = {"title": md.title, "date": md.date, "url": md.url}
    return text, meta


def html_to_article(
    raw: bytes | str, *, id: str, source: str, outlet: str | None = None, mode: str = "main"
) -> Article:
    """An Article from a page; ``mode`` picks "main" (trafilatura) or "full" (all visible text)."""
    from detector.io.readers import parse_date

    main, meta = main_text(raw)
    full = visible_text(raw)
    flat, depth = flat_text(raw)
    extra: dict[str, str] = {}
    if depth > LXML_MAX_DEPTH and len(full.split()) < len(flat.split()) / 2:
        # The tree parsers lost what lies past their depth limit: fall back to the flat scan
        # rather than pass on a silently emptied page.
        main = full = flat
        extra["html_fallback"] = f"nested {depth} elements deep; text extracted without a tree"
    try:
        published = parse_date(meta.get("date"))
    except ValueError:
        published = None
    text, other = (main, full) if mode == "main" else (full, main)
    return Article(
        id=id,
        text=text,
        outlet=outlet or _domain(meta.get("url")) or "unknown",
        url=meta.get("url"),
        title=meta.get("title"),
        published=published,
        source=source,
        meta={"html_text": mode, "html_other_text": other, **extra},
    )


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:]+)", url)
    return m.group(1) if m else None
