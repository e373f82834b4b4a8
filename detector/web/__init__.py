"""``detector serve``: a page to check an article, the outlet dashboard, and the HTTP API.

One more client of the Python API the CLI and notebooks use: checks run through ``Scanner`` on a
worker pool, outlets come from the results store through ``detector.outlets``, pages reuse the
report's highlighting. ``create_app(ServeSettings(...))`` returns the ASGI application.
"""

from detector.web.app import create_app
from detector.web.settings import ServeSettings, load_token

__all__ = ["create_app", "ServeSettings", "load_token"]
