"""The bytes ijson parses, measured as they pass, so that a hostile document stops the parse
before ijson builds anything from it.

ijson builds each record whole, and keeps the dotted path of every level it is inside: a record
of 100,000 nested lists took it over 2.6 GB. The stream it reads therefore counts the bytes
given since the last record was completed (a record may take at most so many) and follows the
nesting of the document (strings and their escapes skipped), both at the speed of bytes
methods, and raises before the parser is handed the byte that goes too far.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import TextIO

__all__ = ["MAX_NESTING", "NestedTooDeep", "RecordTooLarge", "Utf8Stream"]

MAX_NESTING = 256
"""Deepest nesting of a JSON document streamed: deeper, the file is refused at that item (the
parser's memory grows with the square of the depth). A record nested deeper than
:data:`threadline.ingest.readers.MAX_DEPTH` but not this deep is a row error."""

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_PAIR = re.compile(rb"[\[{][\]}]")
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class RecordTooLarge(Exception):
    """More bytes than a record may take were read without a record being completed."""


class NestedTooDeep(Exception):
    """The document is nested deeper than :data:`MAX_NESTING`."""


class _Nesting:
    """How deep the bytes seen so far leave the document, carried from chunk to chunk."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escaped = False
        """The last chunk ended on a backslash: the next byte is escaped."""

    def feed(self, data: bytes) -> int | None:
        """Follow `data`: None, or the offset in it of the first byte that goes deeper than
        :data:`MAX_NESTING` (what comes before it may be parsed)."""
        state, original = (self.depth, self.in_string, self.escaped), data
        if self.escaped and data:
            data, self.escaped = data[1:], False
        if b"\\" in data:
            data = _ESCAPE.sub(b"", data)
            if data.endswith(b"\\"):
                data, self.escaped = data[:-1], True
        marks = data.translate(None, _NOT_MARKS)  # quotes and brackets: escapes are gone
        if self.in_string:
            end = marks.find(b'"')
            if end < 0:
                return None
            marks, self.in_string = marks[end + 1 :], False
        pieces = marks.split(b'"')  # outside strings, inside, outside...
        self.in_string = len(pieces) % 2 == 0
        brackets = b"".join(pieces[::2])
        opened = _opens(brackets)
        if self.depth + opened > MAX_NESTING and _peak(brackets, self.depth) > MAX_NESTING:
            self.depth, self.in_string, self.escaped = state
            return self._past_limit(original)
        self.depth += 2 * opened - len(brackets)
        return None

    def _past_limit(self, data: bytes) -> int:
        """Byte by byte from the state before `data`: where it first goes past the limit."""
        depth, in_string, escaped = self.depth, self.in_string, self.escaped
        for offset, byte in enumerate(data):
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = not in_string
            elif not in_string and byte in b"[{":
                depth += 1
                if depth > MAX_NESTING:
                    return offset
            elif not in_string and byte in b"]}":
                depth -= 1
        return len(data)


def _opens(brackets: bytes) -> int:
    return brackets.count(b"[") + brackets.count(b"{")


def _peak(brackets: bytes, depth: int) -> int:
    """How deep `brackets` reach, starting at `depth`: exactly, or a bound above it.

    Each pass that drops the innermost pairs (``[]``, ``{}``) lowers the peak by at most one,
    so after k passes the peak is at most depth + k + the openers left: a few passes settle
    most chunks of records. The others are followed bracket by bracket.

    >>> _peak(b"[{}[[]]]", 1), _peak(b"[" * 300, 0), _peak(b"[]" * 300, 0)
    (4, 300, 1)
    """
    reduced = brackets
    for passes in range(1, 9):
        shorter = _PAIR.sub(b"", reduced)
        if len(shorter) == len(reduced):
            break
        reduced = shorter
        if depth + passes + _opens(reduced) <= MAX_NESTING:
            return depth + passes + _opens(reduced)
    return max(accumulate(map(_STEP.__getitem__, brackets), initial=depth))


class Utf8Stream:
    """A text file read back as UTF-8 bytes (what ijson parses), with a look at its start.

    Bytes that would take the document deeper than :data:`MAX_NESTING` are not given: the
    read stops before them and the next raises :class:`NestedTooDeep`, so the records before
    them are completed and the one in progress is the one refused.

    The caller sets :attr:`spent` back to 0 when a record is completed; past `max_record`
    bytes without one, the next read raises :class:`RecordTooLarge`. Reads are at most an
    eighth of `max_record`, so a record is stopped within that much of the limit.
    """

    def __init__(self, fh: TextIO, max_record: int) -> None:
        self._fh = fh
        self._head = fh.read(1 << 16)
        self._max = max_record
        self._step = max(256, max_record // 32)  # characters: at most 4 bytes each
        self._nesting = _Nesting()
        self._too_deep = False
        self.spent = 0
        """Bytes given since the last record was completed."""

    def first(self) -> str:
        """The first character that is not white space ("" for an empty file)."""
        return self._head.lstrip()[:1]

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn bytes from text
            return b""
        if self.spent > self._max:
            raise RecordTooLarge
        if self._too_deep:
            raise NestedTooDeep
        want = self._step if size < 0 else min(size, self._step)
        if self._head:
            text, self._head = self._head[:want], self._head[want:]
        else:
            text = self._fh.read(want)
        data = text.encode("utf-8")
        self.spent += len(data)
        past = self._nesting.feed(data)
        if past is not None:  # the parser completes the records before it, then stops
            self._too_deep = True
            data = data[:past]
        return data
