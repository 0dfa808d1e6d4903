"""MoPI retention: the review queue, recorded decisions, and erasure that leaves nothing behind.

A review decides to retain a record (the decision and its reason are kept, and the record's
next review moves on by its group's period from today) or to delete it. Deletion removes the
record and everything derived from it: its mentions and statements, its link evidence (and
links left with no evidence), indicators whose evidence names it, judgements on its mentions,
its retention reviews and case attachments, scored resolution pairs of its mentions, and
ranked entries citing it. Entities it contributed to are marked stale and their captions
redrawn from what remains; an entity with nothing left is removed; every analysis run is
marked stale, to be repeated. A tombstone (its source and a digest of its key) stops a later
export of the source from loading it again. Only the audit event remains, naming the record
by id with the reason: none of the deleted values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ValidationError
from threadline.model.protection import combine, stored_protection
from threadline.model.retention import parse_retention_group, review_date
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied
from threadline.security.policy import visible_record_ids
from threadline.store import tables as t
from threadline.store.derived import forget_derived
from threadline.store.erased import tombstone
from threadline.store.evidence_ids import evidence_records

__all__ = [
    "Disclosed",
    "Erased",
    "Erasure",
    "Retained",
    "erase_record",
    "erasures",
    "retain_record",
]


@dataclass(frozen=True, slots=True)
class Retained:
    """A decision to keep a record, and when it is next due."""

    record_id: int
    next_review: date


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure removed, as counts (the values themselves are gone)."""

    record_id: int
    mentions: int
    statements: int
    links: int
    indicators: int
    judgements: int
    entities_removed: int
    entities_stale: int
    analyses_stale: int = 0
    """Analysis runs marked stale: their rankings drew on what was erased, or may have."""


def _reviewable(conn: Connection, actor: Actor, record_id: int, action: str) -> Any:
    operation = "retention.review"
    if not visible_record_ids(conn, actor, [record_id]):
        raise AccessDenied(
            f"record {record_id} not found", action=action, operation=operation, records=[record_id]
        )
    row = conn.execute(sa.select(t.records).where(t.records.c.id == record_id)).one()
    if not actor.has(UserRole.SUPERVISOR) or int(row.agency_id) != actor.agency_id:
        raise AccessDenied(
            "permission denied: retention is decided by a supervisor of the record's agency",
            action=action,
            operation=operation,
            records=[record_id],
        )
    return row


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError("a retention decision needs a reason (MoPI: record the rationale)")
    return text


def retain_record(
    conn: Connection, actor: Actor, record_id: int, reason: str, *, today: date | None = None
) -> Retained:
    """Record a decision to retain; the next review falls one group period after `today`."""
    text = _reason(reason)
    row = _reviewable(conn, actor, record_id, "alteration")
    day = today or date.today()
    next_review = review_date(parse_retention_group(row.retention_group), day)
    conn.execute(
        sa.insert(t.retention_reviews).values(
            record_id=record_id,
            decision="retain",
            reason=text,
            reviewer_id=actor.user_id,
            reviewed_at=datetime.now(UTC),
            next_review=next_review,
        )
    )
    conn.execute(
        sa.update(t.records).where(t.records.c.id == record_id).values(review_date=next_review)
    )
    audit(
        conn,
        actor,
        "alteration",
        "retention.retain",
        records=[record_id],
        purpose=text,
        detail={"next_review": next_review.isoformat()},
    )
    return Retained(record_id, next_review)


def erase_record(conn: Connection, actor: Actor, record_id: int, reason: str) -> Erasure:
    """Delete a record, every version of it, and everything derived from them; audit it by
    id and reason only.

    A later export that changed a row loaded it as the next version of its record (an
    alteration), sharing the earlier version's mentions: erasing one version erases the row.
    """
    text = _reason(reason)
    record = _reviewable(conn, actor, record_id, "erasure")
    r = t.records.c
    versions = list(
        conn.execute(
            sa.select(r.id)
            .where(r.source_id == record.source_id, r.record_key == record.record_key)
            .order_by(r.version.desc())
        ).scalars()
    )
    m, st = t.mentions.c, t.statements.c
    mentioned = [str(i) for i in conn.execute(sa.select(m.id).where(m.record_id.in_(versions)))
                 .scalars()]  # fmt: skip
    said = conn.execute(
        sa.select(st.value, st.original_value).where(
            sa.or_(st.record_id.in_(versions), st.mention_id.in_(mentioned))
        )
    ).all()
    values = {str(v) for row in said for v in row if v}
    counts: Counter[str] = Counter()
    touched: set[str] = set()
    for version_id in versions:
        counts.update(_erase_one(conn, int(version_id), touched))
    runs = _stale_analyses(conn, record_id, versions)
    forget_derived(conn, versions, mentioned, f"record {record_id} was erased", values)
    tombstone(conn, int(record.source_id), str(record.record_key))
    removed, stale = _restate_entities(conn, touched)
    erasure = Erasure(
        record_id,
        counts["mentions"],
        counts["statements"],
        counts["links"],
        counts["indicators"],
        counts["judgements"],
        removed,
        stale,
        runs,
    )
    detail = {k: v for k, v in asdict(erasure).items() if k != "record_id"}
    audit(conn, actor, "erasure", "retention.delete", records=versions, purpose=text, detail=detail)
    return erasure


