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
from threadline.ingest import _workbook
from threadline.ingest._jsonstream import MAX_NESTING, NestedTooDeep, RecordTooLarge, Utf8Stream
from threadline.untrusted import UnsafePath, inside, unstorable

__all__ = [
    "MAX_BROKEN",
    "MAX_CELL",
    "MAX_DEPTH",
    "MAX_JSON_ITEM",
    "MAX_ROW",
    "MAX_TEXT_FILE",
    "ReadError",
    "Row",
    "detect_encoding",
    "read_rows",
]

MAX_CELL = 1_000_000
"""Longest cell kept whole (characters); longer ones are refused as a row error."""

MAX_ROW = 16 * MAX_CELL
"""Longest row of a CSV file (characters, over all the lines it runs across) and longest line
of any text file: a longer one is a row error, read past without being held."""

MAX_BROKEN = 20
"""Malformed CSV rows that ran across several lines a file may hold. Each is rejected alone and
the lines after its first are read again as rows of their own (at most :data:`MAX_ROW`
characters each time); past this many the file is refused."""

MAX_JSON_ITEM = 8_000_000
"""Largest JSON record (bytes of one item of a JSON list, characters of a JSON Lines line, the
whole of a JSON document read as one record), checked while it is read: a larger one is
refused before it is built. Eight of the longest cells, written with JSON escapes."""

MAX_DEPTH = 32
"""Deepest nesting of a JSON record's objects and lists; deeper is a row error (a streamed
document nested past :data:`threadline.ingest._jsonstream.MAX_NESTING` is refused at once)."""

MAX_TEXT_FILE = 10 * MAX_CELL
"""Largest file of a text source (bytes), checked before it is read."""


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


class _Overlong(Exception):
    """A row (or one line) over :data:`MAX_ROW` characters; the rest of the line was skipped."""


class _Lines:
    """The lines of a text file as csv.reader takes them: numbered, a row at most
    :data:`MAX_ROW` characters (a longer line is read past, never held whole), and able to
    give back the lines of a malformed row after its first, to be read again."""

    def __init__(self, fh: TextIO) -> None:
        self._fh = fh
        self._again: list[tuple[int, str]] = []
        """Lines to give again, the next last."""
        self._read = 0
        self.taken: list[tuple[int, str]] = []
        """The lines given for the row being read: (number, text)."""
        self._held = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            number, line = self._again.pop()
        else:
            line = self._fh.readline(MAX_ROW)
            if len(line) >= MAX_ROW and not line.endswith(("\n", "\r")):
                line = _skip_line(self._fh, line)
            if not line:
                raise StopIteration
            self._read += 1
            number = self._read
            if line is _SKIPPED:
                self.taken.append((number, ""))
                raise _Overlong
        self._held += len(line)
        self.taken.append((number, line))
        if self._held > MAX_ROW:
            raise _Overlong
        return line

    def start_row(self) -> None:
        self.taken.clear()
        self._held = 0

    def read_again(self) -> int:
        """Give back the lines of the row just read after its first; how many."""
        again = [(n, text) for n, text in self.taken[1:] if text]
        self._again.extend(reversed(again))
        return len(again)


_SKIPPED = "\x00 a line over MAX_ROW characters, read past"


def _skip_line(fh: TextIO, line: str) -> str:
    """Read past the rest of a line of which `line` is the first :data:`MAX_ROW` characters,
    in pieces of that size; :data:`_SKIPPED` stands for it."""
    while (rest := fh.readline(MAX_ROW)) and not rest.endswith(("\n", "\r")):
        pass
    return _SKIPPED


def _next_line(fh: TextIO) -> tuple[str, bool]:
    """The next line ("" at the end) and whether it is whole (see :func:`_skip_line`)."""
    line = fh.readline(MAX_ROW)
    if len(line) >= MAX_ROW and not line.endswith(("\n", "\r")):
        return _skip_line(fh, line)[:1], False
    return line, True


