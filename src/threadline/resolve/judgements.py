"""Analysts' judgements: recorded and withdrawn, never overwritten, always audited.

A judgement is a decision on a pair of mentions (same, different or unsure) that beats the
model in every later run (:func:`active_judgements` are those a run applies). The commands
check first, through the user's View, that the user may see both mentions; these functions
write and audit.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError
from threadline.resolve.results import Judgement
from threadline.security.actors import Actor
from threadline.security.audit import audit
from threadline.store import tables as t

__all__ = [
    "VERDICTS",
    "active_judgements",
    "active_pair",
    "record_judgement",
    "withdraw_judgement",
]

VERDICTS = ("same", "different", "unsure")
"""What an analyst may say of two mentions."""


def record_judgement(
    conn: Connection, actor: Actor, left: str, right: str, verdict: str, reason: str
) -> int:
    """Store a judgement on two mentions (kept in sorted order) and audit it; its id."""
    if verdict not in VERDICTS:
        raise ThreadlineError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if left == right:
        raise ThreadlineError("a judgement needs two different mentions")
    a, b = sorted((left, right))
    judgement_id = int(
        conn.execute(
            sa.insert(t.judgements)
            .values(left_id=a, right_id=b, verdict=verdict, reason=reason, user_id=actor.user_id)
            .returning(t.judgements.c.id)
        ).scalar_one()
    )
    audit(conn, actor, "combination", f"resolve.judge.{verdict}", purpose=reason,
          detail={"judgement": judgement_id, "left": a, "right": b})  # fmt: skip
    return judgement_id


def active_pair(conn: Connection, judgement_id: int) -> tuple[str, str] | None:
    """The two mentions of an active judgement, or None (withdrawn or never made)."""
    j = t.judgements.c
    row = conn.execute(
        sa.select(j.left_id, j.right_id).where(j.id == judgement_id, j.deleted_at.is_(None))
    ).first()
    return None if row is None else (str(row.left_id), str(row.right_id))


def withdraw_judgement(conn: Connection, actor: Actor, judgement_id: int, reason: str) -> None:
    """Mark a judgement withdrawn by `actor` (kept, never erased) and audit it."""
    conn.execute(
        sa.update(t.judgements)
        .where(t.judgements.c.id == judgement_id)
        .values(deleted_at=datetime.now(UTC), deleted_by=actor.user_id)
    )
    audit(conn, actor, "combination", "resolve.undo", purpose=reason,
          detail={"judgement": judgement_id})  # fmt: skip


def active_judgements(conn: Connection) -> list[Judgement]:
    """Every judgement not withdrawn, oldest first (a later one on the same pair wins)."""
    query = (
        sa.select(t.judgements.c.left_id, t.judgements.c.right_id, t.judgements.c.verdict)
        .where(t.judgements.c.deleted_at.is_(None))
        .order_by(t.judgements.c.id)
    )
    latest: dict[tuple[str, str], Judgement] = {}
    for left, right, verdict in conn.execute(query):
        pair = (min(left, right), max(left, right))
        latest[pair] = Judgement(pair[0], pair[1], verdict)
    return list(latest.values())
