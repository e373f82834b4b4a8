"""Readers: files, folders, JSONL(.gz), JSON, CSV, Parquet, HTML and stdin → Articles.

Everything streams (one record in memory at a time). A broken record becomes a ``ReadError``
naming the file and line, yielded in place of the article, so the caller reports it and goes on;
only a path that does not exist at all stops the run before it starts (``InputError``).
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import gzip
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from detector.article import Article

TEXT_SUFFIXES = (".txt", ".text", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
JSON_SUFFIXES = (".json",)
CSV_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES + HTML_SUFFIXES


class InputError(Exception):
    """An input that cannot be read at all (missing file, unknown format); exit code 2."""


@dataclass(frozen=True)
class ReadError:
    """One record that could not be read; the run reports it and continues."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass
class ReaderOptions:
    """How records map onto Articles."""

    text_key: str = "text"
    id_key: str = "id"
    outlet_key: str = "outlet"
    outlet: str | None = None  # outlet for plain files (and records without one)
    glob: str = "**/*"
    html_text: str = "main"  # "main": trafilatura's article text; "full": all visible text


# -- dates ------------------------------------------------------------------------------------
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d")


def parse_date(value: Any) -> dt.date | None:
    """A publication date from ISO dates/datetimes, RFC 2822, or common written forms.

    Returns None for empty values; raises ValueError for text that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):  # epoch seconds or milliseconds
        seconds = value / 1000 if value > 1e11 else value
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    s = str(value).strip()
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    s_clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s_clean, fmt).date()
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(f"cannot read {s!r} as a date (use YYYY-MM-DD)")


# -- records ----------------------------------------------------------------------------------
def article_from_record(
    record: Any, source: str, line: int | None, opts: ReaderOptions, fallback_id: str
) -> Article | ReadError:
    """Map one JSON/CSV/Parquet record onto an Article, or say what is wrong with it."""
    if not isinstance(record, dict):
        return ReadError(source, line, f"expected an object with a {opts.text_key!r} field, got {type(record).__name__}")
    text = record.get(opts.text_key)
    if text is None:
        return ReadError(source, line, f"record has no {opts.text_key!r} field (choose one with --text-key)")
    if not isinstance(text, str):
        return ReadError(source, line, f"field {opts.text_key!r} is {type(text).__name__}, not text")
    raw_id = record.get(opts.id_key)
    try:
        published = parse_date(record.get("published"))
    except ValueError as exc:
        return ReadError(source, line, f"field 'published': {exc}")
    outlet = record.get(opts.outlet_key) or opts.outlet or "unknown"
    return Article(
        id=str(raw_id) if raw_id not in (None, "") else fallback_id,
        text=text,
        outlet=str(outlet),
        url=record.get("url") or None,
        title=record.get("title") or None,
        published=published,
        source=source,
        line=line,
    )


def _open_text(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open("r", encoding="utf-8", newline="")


def read_text_file(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yield ReadError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    yield Article(id=path.stem, text=text, outlet=opts.outlet or "unknown", source=str(path))


def iter_jsonl(fh: IO[str], source: str, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    stem = Path(source).name.split(".")[0]
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(source, n, f"invalid JSON ({exc.msg}, column {exc.colno})")
            continue
        yield article_from_record(record, source, n, opts, f"{stem}:{n}")


def read_jsonl(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    try:
        with _open_text(path) as fh:
            yield from iter_jsonl(fh, str(path), opts)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), None, f"cannot read further: {exc}")


def read_json(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), getattr(exc, "lineno", None), f"invalid JSON: {exc}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield article_from_record(record, f"{path}[{i}]", None, opts, f"{path.stem}:{i}")


def read_csv(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    csv.field_size_limit(sys.maxsize)
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    try:
        with _open_text(path) as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            if reader.fieldnames is None or opts.text_key not in reader.fieldnames:
                yield ReadError(str(path), 1, f"no {opts.text_key!r} column (choose one with --text-key)")
                return
            start = 2
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield ReadError(str(path), reader.line_num, f"malformed CSV: {exc}")
                    continue
                if None in row:  # more cells than header columns
                    yield ReadError(str(path), start, "row has more cells than the header")
                elif any(v is None for v in row.values()):
                    yield ReadError(str(path), start, "row has fewer cells than the header")
                else:
                    yield article_from_record(row, str(path), start, opts, f"{path.stem}:{start}")
                start = reader.line_num + 1
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), None, f"cannot read further: {exc}")


def read_parquet(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several unrelated types
        yield ReadError(str(path), None, f"not a readable Parquet file: {exc}")
        return
    if opts.text_key not in pf.schema_arrow.names:
        yield ReadError(str(path), None, f"no {opts.text_key!r} column (choose one with --text-key)")
        return
    row = 0
    for batch in pf.iter_batches(batch_size=256):
        for record in batch.to_pylist():
            row += 1
            yield article_from_record(record, str(path), row, opts, f"{path.stem}:{row}")


def read_html(path: Path, opts: ReaderOptions) -> Iterator[Article | ReadError]:
    from detector.io.html import html_to_article

    try:
        raw = gzip.open(path, "rb").read() if path.name.endswith(".gz") else path.read_bytes()
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc}")
        return
    stem = path.name.split(".")[0]
    yield html_to_article(raw, id=stem, source=str(path), outlet=opts.outlet, mode=opts.html_text)


def read_stdin(opts: ReaderOptions, stream: IO[str] | None = None) -> Iterator[Article | ReadError]:
    """JSONL when the input starts with '{', otherwise one plain-text article with id 'stdin'."""
    fh = stream or sys.stdin
    first = fh.readline()
    if first.lstrip().startswith("{"):
        yield from iter_jsonl(_chain([first], fh), "<stdin>", opts)
    else:
        yield Article(id="stdin", text=first + fh.read(), outlet=opts.outlet or "unknown", source="<stdin>")


def _chain(first: list[str], rest: IO[str]) -> Iterator[str]:
    yield from first
    yield from rest


READERS = (
    (JSONL_SUFFIXES, read_jsonl),
    (CSV_SUFFIXES, read_csv),
    (HTML_SUFFIXES, read_html),
    (PARQUET_SUFFIXES, read_parquet),
    (JSON_SUFFIXES, read_json),
    (TEXT_SUFFIXES, read_text_file),
)


def reader_for(path: Path):  # noqa: ANN201 - a reader function
    name = path.name.lower()
    for suffixes, reader in READERS:
        if name.endswith(suffixes):
            return reader
    return None


def expand_inputs(paths: Iterable[str], opts: ReaderOptions) -> list[str | Path]:
    """Files to read, in a stable order; '-' stays as stdin. Missing paths raise InputError."""
    out: list[str | Path] = []
    for raw in paths:
        if raw == "-":
            out.append("-")
            continue
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.glob(opts.glob) if f.is_file() and reader_for(f) is not None)
            out.extend(found)
        elif p.is_file():
            if reader_for(p) is None:
                raise InputError(f"{p}: unsupported file type (use one of {', '.join(SUPPORTED_SUFFIXES)})")
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def iter_articles(paths: Iterable[str], opts: ReaderOptions | None = None) -> Iterator[Article | ReadError]:
    """Articles (and ReadErrors for broken records) from every input, streamed in order."""
    opts = opts or ReaderOptions()
    for item in expand_inputs(paths, opts):
        if item == "-":
            yield from read_stdin(opts)
        else:
            assert isinstance(item, Path)
            yield from reader_for(item)(item, opts)
