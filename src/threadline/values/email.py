"""Email addresses: one lower-case form, checked by followthemoney's email type.

Plain ASCII addresses, nearly all of them, take a fast path (:func:`_check_fast`) that
gives followthemoney's answer without its Unicode and IDNA machinery. :meth:`EmailType._clean_slow`
keeps the followthemoney-only path as the reference the tests hold the fast path to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from followthemoney import registry as ftm

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["EmailType"]

_ANGLE = re.compile(r"<([^<>@\s]+@[^<>@\s]+)>")
_AT = re.compile(r"\s*[\[\(\{]\s*at\s*[\]\)\}]\s*|\s+at\s+", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[\(\{]\s*dot\s*[\]\)\}]\s*|\s+dot\s+", re.IGNORECASE)
_PLAIN = re.compile(
    r"[A-Za-z0-9._%+'\-]{1,64}@(?=[A-Za-z0-9.\-]{4,253}\Z)"
    r"(?:(?=[A-Za-z0-9\-]{1,63}\.)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,63}"
)
"""An address that followthemoney's email type accepts unchanged but for case. The local part
passes its ``LOCAL_RE`` (1-64 characters, none of ``<>()[],;:?"``, no space or second "@");
each domain label is letters and digits with single inner hyphens (no "xn--" A-label, nothing
that UTS #46 maps but for case, nothing IDNA refuses) of at most 63 characters, the domain at
most 253, and the top-level label two or more letters: so IDNA encodes and decodes it to its
lower case form. Anything else goes through followthemoney."""


def _check_ftm(text: str) -> str | None:
    """followthemoney's clean form of an address, lower case, or ``None`` if it is invalid."""
    valid = ftm.email.clean(text)
    return valid.lower() if valid is not None else None


def _check_fast(text: str) -> str | None:
    """:func:`_check_ftm`, without followthemoney for addresses that :data:`_PLAIN` matches."""
    if _PLAIN.fullmatch(text):
        return text.lower()
    return _check_ftm(text)


class EmailType(ValueType):
    """Email addresses, lower case ("john.smith@example.com").

    >>> email = EmailType()
    >>> email.clean("John Smith <John.Smith@Example.COM>").value
    'john.smith@example.com'
    >>> email.clean("lan.nguyen [at] gmail [dot] com").flags
    ('deobfuscated',)
    """

    name = "email"
    label = "Email address"
    node_prefix = "email"
    """A shared mailbox (for example one used to advertise several victims) links people."""

    folding_domains: ClassVar[frozenset[str]] = frozenset({"gmail.com", "googlemail.com"})
    """Providers that ignore dots and "+tags" in the local part, so that "l.an+x@gmail.com"
    reaches the same mailbox as "lan@gmail.com"."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        return self._clean_text(raw, text, _check_fast)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` with every address checked by followthemoney: the reference."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._clean_text(raw, squash(raw), _check_ftm)

    def _clean_text(self, raw: str, text: str, check: Callable[[str], str | None]) -> Cleaned:
        angle = _ANGLE.search(text)
        if angle is not None:
            text = angle.group(1)
        text = text.strip(" \"'<>;,.")
        if text.lower().startswith("mailto:"):
            text = text[7:]
        flags: tuple[str, ...] = ()
        if "@" not in text and _AT.search(text):
            text = _DOT.sub(".", _AT.sub("@", text))
            flags = ("deobfuscated",)
        text = text.replace(" ", "")
        valid = check(text)
        if valid is not None:
            return Cleaned(raw, valid, None, flags)
        if "@" in text:
            problem = "not a valid email address: kept as given for exact matching"
            return Cleaned(raw, text.lower(), problem, (*flags, "raw"))
        return Cleaned(raw, None, "not an email address (no @)")

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same address"
        if self.mailbox(left) == self.mailbox(right):
            return 0.95, "same mailbox (dots or +tag differ)"
        if left.partition("@")[0] == right.partition("@")[0]:
            return 0.3, "same user name at a different provider"
        return 0.0, "different addresses"

    def mailbox(self, value: str) -> str:
        """The mailbox an address delivers to, for providers that fold dots and +tags.

        >>> EmailType().mailbox("l.an+work@googlemail.com")
        'lan@gmail.com'
        """
        local, _, domain = value.partition("@")
        if domain in self.folding_domains:
            local = local.split("+", 1)[0].replace(".", "")
            domain = "gmail.com"
        return f"{local}@{domain}"
