"""Reading one record as the agency wrote it: its text, grade, protection and provenance.

A record is named by its id or by its reference (the key its source gives it, "SGR0000001");
a reference held in more than one version names the latest version the user may see (the
others are listed), and one held by more than one source the latest loaded. A record the
user may not see is answered exactly as one that does not exist (None), and both are
audited as a denied consultation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from threadline.model.grading import Grade, stored_grade
from threadline.model.protection import Protection, stored_protection
from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["RecordMention", "RecordStatement", "RecordView", "show_record"]

TEXT_SLOT = "text:"
"""Slot prefix of the mention a record's free text makes: ``text:<column>``."""


@dataclass(frozen=True, slots=True)
class RecordStatement:
    """One value the record states about one of its mentions."""

    mention_id: str
    schema: str
    prop: str
    value: str
    """As cleaned at ingest."""
    original: str
    """As the agency wrote it."""
    kind: str
    """"fact" or "opinion"."""
    origin: str
    """"structured" (a column), "extracted" (found in the text) or "derived"."""


@dataclass(frozen=True, slots=True)
class RecordMention:
    """A person, place, thing or link the record describes, and what it resolved to."""

    id: str
    schema: str
    slot: str
    """Where in the record it comes from (the mapping's entity name)."""
    role: str | None
    caption: str
    """As this record gives it."""
    entity_id: str | None
    """The entity resolution joined it to (None for a link, or before resolution)."""
    entity_kind: str | None


@dataclass(frozen=True, slots=True)
class RecordView:
    """One record as the agency wrote it, with everything needed to weigh it."""

    id: int
    key: str
    """The record's reference in its source."""
    version: int
    """1, or the later version a changed export made."""
    agency: str
    """Code of the originating agency."""
    agency_name: str
    source: str
    """The source (the agency's system or file) it came from."""
    system: str
    grade: Grade
    """As given: a legacy 5x5x5 grade stays legacy (``grade.code`` "B24")."""
    grade_words: str
    """The grade in words (``Grade.describe``)."""
    handling_conditions: tuple[str, ...]
    marking: str
    original_marking: str | None
    """The marking as the source wrote it, when it was mapped to another."""
    protection: Protection
    """What any output showing the record holds."""
    reported_on: date | None
    review_date: date
    """The MoPI review date."""
    retention_group: str
    file_name: str
    """Provenance: the file (or delivery) it was loaded from..."""
    location: str
    """...the row or place in that file..."""
    batch_id: int
    """...the load that wrote it..."""
    mapping: str
    """...the mapping (name and version) that read it..."""
    loaded_at: datetime | None
    """...and when."""
    narrative: tuple[tuple[str, str], ...]
    """The free text the record holds: (column, text) for each text column."""
    raw: dict[str, Any]
    """Every column of the row, exactly as the agency wrote it."""
    warnings: tuple[str, ...]
    """What ingest could not read cleanly."""
    mentions: tuple[RecordMention, ...]
    statements: tuple[RecordStatement, ...]
    versions: tuple[int, ...]
    """Ids of every visible version of the record in its source (this one included)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the protection first."""
        return {
            "protection": self.protection.as_dict(),
            "id": self.id,
            "key": self.key,
            "version": self.version,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "source": self.source,
            "system": self.system,
            "grade": {
                "scheme": self.grade.scheme,
                "code": self.grade.code,
                "source": self.grade.source,
                "information": self.grade.information,
                "handling": self.grade.handling,
                "words": self.grade_words,
            },
            "handling_conditions": list(self.handling_conditions),
            "marking": self.marking,
            "original_marking": self.original_marking,
            "reported_on": self.reported_on.isoformat() if self.reported_on else None,
            "review_date": self.review_date.isoformat(),
            "retention_group": self.retention_group,
            "provenance": {
                "agency": self.agency,
                "source": self.source,
                "file": self.file_name,
                "row": self.location,
                "batch": self.batch_id,
                "mapping": self.mapping,
                "loaded_at": self.loaded_at.isoformat() if self.loaded_at else None,
            },
            "narrative": [{"column": c, "text": x} for c, x in self.narrative],
            "raw": self.raw,
            "warnings": list(self.warnings),
            "mentions": [
                {
                    "id": m.id,
                    "schema": m.schema,
                    "slot": m.slot,
                    "role": m.role,
                    "caption": m.caption,
                    "entity_id": m.entity_id,
                    "entity_kind": m.entity_kind,
                }
                for m in self.mentions
            ],
            "statements": [
                {
                    "mention_id": s.mention_id,
                    "schema": s.schema,
                    "prop": s.prop,
                    "value": s.value,
                    "original": s.original,
                    "kind": s.kind,
                    "origin": s.origin,
                }
                for s in self.statements
            ],
            "versions": list(self.versions),
        }


