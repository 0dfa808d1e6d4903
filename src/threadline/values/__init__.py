"""Value types: one class per kind of value that cleans, validates, compares and captions it.

Every ``clean`` keeps the original beside the canonical form and never drops a value silently:
what fails to parse comes back with a ``problem`` in words and, where useful, a ``"raw"``
fallback for exact matching.

>>> from threadline.values import get_type
>>> get_type("phone").clean("07911 123456").value
'+447911123456'
"""

from threadline.values._registry import get_type, registry
from threadline.values.account import AccountType, parse_uk_bank
from threadline.values.address import AddressParts, AddressType, address_key, parse_address
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType
from threadline.values.country import CountryType
from threadline.values.date import DateType
from threadline.values.email import EmailType
from threadline.values.gender import GenderType
from threadline.values.iban import IbanType, uk_bank_from_iban
from threadline.values.name import NameParts, NameType, name_key, parse_name
from threadline.values.ninumber import NiNumberType
from threadline.values.passport import PassportType, split_passport
from threadline.values.phone import PhoneType, drama_range
from threadline.values.postcode import PostcodeType, split_postcode
from threadline.values.sortcode import SortCodeType
from threadline.values.vrm import VrmType, vrm_format

__all__ = [
    "DEFAULT_HINTS",
    "AccountType",
    "AddressParts",
    "AddressType",
    "Cleaned",
    "CountryType",
    "DateType",
    "EmailType",
    "GenderType",
    "Hints",
    "IbanType",
    "NameParts",
    "NameType",
    "NiNumberType",
    "PassportType",
    "PhoneType",
    "PostcodeType",
    "SortCodeType",
    "ValueType",
    "VrmType",
    "address_key",
    "drama_range",
    "get_type",
    "name_key",
    "parse_address",
    "parse_name",
    "parse_uk_bank",
    "registry",
    "split_passport",
    "split_postcode",
    "uk_bank_from_iban",
    "vrm_format",
]
