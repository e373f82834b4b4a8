"""``MT.PersonShift``: the narrator turns into "I" in reported news.

MT systems translating a quote whose marks were lost, or a source that used the reporter's
impersonal voice, produce first-person narration in third-person news ("It was marked with a “Z”
and was towed by a tractor, so I didn't know if it was occupied."). First person is normal in
quotes, in reported speech ("he said: I will stay"), in interview transcripts ("Q:", "Name:") and in
columns, blogs and first-person reportage; those are spared. An article that speaks in the first
person more than ``max_first_person`` times outside quotes is treated as a first-person piece and
gets no findings, as does a text where 10% or more of the sentences are: the slip this rule is for
is isolated.
"""

from __future__ import annotations

import re
from typing import Iterator

from detector.article import Document, Span
from detector.mt.context import SPEECH_VERBS, ArticleContext, Hit

_FIRST_PERSON = re.compile(r"\b(?:I|I['’](?:m|ve|d|ll)|me|my|myself)\b")
_VERBS = "|".join(sorted(SPEECH_VERBS))
#: Unquoted reported speech: "I will stay, he said", "..., says Ivanova", "he said: I ...".
_ATTRIBUTION = re.compile(
    rf",\s+(?:he|she|they|[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)\s+(?:{_VERBS})\b"
    rf"|,\s+(?:{_VERBS})\s+[A-Z]|\b(?:{_VERBS})\s*:|^\s*(?:Q|A)[.:]|^\s*(?:[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){{0,2}})\s*:"
)


def find_person_shifts(
    doc: Document, ctx: ArticleContext, max_first_person: int = 2, max_share: float = 0.1
) -> Iterator[Hit]:
    candidates: list[tuple[Span, re.Match[str]]] = []
    for sentence in doc.sentences:
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
    if not n or n > max_first_person or n / max(len(doc.sentences), 1) >= max_share:
        return  # a first-person piece: a column, a blog, a message
    for sentence, m in candidates:
        yield Hit(
            m.start(), m.end(),
            f"First person ('{m.group()}') outside quotes in reported news: the narrator became the speaker "
            "in translation (a quote whose marks were lost, or a mistranslated impersonal form).",
            suggestion="rewrite in the third person or restore the quotation marks",
            kind="outside-quotes",
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
