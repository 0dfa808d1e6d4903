"""Checks on a workbook's archive before calamine opens it: what it would expand to.

A workbook is a zip of XML parts. Two tricks make a small file take a great deal of memory:
members that decompress far beyond their size (a zip bomb), and a long shared string that
thousands of cells refer to (calamine gives each cell a copy of it). Both are measured here
without expanding anything: the zip's directory gives the first; for the second the shared
strings are measured as they stream past, and the cells that refer to them are counted the
same way. A check that cannot tell (an XML construct a spreadsheet program never writes) is
made again with a full XML parser, which reads what calamine would read or more.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from collections.abc import Callable, Iterator
from contextlib import suppress
from itertools import chain
from typing import IO
from xml.parsers import expat

__all__ = [
    "MAX_EXPANDED",
    "MAX_RATIO",
    "MAX_SHARED_STRINGS",
    "MAX_SHARED_TEXT",
    "MAX_UNZIPPED",
    "Refused",
    "check_archive",
]

MAX_UNZIPPED = 1_000_000_000
"""Largest total uncompressed size of a workbook; above it the file is treated as a zip bomb."""

MAX_RATIO = 200
"""Largest compression ratio of a workbook member before it is treated as a zip bomb."""

MAX_SHARED_STRINGS = 5_000_000
"""Most shared strings a workbook may hold: calamine keeps every one in memory."""

MAX_SHARED_TEXT = 200_000_000
"""Most characters a workbook's shared strings may hold together."""

MAX_EXPANDED = 500_000_000
"""Most characters the cells that refer to shared strings may expand to, each such cell being
a copy of its string: a 27 KB workbook whose one long string 6,000 cells refer to (3.6 GB once
read) is refused before it is opened."""

SHARED_STRINGS = "xl/sharedstrings.xml"
"""The part calamine reads the shared strings from (compared without case or slash style)."""

_CHUNK = 1 << 22

_P = rb"(?:[A-Za-z_][\w.-]*:)?"
"""An optional namespace prefix of an element name."""

_SHARED_CELL = re.compile(rb't="s"[^>]*>\s*<' + _P + rb"v>(\d+)<")
"""A cell of a shared string as spreadsheet programs write it: ``t="s" ...><v>12<``."""

_ANY_SHARED = re.compile(rb"""t\s*=\s*["'](?:s["']|&)""")
"""Every way of writing the attribute ``t="s"`` (other quotes, spaces, a reference): when there
are more of these than :data:`_SHARED_CELL` matches, the part is parsed in full."""

_CELL_START = re.compile(rb"<" + _P + rb"c[\s>/]")


class Refused(ValueError):
    """The workbook would expand past a limit; the message says which."""


def check_archive(path: str) -> None:
    """Refuse a zip bomb, too many or too much shared text, and cells that would expand the
    shared strings past :data:`MAX_EXPANDED`; raises :class:`Refused` or zipfile.BadZipFile."""
    with zipfile.ZipFile(path) as archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 10_000_000 and ratio > MAX_RATIO:
                raise Refused(f"{info.filename} expands {ratio:.0f}x")
        if total > MAX_UNZIPPED:
            raise Refused(f"it expands to {total:,} bytes")
        parts = [i for i in archive.infolist() if _normal(i.filename) == SHARED_STRINGS]
        if len(parts) > 1:
            raise Refused("it holds more than one shared strings part")
        if not parts:
            return
        with archive.open(parts[0]) as fh:
            lengths = _shared_lengths(fh)
        if not lengths:
            return
        _check_references(archive, parts[0], lengths)


def _normal(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(_CHUNK):
        yield chunk


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None],
) -> expat.XMLParserType:
    """An expat parser that refuses a document type declaration (and so any entity of its
    own: a workbook part never declares one)."""

    def doctype(*_: object) -> None:
        raise Refused("an XML part declares a document type (entities are not read)")

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


class _Malformed(Refused):
    """A part is not well-formed XML."""


def _feed(parser: expat.XMLParserType, fh: IO[bytes], part: str) -> None:
    try:
        for chunk in _chunks(fh):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise _Malformed(f"{part} is not well-formed XML ({reason})") from None


