"""The worker pool behind every check: models load once per worker, the event loop never waits.

Each worker is a spawned process (safe with torch and threads) that builds one ``Scanner`` and runs
it once at start-up, so every model is in memory before ``/healthz`` answers. The server accepts at
most ``capacity`` checks at once (running plus waiting for a worker); one more is refused at once
with ``Busy`` (503 + Retry-After) rather than left hanging. A check that outlives its deadline is
answered 503 (``DeadlineExceeded``); its slot is freed only when the worker really finishes, so the
count of accepted checks never lies.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing as mp
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from detector.article import Article
from detector.config import Config
from detector.findings import ArticleReport

WARMUP_TEXT = ("The council met on Tuesday, March 1, 2022, in Kyiv to discuss the budget for schools and roads.\n"
               "Members agreed to publish the plan next month, the mayor said.\n")

_scanner: Any = None  # the worker process's Scanner


# -- in the worker processes ------------------------------------------------------------------
def _init_worker(config: Config, threads: int) -> None:
    global _scanner
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ["OMP_NUM_THREADS"] = str(threads)  # ONNX Runtime reads it, and torch if a check imports it
    from detector.scanner import Scanner

    _scanner = Scanner(config)
    _scanner.check_articles([Article(id="warmup", text=WARMUP_TEXT)])  # every check loads its models now


def _hello() -> dict[str, Any]:
    from detector.store import reports_models

    return {"pid": os.getpid(), "checks": [c.name for c in _scanner.checks], "models": reports_models(_scanner.checks)}


def _check(articles: list[Article]) -> tuple[list[ArticleReport], float]:
    t0 = time.perf_counter()
    reports = _scanner.check_articles(articles)
    return reports, time.perf_counter() - t0


# -- in the server process --------------------------------------------------------------------
class Busy(Exception):
    """Every slot is taken; ``retry_after`` is a fair guess in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("every worker is busy and the queue is full")
        self.retry_after = retry_after


class DeadlineExceeded(Exception):
    """A check took longer than the deadline."""


class CheckPool:
    """``workers`` processes, at most ``capacity`` accepted checks, ``deadline_s`` per check."""

    def __init__(self, config: Config, workers: int, capacity: int, deadline_s: float) -> None:
        self.config = config
        self.workers = max(1, workers)
        self.capacity = max(self.workers, capacity)
        self.deadline_s = deadline_s
        self.info: dict[str, Any] = {}
        self.stats: dict[str, float] = {"accepted": 0, "completed": 0, "refused_busy": 0, "deadline_exceeded": 0,
                                        "worker_seconds": 0.0}
        self.in_flight = 0  # accepted checks not yet finished by a worker
        self._seconds_per_kword = 1.0  # running estimate, for progress and Retry-After
        self._task_seconds = 1.0
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Spawn every worker and wait until each has loaded its models."""
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self.capacity)
        self._executor = self._new_executor()
        hellos = await asyncio.gather(*(asyncio.wrap_future(self._executor.submit(_hello)) for _ in range(self.workers)))
        self.info = {"checks": hellos[0]["checks"], "models": hellos[0]["models"], "pids": sorted({h["pid"] for h in hellos})}

    def _new_executor(self) -> ProcessPoolExecutor:
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        return ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"), initializer=_init_worker,
                                   initargs=(self.config, threads))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def retry_after(self) -> int:
        waiting = max(0, self.in_flight - self.workers)
        return max(1, math.ceil(self._task_seconds * (1 + waiting / self.workers)))

    def expected_seconds(self, words: int) -> float:
        """How long a check of ``words`` words should take once a worker has it."""
        return max(0.2, self._seconds_per_kword * words / 1000.0)

    async def reserve(self, wait: bool = False) -> None:
        """Take a slot: at once or ``Busy`` (``wait=False``), or wait for one (a batch's next chunk)."""
        assert self._slots is not None, "pool not started"
        if not wait and self._slots.locked():
            self.stats["refused_busy"] += 1
            raise Busy(self.retry_after())
        await self._slots.acquire()
        self.in_flight += 1
        self.stats["accepted"] += 1

    def submit(self, articles: list[Article]) -> Future:
        """Run a reserved check; the slot is released when the worker is done, whatever the caller does."""
        return self._submit(_check, articles, on_done=self._learn)

    def _submit(self, fn: Callable, *args: Any, on_done: Callable[[Future], None] | None = None) -> Future:
        assert self._executor is not None and self._loop is not None and self._slots is not None
        try:
            try:
                fut = self._executor.submit(fn, *args)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start a fresh pool
                self._executor = self._new_executor()
                fut = self._executor.submit(fn, *args)
        except Exception:
            self._finished()
            raise

        def done(f: Future) -> None:  # runs on the executor's thread: hand over to the event loop
            self._loop.call_soon_threadsafe(self._done, f, on_done)

        fut.add_done_callback(done)
        return fut

    def _done(self, fut: Future, on_done: Callable[[Future], None] | None) -> None:
        if on_done is not None and not fut.cancelled() and fut.exception() is None:
            on_done(fut)
        self._finished()

    def _finished(self) -> None:
        self.in_flight -= 1
        self.stats["completed"] += 1
        self._slots.release()

    def _learn(self, fut: Future) -> None:
        reports, seconds = fut.result()
        words = sum(r.words for r in reports)
        self.stats["worker_seconds"] = round(self.stats["worker_seconds"] + seconds, 3)
        self._task_seconds = 0.8 * self._task_seconds + 0.2 * seconds
        if words:
            self._seconds_per_kword = 0.8 * self._seconds_per_kword + 0.2 * (1000.0 * seconds / words)

    async def result(self, fut: Future, deadline_s: float | None = None) -> Any:
        """The task's result, or ``DeadlineExceeded`` (the task itself runs on to its end)."""
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), deadline_s or self.deadline_s)
        except TimeoutError:
            self.stats["deadline_exceeded"] += 1
            raise DeadlineExceeded(f"the check took longer than its {deadline_s or self.deadline_s:g} s deadline") from None

    async def check(self, articles: list[Article], deadline_s: float | None = None) -> list[ArticleReport]:
        """Reserve, run and wait: the reports of ``articles`` (one worker task)."""
        await self.reserve()
        reports, _seconds = await self.result(self.submit(articles), deadline_s)
        return reports
