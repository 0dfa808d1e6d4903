"""What a problem profile covers: one case, one area or everything, over a period.

Exactly one of a case, an area or everything is named (the command refuses none or several);
a period (`since`, `until`) narrows any of them. `key` names the scope for the profile's
history, so that the next profile of the same scope can say what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from threadline.errors import ThreadlineError

__all__ = ["ProfileScope"]


@dataclass(frozen=True, slots=True)
class ProfileScope:
    """One case, one area or everything the reader may see, optionally over a period."""

    case: str | None = None
    """A case's name: only the records attached to it (the reader must be a member)."""
    area: str | None = None
    """An area as typed: a postcode area or district, a police force area or a local
    authority (``threadline.geo.resolve_area`` reads it)."""
    everything: bool = False
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        named = sum((self.case is not None, self.area is not None, self.everything))
        if named != 1:
            raise ThreadlineError("name exactly one scope: --case C, --area A or --all")
        if self.since and self.until and self.since > self.until:
            raise ThreadlineError("--from must not be after --to")

    def period(self) -> str:
        """The period in words, or empty.

        >>> ProfileScope(everything=True, since=date(2025, 1, 1)).period()
        'from 2025-01-01'
        """
        parts = []
        if self.since is not None:
            parts.append(f"from {self.since.isoformat()}")
        if self.until is not None:
            parts.append(f"to {self.until.isoformat()}")
        return " ".join(parts)

    def words(self, area_label: str = "") -> str:
        """The scope in words, for the title page.

        >>> ProfileScope(case="Op Lantern").words()
        'case Op Lantern'
        >>> ProfileScope(area="pe13", until=date(2025, 6, 30)).words("Postcode district PE13")
        'Postcode district PE13 to 2025-06-30'
        """
        if self.case is not None:
            base = f"case {self.case}"
        elif self.area is not None:
            base = area_label or f"area {self.area}"
        else:
            base = "everything the reader may see"
        period = self.period()
        return f"{base} {period}" if period else base

    def key(self) -> str:
        """The scope as stored with a profile's figures (at most 255 characters).

        >>> ProfileScope(area=" pe13 ").key()
        'area:PE13|from:|to:'
        """
        if self.case is not None:
            base = f"case:{self.case.strip()}"
        elif self.area is not None:
            base = f"area:{' '.join(self.area.split()).upper()}"
        else:
            base = "all"
        since = self.since.isoformat() if self.since else ""
        until = self.until.isoformat() if self.until else ""
        return f"{base}|from:{since}|to:{until}"[:255]