def _shared_lengths(fh: IO[bytes]) -> array[int]:
    """The length in characters of each shared string (all the text inside its ``<si>``,
    which is what calamine reads or more), checked against the limits as they stream past."""
    lengths: array[int] = array("Q")
    current: list[int] = []  # [length] while inside a <si>
    total = 0

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name == "si" or name.endswith(":si"):
            if current:
                raise Refused("a shared string holds another")
            current.append(0)

    def end(name: str) -> None:
        nonlocal total
        if current and (name == "si" or name.endswith(":si")):
            length = current.pop()
            lengths.append(length)
            total += length
            if len(lengths) > MAX_SHARED_STRINGS:
                raise Refused(f"it holds over {MAX_SHARED_STRINGS:,} shared strings")
            if total > MAX_SHARED_TEXT:
                raise Refused(f"its shared strings hold over {MAX_SHARED_TEXT:,} characters")

    def text(data: str) -> None:
        if current:
            current[0] += len(data)

    _feed(_parser(start, end, text), fh, "the shared strings")
    return lengths


def _check_references(
    archive: zipfile.ZipFile, shared: zipfile.ZipInfo, lengths: array[int]
) -> None:
    """Refuse the workbook when the cells referring to shared strings would expand past
    :data:`MAX_EXPANDED`. Any part may be a sheet (calamine finds them through the
    workbook's relationships), so every part but the shared strings is counted."""
    longest = max(lengths)
    others = [i for i in archive.infolist() if i is not shared and i.file_size]
    # A shared-string cell takes at least three tags: '<' counts bound the cells from above.
    bound = 0
    for info in others:
        with archive.open(info) as fh:
            bound += sum(chunk.count(b"<") for chunk in _chunks(fh)) // 3 * longest
    if bound <= MAX_EXPANDED:
        return
    spent = 0
    for info in others:
        spent += _expanded(archive, info, lengths, MAX_EXPANDED - spent)


def _expanded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: array[int], budget: int
) -> int:
    """Characters the shared-string cells of one part expand to (refused past `budget`)."""
    spent = 0
    carry = b""
    with archive.open(info) as fh:
        for chunk in chain(_chunks(fh), [b""]):
            data = carry + chunk
            cut = _cut(data) if chunk else len(data)
            whole, carry = data[:cut], data[cut:]
            found = _SHARED_CELL.findall(whole)
            if len(_ANY_SHARED.findall(whole)) != len(found) or len(carry) > 4 * _CHUNK:
                return _expanded_exactly(archive, info, lengths, budget)
            spent += _total(lengths, found)
            if spent > budget:
                raise _too_much()
    return spent


def _total(lengths: array[int], indexes: list[bytes]) -> int:
    """The lengths of the shared strings at `indexes` added up (one past the end counts 0)."""
    try:
        return sum(map(lengths.__getitem__, map(int, indexes)))
    except IndexError:  # calamine refuses such a cell; it expands nothing
        return sum(lengths[i] for i in map(int, indexes) if i < len(lengths))


def _cut(data: bytes) -> int:
    """Where to cut `data` so that the text before holds whole cells only: at the start of
    its last cell element, else (no cell starts in it) at its last tag."""
    start = max(0, len(data) - (1 << 16))
    while True:
        last = None
        for last in _CELL_START.finditer(data, start):  # noqa: B007 - the last one is wanted
            pass
        if last is not None:
            return last.start()
        if start == 0:
            tag = data.rfind(b"<")
            return tag if tag >= 0 else len(data)
        start = 0


def _expanded_exactly(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: array[int], budget: int
) -> int:
    """:func:`_expanded` by a full XML parse of the part (character references decoded, any
    spelling of the attribute, text split by comments or CDATA)."""
    spent = 0
    shared = False
    value: list[str] | None = None

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal shared, value
        local = _local(name)
        if local == "c":
            shared = any(_local(k) == "t" and v.strip() == "s" for k, v in attrs.items())
        elif local == "v" and shared:
            value = []

    def end(name: str) -> None:
        nonlocal spent, value
        if value is not None and _local(name) == "v":
            text = "".join(value).strip()
            value = None
            index = int(text) if text.isdigit() else -1
            spent += lengths[index] if 0 <= index < len(lengths) else 0
            if spent > budget:
                raise _too_much()

    def text(data: str) -> None:
        if value is not None:
            value.append(data)

    # Not XML (an image) or broken: what was read before the break is counted.
    with archive.open(info) as fh, suppress(_Malformed):
        _feed(_parser(start, end, text), fh, info.filename)
    return spent


def _too_much() -> Refused:
    return Refused(f"its cells would expand the shared strings to over {MAX_EXPANDED:,} characters")
