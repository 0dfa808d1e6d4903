"""The API's answers as pydantic models: the library's dataclasses converted at the edge."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from threadline.model.protection import Protection
from threadline.read.profile import EntityProfile

__all__ = [
    "EntityOut",
    "FromLibrary",
    "IndicatorOut",
    "LinkedOut",
    "ProtectionOut",
    "ProvenanceOut",
    "ValueOut",
]


class ProtectionOut(BaseModel):
    """What an answer holds: its highest marking, most restrictive handling and conditions."""

    marking: str
    handling: str
    conditions: list[str]

    @classmethod
    def of(cls, protection: Protection) -> ProtectionOut:
        return cls(
            marking=protection.marking.value,
            handling=protection.handling,
            conditions=list(protection.conditions),
        )


class FromLibrary(BaseModel):
    """A model read from the library's dataclass of the same fields."""

    model_config = ConfigDict(from_attributes=True)


class ProvenanceOut(FromLibrary):
    record_id: int
    record_key: str
    agency: str
    source: str
    reported_on: date | None
    grade: str


class ValueOut(FromLibrary):
    prop: str
    value: str
    originals: list[str]
    sources: list[ProvenanceOut]


class LinkedOut(FromLibrary):
    link_id: str
    kind: str
    direction: str
    other_id: str
    other_caption: str
    other_schema: str
    start_date: str | None
    end_date: str | None
    evidence: list[int]


class IndicatorOut(FromLibrary):
    name: str
    score: float
    reason: str
    grade: str
    evidence: list[int]


class EntityOut(BaseModel):
    """An entity with every value's provenance, as one user may see it."""

    id: str
    kind: str
    caption: str
    stale: bool
    protection: ProtectionOut
    values: list[ValueOut]
    roles: dict[str, int]
    linked: list[LinkedOut]
    more_links: int
    indicators: list[IndicatorOut]
    records: list[int]

    @classmethod
    def of(cls, p: EntityProfile) -> EntityOut:
        return cls(
            id=p.entity.id,
            kind=p.entity.schema,
            caption=p.entity.caption,
            stale=p.entity.stale,
            protection=ProtectionOut.of(p.protection),
            values=[ValueOut.model_validate(v) for v in p.values],
            roles=dict(p.roles),
            linked=[LinkedOut.model_validate(link) for link in p.linked],
            more_links=p.more_links,
            indicators=[IndicatorOut.model_validate(i) for i in p.indicators],
            records=[r.id for r in p.timeline],
        )
