"""What changed since the last profile of the same scope, by the same reader.

Each profile's headline figures are stored with who produced it, its scope and its reference.
The next profile of the same scope compares with the last one *the same user* produced: two
readers' figures may rest on different material (another agency's reader sees what this one
may not), so a difference between them could disclose a count of what this reader may not see.
Counts only are stored, never record ids or names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from threadline.read import View
from threadline.store import tables as t

__all__ = ["Change", "Changes", "changes_since", "remember"]


@dataclass(frozen=True, slots=True)
class Change:
    """One headline figure then and now."""

    name: str
    before: int | None
    now: int

    @property
    def delta(self) -> str:
        """The difference with its sign, or "new".

        >>> Change("x", 3, 5).delta, Change("x", 5, 3).delta, Change("x", None, 1).delta
        ('+2', '-2', 'new')
        """
        if self.before is None:
            return "new"
        diff = self.now - self.before
        return f"{diff:+d}" if diff else "no change"


@dataclass(frozen=True, slots=True)
class Changes:
    """The figures of the reader's last profile of the scope beside this one's."""

    previous_reference: str | None
    previous_at: datetime | None
    changes: tuple[Change, ...]


def changes_since(view: View, scope: str, figures: Mapping[str, int]) -> Changes:
    """This profile's `figures` beside those of the reader's last profile of `scope`."""
    p = t.profile_figures.c
    row = view.conn.execute(
        sa.select(p.reference, p.produced_at, p.figures)
        .where(p.user_id == view.actor.user_id, p.scope == scope)
        .order_by(p.produced_at.desc(), p.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return Changes(None, None, ())
    before: Mapping[str, int] = row.figures or {}
    return Changes(
        previous_reference=str(row.reference),
        previous_at=row.produced_at,
        changes=tuple(Change(name, before.get(name), now) for name, now in figures.items()),
    )


def remember(
    view: View, scope: str, reference: str, produced_at: datetime, figures: Mapping[str, int]
) -> None:
    """Store this profile's headline figures for the next profile of the same scope."""
    view.conn.execute(
        sa.insert(t.profile_figures).values(
            user_id=view.actor.user_id, scope=scope, reference=reference,
            produced_at=produced_at, figures=dict(figures),
        )
    )  # fmt: skip
