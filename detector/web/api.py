"""The JSON API: ``/v1`` speaks the jsonl contract with Python ``str`` offsets, like ``detector check``.

Nothing here parses or scores: records become Articles through the same reader function the CLI
uses for a JSONL line, checks run on the worker pool, outlets come from ``detector.outlets`` over
the store, and every answer is the object the CLI would print.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict

from detector import __version__
from detector.article import Article
from detector.checks import Rule, all_rules
from detector.findings import Category
from detector.io.readers import ReaderOptions, ReadError, iter_jsonl
from detector.web.pool import DeadlineExceeded
from detector.web.state import BadRecord, TooLarge, WebState

router = APIRouter()
CATEGORIES = tuple(c.value for c in Category if c is not Category.INTERNAL)
NDJSON = "application/x-ndjson"


class CheckRequest(BaseModel):
    """One article, with the fields of a JSONL input record (``text`` is required)."""

    model_config = ConfigDict(extra="ignore")
    text: str
    id: str | int | None = None
    outlet: str | None = None
    published: str | int | None = None
    title: str | None = None
    url: str | None = None


def web(request: Request) -> WebState:
    return request.app.state.web


def known_rules() -> dict[str, Rule]:
    """Every rule, the outlet-level ones (phase 2) included."""
    from detector.outlets import OUTLET_RULES

    return {**{r.id: r for r in OUTLET_RULES}, **all_rules()}


def rule_dict(r: Rule) -> dict[str, Any]:
    """A rule as ``detector rules --format json`` prints it."""
    return {"id": r.id, "category": r.category.value, "severity": r.severity.value, "summary": r.summary,
            "doc": r.doc, "outlet_level": r.outlet_level}


@router.get("/healthz", response_class=PlainTextResponse, tags=["server"])
async def healthz() -> str:
    """``ok`` once every worker has loaded its models (the server does not listen before that)."""
    return "ok"


@router.get("/v1/info", tags=["server"])
async def info(request: Request) -> dict[str, Any]:
    """Version, models, enabled checks and rules, limits, and the pool's counters."""
    state = web(request)
    s = state.settings
    return {"version": __version__, "models": state.pool.info.get("models", {}), "checks": state.pool.info.get("checks", []),
            "enabled_rules": state.enabled_rules, "store": s.db is not None,
            "limits": {"max_body_bytes": s.max_body_bytes, "max_chars": s.max_chars, "deadline_s": s.deadline_s,
                       "workers": s.workers, "capacity": s.capacity},
            "pool": {**state.pool.stats, "in_flight": state.pool.in_flight, "worker_pids": state.pool.info.get("pids", []),
                     "expected_seconds_per_1000_words": round(state.pool.expected_seconds(1000), 3)}}


@router.post("/v1/check", tags=["check"])
async def check(body: CheckRequest, request: Request,
                store: bool = Query(False, description="Also write the report to the server's --db store.")) -> JSONResponse:
    """Check one article: exactly the object ``detector check --format jsonl`` prints for it."""
    state = web(request)
    article = state.article(body.model_dump(exclude_none=True))
    reports = await state.pool.check([article])
    if store:
        await state.store(reports)
    return JSONResponse(reports[0].to_dict())


@router.post("/v1/check/batch", tags=["check"], response_class=StreamingResponse,
             responses={200: {"content": {NDJSON: {}}, "description": "One contract object per input line, in input order; "
                                                                      "a broken line gives {\"line\": N, \"error\": \"...\"}."}})
async def check_batch(request: Request, store: bool = Query(False, description="Also write the reports to the --db store.")
                      ) -> StreamingResponse:
    """JSONL/NDJSON in, NDJSON out, streamed in input order; a broken line is answered in its place."""
    state = web(request)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"the body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    items: list[tuple[int, Article | str]] = []
    for got in iter_jsonl(text.splitlines(keepends=True), "batch", ReaderOptions()):
        if isinstance(got, ReadError):
            items.append((got.line or 0, got.message))
            continue
        try:
            state.check_size(got.text)
            items.append((got.line or 0, got))
        except TooLarge as exc:
            items.append((got.line or 0, str(exc)))
    return StreamingResponse(_stream(state, items, store), media_type=NDJSON)


