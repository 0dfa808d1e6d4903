"""Subject access (DPA 2018 s45): everything held about an entity, for a disclosure decision.

The export is read through the actor's View, so it holds what the actor's agency may see:
each record says which agency holds it, so items from partners can be referred to them for
their own decision (each agency is its own controller). The export is audited as a
disclosure, with recipients and purpose; the reads that built it as consultations.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.model.protection import combine
from threadline.read.rows import Record
from threadline.read.view import View
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied
from threadline.security.locking import utc_stamp
from threadline.store import tables as t

__all__ = ["DEFAULT_PURPOSE", "DEFAULT_RECIPIENTS", "FORMAT", "subject_access"]

FORMAT = "threadline-subject-access/1"
DEFAULT_PURPOSE = "subject access request (DPA 2018 s45)"
DEFAULT_RECIPIENTS = "disclosure decision maker"


def _record(record: Record) -> dict[str, Any]:
    grade = record.grade
    return {
        "id": record.id,
        "agency": record.agency,
        "source": record.source,
        "record_key": record.record_key,
        "location": record.location,
        "grade": {
            "scheme": grade.scheme,
            "code": grade.code,
            "source": grade.source,
            "information": grade.information,
            "handling": grade.handling,
            "conditions": list(grade.handling_conditions),
            "description": grade.describe(),
        },
        "marking": record.marking.value,
        "original_marking": record.original_marking,
        "retention_group": record.retention_group,
        "review_date": record.review_date.isoformat(),
        "reported_on": None if record.reported_on is None else record.reported_on.isoformat(),
        "raw": record.raw,
        "warnings": record.warnings,
    }


def subject_access(
    conn: Connection,
    actor: Actor,
    entity_id: str,
    *,
    purpose: str = DEFAULT_PURPOSE,
    recipients: str = DEFAULT_RECIPIENTS,
) -> dict[str, Any]:
    """The subject access document for `entity_id`, as JSON-ready data; audited.

    Raises AccessDenied ("not found") when the actor may see nothing about the entity.
    """
    if not actor.has(UserRole.ANALYST, UserRole.SUPERVISOR):
        raise AccessDenied(
            "permission denied: subject access exports need the analyst or supervisor role",
            action="disclosure",
            operation="subject_access",
            entities=[entity_id],
        )
    view = View(conn, actor, purpose=purpose)
    entity = view.entity(entity_id)
    if entity is None:
        raise AccessDenied(
            f"entity {entity_id!r} not found",
            action="disclosure",
            operation="subject_access",
            entities=[entity_id],
        )
    records = view.records(ids=entity.records)
    values = view.values(entity_id)
    by_mention: dict[str, list[dict[str, Any]]] = {}
    for st in values:
        by_mention.setdefault(st.mention_id, []).append(
            {
                "record_id": st.record_id,
                "schema": st.schema,
                "prop": st.prop,
                "value": st.value,
                "original_value": st.original_value,
                "kind": st.kind,
                "origin": st.origin,
            }
        )
    mentions = [
        {
            "id": m.id,
            "record_id": m.record_id,
            "schema": m.schema,
            "role": m.role,
            "caption": m.caption,
            "statements": by_mention.get(m.id, []),
        }
        for m in view.mentions(entity_id)
    ]
    codes = sorted({r.agency for r in records})
    agencies = dict(
        conn.execute(
            sa.select(t.agencies.c.code, t.agencies.c.name).where(t.agencies.c.code.in_(codes))
        ).all()
    )
    protection = combine(r.protection for r in records)
    document = {
        "format": FORMAT,
        "generated_at": utc_stamp(),
        "generated_by": {"username": actor.username, "agency": actor.agency},
        "purpose": purpose,
        "recipients": recipients,
        "protection": {
            "marking": protection.marking.value,
            "handling": protection.handling,
            "conditions": list(protection.conditions),
        },
        "entity": {
            "id": entity.id,
            "schema": entity.schema,
            "caption": entity.caption,
            "stale": entity.stale,
        },
        "agencies": agencies,
        "records": [_record(r) for r in records],
        "mentions": mentions,
    }
    audit(
        conn,
        actor,
        "disclosure",
        "subject_access",
        records=[r.id for r in records],
        entities=[entity_id],
        purpose=purpose,
        recipients=recipients,
        detail={"records": len(records), "mentions": len(mentions)},
    )
    return document
