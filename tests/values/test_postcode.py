"""UK postcodes: canonical spacing, Royal Mail letter rules, partial and misread codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import Hints, PostcodeType, split_postcode

postcodes = PostcodeType()
GB = Hints()

# raw, hints, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("SW1A 1AA", GB, "SW1A 1AA", (), None),
    ("sw1a1aa", GB, "SW1A 1AA", (), None),
    ("EC1A-1BB", GB, "EC1A 1BB", (), None),
    ("W1A 0AX", GB, "W1A 0AX", (), None),
    ("M1 1AE", GB, "M1 1AE", (), None),
    ("B33 8TH", GB, "B33 8TH", (), None),
    ("CR2 6XH", GB, "CR2 6XH", (), None),
    ("DN55 1PT", GB, "DN55 1PT", (), None),
    ("BT1 1AA", GB, "BT1 1AA", (), None),
    ("GIR 0AA", GB, "GIR 0AA", (), None),
    ("M1 OAB", GB, "M1 0AB", ("corrected",), "read 'O' as a digit"),
    ("SW1A", GB, "SW1A", ("partial",), "outward code only"),
    ("QA1 1AA", GB, "QA11AA", ("raw",), "not a valid UK postcode"),
    ("SW1A 1AC", GB, "SW1A1AC", ("raw",), "not a valid UK postcode"),
    ("75001", Hints(country="fr"), "75001", ("foreign",), None),
    ("N/K", GB, None, ("unknown",), "placeholder"),
]


@pytest.mark.parametrize(("raw", "hints", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(
    raw: str, hints: Hints, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = postcodes.clean(raw, hints)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("value", "parts"),
    [("SW1A 1AA", ("SW1A", "1AA")), ("M1 1AE", ("M1", "1AE")), ("SW1A", ("SW1A", None))],
)
def test_split_postcode(value: str, parts: tuple[str, str | None]) -> None:
    assert split_postcode(value) == parts


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("SW1A 1AA", "SW1A 1AA", 1.0, "same postcode"),
        ("SW1A 1AA", "SW1A 1AB", 0.7, "same sector"),
        ("SW1A 1AA", "SW1A 2AB", 0.4, "same district"),
        ("SW1A", "SW1A 2AB", 0.6, "same district (one postcode partial)"),
        ("SW1A 1AA", "SW2 1AA", 0.1, "same postcode area"),
        ("SW1A 1AA", "M1 1AE", 0.0, "different postcodes"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert postcodes.compare_detail(left, right) == (score, detail)


def test_postcodes_are_features_not_nodes() -> None:
    assert postcodes.node_id("SW1A 1AA") is None


# The shortcut for full postcodes must give exactly what the checks in order give.


@settings(max_examples=400, deadline=None)
@given(
    raw=st.from_regex(
        r"[A-Za-z]{1,2}[0-9OIL][0-9A-Za-z]?[ .\-]{0,2}[0-9OIL][A-Za-z]{2}", fullmatch=True
    ),
    hints=st.sampled_from([GB, Hints(country="fr")]),
)
def test_fast_path_gives_the_reference_answer(raw: str, hints: Hints) -> None:
    assert postcodes.clean(raw, hints) == postcodes._clean_slow(raw, hints)


@settings(max_examples=200, deadline=None)
@given(raw=st.text(max_size=12))
def test_fast_path_on_any_text(raw: str) -> None:
    assert postcodes.clean(raw) == postcodes._clean_slow(raw)
