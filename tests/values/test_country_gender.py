"""Countries and nationalities to ISO codes; gender to followthemoney's three values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import CountryType, GenderType

countries = CountryType()
genders = GenderType()


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("British", "gb"),
        ("UK", "gb"),
        ("United Kingdom", "gb"),
        ("GBR", "gb"),
        ("English", "gb"),
        ("Scottish", "gb-sct"),
        ("Vietnamese", "vn"),
        ("Viet Nam", "vn"),
        ("Vietnamese national", "vn"),
        ("Albanian", "al"),
        ("Eritrean", "er"),
        ("Romanian", "ro"),
        ("Polish", "pl"),
        ("Chinese", "cn"),
        ("Nigerian", "ng"),
        ("Indian", "in"),
        ("Pakistani", "pk"),
        ("Kosovan", "xk"),
        ("Sudanese", "sd"),
    ],
)
def test_country_clean(raw: str, value: str) -> None:
    cleaned = countries.clean(raw)
    assert (cleaned.original, cleaned.value, cleaned.problem, cleaned.flags) == (
        raw,
        value,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("raw", "flags", "problem"),
    [
        ("Roma", ("not_a_country",), "an ethnicity, not a country"),
        ("Kurdish", ("not_a_country",), "an ethnicity, not a country"),
        ("African", ("not_a_country",), "a continent, not a country"),
        ("Stateless", ("stateless",), "stateless"),
        ("Narnia", (), "not a recognised country"),
        ("unknown", ("unknown",), "placeholder"),
    ],
)
def test_country_problems(raw: str, flags: tuple[str, ...], problem: str) -> None:
    cleaned = countries.clean(raw)
    assert cleaned.value is None
    assert cleaned.flags == flags
    assert cleaned.problem is not None and problem in cleaned.problem


def test_country_compare_and_caption() -> None:
    assert countries.compare_detail("gb", "gb") == (1.0, "same country")
    assert countries.compare_detail("gb", "gb-sct") == (0.8, "part of the same country")
    assert countries.compare_detail("gb", "vn") == (0.0, "different countries")
    assert countries.caption("vn") == "Vietnam"
    assert countries.node_id("vn") is None


@pytest.mark.parametrize(
    ("raw", "value", "flags"),
    [
        ("M", "male", ()),
        ("male", "male", ()),
        ("F", "female", ()),
        ("FEMALE", "female", ()),
        ("girl", "female", ()),
        ("boy", "male", ()),
        ("X", "other", ()),
        ("non-binary", "other", ()),
        ("U", None, ("unknown",)),
        ("not known", None, ("unknown",)),
        ("banana", None, ()),
    ],
)
def test_gender_clean(raw: str, value: str | None, flags: tuple[str, ...]) -> None:
    cleaned = genders.clean(raw)
    assert (cleaned.value, cleaned.flags) == (value, flags)
    assert (cleaned.problem is None) == (value is not None)


def test_gender_caption() -> None:
    assert genders.caption("female") == "Female"


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(
        st.text(max_size=20),
        st.sampled_from(["British", " uk. ", "Viet Nam", "Roma", "STATELESS", "Eritrean national"]),
    )
)
def test_cached_answers_match_the_reference(raw: str) -> None:
    assert countries.clean(raw) == countries._clean_slow(raw)
    assert genders.clean(raw) == genders._clean_slow(raw)
