"""The ``detector`` command. Each module adds its commands to the shared Typer app."""

from detector.cli import check as _check  # noqa: F401  (registers commands)
from detector.cli import copies as _copies  # noqa: F401
from detector.cli import names as _names  # noqa: F401
from detector.cli import outlets as _outlets  # noqa: F401
from detector.cli import rules as _rules  # noqa: F401
from detector.cli import serve as _serve  # noqa: F401
from detector.cli import train as _train  # noqa: F401
from detector.cli.app import app, main

__all__ = ["app", "main"]
