"""MoPI retention groups and review dates (domain-standards.md §4.1).

The structure (three groups, review periods) is well established; exact wording under the 2023
Code of Practice should be confirmed with users. Review periods here are the defaults a
deployment starts from: group 1 reviewed every 10 years, group 2 after a 10-year clear period,
group 3 and records about victims, witnesses and others after a 6-year clear period.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from threadline.errors import ValidationError

__all__ = ["RetentionGroup", "parse_retention_group", "review_date"]


class RetentionGroup(StrEnum):
    """MoPI retention group of a record."""

    PUBLIC_PROTECTION = "1"
    SERIOUS = "2"
    OTHER_OFFENCES = "3"
    NON_OFFENDER = "other"

    @property
    def review_years(self) -> int:
        """Years from the start of the clear period to the next review."""
        return 10 if self in (RetentionGroup.PUBLIC_PROTECTION, RetentionGroup.SERIOUS) else 6

    @property
    def label(self) -> str:
        """The group's name in MoPI terms."""
        return _LABELS[self]


_LABELS = {
    RetentionGroup.PUBLIC_PROTECTION: "Group 1: certain public protection matters",
    RetentionGroup.SERIOUS: "Group 2: other sexual, violent or serious offences",
    RetentionGroup.OTHER_OFFENCES: "Group 3: all other offences",
    RetentionGroup.NON_OFFENDER: "Victims, witnesses and other records",
}


def parse_retention_group(raw: str | int | None) -> RetentionGroup:
    """Read a retention group: 1, 2, 3, 'group 2', or 'other'.

    >>> parse_retention_group("Group 2"), parse_retention_group(None)
    (<RetentionGroup.SERIOUS: '2'>, <RetentionGroup.OTHER_OFFENCES: '3'>)
    """
    if raw is None or str(raw).strip() == "":
        return RetentionGroup.OTHER_OFFENCES
    text = str(raw).strip().lower().removeprefix("group").strip()
    for group in RetentionGroup:
        if text == group.value:
            return group
    raise ValidationError(f"unknown MoPI retention group {raw!r}: expected 1, 2, 3 or other")


def review_date(group: RetentionGroup, clear_from: date) -> date:
    """The date a record in `group` falls due for review, counting from `clear_from`.

    >>> review_date(RetentionGroup.OTHER_OFFENCES, date(2020, 2, 29))
    datetime.date(2026, 2, 28)
    >>> review_date(RetentionGroup.PUBLIC_PROTECTION, date(2024, 5, 1))
    datetime.date(2034, 5, 1)
    """
    year = clear_from.year + group.review_years
    try:
        return clear_from.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return date(year, 2, 28)
