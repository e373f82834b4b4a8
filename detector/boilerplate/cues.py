"""Cue lexicons: the words page furniture announces itself with.

The phrasings come from the related-post widgets, share bars, comment forms, author boxes and live
pages of WordPress/news templates (WordPress core strings "Leave a Reply", "Your email address will
not be published", Jetpack's "Share this:"/"Click to share on Twitter", the "Check Also" widget of
common news themes) and from the C4 line filter's policy substrings (Raffel et al. 2020, §2.2).
A cue is matched against a whole, short line, so a sentence that merely mentions "newsletter"
is not a cue. Each cue kind maps to one rule of ``detector.checks.boilerplate``.
"""

from __future__ import annotations

import re
from functools import lru_cache

WIDGET, PROMPT, AUTHOR, HEADER, EMBED = "widget", "prompt", "author", "header", "embed"
CUE_KINDS = (WIDGET, PROMPT, AUTHOR, HEADER, EMBED)

#: Headings of related-post, recommendation and navigation widgets (the whole line).
WIDGET_HEADINGS = (
    "check also", "read also", "also read", "read more", "read next", "see also", "related",
    "related articles", "related posts", "related stories", "related news", "related content",
    "related coverage", "related reading", "related topics", "related links", "you may also like",
    "you might also like", "you may be interested in", "you might be interested in", "more from",
    "more stories", "more news", "more articles", "more on this story", "more on this topic",
    "recommended", "recommended for you", "recommended stories", "recommended articles",
    "trending", "trending now", "trending stories", "popular", "popular posts", "popular stories",
    "most read", "most read in world news", "most popular", "most viewed", "latest news", "latest posts", "latest stories",
    "latest articles", "don't miss", "don’t miss", "top stories", "editor's picks", "editors' picks",
    "editor’s picks", "further reading", "in other news", "previous article", "next article",
    "previous post", "next post", "previous story", "next story", "up next", "watch next",
    "what to read next", "tags", "filed under", "categories", "in case you missed it",
    "more like this", "keep reading", "continue reading", "similar posts", "similar articles",
    "from the web", "around the web", "sponsored stories", "promoted stories", "also on", "about us", "see more",
    "contact us", "our team", "more videos", "popular reviews",
    # WordPress core widgets and blog-theme archive links.
    "recent posts", "recent comments", "recent stories", "recent articles", "archives", "view all posts",
    "view all stories", "view all articles", "back to all posts", "back to blog", "popular searches",
    "other related articles", "more to explore", "you may also enjoy", "related guides", "related reads",
)
#: The same headings in the many wordings themes give them ("Most popular reviews", "People also like",
#: "Latest Products"): a widget word and a content noun, and nothing else, in a short line.
WIDGET_HEADING_RE = re.compile(
    r"^(?:(?:most |our |the )?(?:popular|latest|recent|related|recommended|trending|featured|similar|more)"
    r"(?: \w+)? (?:posts?|articles?|stories|reviews?|products?|news|reads?|guides?|videos?|podcasts?|recipes?)|"
    r"people (?:also )?(?:like|liked|read|viewed|bought)|(?:good |more )?articles to read(?: together| next)?|"
    r"more (?:by|from) (?:the|this) (?:author|writer))$"
)
#: The article's own section headings: short label lines the classifier takes for navigation.
SECTION_HEADINGS = frozenset((
    "introduction", "intro", "overview", "background", "summary", "conclusion", "conclusions",
    "final thoughts", "the bottom line", "bottom line", "key takeaways", "takeaways", "tl;dr", "tldr",
    "pros", "cons", "pros and cons", "verdict", "methodology", "method", "methods", "results",
    "discussion", "references", "sources", "notes", "footnotes", "bibliography", "further notes",
    "frequently asked questions", "faq", "faqs", "ingredients", "instructions", "directions", "steps",
    "acknowledgements", "acknowledgments", "appendix", "glossary", "examples", "example",
))
#: Widget cues that introduce a teaser on the same line ("Related: Headline", "READ MORE: ...").
WIDGET_PREFIX_RE = re.compile(
    r"^(?:read (?:also|more|next)|also read|also|see (?:also|more)|related(?: article| story| post| coverage)?|more|"
    r"check also|watch|don[’']t miss|recommended|trending|previously|further reading|filed under|tags|"
    r"categories|topics)\s*[:|»>–—-]\s*\S",
    re.IGNORECASE,
)
#: Characters around a cue line that do not change what it says: bullets, brackets ("[Related: ...]").
CUE_STRIP = " \t•·*#[("

