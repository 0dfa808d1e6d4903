"""How protected a piece of information is: marking plus handling, and how they combine.

Anything derived from several records (a resolved entity, a link, an indicator, a report)
carries the highest marking of its evidence, the most restrictive handling and the union of
every handling condition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from threadline.model.grading import LEGACY_HANDLING_LABELS, SCHEME_3X5X2, Grade, stored_grade
from threadline.model.marking import Marking

__all__ = ["Protection", "combine", "protection_of", "stored_protection"]


@dataclass(frozen=True, slots=True)
class Protection:
    """Marking and handling of a record or of something derived from records."""

    marking: Marking = Marking.OFFICIAL
    handling: str = "P"
    """Derived handling is 3x5x2 P or C; legacy handling 2-5 counts as C."""
    conditions: tuple[str, ...] = ()
    """Sorted, de-duplicated handling conditions; legacy codes appear as a condition."""

    def words(self) -> str:
        """One line to head an output: marking, handling and every condition.

        >>> Protection(Marking.OFFICIAL_SENSITIVE, "C", ("no dissemination",)).words()
        'OFFICIAL-SENSITIVE, handling C: no dissemination'
        """
        text = f"{self.marking.value}, handling {self.handling}"
        return f"{text}: {'; '.join(self.conditions)}" if self.conditions else text

    def as_dict(self) -> dict[str, object]:
        """For JSON: ``{"marking": ..., "handling": ..., "conditions": [...]}``."""
        return {
            "marking": self.marking.value,
            "handling": self.handling,
            "conditions": list(self.conditions),
        }


def protection_of(grade: Grade, marking: Marking) -> Protection:
    """The protection of a single graded record.

    >>> from threadline.model.grading import grade_5x5x5
    >>> protection_of(grade_5x5x5("B", 2, 4), Marking.OFFICIAL).conditions
    ('5x5x5 handling code 4: Disseminate only within the originating agency',)
    """
    if grade.scheme == SCHEME_3X5X2:
        return Protection(marking, grade.handling, tuple(sorted(set(grade.handling_conditions))))
    if grade.handling == "1":
        return Protection(marking, "P", ())

    label = LEGACY_HANDLING_LABELS[grade.handling]
    return Protection(marking, "C", (f"5x5x5 handling code {grade.handling}: {label}",))


def stored_protection(
    scheme: str, source: str, information: str, handling: str, conditions: object, marking: str
) -> Protection:
    """The protection of a record from its stored columns.

    >>> stored_protection("3x5x2", "1", "A", "C", ["no dissemination"], "OFFICIAL").handling
    'C'
    """
    return protection_of(
        stored_grade(scheme, source, information, handling, conditions), Marking(marking)
    )


def combine(items: Iterable[Protection]) -> Protection:
    """Highest marking, most restrictive handling and union of conditions.

    With nothing to combine, the least protected default is returned.

    >>> a = Protection(Marking.OFFICIAL, "P")
    >>> b = Protection(Marking.OFFICIAL_SENSITIVE, "C", ("no dissemination",))
    >>> c = combine([a, b])
    >>> c.marking.value, c.handling, c.conditions
    ('OFFICIAL-SENSITIVE', 'C', ('no dissemination',))
    """
    marking = Marking.OFFICIAL
    handling = "P"
    conditions: set[str] = set()
    for item in items:
        if item.marking.rank > marking.rank:
            marking = item.marking
        if item.handling == "C":
            handling = "C"
        conditions.update(item.conditions)
    return Protection(marking, handling, tuple(sorted(conditions)))
