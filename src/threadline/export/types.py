"""The small interface every export format implements: a name, a file suffix and a writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from threadline.export.content import Content
from threadline.progress import Advance

__all__ = ["Exporter", "Write", "text"]

Write = Callable[[Content, BinaryIO, Advance], None]
"""Write `content` to a binary stream, calling ``advance("rows", n)`` as rows go out."""


@dataclass(frozen=True, slots=True)
class Exporter:
    """One export format, as a plugin registers it (``register_exporters``)."""

    name: str
    """What ``--format`` takes: ``anx``."""
    suffix: str
    """The file name's ending: ``.anx``."""
    media_type: str
    """For a web download: ``application/xml``."""
    description: str
    """One line for ``--help`` and docs/exports.md."""
    write: Write


def text(value: object) -> str:
    """Text fit for XML 1.0: the characters it cannot hold (C0 controls other than tab, line
    feed and carriage return, lone surrogates, U+FFFE/U+FFFF) are dropped.

    >>> text("Lan\\x01 NGUYEN\\ufffe")
    'Lan NGUYEN'
    """
    raw = value if isinstance(value, str) else str(value)
    if raw.isprintable():
        return raw
    return "".join(c for c in raw if _xml_char(ord(c)))


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
