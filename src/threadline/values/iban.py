"""IBANs, checked by python-stdnum; GB IBANs share their node with the UK account inside.

Valid GB IBANs take a fast path (layout and mod-97 check) that gives python-stdnum's answer
without its registry walk; :meth:`IbanType._clean_slow` is the reference the tests hold it to.
"""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["IbanType", "uk_bank_from_iban"]

_NOT_ALNUM = re.compile("[^A-Z0-9]")
_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,}$")
_GB = re.compile(r"GB[0-9]{2}[A-Z]{4}[0-9]{14}")
"""A GB IBAN: python-stdnum's registry gives GB the BBAN "4!a6!n8!n" (bank, sort code,
account) and no country module of its own, so such an IBAN is valid exactly when its ISO 7064
mod 97-10 check holds, which :func:`_mod97` computes without stdnum's registry walk."""
_BASE10 = str.maketrans({chr(code): str(code - 55) for code in range(ord("A"), ord("Z") + 1)})


def _compact(squashed: str) -> str:
    compact = _NOT_ALNUM.sub("", squashed.upper())
    return compact[4:] if compact.startswith("IBAN") else compact


def _mod97(compact: str) -> int:
    """ISO 7064 mod 97-10 of an upper-case IBAN: country and check digits moved to the end,
    letters read as 10-35; a valid IBAN gives 1."""
    return int((compact[4:] + compact[:4]).translate(_BASE10)) % 97


_REASONS: dict[type[ValidationError], str] = {
    InvalidChecksum: "its check digits do not match",
    InvalidLength: "it has the wrong length for its country",
    InvalidFormat: "it is not laid out like an IBAN",
    InvalidComponent: "its country or bank part is not valid",
}


def uk_bank_from_iban(value: str) -> tuple[str, str] | None:
    """Sort code and account number inside a GB IBAN (bank code, then both).

    >>> uk_bank_from_iban("GB82WEST12345698765432")
    ('123456', '98765432')
    """
    if value.startswith("GB") and len(value) == 22:
        return value[8:14], value[14:]
    return None


class IbanType(ValueType):
    """International bank account numbers, compact upper case ("GB82WEST12345698765432").

    >>> ibans = IbanType()
    >>> ibans.clean("gb82 west 1234 5698 7654 32").value
    'GB82WEST12345698765432'
    >>> ibans.caption("GB82WEST12345698765432")
    'GB82 WEST 1234 5698 7654 32'
    >>> ibans.node_id("GB82WEST12345698765432")
    'account:123456-98765432'
    """

    name = "iban"
    label = "IBAN"
    node_prefix = "iban"
    """Accounts are graph nodes; a GB IBAN is a sort code and account number in another form,
    so :meth:`node_id` gives it the same node as that account."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        compact = _compact(text)
        if _GB.fullmatch(compact) and _mod97(compact) == 1:
            return Cleaned(raw, compact)  # what python-stdnum returns for a valid GB IBAN
        return self._checked(raw, compact)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` with every IBAN checked by python-stdnum: the reference."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._checked(raw, _compact(squash(raw)))

    def _checked(self, raw: str, compact: str) -> Cleaned:
        try:
            return Cleaned(raw, stdnum_iban.validate(compact))
        except ValidationError as error:
            reason = _REASONS.get(type(error), "it is not a valid IBAN")
        if not _SHAPE.match(compact):
            return Cleaned(raw, None, "not an IBAN: no country code and check digits at the start")
        return Cleaned(raw, compact, f"not a valid IBAN ({reason}): kept as given", ("raw",))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same IBAN"
        if left[4:] == right[4:]:
            return 0.8, "same account, check digits differ"
        return 0.0, "different IBANs"

    def caption(self, value: str) -> str:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))

    def node_id(self, value: str) -> str | None:
        bank = uk_bank_from_iban(value)
        if bank is not None and len(value) == 22 and value[8:].isdigit():
            return f"account:{bank[0]}-{bank[1]}"
        return f"iban:{value}"
