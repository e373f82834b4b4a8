"""From per-line evidence to furniture blocks: cue spans, author boxes, embeds, classifier lines.

Order matters and goes from most to least explainable: a lexicon cue and the lines it claims
(span propagation: a widget heading owns the next one or two teaser headlines and their
"…"-truncated snippets), then author boxes, embedded posts and captions, and last the classifier's
lines, whose kind follows from their shape and position. Consecutive lines of one kind form a block.
What the article's own structure looks like (its lists, sections, closings) is in ``structure``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from detector.boilerplate import cues
from detector.boilerplate.features import ends_with_ellipsis, is_headline_shaped, is_paragraph, is_prose, words_of
from detector.boilerplate.structure import (
    comment_section,
    content_shaped,
    is_own_url,
    lead_in_lists,
    own_sections,
    repeats_title,
    restates_title,
    tail_list,
)

TEASER, WIDGET, PROMPT, AUTHOR, HEADER, EMBED = "teaser", cues.WIDGET, cues.PROMPT, cues.AUTHOR, cues.HEADER, cues.EMBED
BYLINE = "byline"


#: A line that introduces embedded media ("Videos posted on social media show ...").
MEDIA_INTRO_RE = re.compile(
    r"\b(?:videos?|footage|clip|tweet(?:ed|s)?|posted|posts?|social (?:media|networks?)|twitter|telegram|facebook|"
    r"instagram|tiktok|youtube)\b",
    re.IGNORECASE,
)
#: A sentence introducing a post or video that the next line reproduces.
MEDIA_SHOWN_RE = re.compile(
    r"\b(?:videos?|footage|clips?|posts?|tweets?|images?|photos?)\b[^.]{0,80}?\b(?:posted|shared|published|"
    r"circulat\w+|shows?|showed|showing)\b|\b(?:posted|shared) (?:on|to) (?:social (?:media|networks?)|twitter|"
    r"telegram|facebook|instagram|tiktok|youtube|x)\b|\bin an? (?:video|post|tweet)\b",
    re.IGNORECASE,
)
#: Reporting voice: a line with attribution is the article talking, not an embedded post.
ATTRIBUTION_RE = re.compile(r"\b(?:said|says|told|according|reported|stated|added|announced|wrote)\b", re.IGNORECASE)
#: First words that continue the article's own narration.
_CONTINUATION = frozenset(
    "he his him she her they their them it its this that these those there then but and however after later "
    "meanwhile the in on at as when while i we our you".split()
)
#: Imperatives that open calls to action ("Subscribe to ...", "Share on ...").
CTA_RE = re.compile(
    r"^(?:share|subscribe|sign (?:up|in)|log ?in|follow|join|click|download|get|read|watch|listen|leave|like|"
    r"register|donate|support|contact|learn more|find out|see|view|explore|discover|book|buy|shop|try|start)\b",
    re.IGNORECASE,
)


#: Reasons that make a block informational wherever it stands: the article's own metadata, credit,
#: invitation or press-release paragraph, which a corpus cleaner may drop and an editor may keep.
METADATA, INVITATION, ORGANISATION, LONE_BIO, BODY_LINK, SECTION = (
    "date or reading time", "call to action inside the body", "about the organisation", "author biography without a box",
    "link to another article inside the body", "heading of the article's own section")
TAIL_HEADLINES = "list of headlines on the article's topic at the end of the text"
TITLE, MACHINE, OWN_URL = "repeats the page title", "page metadata (timestamp, image address)", "the article's own address"
WEAK_REASONS = frozenset((METADATA, INVITATION, ORGANISATION, LONE_BIO, BODY_LINK, SECTION, TAIL_HEADLINES, TITLE, MACHINE))
#: Cue prefixes that are site metadata, not a link the author placed between paragraphs.
_METADATA_PREFIX_RE = re.compile(r"^(?:filed under|tags|categories|topics)\b", re.IGNORECASE)


#: A page header is a short line (a banner, a label, a crumb, a date); nothing longer is one, so a block
#: of that kind can never cover a paragraph, let alone a whole article whose line breaks were lost.
HEADER_MAX_WORDS = 30


def header_line(line: str, paragraph: bool) -> bool:
    """A line short enough to be a page header and no paragraph of prose (``paragraph``: the line's
    ``is_paragraph``, computed once per line by ``find_blocks``)."""
    return len(words_of(line)) <= HEADER_MAX_WORDS and not paragraph


def _name_heading(line: str, bio: str) -> bool:
    """A bare name ("Jane Doe") heading the biography under it ("Jane Doe is a ...")."""
    w = line.split()
    return 2 <= len(w) <= 4 and all(x[:1].isupper() for x in w) and bio.startswith(line.strip())


@dataclass(frozen=True)
class Block:
    """Lines ``first``..``last`` (inclusive) of one furniture kind."""

    first: int
    last: int
    kind: str
    confidence: float
    reason: str
    weak: bool = False  # the classifier's guess inside the body, or the article's own credit: info, not a warning


def _first_word(line: str) -> str:
    w = words_of(line)
    return re.split(r"['’]", w[0])[0].lower() if w else ""


def _teaser_shaped(line: str) -> bool:
    return is_headline_shaped(line) or (ends_with_ellipsis(line) and len(words_of(line)) <= 45)


def _embedded_post(lines: Sequence[str], i: int, kinds: list[str | None]) -> bool:
    """A short unattributed post right after a line that introduces media, or after a caption."""
    if i == 0:
        return False
    line, prev = lines[i], lines[i - 1]
    if kinds[i - 1] == EMBED and (name := cues.caption_name(prev)) and name in line:
        return True  # the post describing the person a caption names
    if not MEDIA_SHOWN_RE.search(prev) or not is_prose(prev) or is_headline_shaped(line):
        return False
    return (
        line.rstrip()[-1:] in ".!?"
        and 6 <= len(words_of(line)) <= 35
        and not MEDIA_INTRO_RE.search(line)
        and not re.match(r"^(?:[-•*]|\d+[.)])\s|^[^\s:]+(?: [^\s:]+){0,3}:", line.lstrip())
        and not ATTRIBUTION_RE.search(line)
        and _first_word(line) not in _CONTINUATION
        and line.lstrip()[:1] not in "\"“‘'«"
    )


def grow_teaser_runs(
    lines: Sequence[str], proba: Sequence[float], kinds: Sequence[str | None], off_topic: Sequence[bool], low: float,
    listed: Sequence[bool] | None = None,
) -> list[tuple[int, str]]:
    """Unmarked lines that extend a furniture block (not an embed): (line, kind) pairs.

    Teasers come in stacks and next to other furniture (a widget, an author box, a share bar);
    the classifier is sure of some lines and only fairly sure of their neighbours. A neighbour
    joins when it is teaser-shaped, off the article's topic and scored at least ``low``, so a
    stray on-topic subheading next to a block stays content. It is a widget line beside a widget,
    a teaser otherwise. An item of a list its own lead-in introduces (``listed``) never joins.
    """
    grown = list(kinds)
    out: list[tuple[int, str]] = []
    changed = True
    while changed:
        changed = False
        for i in range(len(lines)):
            if (grown[i] is not None or proba[i] < low or not off_topic[i] or not _teaser_shaped(lines[i])
                    or (listed is not None and listed[i])):
                continue
            near = [grown[j] for j in (i - 1, i + 1) if 0 <= j < len(lines) and grown[j] not in (None, EMBED)]
            if near:
                kind = WIDGET if WIDGET in near else TEASER
                grown[i] = kind
                out.append((i, kind))
                changed = True
    return out


def find_blocks(
    lines: Sequence[str], proba: Sequence[float], threshold: float, topical: Sequence[float] | None = None,
    teaser_max_similarity: float = 0.45, extend_threshold: float | None = None, title: str | None = None,
    warn_threshold: float = 0.0, url: str | None = None,
) -> list[Block]:
    """Furniture blocks of an article's lines.

    ``proba``: the classifier's furniture probability per line; ``topical``: each line's similarity
    to the article (TF-IDF), for naming teasers;
    ``extend_threshold``: the lower probability at which an off-topic teaser-shaped line joins an
    adjacent furniture block (hysteresis, as jusText's near-good paragraphs); ``title``: the page
    title, which a heading atop the text may repeat or restate; ``url``: the article's own address. A block is ``weak`` (reported as info) when only
    the classifier speaks for it and it sits inside the body, is on the article's topic or scores
    below ``warn_threshold``: an article's own lists, headings and asides look like furniture to a
    line classifier, and on sites it never saw it cannot tell them apart without a cue or the position.
    """
    n = len(lines)
    kinds: list[str | None] = [None] * n
    conf = [0.0] * n
    why = [""] * n
    paragraph = [is_paragraph(x) for x in lines]  # once a line: long lines are scanned for sentence breaks
    first_prose = next((i for i, p in enumerate(paragraph) if p), n)
    last_prose = max((i for i, p in enumerate(paragraph) if p), default=-1)
    tail_start = int(n * 0.6)

    def mark(i: int, kind: str, c: float, reason: str) -> None:
        if kind == HEADER and not header_line(lines[i], paragraph[i]):
            return  # whatever spoke for it, a paragraph is the article's, not the page's header
        kinds[i], conf[i], why[i] = kind, max(c, float(proba[i])), reason

    cue = [cues.cue_kind(x) for x in lines]
    listed = lead_in_lists(lines, cue)
    i = 0
    while i < n:
        k = cue[i]
        if title and i < 3 and (repeats_title(lines[i], title) or (i < first_prose and restates_title(lines[i], title))):
            mark(i, HEADER, 0.6, TITLE)
        elif is_own_url(lines[i], url):
            mark(i, HEADER if i < first_prose else PROMPT, 0.9, OWN_URL)
        elif cues.is_machine_metadata(lines[i]):
            mark(i, HEADER if i < first_prose else EMBED, 0.9, MACHINE)
        elif cues.is_byline(lines[i]):
            mark(i, BYLINE, 0.9, "byline")
        elif k in (HEADER, PROMPT) and cues.is_metadata(lines[i]):
            if i < 4:  # atop the text, above or below the standfirst
                mark(i, HEADER, 0.9, METADATA)
        elif k in (None, PROMPT) and (end := comment_section(lines, i)):
            for j in range(i, end):
                mark(j, PROMPT, 0.9, "comment section")
            i = end
            continue
        elif k == WIDGET:
            stripped = lines[i].strip(cues.CUE_STRIP)
            if cues.WIDGET_PREFIX_RE.match(stripped):
                # "Related: <headline>" carries its own teaser and claims nothing below; alone between two
                # paragraphs it is a link the author placed in the text (how-tos and reviews do it at every
                # section), which reference bodies keep: info there, a warning at the edges or in a stack.
                lone = not any(0 <= j < n and j != i and cue[j] == WIDGET for j in (i - 1, i + 1))
                inside = first_prose < i < last_prose and lone and not _METADATA_PREFIX_RE.match(stripped)
                mark(i, WIDGET, 0.95, BODY_LINK if inside else "widget heading")
                i += 1
                continue
            mark(i, WIDGET, 0.95, "widget heading")
            if first_prose < i < last_prose and i + 1 < n and is_prose(lines[i + 1]) and not _teaser_shaped(lines[i + 1]):
                mark(i, WIDGET, 0.95, SECTION)  # "Related" over paragraphs: the article's section, no links under it
                i += 1
                continue
            j, headlines = i + 1, 0
            while j < n and cue[j] in (None, WIDGET) and _teaser_shaped(lines[j]):
                headline = not ends_with_ellipsis(lines[j])
                if headline and headlines == 2:
                    break
                headlines += headline
                mark(j, WIDGET, 0.9, "teaser under a widget heading")
                j += 1
            i = j
            continue
        elif k == AUTHOR:
            name = cues.author_name(lines[i])
            nxt = i + 1 < n and cues.is_bio(lines[i + 1], name)
            if name is not None and cues.is_organisation(name):
                reason = ORGANISATION  # "About Georgetown University Medical Center": a press release's own
            else:
                reason = "author box heading" if name is None or nxt or (i >= tail_start and len(name.split()) >= 2) else ""
            if reason:
                mark(i, AUTHOR, 0.9, reason)
                if nxt:
                    mark(i + 1, AUTHOR, 0.9, reason if reason == ORGANISATION else "author biography")
                    i += 1
        elif k == HEADER and i < min(first_prose, 4):
            mark(i, HEADER, 0.9, "page header")
        elif k == PROMPT:
            body = (first_prose < i < last_prose or listed[i]) and cues.is_invitation(lines[i])
            mark(i, PROMPT, 0.9, INVITATION if body else "call to action or site notice")
        elif k == EMBED:
            mark(i, EMBED, 0.8, "caption or embedded post")
            if re.search(r"\(@\w+\)", lines[i]) and i > 0 and kinds[i - 1] is None and len(words_of(lines[i - 1])) <= 60:
                mark(i - 1, EMBED, 0.8, "text of an embedded post")  # the tweet above its signature
        elif cues.BIO_RE.match(lines[i].strip()) and i >= tail_start:
            if i > 0 and kinds[i - 1] is None and _name_heading(lines[i - 1], lines[i]):
                mark(i - 1, AUTHOR, 0.85, LONE_BIO)  # "Jane Doe" over "Jane Doe is a writer ...", no "About"
            mark(i, AUTHOR, 0.85, LONE_BIO)
        i += 1

    # An article *about* social media mentions posts and videos everywhere: no post detection there.
    about_media = sum(bool(MEDIA_INTRO_RE.search(x)) for x in lines) > max(3, n // 10)
    for i in range(n):
        if kinds[i] is None and not about_media and _embedded_post(lines, i, kinds):
            mark(i, EMBED, 0.6, "embedded social-media post")

    off_topic = None if topical is None else [float(t) <= teaser_max_similarity for t in topical]
    if off_topic is not None:
        tail, off = tail_list(lines, kinds, off_topic)
        for i in tail:
            mark(i, WIDGET, 0.8, "off-topic list at the end of the text" if off else TAIL_HEADLINES)
    for i in range(n):
        if kinds[i] is not None or proba[i] < threshold or content_shaped(lines, i, first_prose, last_prose, off_topic, listed):
            continue
        line = lines[i]
        if i < first_prose and i < 3:
            mark(i, HEADER, 0.0, "page header (classifier)")
        elif i > 0 and kinds[i - 1] == WIDGET and why[i - 1] not in WEAK_REASONS:
            mark(i, WIDGET, 0.0, "widget line (classifier)")
        elif CTA_RE.match(line.strip()):
            mark(i, PROMPT, 0.0, "call to action (classifier)")
        elif _teaser_shaped(line) and (topical is None or topical[i] <= teaser_max_similarity):
            mark(i, TEASER, 0.0, "off-topic headline (classifier)")
        elif not paragraph[i] or (ends_with_ellipsis(line) and len(words_of(line)) <= 45):
            # A whole sentence of prose (or a run of them) is no navigation line, whatever the classifier says.
            mark(i, WIDGET, 0.0, "navigation or widget line (classifier)")
    if extend_threshold is not None and off_topic is not None:
        for i, kind in grow_teaser_runs(lines, proba, kinds, off_topic, extend_threshold, listed):
            mark(i, kind, 0.0, "off-topic line next to a teaser block (classifier)")
    # A notice box (newsletter, subscription, consent) holds lines no lexicon knows between its cue lines:
    # a short line between two site notices belongs to the box.
    for i in range(1, n - 1):
        if (kinds[i] is None or "classifier" in why[i]) and len(words_of(lines[i])) <= 30 and all(
                kinds[j] == PROMPT and why[j] not in WEAK_REASONS and why[j] != "comment section" for j in (i - 1, i + 1)):
            mark(i, PROMPT, 0.8, "line inside a notice box")

    # The classifier alone makes a warning only where position and topic agree with it: outside the
    # body, off the article's topic, and confident. Elsewhere it is the article's own list or heading
    # often enough (on sites it never saw) that a warning would cost more than it finds.
    own = own_sections(lines, cue, off_topic, last_prose)
    sure = [not first_prose < i < last_prose and kinds[i] != HEADER and float(proba[i]) >= warn_threshold
            and (off_topic is None or off_topic[i]) and not own[i] and bool(words_of(lines[i])) for i in range(n)]
    weak = [kinds[i] == BYLINE or why[i] in WEAK_REASONS or ("classifier" in why[i] and not sure[i])
            for i in range(n)]
    blocks: list[Block] = []
    i = 0
    while i < n:
        if kinds[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < n and kinds[j + 1] == kinds[i] and weak[j + 1] == weak[i]:
            j += 1
        blocks.append(Block(i, j, kinds[i], max(conf[i:j + 1]), why[i], weak[i]))  # type: ignore[arg-type]
        i = j + 1
    return blocks
