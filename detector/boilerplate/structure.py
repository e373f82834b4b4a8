"""An article's own structure, and the furniture its position gives away.

What the block finder (``detector.boilerplate.blocks``) asks about a line beyond its cue: is it an
item of a list the article makes (a lead-in's list, parallel bullets, a run of subheadings), a
section heading, a closing or signature, or in a section under the article's own heading after
the last paragraph; and, the other way, does a run of list items closing the text look like a
"related" list whose heading was lost, does a comment section start here, does a line repeat the
page title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detector.boilerplate import cues
from detector.boilerplate.features import is_headline_shaped, is_prose, words_of

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


def content_shaped(
    lines: Sequence[str], i: int, first_prose: int, last_prose: int, off_topic: Sequence[bool] | None = None,
    listed: Sequence[bool] | None = None,
) -> bool:
    """Lines the classifier over-flags that belong to the text: lead-ins, footnotes, list items.

    A line ending in ":" introduces what follows, and the short lines under it are its list
    (``listed``, from ``lead_in_lists``); "↩" closes a footnote; "Pros" or "References" heads a
    section of the article (``cues.SECTION_HEADINGS``); "Thanks for reading" or "Best wishes," signs it
    off, and the short line after a closing is the signature; a tab-separated line is a table row and
    a bullet next to other bullets a list item; inside the body, a run of three or more headline-shaped
    lines is a list (events, products), where teasers come alone, unless most of the run is off the
    article's topic: then it is a stack of teasers whose widget heading was lost, not a list the
    article makes.
    """
    line = lines[i].rstrip()
    if "↩" in line or line.endswith(":") or cues.is_section_heading(line) or closing(line) or (listed and listed[i]):
        return True
    if i > 0 and closing(lines[i - 1]) and len(words_of(line)) <= 3:
        return True  # the signature under "Best wishes,"
    if "\t" in line or table_row(line) or parallel_item(lines, i) or interview_line(lines, i):
        return True  # a table row, one item of a list the article makes, or a question or answer of an interview
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


def closing(line: str) -> bool:
    return bool(CLOSING_RE.match(line.strip(" \t•*#-")))


def lead_in_lists(lines: Sequence[str], cue: Sequence[str | None]) -> list[bool]:
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


def own_sections(
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


_QA_RE = re.compile(r"^(?:q|a|question|answer)\s*[:.]\s*\S", re.IGNORECASE)


def interview_line(lines: Sequence[str], i: int) -> bool:
    """A "Q: ..." or "A: ..." line next to its counterpart: the questions and answers of an interview."""
    m = _QA_RE.match(lines[i].lstrip())
    if not m:
        return False
    own = lines[i].lstrip()[:1].lower()
    return any(0 <= j < len(lines) and _QA_RE.match(lines[j].lstrip()) and lines[j].lstrip()[:1].lower() != own
               for j in (i - 1, i + 1))


#: A line opening with a date ("September 18 – Los Angeles, CA"): one entry of a schedule or a timeline.
DATED_ITEM_RE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b",
    re.IGNORECASE,
)


def table_row(line: str) -> bool:
    """A row of figures ("Rockledge 14 11 6 15 — 44"): three or more numbers, at least half the tokens."""
    tokens = line.split()
    numbers = sum(bool(re.fullmatch(r"[-+]?\d[\d.,:%-]*", t)) for t in tokens)
    return numbers >= 3 and 2 * numbers >= len([t for t in tokens if re.search(r"\w", t)])


def parallel_item(lines: Sequence[str], i: int) -> bool:
    """A bulleted, numbered or dated line next to another one: parallel items of the article's own list."""
    for item in (LIST_ITEM_RE, DATED_ITEM_RE):
        if item.match(lines[i].lstrip()):
            return any(0 <= j < len(lines) and item.match(lines[j].lstrip()) for j in (i - 2, i - 1, i + 1, i + 2))
    return False


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


def comment_section(lines: Sequence[str], i: int) -> int | None:
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


_WORD_RE = re.compile(r"[^\W_]+")


def _title_words(s: str) -> set[str]:
    """The longer words of a headline (four letters or more: "in", "the" and "s" say nothing)."""
    return {w.lower() for w in _WORD_RE.findall(s) if len(w) >= 4}