def _segments(items: list[tuple[int, Article | str]], size: int) -> list[list[tuple[int, Article | str]]]:
    """Runs of up to ``size`` consecutive articles (one worker task each); every broken line alone."""
    out: list[list[tuple[int, Article | str]]] = []
    for n, item in items:
        if isinstance(item, Article) and out and isinstance(out[-1][0][1], Article) and len(out[-1]) < size:
            out[-1].append((n, item))
        else:
            out.append([(n, item)])
    return out


async def _stream(state: WebState, items: list[tuple[int, Article | str]], store: bool) -> AsyncIterator[bytes]:
    pool = state.pool
    articles = sum(isinstance(i, Article) for _, i in items)
    size = max(1, min(int(state.config.get("batch_size") or 32), math.ceil(articles / pool.workers) if articles else 1))
    segments = deque(_segments(items, size))
    pending: deque[tuple[list, Any]] = deque()
    while segments or pending:
        while segments and sum(f is not None for _, f in pending) < pool.workers:
            seg = segments.popleft()
            if isinstance(seg[0][1], Article):
                await pool.reserve(wait=True)
                pending.append((seg, pool.submit([a for _, a in seg])))
            else:
                pending.append((seg, None))
        seg, fut = pending.popleft()
        if fut is None:
            yield _line({"line": seg[0][0], "error": seg[0][1]})
            continue
        try:
            reports, _seconds = await pool.result(fut, state.settings.deadline_s * len(seg))
        except DeadlineExceeded as exc:
            for n, _ in seg:
                yield _line({"line": n, "error": str(exc)})
            continue
        if store:
            await state.store(reports)
        for report in reports:
            yield _line(report.to_dict())


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


@router.get("/v1/rules", tags=["rules"])
async def rules() -> list[dict[str, Any]]:
    """Every rule with its documentation (as ``detector rules --format json``)."""
    return [rule_dict(r) for _, r in sorted(known_rules().items())]


@router.get("/v1/rules/{rule_id}", tags=["rules"])
async def rule(rule_id: str) -> dict[str, Any]:
    """One rule's documentation."""
    found = known_rules().get(rule_id)
    if found is None:
        raise LookupError(f"no rule {rule_id!r} (GET /v1/rules lists them)")
    return rule_dict(found)


@router.get("/v1/outlets", tags=["outlets"])
def outlets(request: Request, top: int = Query(3, ge=0, description="Rules listed per outlet.")) -> list[dict[str, Any]]:
    """Outlets ranked by reliability (as ``detector outlets --format json``), read from the store now."""
    from detector import outlets as phase2

    state = web(request)
    with state.reader() as store:
        scores, top_rules, _ = phase2.analyze(store, state.config.get("outlets"))
    return [{**s.to_dict(), "top_rules": top_rules.get(s.outlet, {}).most_common(top)} for s in scores]


@router.get("/v1/outlets/{outlet:path}", tags=["outlets"])
def outlet_defects(request: Request, outlet: str,
                   rule: str | None = Query(None, description="Only rules with this id prefix."),
                   category: str | None = Query(None, description=f"Only this category: {', '.join(CATEGORIES)}."),
                   since: str | None = Query(None, description="Only articles published on or after this date (YYYY-MM-DD).")
                   ) -> list[dict[str, Any]]:
    """One outlet's defects with the filters of ``detector outlets OUTLET`` (same rows as its json)."""
    from detector import outlets as phase2
    from detector.cli.outlets import _defect_row

    category, since_date = defect_filters(category, since)
    state = web(request)
    with state.reader() as store:
        if outlet not in store.outlets():
            raise LookupError(f"no outlet {outlet!r} in the store (GET /v1/outlets lists them)")
        analysis = phase2.analyze_outlet(store, outlet, state.config.get("outlets"))
    return [_defect_row(a, f) for a, f in phase2.defects(analysis, rule=rule, category=category, since=since_date)]


def defect_filters(category: str | None, since: str | None) -> tuple[str | None, dt.date | None]:
    """The category and date filters checked as the CLI checks them ("" means no filter, as a form sends it)."""
    if category and category not in CATEGORIES:
        raise BadRecord(f"unknown category {category!r} (use one of {', '.join(CATEGORIES)})")
    try:
        return category or None, dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise BadRecord(f"since must be a date like 2022-03-01, not {since!r}") from None
