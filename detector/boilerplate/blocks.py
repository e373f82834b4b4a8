"""From per-line evidence to furniture blocks: cue spans, author boxes, embeds, classifier lines.

Order matters and goes from most to least explainable: a lexicon cue and the lines it claims
(span propagation: a widget heading owns the next one or two teaser headlines and their
"…"-truncated snippets), then author boxes, embedded posts and captions, and last the classifier's
lines, whose kind follows from their shape and position. Consecutive lines of one kind form a block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from detector.boilerplate import cues
from detector.boilerplate.features import ends_with_ellipsis, is_headline_shaped, is_prose, words_of

TEASER, WIDGET, PROMPT, AUTHOR, HEADER, EMBED = "teaser", cues.WIDGET, cues.PROMPT, cues.AUTHOR, cues.HEADER, cues.EMBED
BYLINE = "byline"

#: How an article signs off ("Thanks for reading", "Happy practicing!"): the author's own words.
CLOSING_RE = re.compile(
    r"^(?:thanks? (?:you )?(?:so much )?for (?:reading|watching|listening|stopping by)|happy \w+ing\b|"
    r"(?:i )?hope (?:this|you|that)\b|if you (?:liked|enjoyed|found)\b|enjoy\W*$|cheers\W*$|until next time\b|"
    r"see you (?:next|soon)\b|good luck\b|have fun\b|(?:best|kind|warm|warmest)? ?(?:wishes|regards)\W*$|warmly\W*$|"
    r"(?:with )?love\W*$|xoxo\W*$|talk soon\b|take care\b|stay safe\b|yours(?: truly| sincerely)?\W*$)",
    re.IGNORECASE,
)
#: A list item: a bullet or a number opening the line.
LIST_ITEM_RE = re.compile(r"^(?:[-•*–·▪►]|\d{1,2}[.)])\s+\S")

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
WEAK_REASONS = frozenset((METADATA, INVITATION, ORGANISATION, LONE_BIO, BODY_LINK, SECTION, TAIL_HEADLINES,
                          "repeats the page title"))
#: Cue prefixes that are site metadata, not a link the author placed between paragraphs.
_METADATA_PREFIX_RE = re.compile(r"^(?:filed under|tags|categories|topics)\b", re.IGNORECASE)


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


def _content_shaped(
    lines: Sequence[str], i: int, first_prose: int, last_prose: int, off_topic: Sequence[bool] | None = None,
    listed: Sequence[bool] | None = None,
) -> bool:
    """Lines the classifier over-flags that belong to the text: lead-ins, footnotes, list items.

    A line ending in ":" introduces what follows, and the short lines under it are its list
    (``listed``, from ``_lead_in_lists``); "↩" closes a footnote; "Pros" or "References" heads a
    section of the article (``cues.SECTION_HEADINGS``); "Thanks for reading" or "Best wishes," signs it
    off, and the short line after a closing is the signature; a tab-separated line is a table row and
    a bullet next to other bullets a list item; inside the body, a run of three or more headline-shaped
    lines is a list (events, products), where teasers come alone, unless most of the run is off the
    article's topic: then it is a stack of teasers whose widget heading was lost, not a list the
    article makes.
    """
    line = lines[i].rstrip()
    if "↩" in line or line.endswith(":") or cues.is_section_heading(line) or _closing(line) or (listed and listed[i]):
        return True
    if i > 0 and _closing(lines[i - 1]) and len(words_of(line)) <= 3:
        return True  # the signature under "Best wishes,"
    if "\t" in line or _parallel_item(lines, i):
        return True  # a table row, or one item of a list the article makes
    if not first_prose < i < last_prose:
        return False
    lo = hi = i
    while lo > 0 and is_headline_shaped(lines[lo - 1]):
        lo -= 1
    while hi + 1 < len(lines) and is_headline_shaped(lines[hi + 1]):
        hi += 1
    if not (is_headline_shaped(line) and hi - lo >= 2):
        return False
    return off_topic is None or 2 * sum(off_topic[lo:hi + 1]) <= hi - lo + 1


def _closing(line: str) -> bool:
    return bool(CLOSING_RE.match(line.strip(" \t•*#-")))


def _lead_in_lists(lines: Sequence[str], cue: Sequence[str | None]) -> list[bool]:
    """Per line, whether it is an item of a list its own lead-in introduces ("Count on us for:").

    A line ending in ":" that is no cue (a widget heading such as "Related posts:" is one) opens a
    list: the short lines under it, up to the next prose line, cue or longer line, are the article's
    own items, wherever they stand (services, credits, sponsors, events). An invitation among them
    ("Links mentioned:" over "Sign up for the course!") is one of the author's own links.
    """
    out = [False] * len(lines)
    i = 0
    while i < len(lines):
        if cue[i] is None and lines[i].rstrip().endswith(":"):
            j = i + 1
            while (j < len(lines) and (cue[j] is None or (cue[j] == cues.PROMPT and cues.is_invitation(lines[j])))
                   and not is_prose(lines[j]) and len(words_of(lines[j])) <= 25):
                out[j] = True
                j += 1
            i = max(j, i + 1)
        else:
            i += 1
    return out


def _own_sections(
    lines: Sequence[str], cue: Sequence[str | None], off_topic: Sequence[bool] | None, last_prose: int,
) -> list[bool]:
    """Per line, whether it stands after the last paragraph under a heading of the article's own.

    After the prose, a cue-less, on-topic heading ("After the Wedding", "Upcoming Events") opens a
    section the article makes (a checklist, a list of events): the classifier's short lines under it
    are not sure furniture there, whatever their position. A related-post widget's heading is a cue
    or off the article's topic.
    """
    out = [False] * len(lines)
    if off_topic is None:
        return out
    inside = False
    for i in range(last_prose + 1, len(lines)):
        out[i] = inside
        if cue[i] is None and not off_topic[i] and is_headline_shaped(lines[i]) and not LIST_ITEM_RE.match(lines[i].lstrip()):
            inside = True
    return out


def _parallel_item(lines: Sequence[str], i: int) -> bool:
    """A bulleted or numbered line next to another one: parallel items of the article's own list."""
    if not LIST_ITEM_RE.match(lines[i].lstrip()):
        return False
    return any(0 <= j < len(lines) and LIST_ITEM_RE.match(lines[j].lstrip()) for j in (i - 2, i - 1, i + 1, i + 2))


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
    warn_threshold: float = 0.0,
) -> list[Block]:
    """Furniture blocks of an article's lines.

    ``proba``: the classifier's furniture probability per line; ``topical``: each line's similarity
    to the article (TF-IDF), for naming teasers;
    ``extend_threshold``: the lower probability at which an off-topic teaser-shaped line joins an
    adjacent furniture block (hysteresis, as jusText's near-good paragraphs); ``title``: the page
    title, which a heading atop the text may repeat. A block is ``weak`` (reported as info) when only
    the classifier speaks for it and it sits inside the body, is on the article's topic or scores
    below ``warn_threshold``: an article's own lists, headings and asides look like furniture to a
    line classifier, and on sites it never saw it cannot tell them apart without a cue or the position.
    """
    n = len(lines)
    kinds: list[str | None] = [None] * n
    conf = [0.0] * n
    why = [""] * n
    first_prose = next((i for i, x in enumerate(lines) if is_prose(x)), n)
    last_prose = max((i for i, x in enumerate(lines) if is_prose(x)), default=-1)
    tail_start = int(n * 0.6)

    def mark(i: int, kind: str, c: float, reason: str) -> None:
        kinds[i], conf[i], why[i] = kind, max(c, float(proba[i])), reason

    cue = [cues.cue_kind(x) for x in lines]
    listed = _lead_in_lists(lines, cue)
    i = 0
    while i < n:
        k = cue[i]
        if title and i < 3 and repeats_title(lines[i], title):
            mark(i, HEADER, 0.6, "repeats the page title")
        elif cues.is_byline(lines[i]):
            mark(i, BYLINE, 0.9, "byline")
        elif k in (HEADER, PROMPT) and cues.is_metadata(lines[i]):
            if i < min(first_prose, 4):
                mark(i, HEADER, 0.9, METADATA)
        elif k in (None, PROMPT) and (end := _comment_section(lines, i)):
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
        tail, off = _tail_list(lines, kinds, off_topic)
        for i in tail:
            mark(i, WIDGET, 0.8, "off-topic list at the end of the text" if off else TAIL_HEADLINES)
    for i in range(n):
        if kinds[i] is not None or proba[i] < threshold or _content_shaped(lines, i, first_prose, last_prose, off_topic, listed):
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
        elif not (is_prose(line) and not ends_with_ellipsis(line)):
            # A whole sentence of prose is no navigation line, whatever the classifier says.
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
    own = _own_sections(lines, cue, off_topic, last_prose)
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


