"""Reading the audit log for a user: each event without the records and entities they may not
see.

The log names records and entities by id. A supervisor reading their staff's events sees the
ids of records the staff could see; those the supervisor may not see (another agency's
restricted material, OFFICIAL-SENSITIVE without clearance) are left out of what is shown,
without a mark (a count of what was left out would itself say something). The event's detail
is shown as written: it holds operation parameters, never intelligence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sqlalchemy as sa

from threadline.read.view import View
from threadline.security.audit import AuditEvent, find_events
from threadline.security.errors import AccessDenied
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["audit_events", "redacted"]


def redacted(view: View, events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """`events` with only the records and entities the viewer may see."""
    records = view.visible({r for e in events for r in e.records})
    named = sorted({e for event in events for e in event.entities})
    m = t.mentions.c
    entities: set[str] = set()
    for chunk in chunked(named, 2000):
        query = (
            sa.select(m.entity_id)
            .distinct()
            .join(t.records, t.records.c.id == m.record_id)
            .where(m.entity_id.in_(chunk), view.clause)
        )
        entities.update(str(e) for e in view.conn.execute(query).scalars())
    out = []
    for event in events:
        kept_records = [r for r in event.records if r in records]
        kept_entities = [e for e in event.entities if e in entities]
        # Without a mark or a count of what was left out (see the module docstring).
        out.append(dataclasses.replace(event, records=kept_records, entities=kept_entities))
    return out


def audit_events(
    view: View,
    *,
    username: str | None = None,
    entity: str | None = None,
    record: int | None = None,
    since: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Audit events the reader may see, latest last: supervisors and administrators see their
    agency's users' events (filtered by user, entity, record or time), others their own only;
    each event without the records and entities the reader may not see. The read is audited."""
    actor = view.actor
    if not actor.has("supervisor", "administrator"):
        if entity is not None or record is not None or username not in (None, actor.username):
            raise AccessDenied(
                "permission denied: you may see your own audit events only",
                action="consultation",
                operation="audit.show",
            )
        username = actor.username
    events = redacted(
        view,
        find_events(view.conn, username=username, agency=actor.agency, entity=entity,
                    record=record, since=since, limit=limit),
    )  # fmt: skip
    view.consulted(
        "audit.show",
        records={r for event in events for r in event.records},
        entities=[entity] if entity else [],
        detail={"user": username, "record": record, "since": since, "count": len(events)},
    )
    return events
