"""A stand-in LanguageTool server for tests: answers /v2/languages and /v2/check like LanguageTool.

Responses follow LanguageTool's documented HTTP API (https://languagetool.org/http-api/, the
/v2/check JSON: ``matches[]`` with ``message``, ``shortMessage``, ``replacements[].value``,
``offset``/``length`` in UTF-16 code units, ``context``, ``sentence``, ``rule{id, description,
issueType, category{id, name}}``). It "finds" a few fixed errors so tests know the answer.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

#: error text -> (rule id, description, issueType, category id, category name, message, replacements)
KNOWN_ERRORS = {
    "noot": ("MORFOLOGIK_RULE_EN_US", "Possible spelling mistake", "misspelling", "TYPOS", "Possible Typo",
             "Possible spelling mistake found.", ["not", "note", "newt"]),
    "he go": ("HE_VERB_AGR", "Agreement error: 'he' + non-3rd-person verb", "grammar", "GRAMMAR", "Grammar",
              "The pronoun 'he' must be used with a third-person verb: 'goes'.", ["he goes"]),
    "  ": ("WHITESPACE_RULE", "Whitespace repetition", "whitespace", "TYPOGRAPHY", "Typography",
           "Possible typo: you repeated a whitespace", [" "]),
    "very unique": ("VERY_UNIQUE", "very unique", "style", "BOGUS_CATEGORY", "Made up",
                    "'Unique' is absolute.", ["unique"]),
}


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def matches_for(text: str) -> list[dict]:
    out = []
    for needle, (rid, desc, issue, cat, cat_name, msg, repl) in KNOWN_ERRORS.items():
        start = text.find(needle)
        while start >= 0:
            offset, length = utf16_len(text[:start]), utf16_len(needle)
            out.append({
                "message": msg, "shortMessage": "", "replacements": [{"value": r} for r in repl],
                "offset": offset, "length": length,
                "context": {"text": text[max(0, start - 20):start + 40], "offset": min(start, 20), "length": length},
                "sentence": text, "type": {"typeName": "Other"},
                "rule": {"id": rid, "description": desc, "issueType": issue, "category": {"id": cat, "name": cat_name}},
                "ignoreForIncompleteSentence": False, "contextForSureMatch": 0,
            })
            start = text.find(needle, start + len(needle))
    return sorted(out, key=lambda m: m["offset"])


class Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def _json(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/v2/languages"):
            self._json([{"name": "English (US)", "code": "en", "longCode": "en-US"},
                        {"name": "English", "code": "en", "longCode": "en"}])
        else:
            self.send_error(404)

    def do_POST(self) -> None:  # noqa: N802
        if not self.path.startswith("/v2/check"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        type(self).requests.append(form)
        text = form.get("text", "")
        self._json({"software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
                    "language": {"name": "English (US)", "code": "en-US"}, "matches": matches_for(text)})

    def log_message(self, *args: object) -> None:
        pass


class FakeLanguageTool:
    """Context manager: a server on 127.0.0.1 and a free port; ``url`` to configure it."""

    def __enter__(self) -> FakeLanguageTool:
        Handler.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def requests(self) -> list[dict]:
        return Handler.requests

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
