"""Scale-out: the same scan on worker processes or on a Ray cluster, reports in input order.

Each worker builds one Scanner (so models and gazetteers load once per worker) and checks whole
batches. Submission is bounded (a few batches in flight per worker), so a corpus of any size
streams through in constant memory, and the output order is the input order.
"""

from __future__ import annotations

import os
from collections import deque
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from detector.article import Article
from detector.config import Config
from detector.findings import ArticleReport

_worker_scanner: Any = None
#: ``--jobs auto`` keeps a scan of fewer articles in one process: two workers' start-up (about 1.5 s
#: each, side by side) costs more than they save below that (2 idle cores, WCXB bodies: 8 articles
#: 2.3 s in one process, 3.0 s on 2 workers; 12: 3.0 / 3.0; 16: 3.6 / 3.1; 32: 5.8 / 5.1).
AUTO_MIN_ARTICLES = 16
#: Memory ``--jobs auto`` sets aside per worker (a full-profile worker peaks near 600 MB).
WORKER_MEMORY = 1 << 30
#: Articles a worker process takes at a time, whatever ``batch_size``: small enough that every core
#: stays busy to the end of a file (48 articles in batches of 32 left one worker idle for a third of the run).
PROCESS_CHUNK = 8


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def _ordered(submit: Callable[[list[Article]], Any], result: Callable[[Any], list[ArticleReport]],
             articles: Iterable[Article], batch_size: int, in_flight: int) -> Iterator[ArticleReport]:
    pending: deque[Any] = deque()
    for batch in _batches(articles, batch_size):
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield from result(pending.popleft())
    while pending:
        yield from result(pending.popleft())


# -- processes --------------------------------------------------------------------------------
def usable_cores() -> int:
    """The CPUs this process may run on."""

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def available_memory() -> int | None:
    """Bytes of memory available for new work (Linux ``MemAvailable``), or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def auto_jobs(articles: int | None, cores: int | None = None, memory: int | None = None) -> int:
    """Worker processes for ``--jobs auto``: one per core (each runs its encoder on one thread, which
    uses 2 cores better than one process on 2 threads: bench/results/speed.json), at most one per
    ``WORKER_MEMORY`` of available memory, and 1 (this process) when the number of ``articles`` is
    unknown (stdin, compressed files) or below ``AUTO_MIN_ARTICLES``."""
    if articles is None or articles < AUTO_MIN_ARTICLES:
        return 1
    cores = usable_cores() if cores is None else cores
    memory = available_memory() if memory is None else memory
    by_memory = cores if memory is None else max(1, memory // WORKER_MEMORY)
    return max(1, min(cores, by_memory, -(-articles // PROCESS_CHUNK)))


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker once its parent is gone: a parent killed with SIGKILL never shuts its pool
    down, and its workers would otherwise live on, orphaned, holding their models in memory."""
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _init_process(config: Config, threads: int = 0) -> None:
    global _worker_scanner
    import threading

    from detector.scanner import Scanner

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True, name="exit-with-parent").start()
    if threads:  # each worker its share of the cores (ONNX Runtime reads it; torch too, if imported)
        os.environ["OMP_NUM_THREADS"] = str(threads)

    _worker_scanner = Scanner(config)


def _check_in_process(batch: list[Article]) -> list[ArticleReport]:
    return _worker_scanner.check_articles(batch)


def scan_processes(articles: Iterable[Article], config: Config, jobs: int, batch_size: int = 16) -> Iterator[ArticleReport]:
    """Check articles on ``jobs`` worker processes (spawned: safe with torch and threads), each
    taking at most ``PROCESS_CHUNK`` articles at a time."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("spawn")
    threads = max(1, usable_cores() // jobs)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_process, initargs=(config, threads)) as pool:
        yield from _ordered(
            lambda b: pool.submit(_check_in_process, b), lambda fut: fut.result(), articles,
            min(batch_size, PROCESS_CHUNK), 2 * jobs
        )


# -- Ray --------------------------------------------------------------------------------------
def scan_ray(
    articles: Iterable[Article],
    config: Config,
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = 16,
) -> Iterator[ArticleReport]:
    """Check articles on Ray actors (one Scanner each) on a running cluster or a local one.

    ``address`` is a cluster address ("auto", "ray://host:10001") or None/"local" to start Ray on
    this machine. Ray stays connected for the caller to reuse; ``ray.shutdown()`` ends it.
    """
    import ray

    if not ray.is_initialized():
        if address in (None, "", "local"):
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    n = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    @ray.remote(num_cpus=1)
    class ScanWorker:
        def __init__(self, cfg: Config) -> None:
            from detector.scanner import Scanner

            self.scanner = Scanner(cfg)

        def check(self, batch: list[Article]) -> list[ArticleReport]:
            return self.scanner.check_articles(batch)

    config_ref = ray.put(config)
    actors = [ScanWorker.remote(config_ref) for _ in range(n)]
    turn = iter(range(1 << 62))

    def submit(batch: list[Article]) -> Any:
        return actors[next(turn) % n].check.remote(batch)

    try:
        yield from _ordered(submit, ray.get, articles, batch_size, 2 * n)
    finally:
        for actor in actors:
            ray.kill(actor)
