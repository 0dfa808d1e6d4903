"""Email addresses: one lower-case form, checked by followthemoney's email type."""

from __future__ import annotations

import re
from typing import ClassVar

from followthemoney import registry as ftm

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["EmailType"]

_ANGLE = re.compile(r"<([^<>@\s]+@[^<>@\s]+)>")
_AT = re.compile(r"\s*[\[\(\{]\s*at\s*[\]\)\}]\s*|\s+at\s+", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[\(\{]\s*dot\s*[\]\)\}]\s*|\s+dot\s+", re.IGNORECASE)


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
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        text = squash(raw)
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
        valid = ftm.email.clean(text)
        if valid is not None:
            return Cleaned(raw, valid.lower(), None, flags)
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
