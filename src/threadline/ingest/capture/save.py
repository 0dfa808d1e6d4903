"""Saving a report: its own batch of the agency's capture source, written as ingest writes.

A captured report is a batch of one record in the originating agency's ``capture`` source,
so rollback (``threadline batches rollback``), retention review and erasure, resolution and
the read path treat it as any load. The author must belong to the agency or hold its
delivery right (as for a load), hold the analyst or supervisor role, and be cleared for the
marking they give. An existing entity named as a subject must be one the author may see
through their View (refused otherwise with the words used for one that does not exist): a
person is joined to it by a "same" judgement with one of its mentions the author may see;
anything else carries the identifiers the entity is known by, from records whose protection
is no looser than the report's, so that resolution by rule joins it. The capture is audited
as a collection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from followthemoney import model as ftm
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError
from threadline.ingest.batches import may_load, write_records
from threadline.ingest.capture.drafts import (
    CAPTURE_SOURCE,
    content_digest,
    draft_record,
    mention_prefix,
    record_key,
)
from threadline.ingest.capture.report import IntelligenceReport, Subject, SubjectKind
from threadline.ingest.convert import StatementDraft
from threadline.model import Marking, Protection, combine, grade_3x5x2, protection_of
from threadline.read.view import View
from threadline.resolve.judgements import record_judgement
from threadline.security.actors import Actor
from threadline.security.audit import audit, transaction
from threadline.security.authorise import WRITE_ROLES
from threadline.security.conditions import apply_rules
from threadline.security.errors import AccessDenied, NotFound
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.erased import erased_keys
from threadline.tracking.check import check_batch

__all__ = ["CAPTURE_VERSION", "CaptureError", "CapturedRecord", "capture", "capture_with"]

CAPTURE_VERSION = "1"
"""The version of the capture form's reading of a report, kept as its batch's mapping version."""

KEY_PROPS: dict[str, tuple[str, ...]] = {
    "Vehicle": ("registrationNumber",),
    "BankAccount": ("accountNumber", "iban"),
    "Address": ("full", "postalCode", "uprn"),
    "Company": ("name", "registrationNumber", "taxNumber"),
    "Organization": ("name", "registrationNumber", "taxNumber"),
    "LegalEntity": ("name", "registrationNumber", "taxNumber"),
    "UserAccount": ("phone", "email", "username"),
}
"""What an existing non-person entity is known by: the values resolution groups it on, and
the value nodes the graph meets it at."""

OPERATION = "capture"


class CaptureError(ThreadlineError):
    """A report was refused; nothing was written. The message names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True, slots=True)
class CapturedRecord:
    """What a capture wrote (or found already held)."""

    record_id: int
    record_key: str
    batch_id: int
    agency: str
    grade: str
    """The 3x5x2 code, e.g. ``2BC``."""
    protection: Protection
    """The record's marking and handling (what any output showing it holds)."""
    review_date: date
    """When the record falls due for MoPI review."""
    mentions: tuple[str, ...] = ()
    """The record's mention ids: subjects (``...:subject0``...), its text and its event."""
    entities: tuple[str, ...] = ()
    """The existing entities the report named, checked through the author's View."""
    judgements: tuple[int, ...] = ()
    """The "same" judgements joining person subjects to the existing people named."""
    already_held: bool = False
    """The same report was captured before: nothing new was written."""
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """For JSON: every field, the protection as ``{"marking", "handling", "conditions"}``."""
        out = {name: getattr(self, name) for name in self.__slots__}
        out["protection"] = self.protection.as_dict()
        out["review_date"] = self.review_date.isoformat()
        for name in ("mentions", "entities", "judgements", "warnings"):
            out[name] = list(out[name])
        return out


def capture(
    store: Store, actor: Actor, report: IntelligenceReport, *, purpose: str = ""
) -> CapturedRecord:
    """Save `report` as `actor`, in a transaction of its own (refusals still audited). The
    same report submitted twice at once (a double click) is written once: the second finds
    the first's record when its own write collides with it."""
    try:
        with transaction(store, actor) as conn:
            return capture_with(View(conn, actor, purpose=purpose), report)
    except sa.exc.IntegrityError:
        with transaction(store, actor) as conn:
            return capture_with(View(conn, actor, purpose=purpose), report)


