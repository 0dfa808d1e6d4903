"""Markings and how the protection of derived information combines, as case tables."""

from __future__ import annotations

import pytest

from threadline.errors import ValidationError
from threadline.model import (
    Marking,
    Protection,
    combine,
    grade_3x5x2,
    grade_5x5x5,
    parse_marking,
    protection_of,
)

OFF, OS = Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE

MARKINGS = [
    # as written, marking read, translated from GPMS
    ("OFFICIAL", OFF, False),
    ("official", OFF, False),
    ("OFFICIAL-SENSITIVE", OS, False),
    ("Official Sensitive", OS, False),
    ("OFFICIAL_SENSITIVE", OS, False),
    ("NOT PROTECTIVELY MARKED", OFF, True),
    ("PROTECT", OFF, True),
    ("RESTRICTED", OFF, True),
    ("CONFIDENTIAL", OS, True),
]


@pytest.mark.parametrize(("raw", "marking", "translated"), MARKINGS)
def test_markings(raw: str, marking: Marking, translated: bool) -> None:
    assert parse_marking(raw) == (marking, translated)


@pytest.mark.parametrize("raw", ["SECRET", "secret", "TOP SECRET", "Top-Secret", "SECRET UK EYES"])
def test_secret_and_above_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match=r"not accredited|accredited for OFFICIAL"):
        parse_marking(raw)


@pytest.mark.parametrize("raw", ["", "PUBLIC", "OFFICIAL-RESTRICTED"])
def test_unknown_markings_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_marking(raw)


def test_marking_order() -> None:
    assert OFF.rank < OS.rank


P_O = Protection(OFF, "P")
P_OS = Protection(OS, "P")
C_A = Protection(OFF, "C", ("A",))
C_B = Protection(OS, "C", ("B",))

COMBINATIONS = [
    # inputs, expected marking, handling, conditions
    ([], OFF, "P", ()),
    ([P_O], OFF, "P", ()),
    ([P_O, P_OS], OS, "P", ()),
    ([P_O, C_A], OFF, "C", ("A",)),
    ([C_A, C_B], OS, "C", ("A", "B")),
    ([C_B, C_A, C_A, P_O], OS, "C", ("A", "B")),
]


@pytest.mark.parametrize(("items", "marking", "handling", "conditions"), COMBINATIONS)
def test_combine(
    items: list[Protection], marking: Marking, handling: str, conditions: tuple[str, ...]
) -> None:
    assert combine(items) == Protection(marking, handling, conditions)
    assert combine(reversed(items)) == combine(items), "order must not matter"


def test_protection_of_records() -> None:
    assert protection_of(grade_3x5x2(1, "A", "P"), OFF) == P_O
    assert protection_of(grade_3x5x2(1, "A", "C", "no dissemination"), OS) == Protection(
        OS, "C", ("no dissemination",)
    )
    assert protection_of(grade_5x5x5("A", 1, 1), OFF) == P_O
    legacy = protection_of(grade_5x5x5("A", 1, 5), OFF)
    assert legacy.handling == "C"
    assert legacy.conditions[0].startswith("5x5x5 handling code 5")
