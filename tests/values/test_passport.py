"""Passports: number with issuing country, taken from the text or the mapping's hints."""

from __future__ import annotations

import pytest

from threadline.values import Hints, PassportType, split_passport

passports = PassportType()
GB = Hints()

# raw, hints, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("123 456 789", GB, "GBR:123456789", (), None),
    ("Passport No: 987654321", GB, "GBR:987654321", (), None),
    ("GBR 123456789", GB, "GBR:123456789", (), None),
    ("123456789 (GBR)", GB, "GBR:123456789", (), None),
    ("GB:123456789", GB, "GBR:123456789", (), None),
    ("Vietnamese passport C1234567", GB, "VNM:C1234567", (), None),
    ("Viet Nam C1234567", GB, "VNM:C1234567", (), None),
    ("Albania BA1234567", GB, "ALB:BA1234567", (), None),
    ("Romanian 12345678", GB, "ROU:12345678", (), None),
    ("C 1234567", Hints(country="vn"), "VNM:C1234567", (), None),
    # the default country is only applied to a number of that country's shape
    ("C1234567", GB, "C1234567", ("country_unknown",), None),
    ("GBR C1234567", GB, "GBR:C1234567", ("unusual_format",), "does not look like a GBR"),
    ("12", GB, "12", ("raw",), "not shaped like a passport number"),
    ("lost", GB, None, (), "no passport number"),
]


@pytest.mark.parametrize(("raw", "hints", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(
    raw: str, hints: Hints, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = passports.clean(raw, hints)
    assert (cleaned.original, cleaned.value, cleaned.flags) == (raw, value, flags)
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("GBR:123456789", "GBR:123456789", 1.0, "same passport"),
        ("GBR:123456789", "123456789", 0.9, "same number, issuing country missing in one"),
        ("GBR:123456789", "ROU:123456789", 0.2, "same number, different issuing countries"),
        ("VNM:C1234567", "VNM:C1234568", 0.5, "one character differs"),
        ("VNM:C1234567", "GBR:123456789", 0.0, "different passports"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert passports.compare_detail(left, right) == (score, detail)


def test_split_caption_node() -> None:
    assert split_passport("VNM:C1234567") == ("VNM", "C1234567")
    assert passports.caption("VNM:C1234567") == "C1234567 (VNM)"
    assert passports.caption("C1234567") == "C1234567"
    assert passports.node_id("VNM:C1234567") == "passport:VNM:C1234567"
