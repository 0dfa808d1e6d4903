"""Text and paths that came from outside: made safe to print, checked before they are stored.

A partner's file, a mapping or a sources.yaml can hold anything. What they say is echoed back
in errors and warnings (control characters escaped, so a cell cannot drive the analyst's
terminal), stored (NUL and lone surrogates refused: PostgreSQL and UTF-8 cannot hold them),
used as a name (identifiers matched whole) or followed as a path (kept inside its folder).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

__all__ = [
    "AGENCY_CODE",
    "NAME",
    "UnsafePath",
    "inside",
    "printable",
    "relative_parts",
    "unstorable",
    "valid_agency_code",
]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 and C1 controls (ESC starts a terminal escape sequence), DEL, the marks and overrides that
reorder text on screen (bidirectional controls) and lone surrogates (no encoding prints them)."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL text cannot hold it) and lone surrogates (not encodable as UTF-8)."""

AGENCY_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""An agency code, matched whole (``fullmatch``): lower-case letters, digits, - and _."""

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""A plain name that is not a path (a mapping named in sources.yaml), matched whole."""


def printable(text: str) -> str:
    """`text` with every control character written as an escape, as repr() writes it, so that
    echoing it cannot move the cursor, recolour or clear a terminal, or reorder what is shown.

    >>> printable("Lan\\x1b[2J Nguyen\\n")
    'Lan\\\\x1b[2J Nguyen\\\\n'
    >>> printable("Flat 2\\t10 Mill St") == "Flat 2\\\\t10 Mill St", printable("Zoë")
    (True, 'Zoë')
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored (NUL, a lone surrogate), or None when it can.

    >>> unstorable("Lan"), unstorable("a\\x00b")
    (None, 'it holds a NUL character (U+0000)')
    >>> unstorable("\\udc80")
    'it holds a lone surrogate (U+DC80), not a character'
    """
    if text.isascii():  # known without a scan: most rows
        found = None if "\x00" not in text else _UNSTORABLE.search(text)
    else:
        found = _UNSTORABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if code == 0:
        return "it holds a NUL character (U+0000)"
    return f"it holds a lone surrogate (U+{code:04X}), not a character"


def valid_agency_code(code: str) -> bool:
    """Whether `code` is an agency code (the whole of it: no trailing newline).

    >>> valid_agency_code("nwpolice"), valid_agency_code("nwpolice\\n"), valid_agency_code("NCA")
    (True, False, False)
    """
    return AGENCY_CODE.fullmatch(code) is not None


class UnsafePath(ValueError):
    """A path from a file (a pattern, a mapping) that would leave its folder or is a link."""


def relative_parts(relative: str) -> tuple[str, ...]:
    """The parts of a path written in a file, refused when it is empty, absolute or climbs
    out with ``..``.

    >>> relative_parts("nhs/*.txt")
    ('nhs', '*.txt')
    >>> relative_parts("../../etc/passw*")
    Traceback (most recent call last):
    ...
    threadline.untrusted.UnsafePath: '../../etc/passw*' leaves the folder it must stay in
    """
    written = PurePosixPath(relative.replace("\\", "/"))
    drive = written.parts[:1] and written.parts[0].endswith(":")  # C:/...
    if not relative.strip() or written.is_absolute() or ".." in written.parts or drive:
        raise UnsafePath(f"{relative!r} leaves the folder it must stay in")
    return written.parts


def inside(folder: Path, relative: str) -> Path:
    """`relative` (a path or glob pattern as written in a file) under `folder`, refused when it
    is absolute, climbs out with ``..`` (:func:`relative_parts`) or passes through a symbolic
    link.

    >>> inside(Path("/data/delivery"), "nhs/*.txt")
    PosixPath('/data/delivery/nhs/*.txt')
    """
    path = folder
    for part in relative_parts(relative):
        path = path / part
        if path.is_symlink():
            raise UnsafePath(f"{relative!r} passes through a symbolic link")
    return path
