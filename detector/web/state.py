"""What every route shares: the settings, the scan config, the worker pool and the results store.

Reads open the store read-only for the one request (so a scan writing beside the server shows up
at once); ``?store=true`` writes go through one thread that owns the only writable connection.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from detector.article import Article
from detector.config import Config
from detector.findings import ArticleReport
from detector.io.readers import ReaderOptions, ReadError, article_from_record
from detector.store import Store, StoreError, StoreWriter
from detector.web.pool import CheckPool
from detector.web.settings import ServeSettings


class NotConfigured(Exception):
    """A route that needs ``--db`` on a server started without one."""


class TooLarge(Exception):
    """A text over ``max_chars`` (413)."""


class BadRecord(ValueError):
    """A request record that is not an article (422), with a one-line reason."""


class WebState:
    """Built once per server; ``start``/``close`` run in the app's lifespan."""

    def __init__(self, settings: ServeSettings, config: Config) -> None:
        self.settings = settings
        self.config = config
        from detector.scanner import Scanner

        self.enabled_rules = sorted(Scanner(config).enabled_rules)  # validates select/ignore before any worker starts
        self.pool = CheckPool(config, settings.workers, settings.capacity, settings.deadline_s)
        self._store_thread = ThreadPoolExecutor(1, thread_name_prefix="detector-store")
        self._writer: StoreWriter | None = None

    async def start(self) -> None:
        await self.pool.start()
        if self.settings.db is not None:  # create (or migrate) the store now, so read-only opens work
            await asyncio.get_running_loop().run_in_executor(self._store_thread, self._open_writer)

    def close(self) -> None:
        self.pool.close()
        if self._writer is not None:
            self._store_thread.submit(self._close_writer).result()
        self._store_thread.shutdown(wait=True)

    # -- articles ------------------------------------------------------------------------------
    def article(self, record: dict[str, Any], source: str = "api", line: int | None = None,
                fallback_id: str = "article") -> Article:
        """The Article of a request record, read exactly as ``detector check`` reads a JSONL line."""
        got = article_from_record(record, source, line, ReaderOptions(), fallback_id)
        if isinstance(got, ReadError):
            raise BadRecord(got.message)
        self.check_size(got.text)
        return got

    def check_size(self, text: str) -> None:
        if len(text) > self.settings.max_chars:
            raise TooLarge(f"the text has {len(text):,} characters; the limit is {self.settings.max_chars:,}")

    # -- the store -----------------------------------------------------------------------------
    @contextmanager
    def reader(self) -> Iterator[Store]:
        """The store, read-only, for one request."""
        if self.settings.db is None:
            raise NotConfigured("this server has no results store: start it with 'detector serve --db FILE'")
        try:
            store = Store(self.settings.db, readonly=True)
        except (StoreError, FileNotFoundError) as exc:
            raise NotConfigured(str(exc)) from None
        try:
            yield store
        finally:
            store.close()

    async def store(self, reports: list[ArticleReport]) -> None:
        """Write reports to the store (on the store's own thread); raises if one could not be stored."""
        if self.settings.db is None:
            raise NotConfigured("?store=true needs a results store: start the server with 'detector serve --db FILE'")
        errors = await asyncio.get_running_loop().run_in_executor(self._store_thread, self._write, reports)
        if errors:
            raise BadRecord(f"could not store {errors[0][0]}: {errors[0][1]}")

    def _open_writer(self) -> None:
        store = Store(self.settings.db)
        run = store.start_run(config=self.config.values, models=self.pool.info.get("models"), command=" ".join(sys.argv))
        self._writer = StoreWriter(store, run, commit_every=1)

    def _write(self, reports: list[ArticleReport]) -> list[tuple[str, str]]:
        assert self._writer is not None
        before = len(self._writer.errors)
        for r in reports:
            self._writer.write(r)
        self._writer.flush()
        return self._writer.errors[before:]

    def _close_writer(self) -> None:
        assert self._writer is not None
        self._writer.close()
        self._writer.store.close()
