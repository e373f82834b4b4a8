"""Boilerplate: page furniture left inside the article text (widgets, author boxes, prompts, ...).

Precision first: a block only the classifier found is a warning only outside the body (before the
first or after the last paragraph of prose) and at ``warn_threshold``; inside the body, where an
article's own lists, headings and pull quotes live, it is info. Bylines are their own info rule.

Lexicon cues with span propagation, author-box and caption patterns, and a small boosted-tree line
classifier (``models/boilerplate``) over shape, position and TF-IDF topicality features; no encoder
(a MiniLM pass cost 19 times the time and added nothing on unseen sites). See ``detector.boilerplate``
for the pieces and ``make eval-boilerplate`` for measured quality.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from detector.article import Document
from detector.boilerplate.blocks import AUTHOR, BYLINE, EMBED, HEADER, PROMPT, TEASER, TITLE, WIDGET, Block, find_blocks
from detector.boilerplate.features import FEATURES, batch_features
from detector.boilerplate.model import TreeEnsemble, load_model
from detector.checks import register
from detector.checks.base import Check, Result, Rule
from detector.findings import Category, Finding, Severity

_REMOVE = "Remove these lines from the article text."


def _rule(name: str, summary: str, *, doc: str, severity: Severity = Severity.WARNING, **kw: bool) -> Rule:
    return Rule(id=f"Boilerplate.{name}", category=Category.BOILERPLATE, severity=severity, summary=summary, doc=doc, **kw)


WIDGET_RULE = _rule(
    "Widget",
    "A related-post, recommendation or navigation widget inside the article text.",
    doc=(
        "Scrapers and republishers often keep the page's widgets: a heading such as \"Check Also\", "
        "\"Read Also\", \"Related:\" or \"You may also like\" followed by the headline of another article "
        "and a snippet cut off with \"…\", or a list of navigation links. A widget heading from the cue "
        "lexicon claims the next one or two headline-shaped lines and any truncated snippet; short "
        "link-like lines the line classifier scores as furniture are reported here too, and a closing run of "
        "three or more list items straight after its last paragraph, mostly off the article's topic or in Title Case "
        "like headlines, or under the site's own box (a newsletter sign-up) after the prose (a \"related\" list whose "
        "heading was lost; info when on topic; an editor's note may follow it). An interview's \"Q:\"/\"A:\" lines, rows of "
        "figures (a box score) and runs of dated entries (a tour's dates) are the article's own. A list inside the body, or "
        "under its own heading or lead-in (\"References\", \"Count on us for:\"), is the article's own: there a "
        "classifier-only finding is info or nothing, and so is one under an on-topic heading after the last "
        "paragraph (\"After the Wedding\" over a checklist). A lone \"Read more: <headline>\" between two paragraphs "
        "is a link the author placed in the text: info; at the edges of the text or in a stack it is a warning. "
        "A \"Related\" heading over paragraphs is the article's own section: info. "
        "The finding covers the whole block; delete it from the article text."
    ),
)
AUTHOR_BOX_RULE = _rule(
    "AuthorBox",
    "An author box (\"About <Name>\" and a biography) inside the article text.",
    doc=(
        "Blog and news themes print an author box after the article: \"About Shelley Hales\" or \"About "
        "the author\", often followed by \"<Name> is a freelance writer ...\" or \"View all posts by\". "
        "A heading naming a person (two or more capitalised words) counts only near the end of the "
        "article or when a biography follows it, so an on-topic subheading such as \"About Kyiv\" in the "
        "middle of a text is not flagged. A biography without such a heading (\"Nina Koziol is a garden writer "
        "...\" closing the text) and an organisation's box (\"About Georgetown University Medical Center\", a press "
        "release's own paragraph) are info."
    ),
)
TEASER_RULE = _rule(
    "Teaser",
    "The headline of another article, off the article's topic, with no widget heading.",
    doc=(
        "A headline-shaped line (3–20 words, no closing full stop) or a \"…\"-truncated snippet that the "
        "line classifier scores as furniture and that is far from the rest of the article in meaning "
        "(TF-IDF similarity with the other lines): typically a related-post teaser whose "
        "widget heading was lost, like a Formula 1 headline at the end of war news. On-topic "
        "subheadings are close to the text around them and are not flagged. Teasers come in stacks: "
        "an off-topic, headline-shaped neighbour of a teaser joins its block at a lower classifier score, "
        "and three or more headlines in a row count as a list the article makes only when most of them "
        "are on its topic. Inside the body, where the article's own subheadings and pull quotes stand, a "
        "teaser only the classifier found is reported as info; after the last paragraph it is a warning."
    ),
)
PROMPT_RULE = _rule(
    "Prompt",
    "A call to action or site notice: share bar, comment form, newsletter, cookies, legal line.",
    doc=(
        "Lines such as \"Share this:\", \"Click to share on Twitter\", \"Leave a Reply\", \"Your email "
        "address will not be published\", newsletter sign-ups, cookie notices and copyright lines. The "
        "lexicon matches only short lines (at most 15 words; up to 80 for strings no article says, such as "
        "\"delivered to your inbox\" or \"for your personal, non-commercial use only\"), so an article sentence "
        "that mentions a newsletter is not flagged; \"privacy policy\" or \"terms of use\" count only as a link "
        "or an address to the reader, not in a table row or a heading. Invitations inside the body (\"Subscribe to "
        "our podcast!\" between two paragraphs) are info, closings (\"Thanks for reading\") are not flagged. A "
        "comment-section heading (\"Comments\", \"3 Responses\") followed by readers' comments (\"Hi Milan,\", "
        "\"Jane says:\") claims the thread down to the end of the text, and WordPress's \"6 thoughts on “<post "
        "title>”\" claims it without such marks. A short line between two site notices is part of their box (a "
        "newsletter's blurb), and an invitation in a list its lead-in introduces (\"Links mentioned:\") is info."
    ),
)
HEADER_RULE = _rule(
    "Header",
    "A page header (live-page banner, section label, breadcrumb, timestamp) atop the article.",
    doc=(
        "The first lines of a scraped page often carry the site's header rather than the article: "
        "\"Live Updates: Russia invades Ukraine\", \"Breaking News\", \"Home › World\", \"Updated 10:32\". "
        "Only lines before the first paragraph of prose (and among the first four) are considered. A "
        "heading is the article's own unless a cue names it furniture: a short top line only the classifier "
        "flags is info, and so are a line repeating the page title (the record's `title`, or its part before "
        "\" | Site name\"), or restating it in other words before the first paragraph (nearly all the longer words of "
        "the shorter of the two, half of the longer: \"Julian Assange: Sweden drops rape investigation\" under the title "
        "\"Sweden drops Assange rape investigation\"), and the page's date or reading time among the first four lines "
        "(\"Last Updated: December 2025\", \"7 min read\", also below the standfirst). A line that is the article's "
        "own address (the record's `url`, a print or share line) is a warning; other bare links are the article's. "
        "A header is short (at most 30 words) and no paragraph: a run of sentences, even one whose line breaks were "
        "lost or that is cut off mid-sentence, is the article's text and never part of a header."
    ),
)
EMBED_RULE = _rule(
    "Embed",
    "An embedded social-media post or a photo caption inside the article text.",
    severity=Severity.INFO,
    doc=(
        "Text of embedded posts and media: tweet signatures (\"— Name (@handle) date\", pic.twitter.com), "
        "Instagram embeds, photo credits, captions of the form \"<Name>, <role> of <place>\", the post "
        "describing the person such a caption names, a short unattributed post right after a line "
        "that introduces a video or social-media post, and the page's machine metadata leaked into the text (a line "
        "that is only an ISO 8601 timestamp or an image file's address). Informational: the text may belong in the "
        "article as a quote, but it is not the author's own prose and should be marked as such."
    ),
)
BYLINE_RULE = _rule(
    "Byline",
    "A byline (\"By Jane Doe, MS, RD\", \"A post by: ...\") inside the article text.",
    severity=Severity.INFO,
    doc=(
        "A short line crediting the author: \"By Jane Doe\", \"Written by ...\", \"A post by: ...\", "
        "\"Posted on <date> by @name\", \"Additional reporting by ...\", \"This post was written by ...\", "
        "\"<Name> contributed to this report.\", \"Contributing: ...\", a wire story's \"(Reporting by ...; Editing by ...)\" and a desk's \"Staff "
        "Reports\". It is the article's own credit, "
        "not page furniture, so it is informational wherever it stands: a corpus cleaner may drop it, an "
        "editor may keep it. Author boxes with a biography are `Boilerplate.AuthorBox`."
    ),
)
REPEATED_RULE = _rule(
    "Repeated",
    "A line repeated verbatim across many of an outlet's articles (template text).",
    doc=(
        "Computed over an outlet's stored articles (phase 2, `detector.outlets`), not per article. Every "
        "line is normalised as CCNet does for de-duplication (Wenzek et al. 2020: lower case, digits to 0, "
        "punctuation and accents removed) and hashed; a line of 20+ characters found in at least 3 articles "
        "and 10% of the outlet's articles (settings `outlets.boilerplate.min_chars`, `min_articles`, "
        "`min_share`) is the outlet's template (a newsletter plug, a copyright notice, \"Read more\") that "
        "the scraper kept in the article body, and is flagged in each article where it appears. A quotation "
        "repeated across follow-up stories can match too."
    ),
    outlet_level=True,
)

_RULES = {WIDGET: WIDGET_RULE, AUTHOR: AUTHOR_BOX_RULE, TEASER: TEASER_RULE, PROMPT: PROMPT_RULE,
          HEADER: HEADER_RULE, EMBED: EMBED_RULE, BYLINE: BYLINE_RULE}
_MESSAGES = {
    WIDGET: "Related-post or navigation widget inside the article text",
    AUTHOR: "Author box inside the article text",
    TEASER: "Headline of another article, off this article's topic",
    PROMPT: "Call to action or site notice inside the article text",
    HEADER: "Page header above the article",
    EMBED: "Embedded post or photo caption, not the article's own text",
    BYLINE: "Byline inside the article text",
}


def line_hash(line: str) -> str:
    """CCNet-style hash of a normalised line (Wenzek et al. 2020): lower case, digits → 0, no punctuation."""
    norm = re.sub(r"\d", "0", line.lower())
    norm = re.sub(r"[^\w\s]", "", norm, flags=re.UNICODE)
    return hashlib.sha1(" ".join(norm.split()).encode()).hexdigest()[:16]


@register
class BoilerplateCheck(Check):
    """Flags page furniture inside article text, one finding per block of lines."""

    name = "boilerplate"
    rules = (WIDGET_RULE, AUTHOR_BOX_RULE, TEASER_RULE, PROMPT_RULE, HEADER_RULE, EMBED_RULE, BYLINE_RULE, REPEATED_RULE)
    defaults = {
        # Retired with model 2 (the check runs no encoder); still accepted so older config files load.
        "encoder": "none",
        "threshold": 0.0,  # classifier threshold; 0 = the one shipped with the model
        "teaser_max_tfidf": 0.08,  # TF-IDF similarity to the article below which a furniture headline is off topic
        "extend_threshold": 0.5,  # classifier probability at which an off-topic line joins a teaser block
        "warn_threshold": 0.95,  # below it, a block only the classifier found is info, not a warning
    }

    def setup(self) -> None:
        self._model: TreeEnsemble = load_model()

    def check(self, doc: Document) -> Result:
        return self.check_batch([doc])[0]

    def check_batch(self, docs: list[Document]) -> list[Result]:  # type: ignore[override]
        self.ensure_setup()
        mats = batch_features([[ln.text for ln in d.lines] for d in docs])
        # One pass of the trees over every line of the batch; split back per article.
        proba = self._model.predict_proba(np.concatenate(mats)) if any(len(m) for m in mats) else np.zeros(0)
        bounds = np.cumsum([0] + [len(m) for m in mats])
        return [self._result(d, X, proba[a:b]) for d, X, a, b in zip(docs, mats, bounds[:-1], bounds[1:], strict=False)]

    def _result(self, doc: Document, X: Any, proba: Any) -> Result:
        lines = doc.lines
        texts = [ln.text for ln in lines]
        threshold = float(self.settings["threshold"]) or self._model.threshold
        topical, limit = X[:, FEATURES.index("tfidf_sim")], float(self.settings["teaser_max_tfidf"])
        extend = float(self.settings["extend_threshold"]) or None
        blocks = find_blocks(texts, proba, threshold, topical, limit, extend, title=doc.article.title,
                             warn_threshold=float(self.settings["warn_threshold"]), url=doc.article.url) if texts else []
        findings = [self._finding(doc, b, topical) for b in blocks]
        annotations = {"lines": [[line_hash(t), ln.start, ln.end] for t, ln in zip(texts, lines, strict=False)]}
        return Result(findings=findings, metrics={"boilerplate_lines": float(sum(b.last - b.first + 1 for b in blocks))},
                      annotations=annotations)

    def _finding(self, doc: Document, b: Block, topical: Any) -> Finding:
        lines = doc.lines
        rule = _RULES[b.kind]
        first = lines[b.first].text
        quoted = first if len(first) <= 60 else first[:57] + "…"
        more = b.last - b.first
        message = f"{_MESSAGES[b.kind]}: “{quoted}”" + (f" and {more} more line{'s' * (more > 1)}" if more else "")
        if "classifier" in b.reason:
            message += f" (line classifier, p={b.confidence:.2f})"
        if b.reason == TITLE:
            message = f"The page title repeated atop the text: “{quoted}”"
        data: dict[str, Any] = {"lines": [b.first, b.last], "reason": b.reason, "weak": b.weak}
        if b.kind == TEASER:
            data["similarity"] = round(float(topical[b.first]), 3)
        return rule.finding(
            doc, lines[b.first].start, lines[b.last].end, message + ".",
            suggestion=None if b.kind in (EMBED, BYLINE) else _REMOVE, confidence=round(b.confidence, 4), data=data,
            severity=Severity.INFO if b.weak else None,
        )