def read_csv(path: Path, options: dict[str, Any]) -> Iterator[Row]:
    """Rows of a delimited text file: encoding detection, delimiter sniffing, quoted newlines.

    A malformed row (a stray quote, an unterminated quoted field) is a row error on the line
    it starts on; the lines it ran across after that are read again as rows of their own, so
    one bad line never takes the good rows after it.
    """
    encoding = detect_encoding(path, str(options.get("encoding", "auto")))
    csv.field_size_limit(MAX_CELL)
    with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        delimiter = _sniff_delimiter(sample, str(options.get("delimiter", "auto")))
        lines = _Lines(fh)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        header_row = int(options.get("header_row", 1))
        header: list[str] | None = None
        broken = 0
        while True:
            lines.start_row()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, _Overlong) as exc:
                start = lines.taken[0][0] if lines.taken else 0
                reason = (
                    _csv_reason(exc) if isinstance(exc, csv.Error)
                    else f"row over {MAX_ROW:,} characters"
                )  # fmt: skip
                if header is None:
                    raise ReadError(f"{path.name}: header: line {start}: {reason}") from None
                last = lines.taken[-1][0]
                if lines.read_again():
                    broken += 1
                    if broken > MAX_BROKEN:
                        raise ReadError(
                            f"{path.name}: over {MAX_BROKEN} malformed rows run across several "
                            f"lines (the last from line {start}): the quoting is broken"
                        ) from None
                    reason += f" (it ran to line {last}; the lines after {start} are read again)"
                yield Row(start, {}, f"line {start}", error=reason)
                continue
            start = lines.taken[0][0] if lines.taken else 0
            if header is None:
                if start < header_row:
                    continue
                header = [c.strip() for c in cells]
                if not any(header):
                    raise ReadError(f"{path.name}: line {start}: the header row is empty")
                _check_header(path, header)
                continue
            if not any(c.strip() for c in cells):
                continue
            yield _row_from_cells(header, cells, start, f"line {start}")


def _check_header(path: Path, header: list[str]) -> None:
    for number, name in enumerate(header, start=1):
        problem = unstorable(name)
        if problem:
            raise ReadError(f"{path.name}: header column {number} {name!r}: {problem}")


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text:
        return "the line holds a NUL byte (binary data, not text)"
    if "field larger than field limit" in text:
        return f"cell over {MAX_CELL:,} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quoted field is never closed (unterminated quote)"
    return f"malformed CSV: {text}"


def _row_from_cells(
    header: list[str], cells: list[str], number: int, where: str, *, names: bool = False
) -> Row:
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
    return _storable(Row(number, values, where), names=names)


def _storable(row: Row, *, names: bool = False) -> Row:
    """`row`, or a row error naming the first cell that cannot be stored (with `names`, the
    column names are checked too: a header is checked once, JSON keys on every record)."""
    if unstorable("".join(row.values.values())) is None and (
        not names or unstorable("".join(row.values)) is None
    ):
        return row
    for column, value in row.values.items():
        problem = unstorable(value) or unstorable(column)
        if problem:
            return Row(row.number, {}, row.location, error=f"cannot be stored: {problem}",
                       column=column)  # fmt: skip
    return row


# -- spreadsheets --------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    try:
        _workbook.check_archive(str(path))
    except _workbook.Refused as exc:
        raise ReadError(f"{path.name}: refused: {exc}") from None
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
    row = _row_from_cells(header, cells, number, f"sheet {sheet!r} row {number}", names=True)
    row.values["_sheet"] = sheet
    return row


# -- JSON ----------------------------------------------------------------------------------------


class _TooDeep(ValueError):
    """A JSON value nested deeper than :data:`MAX_DEPTH`."""


