"""The phone fast path reads numbers as phonenumbers does, for every country and UK range."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS

from threadline.values._phone_fast import _country, _uk_national_ok, is_valid, read_number

TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
]


def library(text: str, region: str) -> tuple[tuple[int, str], bool] | None:
    """What phonenumbers reads from ``text``: country code and national number, and validity."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    reading = (number.country_code, phonenumbers.national_significant_number(number))
    return reading, phonenumbers.is_valid_number(number)


def agrees(text: str, region: str = "GB") -> bool:
    """The fast path declines ``text`` or reads it as the library does; True if it read it."""
    found = read_number(text, region)
    if found is None:
        return False
    assert (found, is_valid(*found)) == library(text, region), text
    return True


def test_the_installed_metadata_is_what_the_fast_path_reads() -> None:
    """If this fails after a phonenumbers upgrade, UK numbers go through the library: still
    right, but slow. Check the assumptions in _uk_national_ok against the new metadata."""
    assert _uk_national_ok()
    compiled = [code for code in COUNTRY_CODE_TO_REGION_CODE if _country(code) is not None]
    assert len(compiled) > 0.9 * len(COUNTRY_CODE_TO_REGION_CODE)


@pytest.mark.parametrize("region", sorted(SUPPORTED_REGIONS))
def test_every_region_example_number_and_near_misses(region: str) -> None:
    for kind in TYPES:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        twisted = nsn[:-1] + str((int(nsn[-1]) + 1) % 10)
        for variant in (nsn, nsn[:-1], nsn + "5", twisted):
            agrees(f"+{example.country_code} {variant}")
            agrees(f"00{example.country_code}{variant}")


def test_most_regions_mobiles_take_the_fast_path() -> None:
    """Regions whose numbers start with their national prefix (Argentina's "15") are left to
    the library; nearly all others are read here."""
    examples = [
        phonenumbers.example_number_for_type(r, PhoneNumberType.MOBILE) for r in SUPPORTED_REGIONS
    ]
    texts = [
        f"+{e.country_code} {phonenumbers.national_significant_number(e)}" for e in examples if e
    ]
    assert sum(agrees(text) for text in texts) > 0.9 * len(texts)


@pytest.mark.parametrize("first", "123456789")
def test_every_uk_prefix_in_every_shape(first: str) -> None:
    """Each three-digit start of a UK number, at each length from too short to too long."""
    for n in range(100):
        prefix = f"{first}{n:02d}"
        suffix = ("4960123456789", "7123456789012", "0009876543210")[n % 3]
        for length in (7, 8, 9, 10, 11):
            nsn = (prefix + suffix)[:length]
            for text in [f"0{nsn}", f"+44 {nsn}", f"+44 (0){nsn}", f"0044 {nsn}", f"44{nsn}", nsn]:
                agrees(text)
            assert read_number(f"0{nsn}", "RO") is None  # national, but not from the UK


def test_common_shapes_take_the_fast_path() -> None:
    for text in [
        "07911 123456",
        "(07911) 123-456",
        "+44 7911 123456",
        "+44 (0)20 7946 0123",
        "0044 7911 123456",
        "447911123456",
        "7911123456",
        "0791112345",
        "+40 721 234 567",
        "0084 91 234 56 78",
        "+1 212 555 0123",
    ]:
        assert agrees(text), text


def test_shapes_the_library_decides_are_declined() -> None:
    for text in ["07911 123456 ext 2", "+44 7911 123456 #2", "07911 l23456", "+40 (0)721 234 567"]:
        assert read_number(text, "GB") is None, text
