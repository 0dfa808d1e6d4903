"""Phone numbers in their common written shapes, read without phonenumbers' general parser.

``phonenumbers.parse`` runs a dozen regular expressions over any text in any country's
format, and ``is_valid_number`` tries the number types one by one, fetching each pattern
through ``re.compile``: 40-70 µs a number, once the largest single cost of an ingest. Most
numbers in our material are digits with ordinary punctuation: UK numbers ("07911 123456",
"+44 (0)20 7946 0123", "0044 ...", "447911123456", "7911123456") and international ones with
their country code ("+40 721 234 567", "0084 91 234 56 78"). For those the library's reading
follows from the digits alone. This module reads them the way ``parse`` does and checks
validity against the library's own metadata, compiled once per country code. Anything else
gives ``None`` and goes through the library, and so does a country whose metadata is not of
the simple kind read here.

The steps of ``parse`` that each shape relies on are named where they are used; the tests
compare the answers with the library's for every UK three-digit prefix, every region's
example numbers and generated input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

__all__ = ["is_valid", "read_number"]

_SHAPE = re.compile(r"\(?(\+)?[0-9][0-9 ().\-]{0,30}")
"""Digits with the punctuation people type, a "+" only at the start: ``parse`` drops such
punctuation, finds no extension (that needs a label, "#" or ","), and reads only the digits."""

_NOT_DIGIT = re.compile("[^0-9]")
_MIN_NSN, _MAX_NSN = 2, 17
"""``parse`` refuses national significant numbers shorter or longer than these."""

_TYPE_FIELDS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P")


@dataclass(frozen=True, slots=True)
class _Region:
    """What ``is_valid_number`` looks at for one region of a country calling code."""

    leading: re.Pattern[str] | None
    known: dict[int, re.Pattern[str]]
    """For each length the general description allows, one pattern: a lookahead for the
    general pattern, then the alternation of every number type's pattern that allows the
    length. A full match of an alternation is a full match of one of its parts, so one regex
    call does the work of phonenumbers' eleven."""

    def knows(self, nsn: str) -> bool:
        """phonenumbers' ``_number_type_helper(nsn, metadata) != UNKNOWN``."""
        pattern = self.known.get(len(nsn))
        return pattern is not None and pattern.fullmatch(nsn) is not None


@dataclass(frozen=True, slots=True)
class _Country:
    """A country calling code's regions, and its main region's national prefix."""

    regions: tuple[_Region, ...]
    national_prefix: re.Pattern[str] | None
    general: re.Pattern[str]
    """The main region's general pattern, which decides whether ``parse`` strips a prefix."""

    def is_valid(self, nsn: str) -> bool:
        """``is_valid_number``: ``region_code_for_number`` picks the only region, or the first
        whose leading digits or number types claim the number, and that region must know it."""
        if len(self.regions) == 1:
            return self.regions[0].knows(nsn)
        for region in self.regions:
            if region.leading is not None:
                if region.leading.match(nsn):
                    return region.knows(nsn)
            elif region.knows(nsn):
                return True
        return False


def _pattern(desc: object) -> str | None:
    return getattr(desc, "national_number_pattern", None) or None


def _lengths(desc: object) -> frozenset[int]:
    return frozenset(getattr(desc, "possible_length", ()) or ())


def _region(code: str) -> _Region | None:
    metadata = PhoneMetadata.metadata_for_region(code, None)
    general = _pattern(metadata.general_desc) if metadata is not None else None
    if metadata is None or general is None:
        return None
    # Mobiles first: most numbers in our material are mobiles, and the order of an
    # alternation changes only how soon it matches. With the same pattern for mobile and
    # fixed line, phonenumbers never tries mobile on its own.
    fields = list(_TYPE_FIELDS)
    if not metadata.same_mobile_and_fixed_line_pattern:
        fields.insert(0, "mobile")
    descs = [d for d in (getattr(metadata, f) for f in fields) if d is not None]
    patterns = [general, *(p for p in map(_pattern, descs) if p is not None)]
    if any(_BACKREFERENCE.search(p) for p in patterns):
        return None  # numbered groups would change meaning inside one alternation
    known = {}
    # phonenumbers' _is_number_matching_desc: a description with lengths takes only those.
    for length in _lengths(metadata.general_desc) or range(1, _MAX_NSN + 1):
        parts = [
            f"(?:{pattern})"
            for d in descs
            if (pattern := _pattern(d)) is not None and (not _lengths(d) or length in _lengths(d))
        ]
        if parts:
            known[length] = re.compile(rf"(?=(?:{general})\Z)(?:{'|'.join(parts)})")
    leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
    return _Region(leading, known)


@cache
def _country(code: int) -> _Country | None:
    """The compiled metadata of a geographic country calling code, or ``None`` for one whose
    metadata this module does not read (then its numbers go through the library)."""
    codes = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    main = PhoneMetadata.metadata_for_region(codes[0], None) if codes else None
    general_pattern = _pattern(main.general_desc) if main is not None else None
    if main is None or general_pattern is None:
        return None  # none, or non-geographic ("001"): +800, +882, ...
    try:
        regions = [_region(region) for region in codes]
        prefix = main.national_prefix_for_parsing
        national_prefix = re.compile(prefix) if prefix else None
        general = re.compile(general_pattern)
    except re.error:
        return None
    found = tuple(region for region in regions if region is not None)
    if len(found) != len(codes):
        return None
    return _Country(found, national_prefix, general)


