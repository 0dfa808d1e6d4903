"""Analysts' decisions on people's assessments, read for a user: their own agency's only.

A decision (confirmed or dismissed, with a reason) is an analyst's note on an assessment that
Threadline computed from what that analyst could see; another agency's users may not see the
same material, so they are shown only their own agency's decisions. Withdrawn ones are kept
(never overwritten) and not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["Decision", "active_decisions", "decision_by_id"]


@dataclass(frozen=True, slots=True)
class Decision:
    """An analyst's decision on a person's assessment."""

    id: int
    entity_id: str
    side: str
    decision: str
    """``confirmed`` or ``dismissed``."""
    reason: str
    username: str
    at: datetime


def _query() -> sa.Select[Any]:
    a = t.person_assessments.c
    return (
        sa.select(a.id, a.entity_id, a.side, a.decision, a.reason, t.users.c.username,
                  a.created_at)
        .join(t.users, t.users.c.id == a.user_id)
        .where(a.deleted_at.is_(None))
    )  # fmt: skip


def _decision(row: Any) -> Decision:
    return Decision(int(row.id), str(row.entity_id), str(row.side), str(row.decision),
                    str(row.reason), str(row.username), row.created_at)  # fmt: skip


def active_decisions(view: View, entity_ids: Iterable[str]) -> dict[tuple[str, str], Decision]:
    """The latest active decision of the reader's agency on each (entity, side)."""
    a = t.person_assessments.c
    wanted = sorted(set(entity_ids))
    out: dict[tuple[str, str], Decision] = {}
    for chunk in chunked(wanted, 2000):
        query = _query().where(a.entity_id.in_(chunk), a.agency_id == view.actor.agency_id)
        for row in view.conn.execute(query.order_by(a.created_at, a.id)):
            found = _decision(row)
            out[(found.entity_id, found.side)] = found
    return out


def decision_by_id(view: View, decision_id: int) -> Decision | None:
    """An active decision of the reader's agency, or None."""
    a = t.person_assessments.c
    query = _query().where(a.id == decision_id, a.agency_id == view.actor.agency_id)
    row = view.conn.execute(query).first()
    return _decision(row) if row is not None else None
