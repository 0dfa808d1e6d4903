"""A report as ingest's drafts: one record, its mentions and their statements.

The record is graded, marked and dated for review exactly as a loaded row (the same
``RecordDraft`` the batch writer writes). Each subject is a mention of its schema with its
role; each statement is a ``notes`` value marked fact or opinion on the subject it is about
(or on the report's text); the narrative is a Note whose identifiers are held as ingest holds
free text, except that those the author confirmed are facts without the ``unverified`` flag
and those rejected are not held; the people the narrative names, with the phones, vehicles,
accounts and addresses its sentences say they use, are mentions as in a loaded row's free
text; the date of the intelligence and its exploitation types are an Event, which timelines
and network profiles read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from threadline.ingest.capture.report import IntelligenceReport, Subject, clean_value
from threadline.ingest.convert import (
    EXTRACTED_PROPS,
    FORMULA_PREFIXES,
    MentionDraft,
    RecordDraft,
    StatementDraft,
    attributed,
)
from threadline.ingest.extract import Extraction, extract
from threadline.ingest.readers import flatten
from threadline.model import Role, review_date
from threadline.model.links import link_types
from threadline.values import DEFAULT_HINTS, parse_name

__all__ = [
    "CAPTURE_SOURCE",
    "LOCATION",
    "content_digest",
    "draft_record",
    "mention_prefix",
    "record_key",
]

CAPTURE_SOURCE = "capture"
"""The name of each agency's capture source (its kind), and the mapping name of its batches."""

LOCATION = "intelligence capture"
"""Where a captured record came from, as a loaded record names its file and row."""

_CAPTIONS = ("name", "full", "registrationNumber", "accountNumber", "iban", "number", "phone",
             "email", "username")  # fmt: skip


def content_digest(report: IntelligenceReport) -> str:
    """sha256 of the report as validated: the same report submitted twice is held once."""
    return hashlib.sha256(report.model_dump_json().encode()).hexdigest()


def record_key(report: IntelligenceReport, digest: str) -> str:
    """The record's key: the day of the report and its digest (``CAP-20261206-1a2b3c4d5e``)."""
    return f"CAP-{report.reported_at:%Y%m%d}-{digest[:10]}"


def mention_prefix(agency: str, key: str) -> str:
    """Mention ids of a captured record: ``{agency}/capture:{key}:{slot}``, as ingest names
    ``{agency}/{mapping}:{key}:{slot}``."""
    return f"{agency}/{CAPTURE_SOURCE}:{key}"


def _flags(flags: Sequence[str]) -> str:
    return json.dumps(list(flags), ensure_ascii=False, separators=(",", ":")) if flags else "[]"


def _caption(statements: Sequence[StatementDraft]) -> str:
    for prop in _CAPTIONS:
        for s in statements:
            if s.prop == prop:
                return s.value
    first = [s.value for s in statements if s.prop == "firstName"]
    last = [s.value for s in statements if s.prop == "lastName"]
    return " ".join(first[:1] + last[:1])


def _subject(
    report: IntelligenceReport,
    index: int,
    subject: Subject,
    prefix: str,
    carried: Sequence[StatementDraft],
) -> MentionDraft:
    schema = subject.schema_name
    statements: list[StatementDraft] = []
    for prop, values in subject.properties.items():
        for text in values:
            value, flags = clean_value(schema, prop, text)
            statements.append(StatementDraft(prop, value, text, flags=_flags(flags)))
            if (
                schema == "Person"
                and prop == "name"
                and not ({"firstName", "lastName"} & subject.properties.keys())
            ):
                parts = parse_name(text, hints=DEFAULT_HINTS)
                for part_prop, part in (("firstName", parts.given),
                                        ("middleName", " ".join(parts.middle) or None),
                                        ("lastName", parts.family)):  # fmt: skip
                    if part:
                        statements.append(StatementDraft(part_prop, part, text, origin="derived"))
    statements.extend(carried)
    for said in report.statements:
        if said.subject == index:
            statements.append(StatementDraft("notes", said.text, said.text, kind=said.kind.value))
    role = subject.role.value if subject.role is not None else None
    if role is None and schema == "Person":
        role = Role.UNKNOWN.value
    return MentionDraft(
        id=f"{prefix}:subject{index}",
        schema=schema,
        slot=f"subject{index}",
        role=role,
        statements=statements,
        caption=_caption(statements) or (subject.entity_id or ""),
    )


