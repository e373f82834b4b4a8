"""Errors as ``application/problem+json`` (RFC 9457), and the ASGI guards in front of every route.

The guards are plain ASGI middleware, so they run before FastAPI reads a body: an oversized body
is refused (413) from its Content-Length or as soon as the bytes received pass the limit, a missing
or wrong bearer token is 401, and every response carries the security headers.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable

from starlette.responses import JSONResponse

log = logging.getLogger("detector.web")
Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROBLEM = "application/problem+json"
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
TOKEN_COOKIE = "detector_token"
OPEN_PATHS = ("/healthz", "/login")

_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
           415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error",
           503: "Service Unavailable"}


def problem_body(status: int, detail: str) -> dict[str, Any]:
    """The problem object; ``detail`` is kept to one line."""
    return {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status,
            "detail": " ".join(str(detail).split())}


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(problem_body(status, detail), status_code=status, headers=headers, media_type=PROBLEM)


async def send_problem(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(problem_body(status, detail)).encode()
    raw = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised inside ``receive`` once a streamed body passes the limit."""


def token_matches(expected: str, presented: str | None) -> bool:
    """Constant-time comparison (no early exit that would leak how much of a guess was right)."""
    return presented is not None and hmac.compare_digest(expected.encode(), presented.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie") or ""
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class Guard:
    """Security headers on every response; body limit; bearer token (or the login cookie)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, token: str | None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", ())}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        preflight = scope["method"] == "OPTIONS"  # a CORS preflight carries no credentials by design
        if self.token is not None and scope["path"] not in OPEN_PATHS and not preflight and not self._authorized(scope):
            await send_problem(send_secured, 401, "this server needs a token: send 'Authorization: Bearer <token>'",
                               {"www-authenticate": 'Bearer realm="detector"'})
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await send_problem(send_secured, 413, f"the body is {int(length):,} bytes; the limit is {self.max_body_bytes:,}")
            return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, receive_limited, send_secured)
        except BodyTooLarge:
            if not started:
                await send_problem(send_secured, 413, f"the body is over the limit of {self.max_body_bytes:,} bytes")
        except Exception as exc:  # noqa: BLE001 - answered already by the app; log the type only, never a message
            log.error("internal error on %s %s: %s", scope.get("method"), scope["path"], type(exc).__name__)
            if not started:
                await send_problem(send_secured, 500, f"internal error ({type(exc).__name__})")

    def _authorized(self, scope: Scope) -> bool:
        auth = _header(scope, b"authorization") or ""
        scheme, _, presented = auth.partition(" ")
        if scheme.lower() == "bearer" and token_matches(self.token, presented.strip()):
            return True
        return token_matches(self.token, _cookie(scope, TOKEN_COOKIE))
