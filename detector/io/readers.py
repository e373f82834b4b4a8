"""Readers: files, folders, JSONL(.gz), JSON, CSV, Parquet, HTML and stdin → Articles.

Everything streams (one record in memory at a time). A broken record becomes a ``ReadError``
naming the file and line, yielded in place of the article, so the caller reports it and goes on;
only a path that does not exist at all stops the run before it starts (``InputError``). Bytes are
decoded record by record, so a bad byte costs its own record, never the rest of the file.

Ids of plain files (.txt, .html) are their path relative to the folder given on the command line,
without the suffix ("a/story", "b/story"), so equal file names in different folders never merge.
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


@dataclass(frozen=True)
class InputFile:
    """A file to read and the id base of what it holds (unique within a run)."""

    path: Path
    name: str


# -- dates ------------------------------------------------------------------------------------
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d")


def parse_date(value: Any) -> dt.date | None:
    """A publication date from ISO dates/datetimes, RFC 2822, or common written forms.

    Returns None for empty values; raises ValueError for anything that is not a date, including
    numbers no calendar holds (1e30 seconds, NaN) and booleans.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):  # epoch seconds or milliseconds
        try:
            seconds = value / 1000 if value > 1e11 else value
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value!r} is out of range as epoch seconds or milliseconds") from None
    if not isinstance(value, str):
        raise ValueError(f"a {type(value).__name__} is not a date")
    s = value.strip()
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
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    raise ValueError(f"cannot read {s[:80]!r} as a date (use YYYY-MM-DD)")


# -- records ----------------------------------------------------------------------------------
_SCALARS = (str, int, float)


