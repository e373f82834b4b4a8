"""The HTML pages: check an article (``/``), the outlets (``/outlets``), rules and the API docs.

Server-rendered with the report's Jinja environment conventions (autoescaped) and its
highlighting; a little JavaScript (static/web.js, no CDN) adds the cards' Accept / Ignore /
Apply all, the download, keyboard navigation and the progress of a long check. Without
JavaScript the form still posts and the result page still shows every highlight.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from detector import __version__
from detector.article import Article
from detector.findings import ArticleReport, Category, Finding
from detector.io.html import decode_html, html_to_article
from detector.io.readers import HTML_SUFFIXES, JSONL_SUFFIXES, ReaderOptions, ReadError, iter_jsonl
from detector.io.writers import source_language_words
from detector.report import nutrition_label, plots
from detector.report.highlight import highlight
from detector.web.api import CATEGORIES, NDJSON, defect_filters, known_rules, web
from detector.web.pool import DeadlineExceeded
from detector.web.security import TOKEN_COOKIE, token_matches
from detector.web.state import BadRecord, WebState

HERE = Path(__file__).resolve().parent
router = APIRouter(include_in_schema=False)
MAX_EVIDENCE = 300
#: A symbol per category, so colour is never the only cue.
ICONS = {"mt": "⇄", "transliteration": "Ж", "date": "◷", "boilerplate": "▤", "language": "α", "grammar": "✎",
         "internal": "⚠"}
SEVERITY_ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


def _env() -> Environment:
    # "report/..." reaches the report's templates: the outlet tables are one macro file for both.
    env = Environment(loader=ChoiceLoader([FileSystemLoader(str(HERE / "templates")),
                                           PrefixLoader({"report": FileSystemLoader(str(HERE.parent / "report"))})]),
                      autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, d=1: f"{v:,.{d}f}"
    env.globals.update(version=__version__, icons=ICONS, sev_icons=SEVERITY_ICONS, categories=CATEGORIES)
    return env


ENV = _env()


def render(template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(template).render(**context))


#: Suggestions that are advice for a person ("rewrite in the third person ..."), not replacement text.
ADVICE = re.compile(r"^(rewrite|restore|remove|check|consider|delete|verify|fix)\b.*\s", re.IGNORECASE)


def replacement(f: Finding) -> str | None:
    """What Accept puts in place of the finding: the suggestion, "" for furniture to remove, None for advice."""
    if f.suggestion is None:
        return None
    if f.category is Category.BOILERPLATE and f.suggestion.lower().startswith("remove"):
        return "" if f.rule != "Boilerplate.Repeated" else None  # a repeated line is fixed in the scraper
    return None if ADVICE.match(f.suggestion) else f.suggestion


def result_view(report: ArticleReport, key: str) -> dict[str, Any]:
    """What the result partial shows of one report: highlights, cards, which rules can Apply all."""
    replacements = [replacement(f) for f in report.findings]
    apply_all = Counter(f.rule for f, r in zip(report.findings, replacements) if r is not None)
    severities = Counter(f.severity.value for f in report.findings)
    return {"r": report, "key": key, "body": highlight(report.article.text, report.findings, tips=False),
            "findings": list(zip(report.findings, replacements)), "apply_all": apply_all, "severities": severities,
            "source_language": source_language_words(report)}


# -- check an article -------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
async def check_page(request: Request) -> HTMLResponse:
    return render("check.html", form={}, results=[], errors=[], limits=web(request).settings)


async def _articles(state: WebState, text: str, file: UploadFile | None, outlet: str, published: str,
                    title: str) -> tuple[list[Article], list[str]]:
    """The articles of the form: the pasted text, or the uploaded .txt / .html / .jsonl file."""
    record: dict[str, Any] = {"outlet": outlet or None, "published": published or None, "title": title or None}
    if file is not None and file.filename:
        raw = await file.read()
        name = Path(file.filename).name
        stem = name.split(".")[0] or "upload"
        lower = name.lower()
        if lower.endswith(JSONL_SUFFIXES):
            lines = raw.decode("utf-8", errors="replace").splitlines(keepends=True)
            got = list(iter_jsonl(lines, name, ReaderOptions(outlet=outlet or None)))
            errors = [str(g) for g in got if isinstance(g, ReadError)]
            articles = [g for g in got if isinstance(g, Article)]
            for a in articles:
                state.check_size(a.text)
            return articles, errors
        if lower.endswith(HTML_SUFFIXES):
            article = await run_in_threadpool(html_to_article, decode_html(raw), id=stem, source=name, outlet=outlet or None)
            state.check_size(article.text)
            return [article], []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRecord(f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        record["id"] = stem
    # a blank text is checked like any other: its report says "no text" (Input.Empty, no score)
    return [state.article({**record, "text": text.replace("\r\n", "\n"), "id": record.get("id") or "article"})], []


def _results_html(reports: list[ArticleReport], errors: list[str]) -> str:
    views = [result_view(r, str(i)) for i, r in enumerate(reports)]
    return ENV.get_template("_results.html").render(results=views, errors=errors)


@router.post("/check", response_model=None)
async def check_form(request: Request, text: str = Form(""), file: UploadFile | None = File(None),
                     outlet: str = Form(""), published: str = Form(""), title: str = Form("")) -> Response:
    """The form's result: a whole page, or (``Accept: application/x-ndjson``) progress lines then the HTML."""
    state = web(request)
    articles, errors = await _articles(state, text, file, outlet.strip(), published.strip(), title.strip())
    deadline = state.settings.deadline_s * max(1, len(articles))
    form = {"text": text, "outlet": outlet, "published": published, "title": title}
    if not articles:
        return render("check.html", form=form, results=[], errors=errors or ["no article in the file"], limits=state.settings)
    await state.pool.reserve()  # Busy here is a proper 503 before any streaming starts
    fut = state.pool.submit(articles)
    if NDJSON not in request.headers.get("accept", ""):
        reports, _ = await state.pool.result(fut, deadline)
        views = await run_in_threadpool(lambda: [result_view(r, str(i)) for i, r in enumerate(reports)])
        return render("check.html", form=form, results=views, errors=errors, limits=state.settings)
    words = sum(len(a.text.split()) for a in articles)
    return StreamingResponse(_progress(state, fut, words, deadline, errors), media_type=NDJSON)