def capture_with(view: View, report: IntelligenceReport) -> CapturedRecord:
    """Save `report` as the View's actor within the View's transaction (see the module)."""
    conn, actor = view.conn, view.actor
    if not actor.has(*WRITE_ROLES):
        raise AccessDenied("permission denied: capture needs the analyst or supervisor role",
                           action="collection", operation=OPERATION)  # fmt: skip
    if report.marking is Marking.OFFICIAL_SENSITIVE and not actor.os_cleared:
        raise AccessDenied(
            "marking: permission denied: you are not cleared for OFFICIAL-SENSITIVE material",
            action="collection", operation=OPERATION,
        )  # fmt: skip
    try:
        agency_id, loader = may_load(conn, actor.user_id, report.agency)
    except AccessDenied as denied:
        raise AccessDenied(f"agency: {denied}", action="collection",
                           operation=OPERATION) from None  # fmt: skip
    digest = content_digest(report)
    key = record_key(report, digest)
    source_id = _ensure_source(conn, agency_id)
    held = _held(conn, source_id, key)
    if held is not None:
        audit(conn, actor, "collection", OPERATION, records=[held.record_id],
              detail={"batch": held.batch_id, "record": key, "already_held": True})  # fmt: skip
        return held
    mine = protection_of(_grade(report), report.marking)
    entities, carried, joins = _existing(view, report, mine)
    batch_id = int(
        conn.execute(
            sa.insert(t.batches)
            .values(source_id=source_id, agency_id=agency_id, user_id=actor.user_id,
                    loaded_by_agency_id=loader, file_name=f"capture {key}",
                    content_hash=digest, mapping_name=CAPTURE_SOURCE,
                    mapping_version=CAPTURE_VERSION, status="loading", counts={},
                    started_at=datetime.now(UTC))
            .returning(t.batches.c.id)
        ).scalar_one()
    )  # fmt: skip
    draft = draft_record(report, key, carried)
    [record_id] = write_records(conn, [draft], batch_id, agency_id, source_id)
    apply_rules(conn, t.records.c.id == record_id, {})
    counts: dict[str, int] = {}
    for mention in draft.mentions:
        counts[mention.schema] = counts.get(mention.schema, 0) + 1
    conn.execute(
        sa.update(t.batches).where(t.batches.c.id == batch_id)
        .values(status="loaded", rows_read=1, records_written=1, counts=counts,
                finished_at=datetime.now(UTC))
    )  # fmt: skip
    prefix = mention_prefix(report.agency, key)
    judged = tuple(
        record_judgement(conn, actor, f"{prefix}:subject{index}", mention, "same",
                         f"captured report {key} names entity {entity}")
        for index, (entity, mention) in sorted(joins.items())
    )  # fmt: skip
    audit(conn, actor, "collection", OPERATION, records=[record_id], entities=entities,
          detail={"batch": batch_id, "record": key, "agency": report.agency,
                  "subjects": len(report.subjects), "judgements": list(judged)})  # fmt: skip
    check_batch(conn, batch_id)
    return CapturedRecord(
        record_id=record_id, record_key=key, batch_id=batch_id, agency=report.agency,
        grade=_grade(report).code, protection=mine, review_date=draft.review_date,
        mentions=tuple(m.id for m in draft.mentions), entities=tuple(entities),
        judgements=judged,
    )  # fmt: skip


def _grade(report: IntelligenceReport) -> Any:
    return grade_3x5x2(report.source_evaluation.value, report.intelligence_assessment.value,
                       report.handling_code.value, report.handling_conditions)  # fmt: skip


def _ensure_source(conn: Connection, agency_id: int) -> int:
    """The agency's capture source, made on its first capture."""
    s = t.sources.c
    query = sa.select(s.id).where(s.agency_id == agency_id, s.name == CAPTURE_SOURCE)
    found = conn.execute(query).scalar()
    if found is not None:
        return int(found)
    return int(
        conn.execute(
            sa.insert(t.sources)
            .values(agency_id=agency_id, name=CAPTURE_SOURCE,
                    system="Threadline intelligence capture", format=CAPTURE_SOURCE)
            .returning(t.sources.c.id)
        ).scalar_one()
    )  # fmt: skip


