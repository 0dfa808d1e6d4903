"""Errors a user can cause, each carrying a message fit to print on one line."""

from __future__ import annotations

from threadline.untrusted import printable

__all__ = ["ThreadlineError", "ValidationError", "first_line"]


class ThreadlineError(Exception):
    """Base for errors whose message is meant for the analyst, not a traceback.

    The message is made printable: a value it quotes from a file cannot carry control
    characters (a terminal escape sequence, a newline that forges another line) to the screen.

    >>> print(ThreadlineError("no column 'urn\\x1b[2J'"))
    no column 'urn\\x1b[2J'
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(printable(a) if isinstance(a, str) else a for a in args))


class ValidationError(ThreadlineError, ValueError):
    """A value breaks a rule of the intelligence model (grade, marking, handling, role...)."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (of the driver's error, for a database
    error that wraps one), or its type's name when it has none.

    >>> first_line(ValueError("bad value\\nat line 3")), first_line(KeyError())
    ('bad value', 'KeyError')
    """
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