async def _progress(state: WebState, fut: Any, words: int, deadline: float, errors: list[str]) -> AsyncIterator[bytes]:
    expected = state.pool.expected_seconds(words)
    t0 = time.monotonic()
    task = asyncio.ensure_future(state.pool.result(fut, deadline))
    while not task.done():
        yield _event({"state": "checking" if fut.running() else "queued", "elapsed": round(time.monotonic() - t0, 2),
                      "expected": round(expected, 2), "words": words})
        await asyncio.wait({task}, timeout=0.25)
    try:
        reports, _ = task.result()
    except DeadlineExceeded as exc:
        yield _event({"error": str(exc)})
        return
    html = await run_in_threadpool(_results_html, reports, errors)  # highlighting a long text stays off the loop
    yield _event({"state": "done", "elapsed": round(time.monotonic() - t0, 2), "html": html})


def _event(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


# -- outlets ----------------------------------------------------------------------------------
@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    from detector import outlets as phase2

    state = web(request)
    with state.reader() as store:
        scores, top_rules, _ = phase2.analyze(store, state.config.get("outlets"))
    rows = [{"s": s, "rules": top_rules.get(s.outlet, Counter()).most_common(3)} for s in scores]
    return render("outlets.html", rows=rows, categories=list(state.config.get("outlets")["weights"]),
                  figures=plots._plt() is not None)


@router.get("/outlets/{outlet:path}", response_class=HTMLResponse)
def outlet_page(request: Request, outlet: str, rule: str = Query(""), category: str = Query(""),
                since: str = Query("")) -> HTMLResponse:
    from detector import outlets as phase2

    category_filter, since_date = defect_filters(category, since)
    state = web(request)
    settings = state.config.get("outlets")
    scores, analyses = _scored(state)
    if outlet not in analyses:
        raise LookupError(f"no outlet {outlet!r} in the store")
    s = next(x for x in scores if x.outlet == outlet)
    analysis = analyses[outlet]
    by_rule = Counter(f.rule for a in analysis.articles for f in a.findings)
    evidence = list(phase2.defects(analysis, rule=rule or None, category=category_filter, since=since_date))
    return render("outlet.html", s=s, label=nutrition_label(s, settings), months=phase2.monthly_rates(analysis, settings),
                  by_rule=by_rule.most_common(), evidence=[{"a": a, "f": f, "counted": True} for a, f in evidence[:MAX_EVIDENCE]],
                  total=len(evidence), max_evidence=MAX_EVIDENCE, articles=[{"a": a, "findings": len(a.findings)} for a in analysis.articles],
                  filters={"rule": rule, "category": category, "since": since}, d0=float(settings["d0"]), figures=plots._plt() is not None,
                  sources=phase2.source_language_words(analysis.source_languages()))


def _scored(state: WebState) -> tuple[list, dict]:
    """Every outlet's score and analysis, read from the store now (as ``detector report`` computes them)."""
    from detector import outlets as phase2
    from detector.reliability import score_outlets

    settings = state.config.get("outlets")
    with state.reader() as store:
        analyses = {o: phase2.analyze_outlet(store, o, settings) for o in store.outlets()}
        scores, _ = score_outlets({o: a.counts for o, a in analyses.items()}, store.outlet_totals(), settings)
        from detector.report import _with_copies

        scores = _with_copies(store, scores, settings)
    return scores, analyses


@router.get("/article", response_class=HTMLResponse)
def article_page(request: Request, outlet: str, id: str) -> HTMLResponse:
    from detector import outlets as phase2

    state = web(request)
    with state.reader() as store:
        if outlet not in store.outlets():
            raise LookupError(f"no outlet {outlet!r} in the store")
        analysis = phase2.analyze_outlet(store, outlet, state.config.get("outlets"))
        stored = next((a for a in analysis.articles if a.article.id == id), None)
        if stored is None:
            raise LookupError(f"no article {id!r} of outlet {outlet!r} in the store")
        from detector.copies.views import CopyViews

        with CopyViews(store, state.config.get("copies")) as views:  # the article's story: its copies, its original, side by side
            copies = views.html(stored.pk, lambda o, i: "/article?" + urllib.parse.urlencode({"outlet": o, "id": i}))
    report = ArticleReport(stored.article, stored.findings, score=stored.score, mt_probability=stored.mt_probability,
                           language=stored.language, words=stored.words, metrics=stored.metrics,
                           source_language=stored.metrics.get("source_language"),  # type: ignore[arg-type]
                           source_language_probability=stored.metrics.get("source_language_probability"))
    return render("article.html", view=result_view(report, "0"), stored=stored, copies=copies)


@router.get("/figures/{name}.svg")
def figure(request: Request, name: str, outlet: str | None = None) -> Response:
    """The report's figures as SVG images (their inline styles are allowed in this response only)."""
    from detector import outlets as phase2

    state = web(request)
    settings = state.config.get("outlets")
    scores, analyses = _scored(state)
    svg = None
    if name == "forest":
        svg = plots.forest([s.outlet for s in scores], [s.score for s in scores], [s.low for s in scores],
                           [s.high for s in scores], [s.sufficient for s in scores])
    elif outlet in analyses and name in ("breakdown", "trend"):
        s = next(x for x in scores if x.outlet == outlet)
        if name == "breakdown":
            label = nutrition_label(s, settings)
            svg = plots.load_breakdown([r["category"] for r in label], [r["contribution"] for r in label], float(settings["d0"]))
        else:
            months = phase2.monthly_rates(analyses[outlet], settings)
            svg = plots.trend([m[0] for m in months], [1000.0 * m[3] / max(m[2], 1) for m in months], [m[1] for m in months])
    if svg is None:
        raise LookupError(f"no figure {name!r} here (matplotlib missing, or too little data)")
    return Response(svg, media_type="image/svg+xml",
                    headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"})


# -- rules, docs, login -----------------------------------------------------------------------
@router.get("/rules", response_class=HTMLResponse)
async def rules_page() -> HTMLResponse:
    return render("rules.html", rules=[r for _, r in sorted(known_rules().items())])


@router.get("/rules/{rule_id}", response_class=HTMLResponse)
async def rule_page(rule_id: str) -> HTMLResponse:
    rule = known_rules().get(rule_id)
    if rule is None:
        raise LookupError(f"no rule {rule_id!r}")
    return render("rule.html", rule=rule)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (no CDN, works offline)."""
    schema = request.app.openapi()
    ops = [{"method": m.upper(), "path": p, **op} for p, item in schema["paths"].items() for m, op in item.items()]
    return render("docs.html", ops=ops, schemas=schema.get("components", {}).get("schemas", {}), info=schema["info"])


@router.get("/login", response_class=HTMLResponse)
async def login_page() -> HTMLResponse:
    return render("login.html", failed=False)


@router.post("/login", response_model=None)
async def login(request: Request, token: str = Form("")) -> Response:
    expected = web(request).settings.token
    if expected is None:
        return RedirectResponse("/", status_code=303)
    if not token_matches(expected, token.strip()):
        raise HTTPException(401, "wrong token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response
