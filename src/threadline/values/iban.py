"""IBANs, checked by python-stdnum; GB IBANs share their node with the UK account inside."""

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
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        compact = re.sub(r"[^A-Z0-9]", "", squash(raw).upper())
        if compact.startswith("IBAN"):
            compact = compact[4:]
        try:
            return Cleaned(raw, stdnum_iban.validate(compact))
        except ValidationError as error:
            reason = _REASONS.get(type(error), "it is not a valid IBAN")
        if not re.match(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,}$", compact):
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
