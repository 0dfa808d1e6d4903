"""An entity as the workbench shows it: every value with the record behind it.

`entity_profile` gathers, from what the acting user may see, an entity's names, dates of birth,
identifiers and addresses, each with the agency, record, date and grade it came from; its roles;
the records in date order (a timeline); its linked entities; its risk indicators and reasons;
and the mentions resolution joined into it. Everything comes through the View, so nothing the
user may not see is in it, and the reads are audited as consultations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from threadline.model.protection import Protection
from threadline.read.rows import Entity, Indicator, Record
from threadline.read.view import View

__all__ = ["EntityProfile", "Linked", "Provenance", "Value", "entity_profile"]

LINKED_LIMIT = 200
"""Most linked entities listed on one page: a hub (a hotline, a busy address) links to
thousands, and the chart is the place to explore those."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a value came from: a record the user may see."""

    record_id: int
    record_key: str
    agency: str
    source: str
    reported_on: date | None
    grade: str
    """The grade as the record was given it (legacy codes as given)."""


@dataclass(frozen=True, slots=True)
class Value:
    """One value held about the entity, as cleaned and as the agency wrote it, with every
    record that states it."""

    prop: str
    value: str
    originals: tuple[str, ...]
    sources: tuple[Provenance, ...]


@dataclass(frozen=True, slots=True)
class Linked:
    """A link to another entity, with the evidence the user may see."""

    link_id: str
    kind: str
    direction: str
    """"out" when this entity is the link's source, "in" when it is the target."""
    other_id: str
    other_caption: str
    other_schema: str
    start_date: str | None
    end_date: str | None
    evidence: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """Everything about one entity that one user may see."""

    entity: Entity
    values: tuple[Value, ...]
    roles: tuple[tuple[str, int], ...]
    """Each role the records give the entity, with how many records give it."""
    timeline: tuple[Record, ...]
    """The records mentioning the entity, oldest first (undated last)."""
    linked: tuple[Linked, ...]
    more_links: int
    """Links beyond `LINKED_LIMIT`, not listed."""
    indicators: tuple[Indicator, ...]
    mentions: tuple[tuple[str, str, str], ...]
    """Each mention joined into the entity: (mention id, caption as written, record key)."""
    protection: Protection = field(repr=False)
    """What the profile holds: the highest marking and most restrictive handling of it."""


def _grade(record: Record) -> str:
    return record.grade.shown


def entity_profile(view: View, entity_id: str) -> EntityProfile | None:
    """The entity as far as the user may see it, or None (exactly as for no such entity)."""
    entity = view.entity(entity_id)
    if entity is None:
        return None
    records = {r.id: r for r in view.records(ids=entity.records)}
    provenance = {
        rid: Provenance(rid, r.record_key, r.agency, r.source, r.reported_on, _grade(r))
        for rid, r in records.items()
    }
    grouped: dict[tuple[str, str], tuple[list[str], dict[int, Provenance]]] = {}
    for statement in view.values(entity_id):
        if statement.record_id not in provenance:
            continue
        originals, sources = grouped.setdefault((statement.prop, statement.value), ([], {}))
        if statement.original_value and statement.original_value not in originals:
            originals.append(statement.original_value)
        sources[statement.record_id] = provenance[statement.record_id]
    values = tuple(
        Value(prop, value, tuple(originals), tuple(sources.values()))
        for (prop, value), (originals, sources) in grouped.items()
    )
    mentions = [m for m in view.mentions(entity_id) if m.record_id in records]
    roles = Counter(m.role for m in mentions if m.role)
    linked, more = _linked(view, entity_id)
    timeline = sorted(records.values(), key=lambda r: (r.reported_on is None, r.reported_on, r.id))
    return EntityProfile(
        entity=entity,
        values=values,
        roles=tuple(roles.most_common()),
        timeline=tuple(timeline),
        linked=linked,
        more_links=more,
        indicators=tuple(view.indicators(entity_id)),
        mentions=tuple((m.id, m.caption, records[m.record_id].record_key) for m in mentions),
        protection=entity.protection,
    )


def _linked(view: View, entity_id: str) -> tuple[tuple[Linked, ...], int]:
    links = view.links(entity_id)
    shown = links[:LINKED_LIMIT]
    out = []
    for link in shown:
        outgoing = link.source_id == entity_id
        other_id = link.target_id if outgoing else link.source_id
        other = view.entity(other_id)
        if other is None:  # the other end rests only on records the user may not see
            continue
        out.append(
            Linked(
                link_id=link.id,
                kind=link.schema,
                direction="out" if outgoing else "in",
                other_id=other_id,
                other_caption=other.caption,
                other_schema=other.schema,
                start_date=link.start_date,
                end_date=link.end_date,
                evidence=link.evidence,
            )
        )
    return tuple(out), max(0, len(links) - len(shown))