#: Calls to action and site chrome: share bars, comment forms, newsletters, cookies, legal lines.
PROMPT_PATTERNS = (
    r"^share(?: this(?: article| story| post)?| on \w+| via \w+| the article)?\s*[:!]?$",
    r"\bclick to (?:share|print|email|tweet)\b", r"^(?:tweet|pin|email|print) this\b",
    r"\bleave a (?:reply|comment)\b", r"\bpost a comment\b", r"^\d* ?comments?$", r"^add (?:a )?comment\b",
    r"\byour email address will not be published\b", r"\brequired fields are marked\b",
    r"\bcancel reply\b", r"\blogged in as\b", r"\bsave my name, email\b",
    r"^subscribe\b", r"\bsubscribe (?:now|today|here|for free|to (?:our|the|my))\b", r"\bsign up (?:for|to)\b",
    r"\b(?:sign up|subscribe|join|get|receive)\b.{0,40}\bnewsletter\b", r"\bnewsletter\b.{0,20}\b(?:sign ?up|subscribe)\b",
    r"^(?:our |the |free )?newsletters?$", r"\bunsubscribe\b",
    r"\b(?:we|this (?:site|website)) uses? cookies\b", r"\buse of cookies\b", r"^accept all\b",
    r"\balready have an account\b", r"^join\b.{0,4}\bsign in$", r"\brespects your privacy\b",
    r"\b(?:tried|made|make) (?:this|one of my) recipes?\b", r"\bleave a (?:star )?rating\b", r"\bpromo code\b",
    r"\baccept (?:all )?cookies\b",
    r"\ball rights reserved\b", r"^[©ⓒ]|^\(c\) ?\d{4}|^copyright\W{0,3}(?:[©ⓒ]|\(c\)|\d{4})",
    r"\bfollow us(?: on)?\b", r"\blike us on facebook\b",
    r"\bjoin (?:us|our \w+) on (?:facebook|twitter|x|instagram|linkedin|telegram|whatsapp|discord)\b",
    r"\bjoin our (?:newsletter|mailing list|community|email list)\b",
    r"\bdownload (?:our|the) app\b", r"\bsupport (?:our|independent) journalism\b", r"\bbecome a (?:member|patron|subscriber)\b",
    r"^donate\b", r"^advertisement$", r"^(?:sponsored|promoted)(?: content)?$", r"^skip to (?:main )?content$",
    r"^(?:log ?in|sign ?in|register|sign up|menu|search|close|home)$", r"\breport (?:an error|a typo)\b",
    r"\blisten to this article\b", r"^\d+ min(?:ute)?s? read$", r"\breading time\b",
    r"\bplease enable javascript\b", r"^loading\W*$", r"\bwe'?d (?:love|welcome) your feedback\b",
    r"\bfound (?:a typo|an error|a mistake)\b", r"\bhighlight (?:it|the text) and press\b",
    r"\bget (?:the latest|our best|breaking news)\b", r"\bdelivered (?:straight )?to your inbox\b",
    r"\bthanks for (?:signing up|subscribing)\b", r"\b(?:keep an eye on|check) your inbox\b",
    r"\berror processing your subscription\b", r"^[\w' ]{0,30}\bnewsletters?$", r"^comments are closed\b",
    r"\bdelivered (?:through|to) your (?:letterbox|door)\b", r"\bclick here (?:for more information|to (?:get|download|subscribe|sign up|join))\b",
    r"\b(?:may|might) (?:get|earn|receive) (?:a (?:share|commission|small commission)|commissions?)\b",
    r"\bwe (?:may )?earn (?:a )?(?:small )?(?:affiliate )?commissions?\b",
    r"\bturn on notifications\b", r"\bshare (?:on|via) (?:facebook|twitter|whatsapp|linkedin|telegram|email|reddit)\b",
)
PROMPT_RE = re.compile("|".join(f"(?:{p})" for p in PROMPT_PATTERNS), re.IGNORECASE)
#: Legal links ("Privacy Policy", "Terms of Use"): a site notice only as a link or an address to the
#: reader, not as a noun in the article's own sentence, list or table ("Independently Audited Privacy
#: Policy Yes Yes", "Pages 98-99 - Terms & Conditions").
LEGAL_RE = re.compile(
    r"\b(?:privacy (?:policy|notice|statement)|cookies? (?:policy|settings|preferences)|data protection policy|"
    r"terms (?:of (?:use|service)|and conditions|& conditions))\b",
    re.IGNORECASE,
)
LEGAL_ADDRESS_RE = re.compile(
    r"\b(?:our|agree|accept|read|view|see|review|consent|by (?:using|continuing|clicking|signing|subscribing))\b|\s[|·•]\s",
    re.IGNORECASE,
)
#: Site strings that no article sentence says, matched in lines of up to ``LONG_PROMPT_WORDS`` words:
#: newsletter boxes, consent forms, reprint notices, contact lines (Dow Jones, Gannett and WordPress
#: theme strings seen in trafilatura's leftovers).
LONG_PROMPT_RE = re.compile(
    r"\bdelivered (?:straight )?to your inbox\b|\bby subscribing to (?:our|the) newsletter\b|"
    r"\bsign up for (?:our|the|[A-Z][\w'’]*(?: [A-Z][\w'’]*){0,4}) (?:free )?(?:daily |weekly )?newsletters?\b|"
    r"\bfor your personal,? non-commercial use only\b|\bby submitting this form\b|\brevoke (?:this|your) consent\b|"
    r"^an error has occurred\b|^this article has been sent to\b|^(?:[-•*] )?(?:order reprints|print article|reprints)$|"
    r"^follow @\w+ on\b|\bif you (?:buy|purchase) (?:something|anything|a product) (?:through|via|from) (?:this|our|one of our)\b",
    re.IGNORECASE,
)
LONG_CUE_WORDS = 40
#: Consent forms and reprint notices run long; their strings are still no article's sentence.
LONG_PROMPT_WORDS = 80
#: An author's contact line: "Write to Al Root at allen.root@dowjones.com", "Follow him @tariqjmalik".
CONTACT_RE = re.compile(
    r"(?i:\b(?:write to|e-?mail|contact|reach))\s+(?:[A-Z][\w.'’-]*\s+){1,3}at\s+[\w.+-]+@[\w-]+\.\w+|"
    r"(?i:\bmay be reached at\s+[\w.+-]+@|\bfollow (?:him|her|them|me) (?:on \w+ )?@\w+)",
)
#: Invitations (subscribe, sign up, join, download, donate): inside the body an article's own words as
#: often as furniture, so there they are info; site notices (share bars, comment forms, cookies,
#: legal lines) are furniture wherever they stand.
INVITATION_RE = re.compile(
    r"^(?:subscribe|sign up|join|download|donate|support|get|become|follow|like|click here)\b|"
    r"\b(?:sign up|subscribe|join)\b.{0,40}\b(?:newsletter|podcast|list|community|account)\b",
    re.IGNORECASE,
)
#: Dates and reading times of the page ("Last Updated: December 2025", "7 min read"): the article's own
#: metadata, reported as info like a byline.
METADATA_RE = re.compile(
    r"^(?:(?:last )?updated?|published|posted (?:on|at)|reading time|\d+ min(?:ute)?s? read)\b",
    re.IGNORECASE,
)

