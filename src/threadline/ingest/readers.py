"""Readers: turn a partner's file into rows of text values, streaming, with row locations.

Every reader yields :class:`Row` objects whose `values` map column names to the text exactly as
the file held it. Problems with a single row (a ragged line, an unterminated quote) come back as
a row with `error` set, so the batch can reject the file or skip the row by policy; problems
with the whole file (not a workbook, a zip bomb, undecodable bytes) raise :class:`ReadError`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import ijson  # type: ignore[import-untyped]  # ijson ships no type information

from threadline.errors import ThreadlineError, first_line

__all__ = [
    "MAX_CELL",
    "ReadError",
    "Row",
    "detect_encoding",
    "read_rows",
]

MAX_CELL = 1_000_000
"""Longest cell kept whole (characters); longer ones are refused as a row error."""

MAX_UNZIPPED = 1_000_000_000
"""Largest total uncompressed size of a workbook; above it the file is treated as a zip bomb."""

MAX_RATIO = 200
"""Largest compression ratio of a workbook member before it is treated as a zip bomb."""


class ReadError(ThreadlineError):
    """The file as a whole cannot be read."""


@dataclass(slots=True)
class Row:
    """One row of a source, as text, with where it came from."""

    number: int
    """Line number (CSV: the physical line the row starts on; sheets: the sheet row)."""
    values: dict[str, str]
    location: str = ""
    """Human form of where the row is: "line 12", "sheet Occupants row 5", "item 3"."""
    error: str | None = None
    column: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Structured data kept for mappings that read nested paths (JSON)."""


# -- encodings and CSV ---------------------------------------------------------------------------


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """The encoding to read `path` with: as declared, else UTF-8 (with or without BOM), cp1252
    or latin-1, decided by reading the whole file in chunks (bounded memory)."""
    if declared != "auto":
        try:
            "".encode(declared)
        except LookupError:
            raise ReadError(f"{path}: unknown encoding {declared!r}") from None
        return declared
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        fh.seek(0)
        utf8 = _decodes(fh, "utf-8")
        if utf8:
            return "utf-8"
        fh.seek(0)
        return "cp1252" if _decodes(fh, "cp1252") else "latin-1"


def _decodes(fh: io.BufferedReader, encoding: str) -> bool:
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        while chunk := fh.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(sample: str, declared: str) -> str:
    if declared != "auto":
        return "\t" if declared in ("tab", "\\t") else declared
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path, options: dict[str, Any]) -> Iterator[Row]:
    """Rows of a delimited text file: encoding detection, delimiter sniffing, quoted newlines."""
    encoding = detect_encoding(path, str(options.get("encoding", "auto")))
    csv.field_size_limit(MAX_CELL)
    with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        delimiter = _sniff_delimiter(sample, str(options.get("delimiter", "auto")))
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        header_row = int(options.get("header_row", 1))
        header: list[str] | None = None
        start = 1
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                where = "header" if header is None else f"line {start}"
                if header is None:
                    raise ReadError(f"{path.name}: {where}: {_csv_reason(exc)}") from None
                yield Row(start, {}, f"line {start}", error=_csv_reason(exc))
                return
            if header is None:
                if reader.line_num < header_row:
                    continue
                header = [c.strip() for c in cells]
                if not any(header):
                    raise ReadError(f"{path.name}: line {start}: the header row is empty")
                continue
            if not any(c.strip() for c in cells):
                continue
            yield _row_from_cells(header, cells, start, f"line {start}")


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text:
        return "the line holds a NUL byte (binary data, not text)"
    if "field larger than field limit" in text:
        return f"cell over {MAX_CELL:,} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quoted field is never closed (unterminated quote)"
    return f"malformed CSV: {text}"


def _row_from_cells(header: list[str], cells: list[str], number: int, where: str) -> Row:
    if len(cells) != len(header):
        return Row(
            number,
            {},
            where,
            error=f"expected {len(header)} fields, found {len(cells)} (ragged row)",
        )
    values = dict(zip(header, cells, strict=True))
    for column, value in values.items():
        if len(value) > MAX_CELL:
            return Row(number, {}, where, error=f"cell over {MAX_CELL:,} characters", column=column)
    return Row(number, values, where)