#: The heading of a comment section, and the marks of the comments under it.
COMMENTS_HEADING_RE = re.compile(
    r"^(?:\d+ )?(?:comments?|responses?|replies|reader comments|discussion)(?: \(\d+\))?$|^\d+ (?:thoughts|responses?) (?:on|to)\b|"
    r"^(?:leave a (?:reply|comment)|join the (?:discussion|conversation))\b",
    re.IGNORECASE,
)
THREAD_TITLE_RE = re.compile(r"^\d+ (?:thoughts|responses?|comments?|replies) (?:on|to)\b")
COMMENT_MARK_RE = re.compile(
    r"^(?:hi|hello|hey|dear|thanks|thank you)\b[^.!?]{0,30}[,!]|\bsays:?$|^reply$|^\w+(?: \w+)? on \w+ \d{1,2}, \d{4}\b|"
    r"\b\d{1,2}:\d{2} ?(?:am|pm)$",
    re.IGNORECASE,
)


def _comment_section(lines: Sequence[str], i: int) -> int | None:
    """End (exclusive) of the comment section a "Comments" heading opens, when comments follow it.

    Readers' comments are prose, so the classifier keeps them; under the heading, two lines that
    greet someone ("Hi Milan,") or sign a comment ("Jane says:", "Reply") show it is the thread
    (one under WordPress's "N thoughts on “<post>”"), which runs to the end of the text.
    """
    heading = cues.normalize(lines[i])
    if not COMMENTS_HEADING_RE.match(heading):
        return None
    marks = sum(bool(COMMENT_MARK_RE.search(x.strip())) for x in lines[i + 1:i + 16])
    # WordPress's own title of a thread ("10 thoughts on “<post>”", the post's title quoted) is the thread
    # by itself; unquoted ("3 thoughts on the budget") it needs one comment mark under it.
    if THREAD_TITLE_RE.match(heading):
        need = 0 if re.search(r"\b(?:on|to) [“\"«]", lines[i]) and i + 1 < len(lines) else 1
    else:
        need = 2
    return len(lines) if marks >= need else None


