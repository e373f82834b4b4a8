"""``MT.PersonShift``: the narrator turns into "I" in reported news.

MT systems translating a quote whose marks were lost, or a source that used the reporter's
impersonal voice, produce first-person narration in third-person news ("It was marked with a “Z”
and was towed by a tractor, so I didn't know if it was occupied."). First person is normal in
quotes, in reported speech ("he said: I will stay"), in interview transcripts ("Q:", "Name:") and in
columns, blogs and first-person reportage; those are spared. An article that speaks in the first
person more than ``max_first_person`` times outside quotes is treated as a first-person piece and
gets no findings, as does a text where 10% or more of the sentences are: the slip this rule is for
is isolated. In an article with fewer than two news cues ("said", "according to", "on Tuesday") the
finding is info: first person there is more often a blog's voice than a translation slip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detector.article import Document, Span
from detector.mt.context import SPEECH_VERBS, ArticleContext, Hit, mt_sentences

#: "I" but not "I.D", "I-9", "A&I"; "me" but not the search phrase "near me".
_FIRST_PERSON = re.compile(r"\b(?:(?<!&)I(?![.\-&]\w)|I['’](?:m|ve|d|ll)|(?<!near )me|my|myself)\b")
_MARKS = frozenset('"“”«»„')
#: Cues of reported news (attribution, "on Tuesday"); two or more make an article "reported", where a
#: first-person slip is a warning rather than info.
_REPORTING = re.compile(
    r"\b(?:said|says|told|[Aa]ccording to|reported|stated|announced|shouted|"
    r"on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
)
_VERBS = "|".join(sorted(SPEECH_VERBS))
#: Unquoted reported speech: "I will stay, he said", "..., says Ivanova", "he said: I ...".
_ATTRIBUTION = re.compile(
    rf",\s+(?:[\w’'-]+\s+){{1,3}}(?:{_VERBS})\b"
    rf"|,\s+(?:{_VERBS})\s+[A-Z]|\b(?:{_VERBS})\s*:|^\s*(?:Q|A)[.:]|^\s*(?:[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){{0,2}})\s*:"
)


def find_person_shifts(
    doc: Document, ctx: ArticleContext, max_first_person: int = 2, max_share: float = 0.1
) -> Iterator[Hit]:
    sentences = mt_sentences(doc)
    continued = _continued_quotes(doc, ctx)
    candidates: list[tuple[Span, re.Match[str]]] = []
    for sentence in sentences:
        if any(a <= sentence.start < b for a, b in continued):
            continue
        if sentence.text.rstrip("”\"' ").endswith("?"):
            continue  # a reader's question ("How can I apply this?", FAQ headings)
        for m in _FIRST_PERSON.finditer(doc.text, sentence.start, sentence.end):
            if ctx.in_quote(m.start()) or _roman_numeral(doc.text[sentence.start:m.start()], m):
                continue
            if _ATTRIBUTION.search(sentence.text) or _ATTRIBUTION.search(_line_of(doc, sentence)):
                break
            candidates.append((sentence, m))
            break  # one finding per sentence
    n = len(candidates)
    if not n or n > max_first_person or n / max(len(sentences), 1) >= max_share or ctx.conversational:
        return  # a first-person piece: a column, a blog, a review, a message
    reported = len(_REPORTING.findall(doc.text, 0, 200_000)) >= 2
    for sentence, m in candidates:
        yield Hit(
            m.start(), m.end(),
            f"First person ('{m.group()}') outside quotes in reported news: the narrator became the speaker "
            "in translation (a quote whose marks were lost, or a mistranslated impersonal form).",
            suggestion="rewrite in the third person or restore the quotation marks",
            confidence=0.8 if reported else 0.5,
            kind="reported-news" if reported else "unreported",
            data={"sentence": sentence.text[:200]},
        )


def _roman_numeral(before_in_sentence: str, m: re.Match[str]) -> bool:
    """"World War I", "Phase I", "Charles I": an "I" after a capitalised word that is not the
    sentence's first ("Later I learned" is a pronoun)."""
    if m.group() != "I":
        return False
    before = before_in_sentence.split()
    return len(before) >= 2 and before[-1][:1].isupper() and before[-1][-1:].isalnum()


def _line_of(doc: Document, sentence: Span) -> str:
    for line in doc.lines:
        if line.start <= sentence.start < line.end:
            return doc.text[line.start:sentence.start]
    return ""


def _continued_quotes(doc: Document, ctx: ArticleContext) -> list[tuple[int, int]]:
    """Lines right after a line whose quote is left open, with no quote mark of their own: a quote
    split over segments or paragraphs whose next opening mark was dropped. One line only, so an
    unclosed quote never exempts the rest of an article."""
    out: list[tuple[int, int]] = []
    lines = doc.lines
    for prev, line in zip(lines, lines[1:], strict=False):
        q = ctx.quote_at(prev.end - 1)
        if q is not None and q[1] >= prev.end and prev.text[-1] not in _MARKS and not any(c in line.text for c in _MARKS):
            out.append((line.start, line.end))
    return out
