"""The registry of value types, keyed by name, as source mappings and statements refer to them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from threadline.values.account import AccountType
from threadline.values.address import AddressType
from threadline.values.base import ValueType
from threadline.values.country import CountryType
from threadline.values.date import DateType
from threadline.values.email import EmailType
from threadline.values.gender import GenderType
from threadline.values.iban import IbanType
from threadline.values.name import NameType
from threadline.values.ninumber import NiNumberType
from threadline.values.passport import PassportType
from threadline.values.phone import PhoneType
from threadline.values.postcode import PostcodeType
from threadline.values.sortcode import SortCodeType
from threadline.values.vrm import VrmType

__all__ = ["get_type", "registry"]

registry: Mapping[str, ValueType] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            NameType(),
            DateType(),
            PhoneType(),
            EmailType(),
            PostcodeType(),
            AddressType(),
            VrmType(),
            SortCodeType(),
            AccountType(),
            IbanType(),
            NiNumberType(),
            PassportType(),
            CountryType(),
            GenderType(),
        )
    }
)
"""Every value type by name; read-only so that no import can swap a type under the ingest."""


def get_type(name: str) -> ValueType:
    """The value type called ``name``.

    >>> get_type("phone").label
    'Phone number'
    >>> get_type("telephone")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "unknown value type 'telephone'; known types: account, address, country, ..."
    """
    try:
        return registry[name]
    except KeyError:
        known = ", ".join(sorted(registry))
        raise KeyError(f"unknown value type {name!r}; known types: {known}") from None
