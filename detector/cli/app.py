"""The Typer application and the error discipline every command shares.

Exit codes follow linters: 0 clean (below --fail-on), 1 findings at or above --fail-on, 2 usage or
input errors. Errors are one line on stderr, never a traceback; a closed pipe exits quietly.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import typer

from detector import __version__

app = typer.Typer(
    name="detector",
    help="Flag machine-translation artefacts, transliteration inconsistencies, mistyped dates and "
    "boilerplate in news articles; score each outlet's reliability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"detector: error: {_shown(message)}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"detector: {_shown(message)}", err=True)


def _shown(message: str) -> str:
    from detector.io.writers import printable  # file names and ids can hold terminal escapes

    return printable(str(message))


def _click_exceptions() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(ClickException, Abort) classes of click and of the copy of click that Typer bundles."""
    import importlib

    errors, aborts = [], []
    for name in ("click.exceptions", "typer._click.exceptions", "typer.exceptions"):
        try:
            module = importlib.import_module(name)
        except ImportError:  # another Typer release: not every module exists
            continue
        errors += [c for c in (getattr(module, "ClickException", None),) if c]
        aborts += [c for c in (getattr(module, "Abort", None),) if c]
    return tuple(errors), tuple(aborts)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detector {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """detector: a model-backed scanner for translated and scraped news."""


def main() -> None:
    """Console entry point: run the app with one-line errors and quiet broken pipes."""
    from detector.config import ConfigError
    from detector.io.readers import InputError

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        rc = app(standalone_mode=False)  # click returns Exit's code instead of raising it here
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_pipe()
    except (UsageError, InputError, ConfigError, ValueError, FileExistsError, FileNotFoundError,
            IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        typer.echo(f"detector: error: {_shown(_os_message(exc))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("detector: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # click's own usage errors (from click or Typer's copy) and anything unexpected
        click_errors, aborts = _click_exceptions()
        if isinstance(exc, click_errors) and type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # the help text, as asked for by giving no arguments
            sys.exit(exc.exit_code)
        if isinstance(exc, click_errors):
            command = getattr(getattr(exc, "ctx", None), "command_path", None) or "detector"
            hint = f" (see '{command} --help')" if exc.exit_code == 2 else ""
            typer.echo(f"detector: error: {_shown(exc.format_message())}{hint}", err=True)
            sys.exit(exc.exit_code)
        if isinstance(exc, aborts):
            sys.exit(1)
        if os.environ.get("DETECTOR_TRACEBACK"):  # for bug reports: the full traceback on request
            traceback.print_exc()
        typer.echo(f"detector: internal error: {type(exc).__name__}: {_shown(str(exc))} (please report it)", err=True)
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


def _os_message(exc: Exception) -> str:
    """``[Errno 21] Is a directory: 'x'`` → ``x: is a directory``."""
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror[0].lower()}{exc.strerror[1:]}"
    return str(exc)


def _quiet_pipe() -> NoReturn:
    # Python flushes stdout at exit; point it at devnull so that flush cannot raise again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)
