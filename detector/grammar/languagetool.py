"""Adapter to LanguageTool through ``language-tool-python``: a configured server URL or a local install.

LanguageTool is optional and cannot be downloaded at run time, so this adapter never triggers a
download: it talks to a server the user runs (``server = "http://localhost:8081"``) or starts one
from an installation the user unpacked (``path = "/opt/LanguageTool-6.4"``, which needs Java). When
neither is configured, or the server does not answer, ``open_backend`` raises ``Unavailable`` with a
one-line reason and the grammar check stays off.

Matches keep LanguageTool's own vocabulary (rule id, category id, issue type, message,
replacements) and exact Python ``str`` offsets: language-tool-python's ``Match`` already converts
LanguageTool's UTF-16 offsets (non-BMP characters count twice there) back to code points.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class Unavailable(RuntimeError):
    """No LanguageTool to talk to; the message is one line a user can act on."""


@dataclass(frozen=True)
class GrammarMatch:
    """One LanguageTool match at ``text[start:end]``."""

    start: int
    end: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: list[str] = field(default_factory=list)


class GrammarBackend(Protocol):
    def check(self, text: str) -> list[GrammarMatch]: ...

    def close(self) -> None: ...


class LanguageToolBackend:
    """A ``language_tool_python.LanguageTool`` plus chunking of long texts at paragraph breaks.

    LanguageTool servers cap the request size (the public API at 20 KB; local servers are
    configurable), so texts longer than ``max_chars`` are sent paragraph group by paragraph group and
    the offsets shifted back.
    """

    def __init__(self, tool: Any, max_chars: int = 20_000, disabled_rules: tuple[str, ...] = ()) -> None:
        self.tool = tool
        self.max_chars = max_chars
        if disabled_rules:
            tool.disabled_rules.update(disabled_rules)

    def check(self, text: str) -> list[GrammarMatch]:
        out: list[GrammarMatch] = []
        for base, chunk in chunks(text, self.max_chars):
            for m in self.tool.check(chunk):
                start = base + int(m.offset)
                out.append(
                    GrammarMatch(
                        start=start,
                        end=start + int(m.error_length),
                        rule_id=str(m.rule_id),
                        category=str(m.category),
                        issue_type=str(getattr(m, "rule_issue_type", "") or ""),
                        message=str(m.message),
                        replacements=[str(r) for r in (m.replacements or [])][:10],
                    )
                )
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.tool.close()


def chunks(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pairs covering ``text``, cut at blank lines (else newlines) below ``max_chars``."""
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = window.rfind("\n\n")
        if cut <= 0:
            cut = window.rfind("\n")
        if cut <= 0:
            cut = max(window.rfind(" "), 0) or max_chars
        yield start, text[start:start + cut]
        start += cut
    if start < len(text):
        yield start, text[start:]


def check_backend(settings: Mapping[str, Any]) -> None:
    """Raise ``Unavailable`` when the settings cannot give a backend; cheap (no LanguageTool started):
    the configuration, the package, the server's port (``connect_timeout``) or the install folder."""
    server = str(settings.get("server") or "").strip()
    path = str(settings.get("path") or "").strip()
    if not server and not path:
        raise Unavailable("no LanguageTool configured (set server or path in [tool.detector.checks.grammar])")
    try:
        import language_tool_python  # noqa: F401
    except ImportError:
        raise Unavailable("language-tool-python is not installed (pip install 'detector[languagetool]')") from None
    if server:
        _reachable(server, float(settings.get("connect_timeout") or 3.0))
    else:
        _local_install(Path(path).expanduser())


def open_backend(settings: Mapping[str, Any]) -> LanguageToolBackend:
    """A backend from ``[tool.detector.checks.grammar]`` settings, or ``Unavailable`` saying why not."""
    check_backend(settings)
    import language_tool_python

    server = str(settings.get("server") or "").strip()
    language = str(settings.get("language") or "en-US")
    disabled = tuple(settings.get("disabled_rules") or ())
    max_chars = int(settings.get("max_chars") or 20_000)
    if server:
        try:
            tool = language_tool_python.LanguageTool(language, remote_server=server)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "off"
            raise Unavailable(f"LanguageTool server {server} is not reachable ({_one_line(exc)})") from None
        return LanguageToolBackend(tool, max_chars, disabled)
    folder, version = _local_install(Path(str(settings.get("path"))).expanduser())
    with _env("LTP_JAR_DIR_PATH", str(folder)):
        try:
            tool = language_tool_python.LanguageTool(language, language_tool_download_version=version)
        except Exception as exc:  # noqa: BLE001
            raise Unavailable(f"LanguageTool at {folder} did not start ({_one_line(exc)})") from None
    return LanguageToolBackend(tool, max_chars, disabled)


def _reachable(url: str, timeout: float) -> None:
    """Fail fast on a server that is down: language-tool-python itself waits up to 300 s per try."""
    parts = urllib.parse.urlsplit(url if "://" in url else f"http://{url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "localhost", port), timeout=timeout):
            pass
    except OSError as exc:
        raise Unavailable(f"LanguageTool server {url} is not reachable ({_one_line(exc)})") from None


def _local_install(path: Path) -> tuple[Path, str]:
    """The LanguageTool folder holding ``languagetool-server.jar`` and its version ("6.4")."""
    candidates = [path] + sorted(path.glob("LanguageTool-*"), reverse=True) if path.is_dir() else []
    for folder in candidates:
        if (folder / "languagetool-server.jar").is_file():
            if shutil.which("java") is None:
                raise Unavailable(f"LanguageTool at {folder} needs Java, which is not on PATH")
            found = re.search(r"LanguageTool-(\d+\.\d+)", folder.name)
            from language_tool_python.download_lt import LTP_DOWNLOAD_VERSION

            return folder, found.group(1) if found else LTP_DOWNLOAD_VERSION
    raise Unavailable(f"no LanguageTool installation (languagetool-server.jar) under {path}")


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]