# -- spreadsheets --------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 10_000_000 and ratio > MAX_RATIO:
                    raise ReadError(f"{path.name}: refused: {info.filename} expands {ratio:.0f}x")
            if total > MAX_UNZIPPED:
                raise ReadError(f"{path.name}: refused: it expands to {total:,} bytes")
    except zipfile.BadZipFile:
        raise ReadError(f"{path.name}: not a valid workbook (damaged or truncated)") from None


def read_sheets(path: Path, options: dict[str, Any]) -> Iterator[Row]:
    """Rows of an Excel or OpenDocument workbook: one sheet, named sheets, or all ('*')."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        _check_zip(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise ReadError(f"{path.name}: not a readable workbook ({type(exc).__name__})") from None
    wanted = options.get("sheet", "*")
    names = list(book.sheet_names)
    if wanted in ("*", None):
        sheets = names
    else:
        sheets = [wanted] if isinstance(wanted, str) else list(wanted)
        for name in sheets:
            if name not in names:
                raise ReadError(f"{path.name}: no sheet {name!r} (sheets: {', '.join(names)})")
    for name in sheets:
        try:
            rows = book.get_sheet_by_name(name).iter_rows()
        except Exception as exc:
            raise ReadError(f"{path.name}: sheet {name!r} unreadable ({exc})") from None
        yield from _sheet_rows(name, rows, options)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _sheet_rows(sheet: str, rows: Iterator[list[Any]], options: dict[str, Any]) -> Iterator[Row]:
    header_row = options.get("header_row", "auto")
    buffered: list[list[str]] = []
    header: list[str] | None = None
    number = 0
    for number, raw in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in raw]
        if header is None:
            if header_row == "auto":
                buffered.append(cells)
                if len(buffered) < 20:
                    continue
                index = _best_header(buffered)
                header = [c.strip() for c in buffered[index]]
                for offset, later in enumerate(buffered[index + 1 :], start=index + 2):
                    if any(c.strip() for c in later):
                        yield _sheet_row(sheet, header, later, offset)
                continue
            if number == int(header_row):
                header = [c.strip() for c in cells]
            continue
        if any(c.strip() for c in cells):
            yield _sheet_row(sheet, header, cells, number)
    if header is None and buffered:
        index = _best_header(buffered)
        header = [c.strip() for c in buffered[index]]
        for offset, later in enumerate(buffered[index + 1 :], start=index + 2):
            if any(c.strip() for c in later):
                yield _sheet_row(sheet, header, later, offset)


def _best_header(rows: list[list[str]]) -> int:
    """The header is the first row with the most non-empty, non-numeric cells."""

    def score(cells: list[str]) -> int:
        return sum(1 for c in cells if c.strip() and not c.strip().replace(".", "").isdigit())

    return max(range(len(rows)), key=lambda i: (score(rows[i]), -i))


def _sheet_row(sheet: str, header: list[str], cells: list[str], number: int) -> Row:
    cells = cells[: len(header)] + [""] * max(0, len(header) - len(cells))
    row = _row_from_cells(header, cells, number, f"sheet {sheet!r} row {number}")
    row.values["_sheet"] = sheet
    return row


# -- JSON ----------------------------------------------------------------------------------------


def flatten(value: Any, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """Nested JSON as dotted paths: {"a": {"b": [1]}} -> {"a.b.0": "1"}.

    >>> flatten({"person": {"names": {"given": "Lan"}, "docs": [{"no": "X1"}]}})
    {'person.names.given': 'Lan', 'person.docs.0.no': 'X1'}
    """
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif value is not None:
        out[prefix] = value if isinstance(value, str) else json.dumps(value)
        if isinstance(value, bool | int | float):
            out[prefix] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


class _Utf8Stream:
    """A text file read back as UTF-8 bytes (what ijson parses), with a look at its start."""

    def __init__(self, fh: TextIO) -> None:
        self._fh = fh
        self._head = fh.read(1 << 16)

    def first(self) -> str:
        """The first character that is not white space ("" for an empty file)."""
        return self._head.lstrip()[:1]

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn bytes from text
            return b""
        if self._head:
            text, self._head = self._head, ""
            return text.encode("utf-8")
        return self._fh.read(size).encode("utf-8")


def _json_items(path: Path, options: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """The records of a JSON document, streamed: a top-level list, or the list at the dotted
    path `records`, is read one item at a time, so a large export needs little memory. Any
    other shape (one object, a path to an object) is read whole."""
    encoding = detect_encoding(path, str(options.get("encoding", "auto")))
    records = str(options.get("records") or "")
    yielded = 0
    with path.open("r", encoding=encoding) as fh:
        stream = _Utf8Stream(fh)
        first = stream.first()
        if (first == "[" and not records) or (first == "{" and records):
            prefix = f"{records}.item" if records else "item"
            try:
                for yielded, item in enumerate(ijson.items(stream, prefix, use_float=True), 1):
                    yield yielded, item
            except ijson.JSONError as exc:
                if yielded:  # before the first item, the whole read names the line
                    raise ReadError(
                        f"{path.name}: not valid JSON after item {yielded} ({first_line(exc)})"
                    ) from None
    if not yielded:
        yield from _json_whole(path, encoding, records)


def _json_whole(path: Path, encoding: str, records: str) -> Iterator[tuple[int, Any]]:
    if path.stat().st_size > 2_000_000_000:
        raise ReadError(f"{path.name}: JSON over 2 GB: send it as JSON Lines")
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ReadError(f"{path.name}: JSON nested too deeply") from None
    if records:
        for part in records.split("."):
            if not isinstance(data, dict) or part not in data:
                raise ReadError(f"{path.name}: no {records!r} in the JSON document")
            data = data[part]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ReadError(f"{path.name}: expected a list of records in the JSON document")
    yield from enumerate(data, start=1)


def _jsonl_items(path: Path, options: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    encoding = detect_encoding(path, str(options.get("encoding", "auto")))
    with path.open("r", encoding=encoding) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                yield number, _BadLine(str(getattr(exc, "msg", "nested too deeply")))


@dataclass(slots=True)
class _BadLine:
    reason: str


def read_json(path: Path, options: dict[str, Any], *, lines: bool) -> Iterator[Row]:
    """Records of a JSON document (a list, or a list at `records`) or of JSON Lines."""
    items = _jsonl_items(path, options) if lines else _json_items(path, options)
    unit = "line" if lines else "item"
    for number, item in items:
        where = f"{unit} {number}"
        if isinstance(item, _BadLine):
            yield Row(number, {}, where, error=f"not valid JSON ({item.reason})")
        elif not isinstance(item, dict):
            yield Row(number, {}, where, error="a record must be a JSON object")
        else:
            yield Row(number, flatten(item), where, extra={"json": item})


# -- free text -----------------------------------------------------------------------------------


def read_text(path: Path, options: dict[str, Any]) -> Iterator[Row]:
    """One row per text file (a folder of files, or one file): key `file`, text in `text`."""
    files = sorted(path.glob(str(options.get("pattern", "*.txt")))) if path.is_dir() else [path]
    for number, file in enumerate(files, start=1):
        encoding = detect_encoding(file, str(options.get("encoding", "auto")))
        text = file.read_text(encoding=encoding)
        if len(text) > MAX_CELL * 10:
            yield Row(number, {}, file.name, error="text file too large to extract from")
            continue
        if "\x00" in text:
            yield Row(number, {}, file.name, error="the file holds NUL bytes (binary, not text)")
            continue
        yield Row(number, {"file": file.stem, "text": text}, file.name)


def read_rows(path: Path, fmt: str, options: dict[str, Any]) -> Iterator[Row]:
    """Rows of `path` in format `fmt`; UnicodeDecodeError and OSError become ReadError."""
    try:
        if fmt == "csv":
            yield from read_csv(path, options)
        elif fmt in ("xlsx", "xls", "ods"):
            yield from read_sheets(path, options)
        elif fmt in ("json", "jsonl", "ftm"):
            yield from read_json(path, options, lines=fmt != "json")
        elif fmt == "text":
            yield from read_text(path, options)
        else:
            raise ReadError(f"{path.name}: no reader for format {fmt!r}")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: cannot decode the text ({exc.reason})") from None
    except OSError as exc:
        raise ReadError(f"{path.name}: {exc.strerror or exc}") from None
