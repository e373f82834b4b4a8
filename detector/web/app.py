"""The ASGI application: routes, error handling as problem+json, guards, and the worker pool's lifespan.

FastAPI (on Starlette, served by uvicorn) because it gives typed request models, an OpenAPI schema
for free, streaming responses and a thread pool for blocking store reads, in a few lines; the
checks themselves run in the worker processes of ``detector.web.pool``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from detector import __version__
from detector.config import Config, load_config
from detector.web.api import router as api_router
from detector.web.languagetool import router as lt_router
from detector.web.pages import HERE
from detector.web.pages import router as pages_router
from detector.web.pool import Busy, DeadlineExceeded
from detector.web.security import BodyTooLarge, Guard, problem
from detector.web.settings import ServeSettings
from detector.web.state import BadRecord, NotConfigured, TooLarge, WebState


def create_app(settings: ServeSettings, config: Config | None = None) -> Any:
    """The whole server as one ASGI callable (guards outside, FastAPI inside)."""
    config = config if config is not None else load_config(settings.config_path).with_overrides(settings.overrides)
    state = WebState(settings, config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        if settings.url:
            print(f"detector: serving {settings.url} ({settings.workers} worker(s) ready; API docs at {settings.url}docs)",
                  flush=True)
        try:
            yield
        finally:
            state.close()

    app = FastAPI(title="detector", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Check news articles for machine-translation artefacts, transliteration "
                              "inconsistencies, mistyped dates and boilerplate; rank outlets by reliability.")
    app.state.web = state
    app.include_router(api_router)
    app.include_router(lt_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handlers(app)
    inner: Any = app
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        inner = CORSMiddleware(inner, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                               allow_headers=["Authorization", "Content-Type"])
    guarded = Guard(inner, max_body_bytes=settings.max_body_bytes, token=settings.token)
    guarded.fastapi = app  # the tests and `detector serve` reach the app (and its state) through here
    return guarded


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_r: Request, exc: StarletteHTTPException):  # noqa: ANN202
        return problem(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_r: Request, exc: RequestValidationError):  # noqa: ANN202
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return problem(422, f"{where}: {first.get('msg', 'invalid request')}")  # never echoes the input

    @app.exception_handler(Busy)
    async def busy(_r: Request, exc: Busy):  # noqa: ANN202
        return problem(503, f"{exc}; retry in {exc.retry_after} s", {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(DeadlineExceeded)
    async def late(_r: Request, exc: DeadlineExceeded):  # noqa: ANN202
        return problem(503, str(exc))

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(_r: Request, _exc: BodyTooLarge):  # noqa: ANN202
        return problem(413, "the body is over the server's max_body_bytes limit")

    @app.exception_handler(TooLarge)
    async def too_large(_r: Request, exc: TooLarge):  # noqa: ANN202
        return problem(413, str(exc))

    @app.exception_handler(BadRecord)
    async def bad(_r: Request, exc: BadRecord):  # noqa: ANN202
        return problem(422, str(exc))

    @app.exception_handler(LookupError)
    async def missing(_r: Request, exc: LookupError):  # noqa: ANN202
        return problem(404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(NotConfigured)
    async def not_configured(_r: Request, exc: NotConfigured):  # noqa: ANN202
        return problem(404, str(exc))

    @app.exception_handler(Exception)
    async def crashed(_r: Request, exc: Exception):  # noqa: ANN202
        # Logged by the Guard, type and route only: an exception's message could quote article text.
        return problem(500, f"internal error ({type(exc).__name__}); the server log names the route")
