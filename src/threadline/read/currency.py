"""How current a product is: when material was last loaded, when resolution and the user's
analysis last ran, and whether either is behind the newest load.

Every product that rests on resolution or analysis (rankings, the problem profile, exports,
charts, alerts) says it in the same words, from `currency(view)`. Only loads the user may know
of are counted (their own agency's, and those that wrote a record they may see: see
`threadline.read.holdings`), so the line never tells anyone that another agency loaded
something they may not see. Resolution runs over the whole store, so its time is the store's;
the analysis is the user's own latest (not made stale by an erasure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from threadline.read.holdings import known_batches
from threadline.read.rankings import latest_run
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.database import aware

__all__ = ["Currency", "currency", "when"]


def when(moment: datetime) -> str:
    """A moment as the products print it, in UTC.

    >>> when(datetime(2026, 12, 7, 1, 10, tzinfo=UTC))
    '07 Dec 2026 01:10 UTC'
    """
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def _loads(count: int) -> str:
    return f"{count} batch{'' if count == 1 else 'es'} loaded since"


@dataclass(frozen=True, slots=True)
class Currency:
    """How current the user's picture is (see the module docstring)."""

    loaded_at: datetime | None
    """When the newest load the user may know of finished, or None."""
    resolved_at: datetime | None
    """When the latest resolution run finished, or None."""
    analysed_at: datetime | None
    """When the user's latest analysis finished, or None."""
    resolution_behind: int
    """Loads the user may know of that finished after the latest resolution run started."""
    analysis_behind: int
    """Loads the user may know of that finished after their latest analysis started."""
    analysis_before_resolution: bool
    """Whether resolution ran again after the user's latest analysis started."""

    @property
    def current(self) -> bool:
        """Whether resolution and the user's analysis have taken in every load."""
        return (
            self.resolved_at is not None
            and self.analysed_at is not None
            and not (self.resolution_behind or self.analysis_behind)
            and not self.analysis_before_resolution
        )

    def words(self) -> str:
        """One line, e.g. 'loaded 07 Dec 2026 01:05 UTC; resolved 07 Dec 2026 01:10 UTC;
        analysis behind: 1 batch loaded since'."""
        parts = [f"loaded {when(self.loaded_at)}" if self.loaded_at else "nothing loaded"]
        if self.resolved_at is None:
            parts.append("never resolved" if self.loaded_at else "not resolved")
        elif self.resolution_behind:
            parts.append(f"resolved {when(self.resolved_at)}, "
                         f"behind: {_loads(self.resolution_behind)}")  # fmt: skip
        else:
            parts.append(f"resolved {when(self.resolved_at)}")
        if self.analysed_at is None:
            parts.append("no analysis of yours")
        elif self.analysis_behind:
            parts.append(f"analysis behind: {_loads(self.analysis_behind)}")
        elif self.analysis_before_resolution:
            parts.append(f"analysed {when(self.analysed_at)}, behind: resolution ran since")
        else:
            parts.append(f"analysed {when(self.analysed_at)}")
        line = "; ".join(parts)
        return f"{line} (current)" if self.current else f"{line} (run `threadline update`)"

    def as_dict(self) -> dict[str, Any]:
        stamp = {k: None if v is None else v.isoformat() for k, v in (
            ("loaded_at", self.loaded_at), ("resolved_at", self.resolved_at),
            ("analysed_at", self.analysed_at))}  # fmt: skip
        return {**stamp, "resolution_behind": self.resolution_behind,
                "analysis_behind": self.analysis_behind,
                "analysis_before_resolution": self.analysis_before_resolution,
                "current": self.current, "words": self.words()}  # fmt: skip


def currency(view: View) -> Currency:
    """How current the user's picture is: a handful of indexed reads of batch and run times
    (no intelligence is read, so nothing is logged as consulted)."""
    conn, b = view.conn, t.batches.c
    loads = [
        aware(moment)
        for (moment,) in conn.execute(
            sa.select(b.finished_at).where(
                b.id.in_(known_batches(view).scalar_subquery()),
                b.status == "loaded",
                b.finished_at.is_not(None),
            )
        )
    ]
    r = t.resolution_runs.c
    run = conn.execute(
        sa.select(r.started_at, r.finished_at)
        .where(r.finished_at.is_not(None))
        .order_by(r.id.desc())
        .limit(1)
    ).first()
    analysis = latest_run(view)
    resolved_from = aware(run.started_at) if run else None
    resolved_at = aware(run.finished_at) if run else None
    analysed_from = aware(analysis.started_at) if analysis else None

    def since(start: datetime | None) -> int:
        return 0 if start is None else sum(1 for m in loads if m is not None and m > start)

    return Currency(
        loaded_at=max((m for m in loads if m is not None), default=None),
        resolved_at=resolved_at,
        analysed_at=aware(analysis.finished_at or analysis.started_at) if analysis else None,
        resolution_behind=since(resolved_from) if run else len(loads),
        analysis_behind=since(analysed_from) if analysis else 0,
        analysis_before_resolution=(
            resolved_at is not None and analysed_from is not None and resolved_at > analysed_from
        ),
    )
