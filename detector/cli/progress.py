"""A progress bar on stderr for long scans: articles done, articles/s, and an ETA when the number
of records can be known cheaply (plain files count one each, JSONL its non-blank lines, Parquet
its row count from the footer); otherwise it runs open-ended. Shown only when stderr is a
terminal and ``--quiet`` is not given, so pipes, logs and tests see none of it. It wraps the
stream of reports in the main process, so it is the same with ``--jobs`` and ``--ray``. tqdm, like
``make eval`` and training.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from detector.io.readers import HTML_SUFFIXES, JSONL_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES, InputFile

T = TypeVar("T")
#: Counting JSONL lines costs one read of the file; past this many bytes in all, the bar is open-ended.
MAX_COUNT_BYTES = 512 * 1024 * 1024


def wanted(quiet: bool, stream: IO[str] | None = None) -> bool:
    """Whether to show progress: not asked to be quiet, and the stream is a terminal."""
    stream = stream if stream is not None else sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


def _records(path: Path) -> int | None:
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES + tuple(s for s in HTML_SUFFIXES if not s.endswith(".gz"))):
        return 1
    if name.endswith(tuple(s for s in JSONL_SUFFIXES if not s.endswith(".gz"))):
        with path.open("rb") as f:
            return sum(1 for line in f if line.strip())
    if name.endswith(PARQUET_SUFFIXES):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    return None  # gzip, CSV (quoted newlines), JSON: not without parsing them


def count_records(items: Sequence[str | InputFile]) -> int | None:
    """The number of records in ``items`` (as ``expand_inputs`` lists them), or None when any of
    them (stdin, a compressed or CSV/JSON file, too many bytes) cannot be counted cheaply."""
    files = [i for i in items if isinstance(i, InputFile)]
    if len(files) != len(items) or sum(f.path.stat().st_size for f in files) > MAX_COUNT_BYTES:
        return None
    total = 0
    for f in files:
        try:
            n = _records(f.path)
        except (OSError, ValueError, ImportError):
            return None
        if n is None:
            return None
        total += n
    return total


def progress(items: Iterable[T], total: int | None, enabled: bool, stream: IO[str] | None = None,
             **kw: Any) -> Iterator[T]:
    """``items`` passed through, counted on a bar on ``stream`` (stderr) when ``enabled``."""
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", desc="checking", file=stream if stream is not None else sys.stderr,
               dynamic_ncols=True, smoothing=0.1, leave=False, **kw)
    try:
        for item in items:
            bar.clear()  # the caller prints this item's findings (maybe to the same terminal): not over the bar
            yield item
            bar.update(1)
    finally:
        bar.close()
