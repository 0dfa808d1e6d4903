"""Reading what free text says people use and are: the links attribution made at ingest.

Each link is read from a record the View lets its actor see, and carries that record's grade
and marking: a link extracted from a restricted narrative is as restricted as the narrative.
The read is audited as a consultation of those records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from threadline.model.grading import Grade, stored_grade
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["KIND_OF_LINK", "AttributedLink", "attributed_links"]

KIND_OF_LINK = {
    "uses_vehicle": "vehicle",
    "holds_account": "account",
    "lives_at": "address",
    "associate": "associate",
    "recruited_by": "recruited_by",
}
"""What each link type a text states attributes, in the words of `AttributedLink.kind`."""


@dataclass(frozen=True, slots=True)
class AttributedLink:
    """Something one sentence says a person it names uses or is."""

    record_id: int
    mention_id: str
    """The person's mention (``{agency}/{source}:{key}:text:{column}:person{n}``)."""
    person: str
    """The person's name as the text writes it."""
    kind: str
    """``phone``, ``vehicle``, ``account``, ``address``, ``role``, ``associate`` or
    ``recruited_by``."""
    value: str
    """As cleaned (a phone number, a registration), a role word, or the other person's name."""
    written: str
    """As the text writes it."""
    sentence: str
    """The sentence that says so: the evidence."""
    grade: Grade
    marking: str


def attributed_links(view: View) -> list[AttributedLink]:
    """Every link attribution made in the free text of the records the actor may see, in
    record order."""
    m, s, r = t.mentions, t.statements, t.records
    query = (
        sa.select(m.c.id, m.c.record_id, m.c.schema, m.c.slot, m.c.caption, s.c.prop,
                  s.c.value, s.c.original_value.label("original"), s.c.span_start,
                  s.c.span_end)
        .join(s, s.c.mention_id == m.c.id)
        .join(r, r.c.id == m.c.record_id)
        .where(view.clause, m.c.slot.like("text:%"), m.c.schema != "Note")
        .order_by(m.c.record_id, m.c.id, s.c.id)
    )  # fmt: skip
    by_record: dict[int, dict[str, _Mention]] = defaultdict(dict)
    for row in view.conn.execute(query):
        mention = by_record[int(row.record_id)].setdefault(
            str(row.id), _Mention(str(row.schema), str(row.slot), str(row.caption))
        )
        mention.statements.append(row)
    if not by_record:
        return []
    grades = _grades(view, sorted(by_record))
    view.consulted("attributions", records=sorted(by_record))
    out: list[AttributedLink] = []
    for record_id, mentions in by_record.items():
        grade, marking = grades[record_id]
        for mention_id, mention in mentions.items():
            out.extend(_links(record_id, mention_id, mention, mentions, grade, marking))
    return out


@dataclass(slots=True)
class _Mention:
    schema: str
    slot: str
    caption: str
    statements: list[Any] = field(default_factory=list)

    def first(self, *props: str) -> Any | None:
        return next((row for row in self.statements if row.prop in props), None)

    def sentence(self, start: int | None) -> str:
        """The sentence (a ``description`` statement's span) that holds offset ``start``."""
        for row in self.statements:
            spans = row.span_start is not None and start is not None
            if row.prop == "description" and spans and row.span_start <= start < row.span_end:
                return str(row.value)
        described = self.first("description")
        return str(described.value) if described is not None else ""


def _links(
    record_id: int,
    mention_id: str,
    mention: _Mention,
    mentions: dict[str, _Mention],
    grade: Grade,
    marking: str,
) -> list[AttributedLink]:
    def link(person_id: str, kind: str, value: str, written: str, sentence: str) -> AttributedLink:
        person = mentions.get(person_id)
        named = person.first("name") if person is not None else None
        name = str(named.original) if named is not None else person_id
        return AttributedLink(record_id, person_id, name, kind, value, written, sentence, grade,
                              marking)  # fmt: skip

    out = []
    if mention.schema == "Person":
        for row in mention.statements:
            if row.prop == "phone":
                sentence = mention.sentence(row.span_start)
                out.append(link(mention_id, "phone", row.value, row.original, sentence))
            elif row.prop == "position":
                sentence = mention.sentence(row.span_start)
                out.append(link(mention_id, "role", row.value, row.value, sentence))
        return out
    link_type = mention.slot.split("-")[1] if "-" in mention.slot else ""
    kind = KIND_OF_LINK.get(link_type)
    if kind is None:
        return out
    ends = [str(row.value) for row in mention.statements[:2]]
    described = mention.first("description")
    target = mentions.get(ends[1]) if len(ends) == 2 else None
    if target is None or described is None:
        return out
    value = target.first("registrationNumber", "accountNumber", "iban", "full", "name")
    if value is None:
        return out
    written = str(value.original)
    out.append(link(ends[0], kind, str(value.value), written, str(described.value)))
    return out


def _grades(view: View, record_ids: list[int]) -> dict[int, tuple[Grade, str]]:
    r = t.records.c
    out: dict[int, tuple[Grade, str]] = {}
    for chunk in chunked(record_ids, 10_000):
        query = sa.select(r.id, r.grading_scheme, r.source_evaluation, r.information_assessment,
                          r.handling_code, r.handling_conditions, r.marking).where(
            r.id.in_(chunk), view.clause)  # fmt: skip
        for row in view.conn.execute(query):
            grade = stored_grade(row.grading_scheme, row.source_evaluation,
                                 row.information_assessment, row.handling_code,
                                 row.handling_conditions)  # fmt: skip
            out[int(row.id)] = (grade, str(row.marking))
    return out