def _field(record: dict, key: str) -> str | None:
    """A metadata field as text (numbers become text); raises TypeError for objects and lists."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, _SCALARS):
        raise TypeError(f"field {key!r} is {type(value).__name__}, not text")
    return str(value)


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
    try:
        published = parse_date(record.get("published"))
    except ValueError as exc:
        return ReadError(source, line, f"field 'published': {exc}")
    try:
        raw_id, outlet = _field(record, opts.id_key), _field(record, opts.outlet_key)
        url, title = _field(record, "url"), _field(record, "title")
    except TypeError as exc:
        return ReadError(source, line, str(exc))
    return Article(
        id=raw_id or fallback_id,
        text=text,
        outlet=outlet or opts.outlet or "unknown",
        url=url,
        title=title,
        published=published,
        source=source,
        line=line,
    )


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 (byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1})"


def read_text_file(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield ReadError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    yield Article(id=name or path.stem, text=text, outlet=opts.outlet or "unknown", source=str(path))


def iter_jsonl(lines: Iterable[str | bytes], source: str, opts: ReaderOptions, name: str | None = None
               ) -> Iterator[Article | ReadError]:
    """One article per JSON line; bytes are decoded line by line, so one bad byte costs one line."""
    base = name or Path(source).name.split(".")[0]
    for n, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield ReadError(source, n, _not_utf8(exc))
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(source, n, f"invalid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            yield ReadError(source, n, "invalid JSON (nested too deeply)")
            continue
        yield article_from_record(record, source, n, opts, f"{base}:{n}")


def read_jsonl(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    try:
        with _open_binary(path) as fh:
            yield from iter_jsonl(fh, str(path), opts, name)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadError(str(path), None, f"cannot read further: {exc}")


def read_json(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    base = name or path.stem
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), getattr(exc, "lineno", None), f"invalid JSON: {exc}")
        return
    except RecursionError:
        yield ReadError(str(path), None, "invalid JSON (nested too deeply)")
        return
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield article_from_record(record, f"{path}[{i}]", None, opts, f"{base}:{i}")


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def read_csv(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    """Rows of a CSV/TSV file; a row holding bytes that are not UTF-8 is one ReadError."""
    csv.field_size_limit(sys.maxsize)
    base = name or path.stem
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    try:
        with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            try:
                fields = reader.fieldnames
            except csv.Error as exc:
                yield ReadError(str(path), 1, f"malformed CSV header: {exc}")
                return
            if fields is None or opts.text_key not in fields:
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
                    start = reader.line_num + 1
                    continue
                bad = next((v for v in row.values() if isinstance(v, str) and _ESCAPED_BYTE.search(v)), None)
                if None in row:  # more cells than header columns
                    yield ReadError(str(path), start, "row has more cells than the header")
                elif any(v is None for v in row.values()):
                    yield ReadError(str(path), start, "row has fewer cells than the header")
                elif bad is not None:
                    byte = ord(_ESCAPED_BYTE.search(bad).group()) - 0xDC00
                    yield ReadError(str(path), start, f"not UTF-8 (byte 0x{byte:02x})")
                else:
                    yield article_from_record(row, str(path), start, opts, f"{base}:{start}")
                start = reader.line_num + 1
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadError(str(path), None, f"cannot read further: {exc}")


def _rows(batch: Any) -> Iterator[Any]:
    """A record batch's rows as dicts; a row pyarrow cannot convert (a timestamp past year 9999)
    comes out as the exception, so it costs that row alone."""
    try:
        yield from batch.to_pylist()
        return
    except (ValueError, OverflowError, TypeError) as whole:
        if batch.num_rows == 1:
            yield whole
            return
    for i in range(batch.num_rows):
        try:
            yield batch.slice(i, 1).to_pylist()[0]
        except (ValueError, OverflowError, TypeError) as exc:
            yield exc


def read_parquet(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    import pyarrow.parquet as pq

    base = name or path.stem
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several unrelated types
        yield ReadError(str(path), None, f"not a readable Parquet file: {exc}")
        return
    if opts.text_key not in pf.schema_arrow.names:
        yield ReadError(str(path), None, f"no {opts.text_key!r} column (choose one with --text-key)")
        return
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=256):
            for record in _rows(batch):
                row += 1
                if isinstance(record, Exception):
                    yield ReadError(str(path), row, f"cannot convert the row: {record}")
                else:
                    yield article_from_record(record, str(path), row, opts, f"{base}:{row}")
    except Exception as exc:  # noqa: BLE001 - a corrupt page: pyarrow's errors have no common base
        yield ReadError(str(path), None, f"cannot read further after row {row}: {exc}")


def read_html(path: Path, opts: ReaderOptions, name: str | None = None) -> Iterator[Article | ReadError]:
    from detector.io.html import html_to_article

    try:
        with _open_binary(path) as fh:
            raw = fh.read()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadError(str(path), None, f"cannot read: {exc}")
        return
    yield html_to_article(raw, id=name or path.name.split(".")[0], source=str(path), outlet=opts.outlet,
                          mode=opts.html_text)


def read_stdin(opts: ReaderOptions, stream: IO[Any] | None = None) -> Iterator[Article | ReadError]:
    """JSONL when the input starts with '{', otherwise one plain-text article with id 'stdin'."""
    fh = stream or getattr(sys.stdin, "buffer", sys.stdin)
    first = fh.readline()
    brace = b"{" if isinstance(first, bytes) else "{"
    if first.lstrip().lstrip(b"\xef\xbb\xbf" if isinstance(first, bytes) else "\ufeff").startswith(brace):
        yield from iter_jsonl(_chain([first], fh), "<stdin>", opts)
        return
    text = first + fh.read()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ReadError("<stdin>", None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return
    yield Article(id="stdin", text=text, outlet=opts.outlet or "unknown", source="<stdin>")


def _chain(first: list[Any], rest: IO[Any]) -> Iterator[Any]:
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


def _strip_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def expand_inputs(paths: Iterable[str], opts: ReaderOptions) -> list[str | InputFile]:
    """Files to read, in a stable order, each with a run-unique id base; '-' stays as stdin.

    A file named directly is known by its stem; a file found in a folder by its path relative to
    that folder, suffix removed ("a/story"), or with the suffix where that alone would collide
    ("a/story.md" beside "a/story.txt"). Missing paths raise InputError.
    """
    out: list[str | InputFile] = []
    used: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.append("-")
            continue
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.glob(opts.glob) if f.is_file() and reader_for(f) is not None)
            for f in found:
                rel = f.relative_to(p).as_posix()
                out.append(InputFile(f, _unique((_strip_suffix(rel), rel, str(f)), used)))
        elif p.is_file():
            if reader_for(p) is None:
                raise InputError(f"{p}: unsupported file type (use one of {', '.join(SUPPORTED_SUFFIXES)})")
            out.append(InputFile(p, _unique((_strip_suffix(p.name), str(p), str(p.resolve())), used)))
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def _unique(candidates: tuple[str, ...], used: set[str]) -> str:
    name = next((c for c in candidates if c not in used), candidates[-1])
    used.add(name)
    return name


def iter_files(items: Iterable[str | InputFile], opts: ReaderOptions) -> Iterator[Article | ReadError]:
    """Articles (and ReadErrors) from already expanded inputs, streamed in order."""
    for item in items:
        if item == "-":
            yield from read_stdin(opts)
        else:
            assert isinstance(item, InputFile)
            yield from reader_for(item.path)(item.path, opts, item.name)


def iter_articles(paths: Iterable[str], opts: ReaderOptions | None = None) -> Iterator[Article | ReadError]:
    """Articles (and ReadErrors for broken records) from every input, streamed in order."""
    opts = opts or ReaderOptions()
    yield from iter_files(expand_inputs(paths, opts), opts)
