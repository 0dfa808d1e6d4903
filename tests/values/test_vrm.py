"""UK vehicle registrations: formats, canonical form, captions, look-alike comparison."""

from __future__ import annotations

import pytest

from threadline.values import Hints, VrmType, vrm_format

vrms = VrmType()
GB = Hints()

# raw, hints, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("AB12 CDE", GB, "AB12CDE", (), None),
    ("ab12cde", GB, "AB12CDE", (), None),
    ("LD-07-XYZ", GB, "LD07XYZ", (), None),
    ("A123 BCD", GB, "A123BCD", (), None),
    ("ABC 123D", GB, "ABC123D", (), None),
    ("ABC 123", GB, "ABC123", (), None),
    ("1 AB", GB, "1AB", (), None),
    ("AB1O CDE", GB, "AB10CDE", ("corrected",), "age identifier '10'"),
    ("QA12ABCD", GB, "QA12ABCD", ("raw",), "not a UK registration format"),
    ("B 123 ABCD", Hints(country="ro"), "B123ABCD", ("foreign",), None),
    ("AB12 CD!", GB, None, (), "only letters and digits"),
    ("unknown", GB, None, ("unknown",), "placeholder"),
]


@pytest.mark.parametrize(("raw", "hints", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(
    raw: str, hints: Hints, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = vrms.clean(raw, hints)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("value", "kind", "caption"),
    [
        ("AB12CDE", "current", "AB12 CDE"),
        ("A123BCD", "prefix", "A123 BCD"),
        ("ABC123D", "suffix", "ABC 123D"),
        ("ABC123", "dateless", "ABC 123"),
        ("1AB", "dateless", "1 AB"),
        ("QA12ABCD", None, "QA12ABCD"),
    ],
)
def test_format_and_caption(value: str, kind: str | None, caption: str) -> None:
    assert vrm_format(value) == kind
    assert vrms.caption(value) == caption


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("AB12CDE", "AB12CDE", 1.0, "same registration"),
        ("AB12CDE", "A812CDE", 0.9, "look-alike characters (0/O, 1/I, 5/S, 8/B)"),
        ("AB10CDE", "AB1OCDE", 0.9, "look-alike characters (0/O, 1/I, 5/S, 8/B)"),
        ("AB12CDE", "AB12CDF", 0.6, "one character differs"),
        ("AB12CDE", "XY34ZZZ", 0.0, "different registrations"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert vrms.compare_detail(left, right) == (score, detail)


def test_node_id() -> None:
    assert vrms.node_id("AB12CDE") == "vrm:AB12CDE"