def repeats_title(line: str, title: str) -> bool:
    """The page title (or its part before " | Site name") repeated as a line of the text."""
    a, t = cues.normalize(line), cues.normalize(title)
    if not a or len(a) < 8:
        return False
    if a == t:
        return True
    rest = t[len(a):] if t.startswith(a) else (t[:-len(a)] if t.endswith(a) else None)
    return rest is not None and bool(re.match(r"^\s*[|:–—-]|.*[|:–—-]\s*$", rest))


def _title_case(line: str) -> bool:
    """A headline in Title Case ("15 Amazing Images of Stars"): nearly every longer word capitalised."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return len(words) >= 2 and 4 * sum(w[0].isupper() for w in words) >= 3 * len(words)


def _tail_list(lines: Sequence[str], kinds: Sequence[str | None], off_topic: Sequence[bool]) -> tuple[list[int], bool]:
    """The closing run of three or more list items: a "related" list whose heading was lost.

    Bullets of other headlines end the text, right after its last paragraph, mostly off the article's
    topic or (a site's related list is often on it) in Title Case, the way headlines are written; up
    to two short lines may follow them ("Originally published on ...", an author's box). A list in the
    body is the article's own, and so is one under a heading or a lead-in; at the very end, straight
    after the prose, its position says otherwise. Returns the lines and whether most are off topic (on
    topic, a Title Case list may still be the article's own reading list: info).
    """
    end = len(lines)
    while end > 0 and kinds[end - 1] is not None:
        end -= 1
    for _ in range(2):
        if end > 0 and not LIST_ITEM_RE.match(lines[end - 1].lstrip()) and not is_prose(lines[end - 1]) \
                and len(words_of(lines[end - 1])) <= 12:
            end -= 1
        while end > 0 and kinds[end - 1] is not None:
            end -= 1
    start = end
    while start > 0 and kinds[start - 1] is None and LIST_ITEM_RE.match(lines[start - 1].lstrip()):
        start -= 1
    if end - start < 3:
        return [], False
    off = 3 * sum(off_topic[start:end]) >= 2 * (end - start)
    if not off and 4 * sum(_title_case(x) for x in lines[start:end]) < 3 * (end - start):
        return [], False
    if start > 0 and kinds[start - 1] is None and not is_prose(lines[start - 1]):
        return [], False  # under its own heading or lead-in ("References", "Former sponsors:"): the article's list
    return list(range(start, end)), off
