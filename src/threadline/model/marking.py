"""Government Security Classification markings this system may hold.

Threadline is accredited for OFFICIAL and OFFICIAL-SENSITIVE only
(domain-standards.md §5.2); SECRET and TOP SECRET material is refused, never stored.
Legacy GPMS markings on 5x5x5 exports are read with their original kept
(domain-standards.md §1.3: there is no direct correlation between GPMS and GSC).
"""

from __future__ import annotations

from enum import StrEnum

from threadline.errors import ValidationError

__all__ = ["GPMS_TO_GSC", "Marking", "parse_marking"]


class Marking(StrEnum):
    """A GSC marking, ordered from least to most protected."""

    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"

    @property
    def rank(self) -> int:
        """Position in protection order: a higher rank is more protected."""
        return _ORDER.index(self)


_ORDER = (Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE)

_REFUSED = {"SECRET", "TOP SECRET", "TOP-SECRET", "TOPSECRET"}

GPMS_TO_GSC: dict[str, Marking] = {
    "NOT PROTECTIVELY MARKED": Marking.OFFICIAL,
    "NPM": Marking.OFFICIAL,
    "UNCLASSIFIED": Marking.OFFICIAL,
    "PROTECT": Marking.OFFICIAL,
    "RESTRICTED": Marking.OFFICIAL,
    "CONFIDENTIAL": Marking.OFFICIAL_SENSITIVE,
}
"""Suggested reading of legacy GPMS markings; the original is always kept beside it.
CONFIDENTIAL is read as OFFICIAL-SENSITIVE pending review (it may warrant more)."""


def _canonical(raw: str) -> str:
    return " ".join(raw.replace("_", " ").replace("-", " ").upper().split())


def parse_marking(raw: str) -> tuple[Marking, bool]:
    """Read a marking; return it and whether it was translated from a legacy GPMS marking.

    >>> parse_marking("official-sensitive")
    (<Marking.OFFICIAL_SENSITIVE: 'OFFICIAL-SENSITIVE'>, False)
    >>> parse_marking("RESTRICTED")
    (<Marking.OFFICIAL: 'OFFICIAL'>, True)
    >>> parse_marking("SECRET")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threadline.errors.ValidationError: marking 'SECRET' refused: ... OFFICIAL-SENSITIVE only
    """
    text = _canonical(raw)
    if not text:
        raise ValidationError("marking is empty: expected OFFICIAL or OFFICIAL-SENSITIVE")
    if text in _REFUSED or text.startswith(("SECRET", "TOP SECRET")):
        raise ValidationError(
            f"marking {raw.strip()!r} refused: Threadline is accredited for "
            "OFFICIAL and OFFICIAL-SENSITIVE only"
        )
    if text == "OFFICIAL":
        return Marking.OFFICIAL, False
    if text in {"OFFICIAL SENSITIVE", "OFFICIALSENSITIVE", "OS"}:
        return Marking.OFFICIAL_SENSITIVE, False
    if text in GPMS_TO_GSC:
        return GPMS_TO_GSC[text], True
    raise ValidationError(
        f"unknown marking {raw.strip()!r}: expected OFFICIAL or OFFICIAL-SENSITIVE "
        "(or a legacy GPMS marking)"
    )