def _erase_one(conn: Connection, record_id: int, touched: set[str]) -> Counter[str]:
    """Delete one record and what is derived from it; add the entities it touched."""
    m, s = t.mentions.c, t.statements.c
    mentions = conn.execute(sa.select(m.id, m.entity_id).where(m.record_id == record_id)).all()
    mention_ids = [str(r.id) for r in mentions]
    touched.update(str(r.entity_id) for r in mentions if r.entity_id is not None)
    counts: Counter[str] = Counter(mentions=len(mention_ids))
    counts["statements"] = conn.execute(
        sa.delete(t.statements).where(
            sa.or_(s.record_id == record_id, s.mention_id.in_(mention_ids))
        )
    ).rowcount
    j = t.judgements.c
    counts["judgements"] = conn.execute(
        sa.delete(t.judgements).where(
            sa.or_(j.left_id.in_(mention_ids), j.right_id.in_(mention_ids))
        )
    ).rowcount
    counts["links"], link_entities = _erase_link_evidence(conn, record_id)
    touched |= link_entities
    counts["indicators"], indicator_entities = _erase_indicators(conn, record_id)
    touched |= indicator_entities
    pairs = t.resolution_pairs.c
    conn.execute(
        sa.delete(t.resolution_pairs).where(
            sa.or_(pairs.left_id.in_(mention_ids), pairs.right_id.in_(mention_ids))
        )
    )
    conn.execute(sa.delete(t.mentions).where(m.record_id == record_id))
    conn.execute(sa.delete(t.case_records).where(t.case_records.c.record_id == record_id))
    conn.execute(sa.delete(t.retention_reviews).where(t.retention_reviews.c.record_id == record_id))
    conn.execute(sa.delete(t.records).where(t.records.c.id == record_id))
    return counts


def _erase_link_evidence(conn: Connection, record_id: int) -> tuple[int, set[str]]:
    """Drop the record's link evidence, links left with none, and re-protect the rest."""
    ev, lk = t.link_evidence.c, t.links.c
    affected = conn.execute(
        sa.select(lk.id, lk.source_id, lk.target_id)
        .join(t.link_evidence, ev.link_id == lk.id)
        .where(ev.record_id == record_id)
    ).all()
    conn.execute(sa.delete(t.link_evidence).where(ev.record_id == record_id))
    entities = {str(e) for r in affected for e in (r.source_id, r.target_id)}
    removed = 0
    for link in affected:
        rows = conn.execute(
            sa.select(
                t.records.c.grading_scheme,
                t.records.c.source_evaluation,
                t.records.c.information_assessment,
                t.records.c.handling_code,
                t.records.c.handling_conditions,
                t.records.c.marking,
            )
            .join(t.link_evidence, ev.record_id == t.records.c.id)
            .where(ev.link_id == link.id)
        ).all()
        if not rows:
            conn.execute(sa.delete(t.links).where(lk.id == link.id))
            removed += 1
            continue
        protection = combine(stored_protection(*r) for r in rows)
        conn.execute(
            sa.update(t.links)
            .where(lk.id == link.id)
            .values(
                marking=protection.marking.value,
                handling_code=protection.handling,
                handling_conditions=list(protection.conditions),
            )
        )
    return removed, entities


def _erase_indicators(conn: Connection, record_id: int) -> tuple[int, set[str]]:
    """Delete indicators whose evidence names the record."""
    ind = t.indicators.c
    candidates = conn.execute(
        sa.select(ind.id, ind.entity_id, ind.evidence).where(
            sa.cast(ind.evidence, sa.Text).contains(str(record_id))
        )
    ).all()
    doomed = [r for r in candidates if record_id in evidence_records(r.evidence)]
    if doomed:
        conn.execute(sa.delete(t.indicators).where(ind.id.in_([int(r.id) for r in doomed])))
    return len(doomed), {str(r.entity_id) for r in doomed}


