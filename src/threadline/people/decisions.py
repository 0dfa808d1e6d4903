"""Analysts' decisions on people's assessments: recorded and withdrawn, never overwritten,
always audited.

The command checks first, through the user's View, that the user is shown the person (they
may see evidence for the assessment); these functions write and audit. See
`threadline.read.assessments` for reading them back.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError
from threadline.security.actors import Actor
from threadline.security.audit import audit
from threadline.store import tables as t

__all__ = ["DECISIONS", "SIDES", "record_decision", "withdraw_decision"]

DECISIONS = ("confirmed", "dismissed")
SIDES = ("victim", "suspect")


def record_decision(
    conn: Connection, actor: Actor, entity_id: str, side: str, decision: str, reason: str
) -> int:
    """Store a decision on a person's assessment and audit it; its id."""
    if side not in SIDES:
        raise ThreadlineError(f"side {side!r} is not one of {', '.join(SIDES)}")
    if decision not in DECISIONS:
        raise ThreadlineError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise ThreadlineError("a decision needs a reason")
    decision_id = int(
        conn.execute(
            sa.insert(t.person_assessments)
            .values(entity_id=entity_id, side=side, decision=decision, reason=reason.strip(),
                    user_id=actor.user_id, agency_id=actor.agency_id)
            .returning(t.person_assessments.c.id)
        ).scalar_one()
    )  # fmt: skip
    audit(conn, actor, "alteration", f"people.{decision.removesuffix('ed')}", entities=[entity_id],
          purpose=reason, detail={"decision": decision_id, "side": side})  # fmt: skip
    return decision_id


def withdraw_decision(conn: Connection, actor: Actor, decision_id: int) -> None:
    """Withdraw an active decision of the actor's agency (kept, marked withdrawn); audited."""
    a = t.person_assessments.c
    row = conn.execute(
        sa.select(a.entity_id).where(
            a.id == decision_id, a.deleted_at.is_(None), a.agency_id == actor.agency_id
        )
    ).first()
    if row is None:
        raise ThreadlineError(f"no active decision {decision_id} of your agency")
    conn.execute(
        sa.update(t.person_assessments)
        .where(a.id == decision_id)
        .values(deleted_at=datetime.now(UTC), deleted_by=actor.user_id)
    )
    audit(conn, actor, "alteration", "people.withdraw", entities=[str(row.entity_id)],
          detail={"decision": decision_id})  # fmt: skip
