"""Free-text extraction: identifiers with high recall, names and places with precision."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.ingest.extract import KINDS, Extraction, extract
from threadline.values import Hints

# text, kind, exact text found, cleaned value, flags
FOUND_CASES = [
    # phones, including Ofcom drama numbers in every common layout
    ("Call 07700 900123 now", "phone", "07700 900123", "+447700900123", ("fictional_range",)),
    ("on +44 7700 900456.", "phone", "+44 7700 900456", "+447700900456", ("fictional_range",)),
    ("tel 0044 7700 900789", "phone", "0044 7700 900789", "+447700900789", ("fictional_range",)),
    ("ring (07700) 900-321", "phone", "(07700) 900-321", "+447700900321", ("fictional_range",)),
    ("mobile 07911 123456", "phone", "07911 123456", "+447911123456", ()),
    ("landline 020 7946 0123", "phone", "020 7946 0123", "+442079460123", ("fictional_range",)),
    ("his Romanian number +40 721 234 567", "phone", "+40 721 234 567", "+40721234567", ()),
    ("partial 0791112345 given", "phone", "0791112345", "+44791112345", ("raw",)),
    # emails
    (
        "mail lan.nguyen@example.co.uk.",
        "email",
        "lan.nguyen@example.co.uk",
        "lan.nguyen@example.co.uk",
        (),
    ),
    # postcodes
    ("lives at LU1 2AB with others", "postcode", "LU1 2AB", "LU1 2AB", ()),
    ("postcode sw1a1aa", "postcode", "sw1a1aa", "SW1A 1AA", ()),
    # vehicles
    ("a silver Audi AB12 CDE was seen", "vrm", "AB12 CDE", "AB12CDE", ()),
    ("old van A123 BCD parked", "vrm", "A123 BCD", "A123BCD", ()),
    ("reg ABC 123D", "vrm", "ABC 123D", "ABC123D", ()),
    # bank details
    ("sort code 20-00-00 account 12345678", "sortcode", "20-00-00", "20-00-00", ()),
    ("sort code 20-00-00 account 12345678", "account", "12345678", "200000-12345678", ()),
    ("paid into 20-00-00 12345678 weekly", "account", "12345678", "200000-12345678", ()),
    ("a/c no. 1234567 at Barclays", "account", "1234567", "01234567", ("padded",)),
    (
        "IBAN GB82 WEST 1234 5698 7654 32 OK",
        "iban",
        "GB82 WEST 1234 5698 7654 32",
        "GB82WEST12345698765432",
        (),
    ),
    (
        "iban gb82 west 1234 5698 7654 32.",
        "iban",
        "gb82 west 1234 5698 7654 32",
        "GB82WEST12345698765432",
        (),
    ),
    (
        "iban GB82WEST12345698765432.",
        "iban",
        "GB82WEST12345698765432",
        "GB82WEST12345698765432",
        (),
    ),
    # identity documents
    ("NI number AB 12 34 56 C", "ninumber", "AB 12 34 56 C", "AB123456C", ()),
    ("Vietnamese passport C1234567", "passport", "C1234567", "VNM:C1234567", ()),
    ("passport number 123456789", "passport", "123456789", "GBR:123456789", ()),
    ("her passport no: C1234567", "passport", "C1234567", "C1234567", ("country_unknown",)),
    # dates
    ("born 05/09/2000 in", "date", "05/09/2000", "2000-09-05", ("ambiguous_day_month",)),
    ("on 2021-03-14 they", "date", "2021-03-14", "2021-03-14", ()),
    ("born on 5 Sept 1990", "date", "5 Sept 1990", "1990-09-05", ()),
    ("arrived 5th of September 1990", "date", "5th of September 1990", "1990-09-05", ()),
    ("since September 5, 1990", "date", "September 5, 1990", "1990-09-05", ()),
    ("came in March 2021", "date", "March 2021", "2021-03", ("partial",)),
    ("PNC DOB 05SEP1990 OK", "date", "05SEP1990", "1990-09-05", ()),
    ("left 05-Sep-90 by", "date", "05-Sep-90", "1990-09-05", ("two_digit_year",)),
    ("moved in 2019 to", "date", "2019", "2019", ("partial",)),
    # names after cues, titles, and known name starts
    ("a man named Tom Jones said", "name", "Tom Jones", "Tom Jones", ()),
    ("known as Minh", "name", "Minh", "Minh", ()),
    ("she was introduced by Bob Smith", "name", "Bob Smith", "Bob Smith", ()),
    ("Mr Tran drove", "name", "Mr Tran", "Tran", ("title_removed",)),
    (
        "we met Mrs Katarzyna Kowalska",
        "name",
        "Mrs Katarzyna Kowalska",
        "Katarzyna Kowalska",
        ("title_removed",),
    ),
    ("then Nguyen Van Minh arrived", "name", "Nguyen Van Minh", "Nguyen Van Minh", ()),
    ("and Le Thi Hoa works", "name", "Le Thi Hoa", "Le Thi Hoa", ()),
    ("worker called NGUYEN Thi Lan", "name", "NGUYEN Thi Lan", "Nguyen Thi Lan", ()),
    # places after cues, and street addresses
    ("taken from Birmingham by car", "place", "Birmingham", "Birmingham", ("town",)),
    ("a car wash near Milton Keynes", "place", "Milton Keynes", "Milton Keynes", ("town",)),
    ("she came from Vietnam", "place", "Vietnam", "Vietnam", ("country",)),
    ("kept at 12 Mill Street overnight", "place", "12 Mill Street", "12 Mill Street", ("street",)),
    (
        "at Flat 2, 14 High Rd, Luton",
        "place",
        "Flat 2, 14 High Rd, Luton",
        "Flat 2, 14 High Rd, Luton",
        ("street",),
    ),
]


@pytest.mark.parametrize(("text", "kind", "found", "value", "flags"), FOUND_CASES)
def test_found(text: str, kind: str, found: str, value: str | None, flags: tuple[str, ...]) -> None:
    hits = [e for e in extract(text) if e.kind == kind]
    assert [(e.text, e.value, e.flags) for e in hits] == [(found, value, flags)]
    assert text[hits[0].start : hits[0].end] == found


# text, kind that must not be found there (and why)
NOT_FOUND_CASES = [
    ("ref 1234567890 on file", "phone"),  # a reference, not written like a phone number
    ("sort code 20-00-00", "phone"),
    ("sort code 20-00-00", "date"),  # a sort code is not 20 ... 2000
    ("account 12345678", "phone"),
    ("born 05/09/2000", "phone"),
    ("postcode B33 8TH", "vrm"),  # a postcode is not a registration
    ("COVID19 and MP3 files", "vrm"),
    ("The Police said They met", "name"),
    ("He went to Tesco in Town", "place"),  # not known places
    ("at Home on Monday", "place"),
    ("in Vietnamese custody", "place"),  # a nationality, not a place
    ("ON THE M25 AND THEN", "vrm"),  # a road and a word in upper-case prose
    ("lives on Sandy Lane", "name"),  # a street, though Sandy is a nickname
    ("Miss London was there", "name"),
    ("Le Mans race", "name"),  # short Vietnamese family names need a middle name
    ("Do Not enter", "name"),
    ("number 12345", "passport"),
    ("on 12 May 20 people came", "date"),  # a two-digit year needs the compact form
    ("BG 12 34 56 A", "ninumber"),  # never issued
]


@pytest.mark.parametrize(("text", "kind"), NOT_FOUND_CASES)
def test_not_found(text: str, kind: str) -> None:
    assert [e for e in extract(text) if e.kind == kind] == []


def test_narrative() -> None:
    text = (
        "Caller said a man named Nguyen Van Minh drives AB12 CDE and lives at "
        "Flat 2, 14 Mill Street, Luton LU1 2AB. He uses 07700 900123. Wages go to "
        "sort code 20-00-00 account 12345678. Mr Tran took her from Birmingham on 5 Sept 2023."
    )
    found = [(e.kind, e.value) for e in extract(text)]
    assert found == [
        ("name", "Nguyen Van Minh"),
        ("vrm", "AB12CDE"),
        ("place", "Flat 2, 14 Mill Street, Luton"),
        ("postcode", "LU1 2AB"),
        ("phone", "+447700900123"),
        ("sortcode", "20-00-00"),
        ("account", "200000-12345678"),
        ("name", "Tran"),
        ("place", "Birmingham"),
        ("date", "2023-09-05"),
    ]


def test_hints_set_the_phone_region_and_date_order() -> None:
    hints = Hints(country="ro", date_order="mdy")
    found = {e.kind: e.value for e in extract("sunati 0721 234 567 pe 09/05/2000", hints)}
    assert found == {"phone": "+40721234567", "date": "2000-09-05"}


def test_kinds_are_value_types_or_place() -> None:
    from threadline.values import registry

    assert set(KINDS) - set(registry) == {"place"}


def _check(text: str, found: list[Extraction]) -> None:
    for item in found:
        assert text[item.start : item.end] == item.text
        assert item.kind in KINDS
    assert found == sorted(found, key=lambda e: (e.start, e.end))
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    _check(text, extract(text))


_PIECES = st.sampled_from(
    [
        " ",
        "07700 900123",
        "+44 7700 900456",
        "(07700) 900-321",
        "AB12 CDE",
        "SW1A 1AA",
        "sort code",
        "20-00-00",
        "12345678",
        "account",
        "GB82 WEST 1234 5698 7654 32",
        "QQ 12 34 56 C",
        "passport",
        "C1234567",
        "05/09/2000",
        "5 Sept 1990",
        "named",
        "Mr",
        "Nguyen",
        "Van",
        "Minh",
        "in",
        "London",
        "12 Mill Street",
        "lan@example.com",
        ",",
        ".",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=30).map(" ".join))
def test_identifier_soup(text: str) -> None:
    _check(text, extract(text))