def _stale_analyses(conn: Connection, record_id: int, versions: list[int]) -> int:
    """Mark every analysis run stale, and drop the ranked entries that cite the record (any
    of its `versions`).

    A run's communities and scores were computed with the record in the graph, so none of
    them can be trusted to be what the remaining data says: each run is marked stale with
    the reason, to be repeated. Ranked entries citing the record go at once, as their
    reasons may quote its values.
    """
    p = t.priorities.c
    candidates = conn.execute(
        sa.select(p.id, p.evidence).where(
            sa.or_(*(sa.cast(p.evidence, sa.Text).contains(str(v)) for v in versions))
        )
    ).all()
    erased = set(versions)
    doomed = [int(r.id) for r in candidates if erased & set(evidence_records(r.evidence))]
    if doomed:
        conn.execute(sa.delete(t.priorities).where(p.id.in_(doomed)))
    runs = t.analysis_runs.c
    return int(
        conn.execute(
            sa.update(t.analysis_runs)
            .where(runs.stale_at.is_(None))
            .values(stale_at=datetime.now(UTC), stale_reason=f"record {record_id} was erased")
        ).rowcount
    )


def _restate_entities(conn: Connection, entity_ids: set[str]) -> tuple[int, int]:
    """Remove entities with no mention left; mark the rest stale with a caption redrawn."""
    removed = stale = 0
    m, e = t.mentions.c, t.entities.c
    for entity_id in sorted(entity_ids):
        captions = conn.execute(sa.select(m.caption).where(m.entity_id == entity_id)).scalars()
        remaining = list(captions)
        if not remaining:
            removed += conn.execute(sa.delete(t.entities).where(e.id == entity_id)).rowcount
            continue
        counted = Counter(c for c in remaining if c)
        caption = counted.most_common(1)[0][0] if counted else ""
        stale += conn.execute(
            sa.update(t.entities)
            .where(e.id == entity_id)
            .values(stale=True, caption=caption, updated_at=datetime.now(UTC))
        ).rowcount
    return removed, stale


@dataclass(frozen=True, slots=True)
class Disclosed:
    """An earlier disclosure (an export) that included a record since erased."""

    event_id: int
    occurred_at: str
    username: str
    operation: str
    recipients: str


@dataclass(frozen=True, slots=True)
class Erased:
    """One erasure, from the audit log, with the disclosures whose recipients to tell."""

    record_id: int
    erased_at: str
    username: str
    reason: str
    disclosures: tuple[Disclosed, ...]


def erasures(conn: Connection, actor: Actor, *, since: str = "") -> list[Erased]:
    """Records erased (since `since`, an ISO date or time), oldest first, each with the
    earlier disclosures that included it, so that their recipients can be told to delete
    their copies. Read from the audit log, which names records by id only; supervisors and
    administrators only, of the erasures their own agency's users made (the disclosures of
    those records by anyone), and the reading is itself audited.
    """
    if not actor.has(UserRole.SUPERVISOR, UserRole.ADMINISTRATOR):
        raise AccessDenied(
            "permission denied: the erasure register is for supervisors and administrators",
            action="consultation",
            operation="retention.erased",
        )
    ev = t.audit_events.c
    ordered = sa.select(t.audit_events).where(ev.seq.is_not(None)).order_by(ev.seq)
    erased = conn.execute(
        ordered.where(ev.action == "erasure", ev.operation == "retention.delete").where(
            ev.occurred_at >= since, ev.agency == actor.agency
        )
    ).all()
    wanted = {int(r) for row in erased for r in row.records}
    disclosed: dict[int, list[Disclosed]] = {}
    for row in conn.execute(ordered.where(ev.action == "disclosure", ev.outcome == "allowed")):
        for record_id in wanted.intersection(int(r) for r in row.records):
            disclosed.setdefault(record_id, []).append(
                Disclosed(int(row.id), row.occurred_at, row.username, row.operation, row.recipients)
            )
    out = [
        Erased(
            int(record_id),
            row.occurred_at,
            row.username,
            row.purpose,
            tuple(d for d in disclosed.get(int(record_id), []) if d.occurred_at <= row.occurred_at),
        )
        for row in erased
        for record_id in row.records
    ]
    audit(
        conn, actor, "consultation", "retention.erased", records=sorted(wanted),
        detail={"since": since, "count": len(out)},
    )  # fmt: skip
    return out
