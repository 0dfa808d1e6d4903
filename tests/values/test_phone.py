"""Phone numbers: national and international forms, Ofcom drama ranges, partial numbers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from threadline.values import Hints, PhoneType, drama_range
from threadline.values._phone_fast import read_number
from threadline.values.phone import canonical

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
    # numbers no range holds, of a length their country's numbers have: E.164, flagged raw
    ("079111 2345", GB, "+44791112345", ("raw",), "kept in international form"),
    ("+44 7911 12345", GB, "+44791112345", ("raw",), "not a valid phone number"),
    ("07700 926473", GB, "+447700926473", ("raw",), "not a valid phone number"),
    ("0044 7700 926473", GB, "+447700926473", ("raw",), "kept in international form"),
    ("+44 (0)7700 926473", GB, "+447700926473", ("raw",), "kept in international form"),
    ("447700926473", GB, "+447700926473", ("raw",), "kept in international form"),
    ("7700926473", GB, "+447700926473", ("raw",), "kept in international form"),
    # partial numbers are kept as raw digits, flagged, never dropped
    ("12345", GB, "12345", ("raw",), "kept as raw digits"),
    ("0033 6 12 34 56", GB, "00336123456", ("raw",), "too short"),
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
        ("+447700926473", "07700 926473"),
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


# One number, however it is written: spacing, the trunk zero, the country code with "+" or
# "00" or neither, "(0)" after it. Numbers of mobile length in 07700 9xxxxx outside the drama
# range are in no allocated range (phonenumbers holds them invalid): they must still be one
# value, so that two records giving one shared mobile meet in the graph and in resolution.

UNALLOCATED = st.integers(910_000, 999_999).map(lambda n: f"7700{n}")
"""National significant numbers of UK mobile length that no range holds."""


@st.composite
def one_number_written(draw: st.DrawFn, nsn: str) -> str:
    """`nsn` (a UK national significant number) written as people write it."""
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    body = draw(st.sampled_from([nsn, f"{nsn[:4]}{sep}{nsn[4:]}",
                                 f"{nsn[:4]}{sep}{nsn[4:7]}{sep}{nsn[7:]}"]))  # fmt: skip
    prefix = draw(st.sampled_from(["0", "+44 ", "+44", "0044 ", "0044", "00 44 ", "+44 (0)",
                                   "44", ""]))  # fmt: skip
    return prefix + body


@given(data=st.data(), nsn=UNALLOCATED)
def test_a_number_no_range_holds_is_one_value_however_written(
    data: st.DataObject, nsn: str
) -> None:
    first = data.draw(one_number_written(nsn))
    second = data.draw(one_number_written(nsn))
    a, b = phone.clean(first), phone.clean(second)
    assert a.value == b.value == f"+44{nsn}"
    assert a.flags == b.flags == ("raw",)  # still flagged as not valid
    assert a.problem is not None and "not a valid phone number" in a.problem
    assert phone.node_id(a.value) == phone.node_id(b.value)
    assert a == phone._clean_slow(first)


@given(raw=st.text(alphabet="0123456789 +-()", min_size=1, max_size=20))
def test_raw_numbers_are_e164_exactly_when_possible(raw: str) -> None:
    """A raw number's value is E.164 when one of its readings is of a possible length, and
    its digits as written otherwise."""
    cleaned = phone.clean(raw)
    assume(cleaned.value is not None and cleaned.is_raw)
    assert cleaned.value is not None
    if (
        cleaned.value.startswith("+")
        and cleaned.problem
        and "international form" in cleaned.problem
    ):
        number = phonenumbers.parse(cleaned.value, None)
        assert canonical(number)
        assert not phonenumbers.is_valid_number(number)
    else:
        assert "kept as raw digits" in (cleaned.problem or "")
        assert cleaned.value.lstrip("+") == "".join(ch for ch in raw if ch.isdigit())


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
