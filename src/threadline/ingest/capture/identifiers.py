"""The identifiers a narrative holds, for its author to confirm or reject before saving."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from threadline.ingest.convert import EXTRACTED_PROPS
from threadline.ingest.extract import extract
from threadline.values import DEFAULT_HINTS

__all__ = ["FoundIdentifier", "identifiers_in"]


class FoundIdentifier(BaseModel):
    """One identifier, date, name or place the extractor found, where it was found, and the
    property the report's text will state it as."""

    model_config = ConfigDict(frozen=True)

    kind: str
    """The value type (phone, email, postcode, vrm, account, sortcode, iban, ninumber,
    passport, date) or ``name`` / ``place``."""
    text: str
    """Exactly ``narrative[start:end]``."""
    start: int
    end: int
    value: str | None
    """Cleaned by the value type; None when it could not be cleaned."""
    flags: tuple[str, ...] = ()
    prop: str | None = None
    """The property it is held as (``phoneMentioned``...); None for a kind not held."""


def identifiers_in(narrative: str) -> list[FoundIdentifier]:
    """Every identifier the ingest extractor finds in `narrative`, in order, without overlaps:
    what the form highlights for its author to confirm or reject.

    >>> [(f.kind, f.text, f.value) for f in identifiers_in("Call 07700 900123 about AB12 CDE.")]
    [('phone', '07700 900123', '+447700900123'), ('vrm', 'AB12 CDE', 'AB12CDE')]
    """
    return [
        FoundIdentifier(
            kind=e.kind,
            text=e.text,
            start=e.start,
            end=e.end,
            value=e.value,
            flags=e.flags,
            prop=EXTRACTED_PROPS.get(e.kind),
        )
        for e in extract(narrative, DEFAULT_HINTS)
    ]