def _text(report: IntelligenceReport, prefix: str) -> list[MentionDraft]:
    """The report's own text: the narrative's identifiers and what it says as a whole, then
    the people the narrative names with what its sentences say each uses and is, read as
    ingest reads a loaded row's free text (:func:`threadline.ingest.convert.attributed`); an
    identifier the author rejected is neither held nor attributed."""
    statements: list[StatementDraft] = []
    attributions: list[MentionDraft] = []
    mention_id = f"{prefix}:text:narrative"
    if report.narrative.strip():
        statements.append(StatementDraft("description", "free text in narrative", "narrative"))
        decided = {(d.kind, d.start, d.end): d.confirmed for d in report.identifiers}
        kept: list[Extraction] = []
        refused: list[tuple[int, int]] = []
        for found in extract(report.narrative, DEFAULT_HINTS):
            confirmed = decided.get((found.kind, found.start, found.end))
            if confirmed is False:
                refused.append((found.start, found.end))
                continue
            kept.append(found)
            prop = EXTRACTED_PROPS.get(found.kind)
            if prop is None:
                continue
            flags = ("confirmed", *found.flags) if confirmed else ("unverified", *found.flags)
            statements.append(
                StatementDraft(prop, found.value or found.text, found.text, origin="extracted",
                               span_start=found.start, span_end=found.end, flags=_flags(flags))
            )  # fmt: skip
        attributions = attributed(
            mention_id, "narrative", report.narrative, kept, DEFAULT_HINTS, link_types(), refused
        )
    for said in report.statements:
        if said.subject is None:
            statements.append(StatementDraft("notes", said.text, said.text, kind=said.kind.value))
    if not statements:
        return []
    note = MentionDraft(id=mention_id, schema="Note", slot="text:narrative", role=None,
                        statements=statements, caption="Text of narrative")  # fmt: skip
    return [note, *attributions]


def _event(report: IntelligenceReport, prefix: str) -> MentionDraft:
    """When the intelligence was obtained, and the exploitation it concerns."""
    when = report.intelligence_at.isoformat()
    statements = [
        StatementDraft("name", "Intelligence report", "Intelligence report", origin="derived"),
        StatementDraft("date", when[:19], when),
    ]
    statements += [StatementDraft("keywords", e.value, e.value) for e in report.exploitation]
    return MentionDraft(id=f"{prefix}:intelligence", schema="Event", slot="intelligence",
                        role=None, statements=statements,
                        caption=f"Intelligence report {when[:10]}")  # fmt: skip


def draft_record(
    report: IntelligenceReport,
    key: str,
    carried: Mapping[int, Sequence[StatementDraft]] | None = None,
) -> RecordDraft:
    """The record a report makes under `key`; `carried` adds, by subject index, the values an
    existing entity is known by (see :mod:`threadline.ingest.capture.save`)."""
    prefix = mention_prefix(report.agency, key)
    carried = carried or {}
    mentions = [_subject(report, i, s, prefix, carried.get(i, ()))
                for i, s in enumerate(report.subjects)]  # fmt: skip
    text = _text(report, prefix)
    mentions += text[:1]
    mentions.append(_event(report, prefix))
    mentions += text[1:]
    raw = flatten(report.model_dump(mode="json", exclude_none=True))
    return RecordDraft(
        key=key,
        line=1,
        location=LOCATION,
        grading_scheme="3x5x2",
        source_evaluation=report.source_evaluation.value,
        information_assessment=report.intelligence_assessment.value,
        handling_code=report.handling_code.value,
        handling_conditions=list(report.handling_conditions),
        marking=report.marking.value,
        original_marking=None,
        retention_group=report.retention_group.value,
        review_date=review_date(report.retention_group, report.reported_on),
        reported_on=report.reported_on,
        raw=raw,
        warnings=[],
        flags=[f"formula-like:{k}" for k, v in raw.items() if v[:1] in FORMULA_PREFIXES],
        mentions=mentions,
    )
