"""``POST /v2/check``: LanguageTool's HTTP API, so its clients and editor plugins work unchanged.

LanguageTool counts offsets in UTF-16 code units (Java strings), so an emoji before a finding
moves it by two, not one; ``/v1`` keeps Python ``str`` offsets. The match format follows
https://languagetool.org/http-api/ (``matches`` with message, offset, length, replacements,
context, sentence and rule).
"""

from __future__ import annotations

import bisect
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from detector import __version__
from detector.article import Document
from detector.checks import INPUT_EMPTY
from detector.findings import ArticleReport, Category, Finding
from detector.web.api import known_rules, web

router = APIRouter()
CONTEXT_CHARS = 40  # LanguageTool's default context size on each side of a match

#: LanguageTool issue types (ITS 2.0 localization-quality issue types) per category.
ISSUE_TYPES = {Category.MT: "mistranslation", Category.TRANSLITERATION: "misspelling", Category.DATE: "inconsistency",
               Category.BOILERPLATE: "duplication", Category.LANGUAGE: "untranslated", Category.GRAMMAR: "grammar",
               Category.INTERNAL: "uncategorized"}
LANGUAGE = {"name": "English", "code": "en", "longCode": "en-US"}


class Utf16:
    """Python ``str`` offsets to UTF-16 code units: each astral character (an emoji) counts twice."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)


def lt_match(text: str, doc: Document, f: Finding, utf16: Utf16) -> dict[str, Any]:
    """One finding as a LanguageTool match."""
    rule = known_rules().get(f.rule)
    lo, hi = max(0, f.start - CONTEXT_CHARS), min(len(text), f.end + CONTEXT_CHARS)
    context = text[lo:hi]
    ctx = Utf16(context)
    sentence = doc.sentence_at(f.start)
    return {
        "message": f.message,
        "shortMessage": rule.summary if rule else "",
        "replacements": [{"value": f.suggestion}] if f.suggestion else [],
        "offset": utf16(f.start),
        "length": utf16(f.end) - utf16(f.start),
        "context": {"text": context, "offset": ctx(f.start - lo), "length": ctx(f.end - lo) - ctx(f.start - lo)},
        "sentence": sentence.text if sentence else text[f.start:f.end],
        "type": {"typeName": "Other"},
        "rule": {"id": f.rule, "description": rule.summary if rule else f.rule, "issueType": ISSUE_TYPES[f.category],
                 "category": {"id": f.category.value.upper(), "name": f.category.value.capitalize()},
                 "urls": [{"value": f"/rules/{f.rule}"}]},
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def lt_response(report: ArticleReport, language: str, disabled: set[str]) -> dict[str, Any]:
    text = report.article.text
    doc = Document(report.article, language=report.language)
    utf16 = Utf16(text)
    # An empty text has nothing to mark: Input.Empty says so in the contract, not as a match.
    matches = [lt_match(text, doc, f, utf16) for f in report.findings
               if f.rule not in disabled and f.rule != INPUT_EMPTY.id]
    detected = report.language or "en"
    return {
        "software": {"name": "detector", "version": __version__, "buildDate": None, "apiVersion": 1, "premium": False,
                     "status": ""},
        "language": {"name": LANGUAGE["name"], "code": language if language != "auto" else detected,
                     "detectedLanguage": {"name": detected, "code": detected, "confidence": 1.0}},
        "matches": matches,
    }


@router.post("/v2/check", tags=["languagetool"])
async def lt_check(request: Request, text: str | None = Form(None, description="The text to check."),
                   language: str | None = Form(None, description="A language code (en-US) or auto."),
                   disabledRules: str | None = Form(None, description="Comma-separated rule ids to leave out."),  # noqa: N803
                   data: str | None = Form(None, description="Not supported: send plain text.")) -> dict[str, Any]:
    """LanguageTool-compatible check of a form with ``text`` and ``language``; offsets in UTF-16 code units."""
    if text is None and "text" in (form := await request.form()):
        text = str(form["text"])  # an empty field is still a text (FastAPI reads it as missing)
    if text is None:
        raise HTTPException(400, "send the text in the 'text' form field ('data' with markup is not supported)" if data
                            else "missing form field 'text'")
    if not language:
        raise HTTPException(400, "missing form field 'language' (a code such as en-US, or auto)")
    state = web(request)
    article = state.article({"text": text, "id": "text"})
    report = (await state.pool.check([article]))[0]
    disabled = {r.strip() for r in (disabledRules or "").split(",") if r.strip()}
    return await run_in_threadpool(lt_response, report, language, disabled)


@router.get("/v2/languages", tags=["languagetool"])
async def lt_languages() -> list[dict[str, str]]:
    """The languages clients may pick (detector checks English news)."""
    return [LANGUAGE]
