"""Reading stored analysis for a user: their runs, and rankings scoped to what they may see.

A stored ranking was computed over one user's view. Read back by anyone, an entry appears only
when the reader may see every record of its evidence; the entries shown are ranked 1, 2, ...
among themselves (a gap would tell that something outranks them), and each is captioned from
the mentions the reader may see, never from the entity's stored caption. A run stores one
ranking across every exploitation type and one for each type its findings are about
(``TYPOLOGIES`` names the types a reader may ask for).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from threadline.model.roles import ExploitationType
from threadline.read.captions import entity_captions
from threadline.read.view import View
from threadline.risk.prioritise import Kind, Priority
from threadline.store import tables as t

__all__ = ["TYPOLOGIES", "RunInfo", "latest_run", "stored_priorities"]

TYPOLOGIES = tuple(e.value for e in ExploitationType if e is not ExploitationType.UNKNOWN)
"""The exploitation types a ranking may be asked for (NRM categories)."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A stored run."""

    id: str
    started_at: datetime
    finished_at: datetime | None
    scope: str
    weights_digest: str
    params: Mapping[str, Any]
    counts: Mapping[str, Any]


def latest_run(view: View) -> RunInfo | None:
    """The reader's most recent finished run that is not stale (an erasure since made it
    stale: see `threadline.security.retention`), or None. Runs over other users' views are
    theirs: their counts describe what those users may see."""
    r = t.analysis_runs.c
    query = sa.select(t.analysis_runs).where(
        r.finished_at.is_not(None), r.stale_at.is_(None), r.scope == view.actor.username
    )
    row = view.conn.execute(query.order_by(r.started_at.desc(), r.id.desc()).limit(1)).first()
    if row is None:
        return None
    return RunInfo(row.id, row.started_at, row.finished_at, row.scope, row.weights_digest,
                   dict(row.params), dict(row.counts))  # fmt: skip


def stored_priorities(
    view: View, run_id: str, kind: Kind, *, top: int | None = None, typology: str | None = None
) -> list[Priority]:
    """A stored ranking as the reader may see it (see the module docstring): the one across
    every exploitation type, or the one for `typology` (empty when the run ranked nothing
    for that type)."""
    p = t.priorities.c
    lens = p.typology.is_(None) if typology is None else p.typology == typology
    rows = view.conn.execute(
        sa.select(t.priorities).where(p.run_id == run_id, p.kind == kind, lens).order_by(p.rank)
    ).all()
    evidence = {int(row.id): tuple(int(r) for r in row.evidence) for row in rows}
    visible = view.visible(set().union(*evidence.values()) if evidence else set())
    kept = [row for row in rows if evidence[int(row.id)] and set(evidence[int(row.id)]) <= visible]
    if top is not None:
        kept = kept[:top]
    captions = entity_captions(view, [str(row.entity_id) for row in kept])
    return [
        Priority(
            rank=rank,
            entity_id=str(row.entity_id),
            node=str(row.entity_id),
            caption=captions.get(str(row.entity_id), str(row.entity_id)),
            kind=kind,
            score=float(row.score),
            reasons=tuple(row.reasons),
            indicators=tuple(row.indicators),
            agencies=tuple(row.agencies),
            evidence=evidence[int(row.id)],
            grade=str(row.grade),
        )
        for rank, row in enumerate(kept, start=1)
    ]