def _held(conn: Connection, source_id: int, key: str) -> CapturedRecord | None:
    """The record an earlier capture of the same report wrote; CaptureError when it was
    erased at retention review (it is not captured again, as an erased row is not loaded
    again)."""
    r = t.records.c
    row = conn.execute(
        sa.select(t.records, t.agencies.c.code.label("agency_code"))
        .join(t.agencies, t.agencies.c.id == r.agency_id)
        .where(r.source_id == source_id, r.record_key == key)
        .order_by(r.version.desc())
        .limit(1)
    ).first()
    if row is None:
        if erased_keys(conn, source_id, [key]):
            raise CaptureError("report", "this report was captured before and its record "
                               "erased at retention review: it is not captured again")  # fmt: skip
        return None
    grade = grade_3x5x2(row.source_evaluation, row.information_assessment, row.handling_code,
                        list(row.handling_conditions or []))  # fmt: skip
    mentions = conn.execute(
        sa.select(t.mentions.c.id).where(t.mentions.c.record_id == row.id).order_by(t.mentions.c.id)
    ).scalars()
    return CapturedRecord(
        record_id=int(row.id), record_key=key, batch_id=int(row.batch_id),
        agency=str(row.agency_code), grade=grade.code,
        protection=protection_of(grade, Marking(row.marking)), review_date=row.review_date,
        mentions=tuple(str(m) for m in mentions), already_held=True,
    )  # fmt: skip


def _compatible(subject: Subject, schema: str) -> bool:
    mine, theirs = ftm.get(subject.schema_name), ftm.get(schema)
    if mine is None or theirs is None:
        return False
    if subject.kind is SubjectKind.BUSINESS:
        return theirs.is_a("LegalEntity") and not theirs.is_a("Person")
    return theirs.is_a(mine) or mine.is_a(theirs)


def _existing(
    view: View, report: IntelligenceReport, mine: Protection
) -> tuple[list[str], dict[int, list[StatementDraft]], dict[int, tuple[str, str]]]:
    """The existing entities the report names, checked through the View: their ids, the
    values each non-person subject carries, and for each person subject (by index) the
    entity and the mention of it a judgement joins it to."""
    entities: list[str] = []
    carried: dict[int, list[StatementDraft]] = {}
    joins: dict[int, tuple[str, str]] = {}
    for index, subject in enumerate(report.subjects):
        entity_id = subject.entity_id
        if entity_id is None:
            continue
        where = f"subjects.{index}.entity_id"
        entity = view.entity(entity_id)
        if entity is None:
            raise NotFound(f"{where}: no entity or value matches {entity_id!r}")
        if not _compatible(subject, entity.schema):
            raise CaptureError(where, f"{entity_id!r} is a {entity.schema}, not a "
                               f"{subject.kind.value}")  # fmt: skip
        entities.append(entity_id)
        if subject.schema_name == "Person":
            mention = next((m.id for m in view.mentions(entity_id) if m.schema == "Person"), None)
            if mention is None:  # the entity is visible through a person mention: not reached
                raise NotFound(f"{where}: no entity or value matches {entity_id!r}")
            joins[index] = (entity_id, mention)
            continue
        carried[index] = _known_by(view, subject, entity_id, mine)
        if not carried[index] and not (set(KEY_PROPS.get(subject.schema_name, ()))
                                       & subject.properties.keys()):  # fmt: skip
            names = ", ".join(KEY_PROPS.get(subject.schema_name, ("name",)))
            raise CaptureError(
                f"subjects.{index}.properties",
                f"state the {names} of {entity_id!r} yourself: what you may see of it is held "
                "under a marking or handling this report does not carry",
            )
    return entities, carried, joins


def _known_by(
    view: View, subject: Subject, entity_id: str, mine: Protection
) -> list[StatementDraft]:
    """The values an existing entity is known by that the report may carry: from records the
    author may see whose marking and handling the report's already cover (a value read
    under conditions never leaves them through a report shared more widely)."""
    wanted = KEY_PROPS.get(subject.schema_name, ())
    stated = subject.properties.keys()
    found: dict[tuple[str, str], None] = {}
    cover: dict[int, bool] = {}
    for value in view.values(entity_id):
        if value.prop not in wanted or value.prop in stated:
            continue
        if value.record_id not in cover:
            theirs = view.protection([value.record_id])
            cover[value.record_id] = combine([mine, theirs]) == mine
        if cover[value.record_id]:
            found.setdefault((value.prop, value.value), None)
    return [
        StatementDraft(prop, value, f"entity {entity_id}", origin="derived",
                       flags='["from_entity"]')
        for prop, value in found
    ]  # fmt: skip
