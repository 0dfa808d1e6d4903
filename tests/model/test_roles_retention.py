"""Data-subject roles, exploitation types and MoPI review dates, as case tables."""

from __future__ import annotations

from datetime import date

import pytest

from threadline.errors import ValidationError
from threadline.model import (
    ExploitationType,
    RetentionGroup,
    Role,
    parse_exploitation,
    parse_retention_group,
    parse_role,
    review_date,
)

ROLES = [
    ("Victim", Role.VICTIM),
    ("PV", Role.POTENTIAL_VICTIM),
    ("potential-victim", Role.POTENTIAL_VICTIM),
    ("SUSPECT", Role.SUSPECT),
    ("offender", Role.SUSPECT),
    ("Witness", Role.WITNESS),
    ("associate", Role.ASSOCIATE),
    ("reporting person", Role.REPORTING_PERSON),
    ("caller", Role.REPORTING_PERSON),
    ("", Role.UNKNOWN),
    (None, Role.UNKNOWN),
]


@pytest.mark.parametrize(("raw", "role"), ROLES)
def test_roles(raw: str | None, role: Role) -> None:
    assert parse_role(raw) is role


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown data-subject role 'boss'"):
        parse_role("boss")


def test_victims() -> None:
    assert Role.POTENTIAL_VICTIM.is_victim and Role.VICTIM.is_victim
    assert not Role.SUSPECT.is_victim


EXPLOITATION = [
    ("Labour exploitation", ExploitationType.LABOUR),
    ("Sexual exploitation", ExploitationType.SEXUAL),
    ("Criminal exploitation (county lines)", ExploitationType.CRIMINAL),
    ("Domestic servitude", ExploitationType.DOMESTIC_SERVITUDE),
    ("Organ harvesting", ExploitationType.ORGAN_HARVESTING),
    ("Not specified or unknown", ExploitationType.UNKNOWN),
]


@pytest.mark.parametrize(("raw", "kind"), EXPLOITATION)
def test_exploitation_types(raw: str, kind: ExploitationType) -> None:
    assert parse_exploitation(raw) is kind


REVIEWS = [
    # group as written, clear from, review due
    ("1", date(2024, 5, 1), date(2034, 5, 1)),
    ("Group 2", date(2020, 1, 31), date(2030, 1, 31)),
    ("3", date(2020, 2, 29), date(2026, 2, 28)),
    (None, date(2021, 7, 4), date(2027, 7, 4)),
    ("other", date(2021, 7, 4), date(2027, 7, 4)),
]


@pytest.mark.parametrize(("raw", "start", "due"), REVIEWS)
def test_review_dates(raw: str | None, start: date, due: date) -> None:
    assert review_date(parse_retention_group(raw), start) == due


def test_unknown_retention_group() -> None:
    with pytest.raises(ValidationError, match="retention group"):
        parse_retention_group("7")
    assert RetentionGroup.SERIOUS.label.startswith("Group 2")