#: Page headers: live-page banners, section labels, breadcrumbs, timestamps, reading time.
HEADER_RE = re.compile(
    r"^(?:live(?: updates?| blog| coverage)?\s*[:|–—-]|live$|live updates?$|breaking(?: news)?\s*[:|–—-]|"
    r"breaking(?: news)?$|updated?\s*[:]?\s*\d|published\s*[:]?\s*\d|posted (?:on|at)\b|last updated\b|"
    r"home\s*[›»>/|]|news\s*[›»>/|]|(?:opinion|analysis|exclusive|explainer|world|europe|politics)$)",
    re.IGNORECASE,
)
#: Author boxes: "About Shelley Hales", "About the author", "View all posts by ...".
AUTHOR_HEADING_RE = re.compile(
    r"^(?:(?i:about (?:the )?author|author bio|about the writer)|[Aa]bout (?!Us\b|Me\b)"
    r"(?P<name>(?:[A-Z][\w.'’-]+ ){0,3}[A-Z][\w.'’-]+))\s*:?$"
)
AUTHOR_LINE_RE = re.compile(
    r"^(?:view all (?:posts|articles|stories) by|more (?:posts|articles|stories) (?:by|from)|posts by|"
    r"written by|follow \S+(?: \S+)? on (?:twitter|x|instagram|facebook))\b",
    re.IGNORECASE,
)
#: "<Name> is a writer/reporter/...": the first line of a biography.
BIO_RE = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){2,3}(?:is|has been|was) (?:a|an|the|[A-Z][\w.&-]*['’]s)\b[^.]{0,80}\b(?:writer|journalist|reporter|editor|"
    r"correspondent|contributor|columnist|author|blogger|expert|freelance|researcher|producer|analyst|curator|host|"
    r"photographer|strategist|consultant)",
)
#: Bylines: who wrote the piece, at most a short line ("By Jane Doe, MS, RD", "A post by: ...").
BYLINE_RE = re.compile(
    r"^(?i:(?:written |posted |reviewed |edited |story |words |text |reporting |photos? )?by|a (?:post|guest post|story) by|"
    r"author|words|posted on\b.{0,40}\bby|additional (?:contributions|reporting) by|contributors?|contributing)\s*:?\s+"
    r"@?[A-Z][\w.'’-]*(?:[ ,&]+(?:and |&)?@?[A-Z][\w.'’-]*){0,12}\.?$",
)
#: Credits in a sentence: "This post was written by Jane Doe, Head of Marketing", "Fox News' Jane Doe
#: contributed to this report."
CREDIT_RE = re.compile(
    r"^(?i:this (?:post|article|story|piece|guide|review) was (?:written|reviewed|edited|updated) by)\s+"
    r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}(?:,\s*[^.]{0,80})?\.?$|"
    r"^[^.]{0,160}\bcontributed (?:reporting )?to this (?:report|story|article)\.?$|"
    # A wire story's closing credit, "(Reporting by Will Dunham; Editing by Tom Brown)", and a desk's "Staff Reports".
    r"^\((?i:additional reporting|reporting|writing|editing) by\b[^()]{2,200}\)$|^(?i:(?:from )?staff(?: and wire)? reports?)$",
)
#: Words that make an "About <Name>" heading an organisation's, not an author's ("About Georgetown
#: University Medical Center"): the boilerplate paragraph of a press release, the release's own text.
ORG_WORDS = frozenset(
    "university college institute center centre foundation company inc llc ltd corporation corp group "
    "association society council agency department school hospital museum library network laboratory labs "
    "bank fund trust partners media press magazine organization organisation alliance coalition".split()
)
#: Embedded posts and media: tweet signatures, Instagram embeds, photo credits.
EMBED_RE = re.compile(
    r"pic\.twitter\.com/|\(@\w{1,15}\)|—\s*[^—]{1,60}\(@\w+\)|\bview this post on instagram\b|"
    r"\ba post shared by\b|^(?:photo|image|picture|video|watch|credit|photograph)\s*:|"
    r"\((?:photo|image|picture)s?(?: by|:)[^)]*\)$|\bgetty images\b|\bvia getty\b|\bap photo\b|"
    r"\bshutterstock\b|^embedded (?:video|tweet|post)\b|\bthis (?:content|video) is not available\b|"
    r"\bused (?:by|with) permission\b|^(?:photo|image|picture)s? (?:via|by|courtesy(?: of)?)\b|\bcourtesy of\b[^.]{0,60}$|"
    r"^\((?:reporting|writing|editing) by\b|^\(?additional reporting by\b|"
    r"\b(?:photos?|images?|pictures?)\s*(?:©|\(c\))|[a-z]\.(?:Reuters|AP|AFP|EPA|Getty(?: Images)?|Bloomberg)\s*$",
    re.IGNORECASE,
)
#: Roles that make "<Name>, <role> of <Place>" a photo caption rather than prose.
ROLES = (
    "mayor", "president", "minister", "governor", "spokesperson", "spokesman", "spokeswoman", "head",
    "chief", "ceo", "director", "commander", "leader", "founder", "chairman", "chairwoman", "chair",
    "secretary", "ambassador", "senator", "member", "deputy", "prime minister", "general", "professor",
    "adviser", "advisor", "official", "manager", "coach", "captain", "editor", "analyst",
)
CAPTION_RE = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}),\s+(?:the\s+)?(?P<role>[\w'’ -]{3,80})$"
)
#: Words that start prose, not a name ("In Melitopoli, a convoy ...").
_NOT_NAME_START = frozenset(
    "a an the in on at by for from to of as after before during when while with without but and or so "
    "this that these those there here it he she they we i you his her their our its".split()
)


def normalize(line: str) -> str:
    """Lower-cased line without surrounding punctuation/bullets, for whole-line lexicon matching.

    A trailing ellipsis goes too: "Other related articles..." is the heading without it.
    """
    return re.sub(r"\s+", " ", re.sub(r"(?:\.{2,}|…)$", "", line.strip(" \t•·|>»›:–—-*#")).strip(" :").lower())


_WIDGET_SET = frozenset(WIDGET_HEADINGS)


def is_caption(line: str) -> bool:
    """A "<Name>, <role> of <Place>" line without a verb or final full stop: a photo caption."""
    m = CAPTION_RE.match(line.strip())
    if not m or line.rstrip()[-1:] in ".!?":
        return False
    if m.group("name").split()[0].lower() in _NOT_NAME_START:
        return False
    role = m.group("role").lower()
    return len(role.split()) <= 8 and any(re.search(rf"\b{re.escape(r)}\b", role) for r in ROLES)


@lru_cache(maxsize=65536)
def cue_kind(line: str, max_words: int = 25) -> str | None:
    """The furniture kind a short line announces by its wording, or None.

    Memoised: the features and the block finder both ask for every line of an article.
    """
    words = line.split()
    if not words or len(words) > LONG_PROMPT_WORDS:
        return None
    if len(words) > LONG_CUE_WORDS:
        return PROMPT if LONG_PROMPT_RE.search(line.strip()) else None
    if len(words) > max_words:
        return PROMPT if LONG_PROMPT_RE.search(line.strip()) else (AUTHOR if CONTACT_RE.search(line) else None)
    norm = normalize(line)
    if norm in _WIDGET_SET or WIDGET_PREFIX_RE.match(line.strip(CUE_STRIP)) or _widget_heading(line, norm):
        return WIDGET
    if AUTHOR_HEADING_RE.match(line.strip()) or AUTHOR_LINE_RE.match(norm) or CONTACT_RE.search(line):
        return AUTHOR
    if EMBED_RE.search(line) or is_caption(line):
        return EMBED
    if len(words) <= 12 and HEADER_RE.match(norm):
        return HEADER
    if re.match(r"\d+[.)]\s", line.lstrip()):
        return None
    if LONG_PROMPT_RE.search(line.strip()):
        return PROMPT
    if len(words) <= 15 and (PROMPT_RE.search(norm) or _legal_notice(norm, len(words))):
        return PROMPT
    return None


def _widget_heading(line: str, norm: str) -> bool:
    """A short heading line (not a list item: "- More blog posts" is one) in ``WIDGET_HEADING_RE``'s words."""
    return len(norm.split()) <= 6 and line.lstrip()[:1] not in "-•*–·▪►" and bool(WIDGET_HEADING_RE.match(norm))


def _legal_notice(norm: str, n_words: int) -> bool:
    return bool(LEGAL_RE.search(norm)) and (n_words <= 6 or bool(LEGAL_ADDRESS_RE.search(norm)))


def is_invitation(line: str) -> bool:
    """A call to action (subscribe, sign up, join, download), as opposed to a site notice."""
    return bool(INVITATION_RE.search(re.sub(r"^\W+", "", line)))


#: The page's machine metadata leaked into the text: an ISO 8601 timestamp, an image file's address.
MACHINE_METADATA_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$|"
    r"^(?:https?:)?//\S+\.(?:jpe?g|png|gif|webp|svg)(?:\?\S*)?$",
    re.IGNORECASE,
)


