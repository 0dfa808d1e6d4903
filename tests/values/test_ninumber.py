"""National Insurance numbers: format and HMRC's allocation rules."""

from __future__ import annotations

import pytest

from threadline.values import NiNumberType

ni = NiNumberType()

# raw, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("AB123456C", "AB123456C", (), None),
    ("ab 12 34 56 c", "AB123456C", (), None),
    ("JG-10-37-59-B", "JG103759B", (), None),
    ("AB123456", "AB123456", ("no_suffix",), None),
    ("QQ 12 34 56 C", "QQ123456C", ("specimen",), None),
    ("BG123456A", "BG123456A", ("raw",), "prefix 'BG' is never issued"),
    ("GB123456A", "GB123456A", ("raw",), "prefix 'GB' is never issued"),
    ("TN 01 01 90 M", "TN010190M", ("raw",), "prefix 'TN' is never issued"),
    ("DA123456A", "DA123456A", ("raw",), "first letter 'D'"),
    ("AO123456A", "AO123456A", ("raw",), "second letter 'O'"),
    ("AB123456E", "AB123456E", ("raw",), "final letter 'E'"),
    ("AB12345", "AB12345", ("raw",), "not shaped like a National Insurance number"),
    ("AB-12-34-5!", None, (), "not a National Insurance number"),
]


@pytest.mark.parametrize(("raw", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(raw: str, value: str | None, flags: tuple[str, ...], problem: str | None) -> None:
    cleaned = ni.clean(raw)
    assert (cleaned.original, cleaned.value, cleaned.flags) == (raw, value, flags)
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("AB123456C", "AB123456C", 1.0, "same number"),
        ("AB123456C", "AB123456", 0.95, "same number, final letter missing or different"),
        ("AB123456C", "AB123457C", 0.5, "one character differs"),
        ("AB123456C", "JG103759B", 0.0, "different numbers"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert ni.compare_detail(left, right) == (score, detail)


def test_caption_and_node() -> None:
    assert ni.caption("AB123456C") == "AB 12 34 56 C"
    assert ni.caption("AB123456") == "AB 12 34 56"
    assert ni.node_id("AB123456C") == "ninumber:AB123456C"