@cache
def _uk_national_ok() -> bool:
    """GB's metadata is what the national shapes below were written for: national prefix
    "0" (or "180020"), international prefix "00", and any number of 11 digits or more too
    long, so that ``parse`` reads a bare "44..." of that length with the country code."""
    gb = PhoneMetadata.metadata_for_region("GB", None)
    if gb is None or gb.general_desc is None or _country(44) is None:
        return False
    general = gb.general_desc
    return (
        COUNTRY_CODE_TO_REGION_CODE[44][0] == "GB"
        and gb.country_code == 44
        and gb.international_prefix == "00"
        and gb.national_prefix_for_parsing == "0|180020"
        and not gb.national_prefix_transform_rule
        and bool(general.possible_length)
        and max(general.possible_length) < 11
        and all(n < 11 for n in general.possible_length_local_only)
        and 4 not in COUNTRY_CODE_TO_REGION_CODE
    )


@cache
def _uk_keeps_stripped(length: int) -> bool:
    """Whether ``parse`` keeps a UK number stripped of its national prefix at this length:
    unless ``_test_number_length`` finds it too short, possible only locally, or of a length
    between the possible ones."""
    gb = PhoneMetadata.metadata_for_region("GB", None)
    if gb is None or gb.general_desc is None:
        return False
    lengths = list(gb.general_desc.possible_length)
    local = gb.general_desc.possible_length_local_only
    if not lengths or lengths[0] == -1 or length in local or length < lengths[0]:
        return False
    return length > lengths[-1] or length in lengths


def _uk_strip(number: str, country: _Country) -> str | None:
    """A UK number after the national prefix "0", when ``parse`` would strip it."""
    if not number.startswith("0") or not _uk_national_ok():
        return None  # "180020...", or metadata this was not written for
    # Stripped unless the number was a possible one with the prefix (the general pattern
    # decides), and kept stripped when what is left has a length parse accepts.
    if country.general.fullmatch(number) or not _uk_keeps_stripped(len(number) - 1):
        return None
    return number[1:]


def _international(digits: str) -> tuple[int, str] | None:
    """Country code and national number of digits that followed a "+" or "00"."""
    # parse refuses two digits or fewer after an international prefix, and a country code
    # never starts with 0; _extract_country_code takes the first of 1-3 digits that is one.
    if len(digits) <= 2 or digits[0] == "0":
        return None
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    country = _country(code)
    if country is None:
        return None
    nsn: str | None = digits[size:]
    if country.national_prefix is not None and country.national_prefix.match(digits[size:]):
        # "+40 (0)721...": only the UK's prefix is read here; the library decides others.
        nsn = _uk_strip(digits[size:], country) if code == 44 else None
    if nsn is None or not _MIN_NSN <= len(nsn) <= _MAX_NSN or nsn[0] == "0":
        return None  # refused by parse, or an Italian leading zero that E.164 keeps
    return code, nsn


def read_number(text: str, region: str) -> tuple[int, str] | None:
    """The country code and national significant number that ``phonenumbers.parse(text,
    region)`` reads, or ``None`` when ``text`` is not in one of the shapes read here.

    With region GB, national ("07911..."), GB-international ("0044...", "0040...") and bare
    ("447911...", "7911...") UK shapes count too; otherwise only a leading "+" does.

    >>> read_number("(07911) 123-456", "GB")
    (44, '7911123456')
    >>> read_number("+44 (0)20 7946 0123", "RO")
    (44, '2079460123')
    >>> read_number("+40 721 234 567", "GB")
    (40, '721234567')
    >>> read_number("07911 123456", "RO") is None
    True
    """
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        return None
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < 3:
        return None  # parse takes two digits only when nothing else is written
    if shape.group(1) is not None:
        return _international(digits)
    if region != "GB" or not _uk_national_ok():
        return None
    if digits.startswith("00"):
        # GB's international prefix, stripped only when a country code (not 0) follows.
        return _international(digits[2:]) if digits[2:3] != "0" else None
    if digits.startswith("44"):
        # parse takes "44" as the country code when the whole is too long for a UK number;
        # shorter runs may or may not be read so, and are left to the library.
        return _international(digits) if len(digits) >= 11 else None
    uk = _country(44)
    nsn: str | None
    if digits.startswith("0") and uk is not None:
        nsn = _uk_strip(digits, uk)  # the national prefix
    elif digits.startswith("180020"):
        return None  # the other national prefix parse strips
    else:
        nsn = digits  # a bare number, such as one that lost its leading zero in a spreadsheet
    if nsn is None or not _MIN_NSN <= len(nsn) <= _MAX_NSN or nsn[0] == "0":
        return None
    return 44, nsn


def is_valid(code: int, nsn: str) -> bool:
    """``phonenumbers.is_valid_number`` for a number that :func:`read_number` read.

    >>> is_valid(44, "7911123456"), is_valid(44, "7700900123"), is_valid(40, "721234567")
    (True, False, True)
    """
    country = _country(code)
    if country is None:
        raise ValueError(f"country code {code} was not read by read_number")
    return country.is_valid(nsn)