def is_machine_metadata(line: str) -> bool:
    """A timestamp ("2019-11-19T08:57:40+01:00") or an image address alone on a line: no one writes these."""
    return bool(MACHINE_METADATA_RE.match(line.strip()))


def is_metadata(line: str) -> bool:
    """A date or reading-time line of the page ("Last Updated: December 2025", "7 min read")."""
    return len(line.split()) <= 12 and bool(METADATA_RE.match(normalize(line)))


def is_byline(line: str) -> bool:
    """A short "By <Name>" line or a credit sentence: the article's own credit, informational wherever it stands."""
    s = line.strip(" \t•·|*#-–—")
    return (len(s.split()) <= 16 and bool(BYLINE_RE.match(s))) or (len(s.split()) <= 40 and bool(CREDIT_RE.match(s)))


def is_organisation(name: str) -> bool:
    """A name with an organisation word ("Georgetown University Medical Center"), not a person's."""
    return any(w.lower().strip(".,") in ORG_WORDS for w in name.split())


def is_section_heading(line: str) -> bool:
    """A standard section heading of an article ("Introduction", "Pros", "References"): content."""
    return normalize(line) in SECTION_HEADINGS


def author_name(line: str) -> str | None:
    """The name in an "About <Name>" heading, if the line is one."""
    m = AUTHOR_HEADING_RE.match(line.strip())
    return m.group("name") if m and m.group("name") else None


def is_bio(line: str, name: str | None = None) -> bool:
    """A biography line: "<Name> is a writer ...", or any line opening with the boxed author's name."""
    s = line.strip()
    if BIO_RE.match(s):
        return True
    return bool(name) and s.startswith(name.split()[0]) and len(s.split()) <= 80


def caption_name(line: str) -> str | None:
    m = CAPTION_RE.match(line.strip())
    return m.group("name") if m and is_caption(line) else None
