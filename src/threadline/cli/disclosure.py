"""What every command that writes a disclosure (an export, a problem profile) does alike.

It names a recipient and a purpose (options, or asked in a terminal), needs the user's password
again, writes through the user's view, and leaves no file behind unless its disclosure was
logged: if anything fails before the audit event is committed, the written file is removed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from threadline.cli.options import acting
from threadline.read import View, reading
from threadline.security.identity import reauthenticate

__all__ = ["asked", "disclose"]

T = TypeVar("T")


def asked(value: str | None, question: str, option: str) -> str:
    """`value`, or the answer to `question` in a terminal; a disclosure without it is refused."""
    if value and value.strip():
        return value.strip()
    if sys.stdin.isatty():
        return str(typer.prompt(question)).strip()
    raise typer.BadParameter("a disclosure must say who it is for and why", param_hint=option)


def disclose(
    db: str | None,
    user: str | None,
    operation: str,
    purpose: str,
    write: Callable[[View], T],
    path: Callable[[T], Path | None],
) -> T:
    """Re-authenticate the user, then `write` the disclosure through their view; the file at
    `path` of what was written is removed if the disclosure is not logged."""
    with acting(db, user) as (store, actor):
        reauthenticate(store, actor, operation)
    done: T | None = None
    try:
        with reading(db, user, operation, purpose=purpose) as view:
            done = write(view)
    except BaseException:
        written = None if done is None else path(done)
        if written is not None:  # written, but the disclosure was not logged
            written.unlink(missing_ok=True)
        raise
    return done
