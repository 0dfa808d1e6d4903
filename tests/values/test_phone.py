"""Phone numbers: national and international forms, Ofcom drama ranges, partial numbers."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from threadline.values import Hints, PhoneType, drama_range
from threadline.values._phone_fast import read_number

phone = PhoneType()
GB = Hints()
RO = Hints(country="ro")

# raw, hints, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("07911 123456", GB, "+447911123456", (), None),
    ("+44 7911 123456", GB, "+447911123456", (), None),
    ("0044 7911 123456", GB, "+447911123456", (), None),
    ("(07911) 123-456", GB, "+447911123456", (), None),
    ("447911123456", GB, "+447911123456", (), None),
    ("40721234567", GB, "+40721234567", ("assumed_international",), None),
    ("tel:+447911123456", GB, "+447911123456", (), None),
    ("020 7123 4567", GB, "+442071234567", (), None),
    # Ofcom drama ranges: phonenumbers rejects some, we keep them all as well-formed E.164
    ("07700 900123", GB, "+447700900123", ("fictional_range",), None),
    ("+44 7700 900456", GB, "+447700900456", ("fictional_range",), None),
    ("0044 7700 900789", GB, "+447700900789", ("fictional_range",), None),
    ("(07700) 900-321", GB, "+447700900321", ("fictional_range",), None),
    # adverts type the letter O for a zero
    ("O77OO 9OO123", GB, "+447700900123", ("corrected", "fictional_range"), None),
    ("+44 77OO 9OO124", GB, "+447700900124", ("corrected", "fictional_range"), None),
    ("01632 960123", GB, "+441632960123", ("fictional_range",), None),
    ("0113 496 0123", GB, "+441134960123", ("fictional_range",), None),
    ("020 7946 0123", GB, "+442079460123", ("fictional_range",), None),
    ("0161 496 0999", GB, "+441614960999", ("fictional_range",), None),
    # other countries, by prefix or by the mapping's region
    ("+40 721 234 567", GB, "+40721234567", (), None),
    ("0721 234 567", RO, "+40721234567", (), None),
    ("+84 91 234 56 78", GB, "+84912345678", (), None),
    # partial or mistyped numbers are kept as raw digits, flagged, never dropped
    ("079111 2345", GB, "0791112345", ("raw",), "kept as raw digits"),
    ("+44 7911 12345", GB, "+44791112345", ("raw",), "not a valid phone number"),
    ("12345", GB, "12345", ("raw",), "kept as raw digits"),
    ("07911 123456 ext 23", GB, "+447911123456", ("extension",), "extension 23"),
    ("no number", GB, None, (), "no digits"),
    ("N/K", GB, None, ("unknown",), "placeholder"),
    ("", GB, None, ("empty",), "empty"),
]


@pytest.mark.parametrize(("raw", "hints", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(
    raw: str, hints: Hints, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = phone.clean(raw, hints)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("value", "caption"),
    [
        ("+447911123456", "07911 123456"),
        ("+442079460123", "020 7946 0123"),
        ("+40721234567", "+40 721 234 567"),
        ("0791112345", "0791112345"),
    ],
)
def test_caption(value: str, caption: str) -> None:
    assert phone.caption(value) == caption


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("+447911123456", "+447911123456", 1.0, "same number"),
        ("+447911123456", "7911123456", 0.9, "with and without the country code"),
        ("+447911123456", "+447911123457", 0.5, "one digit differs"),
        ("+447911123456", "123456", 0.6, "partial number"),
        ("+447911123456", "+447700900123", 0.0, "different numbers"),
    ],
)
def test_compare(left: str, right: str, score: float, detail: str) -> None:
    got_score, got_detail = phone.compare_detail(left, right)
    assert got_score == score
    assert detail in got_detail
    assert phone.compare(right, left) == score


def test_node_id_keeps_raw_numbers_for_exact_matching() -> None:
    assert phone.node_id("+447911123456") == "phone:+447911123456"
    assert phone.node_id("0791112345") == "phone:0791112345"


def test_drama_range_needs_the_full_length() -> None:
    assert drama_range("+44770090012") is None
    assert drama_range("+447700900999") == "Mobile 07700 900xxx"


# The fast path (threadline.values._phone_fast) must give exactly what the phonenumbers-only
# path gives, on the shapes it reads and on everything near them.

RO = Hints(country="ro")
NOWHERE = Hints(country="")


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """A UK or international number as agencies write it, sometimes partial or mistyped."""
    digit = st.sampled_from("0123456789")
    nsn = draw(st.sampled_from("123456789")) + "".join(draw(st.lists(digit, max_size=12)))
    cut = draw(st.integers(0, len(nsn)))
    head, tail = nsn[:cut], nsn[cut:]
    code = draw(st.sampled_from(["44", "44", "40", "355", "84", "48", "1", "7", "39", "54"]))
    sep = draw(st.sampled_from([" ", "", "-", ".", ") "]))
    layout = draw(
        st.sampled_from(
            [
                "0{head}{sep}{tail}",
                "(0{head}){sep}{tail}",
                "+{code} {head}{sep}{tail}",
                "+{code} (0){head}{sep}{tail}",
                "+{code}0{head}{tail}",
                "00{code} {head}{sep}{tail}",
                "{code}{head}{tail}",
                "{head}{sep}{tail}",
                "(+{code}) {head} {tail}",
                "tel:+{code}{head}{tail}",
                "0{head}{sep}{tail} ext 12",
            ]
        )
    )
    return layout.format(head=head, tail=tail, sep=sep, code=code)


@settings(max_examples=300, deadline=None)
@given(raw=written_numbers(), hints=st.sampled_from([GB, RO, NOWHERE]))
def test_fast_path_gives_the_library_answer(raw: str, hints: Hints) -> None:
    assert phone.clean(raw, hints) == phone._clean_slow(raw, hints)


@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet="0123456789 +-().#x/", max_size=24))
def test_fast_path_on_digit_soup(raw: str) -> None:
    assert phone.clean(raw) == phone._clean_slow(raw)


@settings(max_examples=100, deadline=None)
@given(
    nsn=st.from_regex(r"[1-9][0-9]{9}", fullmatch=True),
    layout=st.sampled_from(["0{}", "+44 {}", "0044 {}", "+44 (0){}", "44{}"]),
)
def test_uk_numbers_take_the_fast_path(nsn: str, layout: str) -> None:
    assume(not nsn.startswith("180020"))
    raw = layout.format(nsn)
    assert read_number(raw, "GB") == (44, nsn)
    assert phone.clean(raw) == phone._clean_slow(raw)