def flatten(
    value: Any, prefix: str = "", out: dict[str, str] | None = None, depth: int = 0
) -> dict[str, str]:
    """Nested JSON as dotted paths: {"a": {"b": [1]}} -> {"a.b.0": "1"}. Raises ValueError
    for a value nested deeper than :data:`MAX_DEPTH`.

    >>> flatten({"person": {"names": {"given": "Lan"}, "docs": [{"no": "X1"}]}})
    {'person.names.given': 'Lan', 'person.docs.0.no': 'X1'}
    """
    out = {} if out is None else out
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flatten(item, f"{prefix}.{index}" if prefix else str(index), out, depth + 1)
    elif value is not None:
        out[prefix] = value if isinstance(value, str) else json.dumps(value)
        if isinstance(value, bool | int | float):
            out[prefix] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def _json_items(path: Path, options: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """The records of a JSON document, streamed: a top-level list, or the list at the dotted
    path `records`, is read one item at a time, so a large export needs little memory (an item
    over :data:`MAX_JSON_ITEM` bytes refuses the file before it is built). Any other shape (one
    object, a path to an object) is read whole, up to :data:`MAX_JSON_ITEM` bytes."""
    encoding = detect_encoding(path, str(options.get("encoding", "auto")))
    records = str(options.get("records") or "")
    yielded = 0
    with path.open("r", encoding=encoding) as fh:
        stream = Utf8Stream(fh, MAX_JSON_ITEM)
        first = stream.first()
        if (first == "[" and not records) or (first == "{" and records):
            prefix = f"{records}.item" if records else "item"
            try:
                for yielded, item in enumerate(ijson.items(stream, prefix, use_float=True), 1):
                    stream.spent = 0
                    yield yielded, item
            except ijson.JSONError as exc:
                # Before the first item, a small file is read whole for an error with a line.
                if yielded or path.stat().st_size > MAX_JSON_ITEM:
                    raise ReadError(
                        f"{path.name}: not valid JSON after item {yielded} ({first_line(exc)})"
                    ) from None
            except RecordTooLarge:
                raise ReadError(
                    f"{path.name}: item {yielded + 1} is over {MAX_JSON_ITEM:,} bytes, the most "
                    "one record may take"
                ) from None
            except NestedTooDeep:
                raise ReadError(
                    f"{path.name}: item {yielded + 1} is nested more than {MAX_NESTING} levels "
                    "deep: refused before it was read"
                ) from None
    if not yielded:
        yield from _json_whole(path, encoding, records)


def _json_whole(path: Path, encoding: str, records: str) -> Iterator[tuple[int, Any]]:
    if path.stat().st_size > MAX_JSON_ITEM:
        where = f"no list at {records!r}" if records else "not a list of records"
        raise ReadError(
            f"{path.name}: {where}, and over {MAX_JSON_ITEM:,} bytes to read as one record"
        )
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:  # the C decoder's own guard, before memory is taken
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
        number = 0
        while True:
            line, whole = _next_line(fh)
            if not line:
                return
            number += 1
            if not whole or len(line) > MAX_JSON_ITEM:
                yield number, _BadLine(f"line over {MAX_JSON_ITEM:,} characters")
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, _BadLine(exc.msg)
            except RecursionError:  # the C decoder's own guard, before memory is taken
                yield number, _BadLine(f"nested more than {MAX_DEPTH} levels deep")


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
            try:
                values = flatten(item)
            except _TooDeep as exc:
                yield Row(number, {}, where, error=str(exc))
                continue
            yield _storable(Row(number, values, where, extra={"json": item}), names=True)


# -- free text -----------------------------------------------------------------------------------


def read_text(path: Path, options: dict[str, Any]) -> Iterator[Row]:
    """One row per text file (a folder of files, or one file): key `file`, text in `text`.

    The `pattern` stays inside the folder (no ``..``, not absolute) and a file reached through
    a symbolic link is refused, so a delivery can only load what it holds.
    """
    files = [path]
    if path.is_dir():
        pattern = str(options.get("pattern", "*.txt"))
        try:
            inside(path, pattern)
        except UnsafePath as exc:
            raise ReadError(f"{path.name}: pattern {exc}") from None
        files = sorted(path.glob(pattern))
    for number, file in enumerate(files, start=1):
        problem = _unsafe_file(path, file) if path.is_dir() else None
        if problem:
            yield Row(number, {}, file.name, error=problem)
            continue
        if file.stat().st_size > MAX_TEXT_FILE:
            yield Row(number, {}, file.name, error="text file too large to extract from")
            continue
        encoding = detect_encoding(file, str(options.get("encoding", "auto")))
        text = file.read_text(encoding=encoding)
        if "\x00" in text:
            yield Row(number, {}, file.name, error="the file holds NUL bytes (binary, not text)")
            continue
        yield Row(number, {"file": file.stem, "text": text}, file.name)


def _unsafe_file(folder: Path, file: Path) -> str | None:
    """Why a file a pattern matched may not be read (a link, outside the folder), or None."""
    try:
        inside(folder, file.relative_to(folder).as_posix())
    except (UnsafePath, ValueError):
        return "reached through a symbolic link or outside the folder: not read"
    if not file.resolve().is_relative_to(folder.resolve()) or not file.is_file():
        return "not a file inside the folder: not read"
    return None


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