def restates_title(line: str, title: str) -> bool:
    """The page's headline atop the text in other words than its ``<title>`` ("Julian Assange: Sweden
    drops rape investigation" under the title "Sweden drops Assange rape investigation").

    Sites write the ``<title>`` and the on-page headline apart (a shorter one, another word order, "HS"
    for "High School"); a line that is no paragraph of prose and shares nearly all the words of the
    shorter of the two, and at least half of the longer, is the same headline: furniture as much as an
    exact repeat. Only asked of the first lines, before the prose.
    """
    if is_prose(line) or len(words_of(line)) > 30:
        return False
    a = _title_words(line)
    # The whole ``<title>``, and without its last " | Site name" (or " - Site name") part.
    for head in {title, re.split(r"\s[|–—-]\s(?!.*\s[|–—-]\s)", title)[0]}:
        t = _title_words(head)
        if len(a) >= 3 and len(t) >= 3:
            shared = len(a & t)
            if shared >= 0.8 * min(len(a), len(t)) and shared >= 0.5 * max(len(a), len(t)):
                return True
    return False


def _page_key(url: str) -> str:
    u = re.sub(r"^[a-z]+://(?:www\.)?", "", url.strip().lower())
    return re.split(r"[?#]", u)[0].rstrip("/")


def is_own_url(line: str, url: str | None) -> bool:
    """The line is the article's own address (a print or share line, "https://site/news/article/..."),
    when the record gives its ``url``; any other bare address is a link the article cites."""
    s = line.strip()
    return bool(url) and " " not in s and len(s) > 10 and _page_key(s) == _page_key(url or "")


def title_case(line: str) -> bool:
    """A headline in Title Case ("15 Amazing Images of Stars"): nearly every longer word capitalised."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return len(words) >= 2 and 4 * sum(w[0].isupper() for w in words) >= 3 * len(words)


#: A note the desk appends under the story ("Editor's note: This story was updated ...").
EDITORS_NOTE_RE = re.compile(r"^\W{0,3}(?:editor['’]s note|correction|update|clarification)\s*:", re.IGNORECASE)


def tail_list(lines: Sequence[str], kinds: Sequence[str | None], off_topic: Sequence[bool]) -> tuple[list[int], bool]:
    """The closing run of three or more list items: a "related" list whose heading was lost.

    Bullets of other headlines end the text, right after its last paragraph, mostly off the article's
    topic or (a site's related list is often on it) in Title Case, the way headlines are written, or
    under a box of the site's (a newsletter sign-up: the article ended above it); up
    to two short lines or an editor's note may follow them ("Originally published on ...", an author's box). A list in the
    body is the article's own, and so is one under a heading or a lead-in; at the very end, straight
    after the prose, its position says otherwise. Returns the lines and whether most are off topic (on
    topic, a Title Case list may still be the article's own reading list: info).
    """
    end = len(lines)
    while end > 0 and kinds[end - 1] is not None:
        end -= 1
    for _ in range(2):
        if end > 0 and not LIST_ITEM_RE.match(lines[end - 1].lstrip()) and (
                (not is_prose(lines[end - 1]) and len(words_of(lines[end - 1])) <= 12) or EDITORS_NOTE_RE.match(lines[end - 1])):
            end -= 1
        while end > 0 and kinds[end - 1] is not None:
            end -= 1
    start = end
    while start > 0 and kinds[start - 1] is None and LIST_ITEM_RE.match(lines[start - 1].lstrip()):
        start -= 1
    if end - start < 3:
        return [], False
    off = 3 * sum(off_topic[start:end]) >= 2 * (end - start)
    # Under the site's own box (a newsletter sign-up, a share bar; its last short line may still be unmarked)
    # the list is the page's, not the article's: the article ended above the box.
    box = (cues.PROMPT, cues.WIDGET, cues.AUTHOR)
    gap = int(start > 1 and kinds[start - 1] is None and kinds[start - 2] in box and not is_prose(lines[start - 1])
              and len(words_of(lines[start - 1])) <= 12)
    under_box = start > 0 and (kinds[start - 1] in box or bool(gap))
    if not off and not under_box and 4 * sum(title_case(x) for x in lines[start:end]) < 3 * (end - start):
        return [], False
    if not under_box and start > 0 and kinds[start - 1] is None and not is_prose(lines[start - 1]):
        return [], False  # under its own heading or lead-in ("References", "Former sponsors:"): the article's list
    return list(range(start - gap, end)), off