def _candidates(view: View, key: str | int) -> list[Any]:
    """Visible records named by `key` (an id, or a reference), latest version first."""
    r, b = t.records, t.batches
    query = (
        sa.select(
            r,
            t.agencies.c.code.label("agency_code"),
            t.agencies.c.name.label("agency_name"),
            t.sources.c.name.label("source_name"),
            t.sources.c.system.label("source_system"),
            b.c.file_name,
            b.c.mapping_name,
            b.c.mapping_version,
        )
        .join(t.agencies, t.agencies.c.id == r.c.agency_id)
        .join(t.sources, t.sources.c.id == r.c.source_id)
        .join(b, b.c.id == r.c.batch_id)
        .where(view.clause)
    )
    text = str(key).strip()
    named = r.c.record_key == text
    if text.isdigit() and len(text) < 19:
        named = sa.or_(r.c.id == int(text), named)
    rows: list[Any] = list(view.conn.execute(query.where(named)).all())
    if text.isdigit():  # an id names that record, before any reference of the same digits
        rows.sort(key=lambda row: row.id != int(text))
        if rows and rows[0].id == int(text):
            return rows[:1] + [row for row in rows[1:] if row.record_key == rows[0].record_key]
    return sorted(rows, key=lambda row: (-int(row.version), -int(row.id)))


def _parts(view: View, record_id: int) -> tuple[list[Any], list[Any]]:
    m, s = t.mentions, t.statements
    mentions = view.conn.execute(
        sa.select(m, t.entities.c.schema.label("entity_kind"))
        .outerjoin(t.entities, t.entities.c.id == m.c.entity_id)
        .where(m.c.record_id == record_id)
        .order_by(m.c.id)
    ).all()
    statements = view.conn.execute(
        sa.select(s).where(s.c.record_id == record_id).order_by(s.c.mention_id, s.c.id)
    ).all()
    return list(mentions), list(statements)


def _narrative(raw: dict[str, Any], mentions: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    # The Note of each text column (the people a text names have slots below it).
    columns = [
        str(m.slot)[len(TEXT_SLOT) :]
        for m in mentions
        if str(m.slot).startswith(TEXT_SLOT) and m.schema == "Note"
    ]
    return tuple((column, str(raw[column])) for column in dict.fromkeys(columns) if raw.get(column))


def show_record(view: View, key: str | int) -> RecordView | None:
    """The record `key` names (its id, or its reference) as the agency wrote it, or None when
    there is none the user may see (see the module docstring). Audited as a consultation."""
    rows = _candidates(view, key)
    if not rows:
        view.consulted("record.show", outcome="denied")
        return None
    row = rows[0]
    versions = tuple(
        sorted(
            int(r.id)
            for r in rows
            if (r.record_key, r.source_id) == (row.record_key, row.source_id)
        )
    )
    mentions, statements = _parts(view, int(row.id))
    raw = dict(row.raw or {})
    grade = stored_grade(
        row.grading_scheme,
        row.source_evaluation,
        row.information_assessment,
        row.handling_code,
        row.handling_conditions,
    )
    entities = sorted({str(m.entity_id) for m in mentions if m.entity_id is not None})
    view.consulted("record.show", records=[int(row.id)], entities=entities)
    return RecordView(
        id=int(row.id),
        key=str(row.record_key),
        version=int(row.version),
        agency=str(row.agency_code),
        agency_name=str(row.agency_name),
        source=str(row.source_name),
        system=str(row.source_system or ""),
        grade=grade,
        grade_words=grade.describe(),
        handling_conditions=grade.handling_conditions,
        marking=str(row.marking),
        original_marking=row.original_marking,
        protection=stored_protection(
            row.grading_scheme,
            row.source_evaluation,
            row.information_assessment,
            row.handling_code,
            row.handling_conditions,
            row.marking,
        ),
        reported_on=row.reported_on,
        review_date=row.review_date,
        retention_group=str(row.retention_group),
        file_name=str(row.file_name),
        location=str(row.location),
        batch_id=int(row.batch_id),
        mapping=f"{row.mapping_name} {row.mapping_version}",
        loaded_at=row.created_at,
        narrative=_narrative(raw, mentions),
        raw=raw,
        warnings=tuple(str(w) for w in row.warnings or ()),
        mentions=tuple(
            RecordMention(
                str(m.id),
                str(m.schema),
                str(m.slot),
                m.role,
                str(m.caption),
                m.entity_id,
                m.entity_kind,
            )
            for m in mentions
        ),
        statements=tuple(
            RecordStatement(
                str(s.mention_id),
                str(s.schema),
                str(s.prop),
                str(s.value),
                str(s.original_value),
                str(s.kind),
                str(s.origin),
            )
            for s in statements
        ),
        versions=versions,
    )
