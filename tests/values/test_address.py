"""Addresses: one cleaned line, parts, building and premises keys, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import AddressType, address_key, parse_address

addresses = AddressType()

# raw, cleaned, postcode, flat, number, street
PARTS_CASES = [
    (
        "FLAT 2, 10 HIGH ST, LONDON, sw1a 1aa",
        "Flat 2, 10 High St, London, SW1A 1AA",
        "SW1A 1AA",
        "2",
        "10",
        "High Street",
    ),
    (
        "10 high st\nLONDON\nsw1a1aa",
        "10 High St, London, SW1A 1AA",
        "SW1A 1AA",
        None,
        "10",
        "High Street",
    ),
    ("10A High Street", "10A High Street", None, "A", "10", "High Street"),
    (
        "12-14 Mill Lane, Luton LU1 2AB",
        "12-14 Mill Lane, Luton LU1 2AB",
        "LU1 2AB",
        None,
        "12-14",
        "Mill Lane",
    ),
    (
        "Apt 3B 22 Acacia Ave, Leicester",
        "Apt 3B 22 Acacia Ave, Leicester",
        None,
        "3B",
        "22",
        "Acacia Avenue",
    ),
    ("flat 2 10 high rd london", "Flat 2 10 High Rd London", None, "2", "10", "High Road"),
    # Police and council records write flat 2 of number 14 as "2/14".
    ("2/14 Mill Ln, Leeds", "2/14 Mill Ln, Leeds", None, "2", "14", "Mill Lane"),
    (
        "Rose Cottage, St John's Rd, Bath",
        "Rose Cottage, St John's Rd, Bath",
        None,
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(("raw", "cleaned", "postcode", "flat", "number", "street"), PARTS_CASES)
def test_parse_address(
    raw: str,
    cleaned: str,
    postcode: str | None,
    flat: str | None,
    number: str | None,
    street: str | None,
) -> None:
    parts = parse_address(raw)
    assert (parts.cleaned, parts.postcode, parts.flat, parts.number, parts.street) == (
        cleaned,
        postcode,
        flat,
        number,
        street,
    )


# raw, building key, premises key (with the flat)
KEY_CASES = [
    ("Flat 2, 10 High St", "10 high street", "10 high street flat 2"),
    ("10A High Street", "10 high street", "10 high street flat a"),
    ("10 High Rd, Luton LU1 2AB", "10 high road", "10 high road"),
    ("22 Acacia Ave.", "22 acacia avenue", "22 acacia avenue"),
    ("Rose Cottage, St John's Rd, Bath", "rose cottage saint johns road bath", None),
    ("Unit 5, Trade Park, Leeds LS1 1AA", "trade park leeds", "trade park leeds flat 5"),
    ("2/14 Mill Ln", "14 mill lane", "14 mill lane flat 2"),
    ("Unit 1, Acorn Bus Pk", "acorn business park", "acorn business park flat 1"),
    ("Unit 2, Acorn Trad Est", "acorn trading estate", "acorn trading estate flat 2"),
    ("12 Bus Station Rd", "12 bus station road", "12 bus station road"),
]


@pytest.mark.parametrize(("raw", "building", "premises"), KEY_CASES)
def test_address_key(raw: str, building: str, premises: str | None) -> None:
    assert address_key(raw) == building
    assert address_key(raw, unit=True) == (premises or building)


# raw, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("10 high st\nLONDON\nsw1a1aa", "10 High St, London, SW1A 1AA", (), None),
    ("Flat 2 ,, 10 High St ;", "Flat 2, 10 High St", ("no_postcode",), None),
    ("N/K", None, ("unknown",), "placeholder"),
    ("--- ,,", None, (), "no letters or digits"),
]


@pytest.mark.parametrize(("raw", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(raw: str, value: str | None, flags: tuple[str, ...], problem: str | None) -> None:
    cleaned = addresses.clean(raw)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        (
            "Flat 2, 10 High St, London SW1A 1AA",
            "flat 2 10 high street london sw1a1aa",
            1.0,
            "same address",
        ),
        ("10 High St, Luton", "10 High Street, Luton", 1.0, "same address"),
        (
            "Flat 2, 10 High St",
            "Flat 2, 10 High Street, Luton",
            0.95,
            "same address, written differently",
        ),
        ("Flat 2, 10 High St", "10 High St", 0.8, "same building, flat not given in one"),
        ("Flat 2, 10 High St", "10A High Street", 0.6, "same building, different flat"),
        ("10 High St SW1A 1AA", "10 High St LU1 2AB", 0.1, "different postcodes"),
        ("10 High St", "99 Station Road", 0.0, "different addresses"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert addresses.compare_detail(left, right) == (score, detail)


def test_node_id_is_premises_level_with_postcode() -> None:
    assert addresses.node_id("Flat 2, 10 High St, London SW1A 1AA") == (
        "address:10 high street flat 2 sw1a1aa"
    )
    assert addresses.node_id("FLAT 2, 10 HIGH STREET, LONDON, SW1A1AA") == (
        addresses.node_id("Flat 2, 10 High St, London SW1A 1AA")
    )


# The fast path (cleaned line and postcode only) must give exactly what parse_address gives.

PIECES = [
    "Flat 2", "FLAT 2", "10", "10A", "12-14", "High St", "HIGH STREET", "mill lane", "London",
    "LUTON", "sw1a 1aa", "SW1A1AA", "LU1 2AB", "Apt 3B", "St John's Rd", "Łódź", "rue de Paris",
    "Unit 5", "", "  ",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=5),
    sep=st.sampled_from([", ", ",", "\n", " ", " ; "]),
)
def test_fast_path_gives_the_parse_address_answer(pieces: list[str], sep: str) -> None:
    raw = sep.join(pieces)
    assert addresses.clean(raw) == addresses._clean_slow(raw)


@settings(max_examples=200, deadline=None)
@given(raw=st.text(max_size=40))
def test_fast_path_on_any_text(raw: str) -> None:
    assert addresses.clean(raw) == addresses._clean_slow(raw)


@pytest.mark.parametrize("raw", ["NFA", "N.F.A.", "nfa", "No fixed abode", "no fixed address"])
def test_no_fixed_abode_is_not_a_premises(raw: str) -> None:
    cleaned = AddressType().clean(raw)
    assert cleaned.value is None
    assert "no_fixed_abode" in cleaned.flags and "unknown" in cleaned.flags
