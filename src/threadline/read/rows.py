"""What a View returns: plain, slotted values built only from records the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from threadline.model.grading import Grade
from threadline.model.marking import Marking
from threadline.model.protection import Protection, protection_of

__all__ = ["Entity", "Indicator", "Link", "Mention", "Record", "Statement"]


@dataclass(frozen=True, slots=True)
class Record:
    """One intelligence record with its grade, protection and provenance."""

    id: int
    agency: str
    """Code of the originating agency."""
    source: str
    record_key: str
    location: str
    grade: Grade
    marking: Marking
    original_marking: str | None
    retention_group: str
    review_date: date
    reported_on: date | None
    raw: dict[str, Any]
    warnings: list[Any]

    @property
    def protection(self) -> Protection:
        """Marking, handling and conditions, as anything derived from this record carries."""
        return protection_of(self.grade, self.marking)


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, premises, phone... as one record describes it."""

    id: str
    record_id: int
    schema: str
    slot: str
    role: str | None
    caption: str
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class Statement:
    """``record R says mention M has property P = V``: the unit of provenance."""

    id: int
    record_id: int
    mention_id: str
    schema: str
    prop: str
    value: str
    original_value: str
    kind: str
    origin: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved entity as the actor may see it: caption and protection from visible records.

    The stored caption is not used: it may have been drawn from a record the actor may not see.
    """

    id: str
    schema: str
    caption: str
    stale: bool
    records: tuple[int, ...]
    protection: Protection


@dataclass(frozen=True, slots=True)
class Link:
    """A link between two entities, with only the evidence the actor may see."""

    id: str
    schema: str
    source_id: str
    target_id: str
    start_date: str | None
    end_date: str | None
    evidence: tuple[int, ...]
    protection: Protection
    """Combined from the visible evidence only, so hidden evidence cannot show through."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A risk signal on an entity whose every evidence record the actor may see."""

    id: int
    entity_id: str
    name: str
    score: float
    reason: str
    evidence: tuple[int, ...]
    grade: str
