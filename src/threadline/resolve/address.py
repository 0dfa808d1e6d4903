"""Premises: matching keys for addresses, at building and at flat level.

Addresses are the places where exploitation is found (houses in multiple occupation, flats
above nail bars, car-wash yards), so they are graph nodes, and they must neither split one
house in two ("10 High St" / "10 High Street") nor fold two flats into one ("Flat 2, 10 High
St" / "10A High Street": the same building, two premises). Parsing comes from
:func:`threadline.values.parse_address`; this module adds the postcode and the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from threadline.resolve.union_find import Groups
from threadline.values import PostcodeType, address_key, parse_address
from threadline.values.address import town_of

__all__ = ["AddressKey", "AddressMatch", "compare_addresses", "premises_key", "resolve_addresses"]

_POSTCODES = PostcodeType()


@dataclass(frozen=True, slots=True)
class AddressKey:
    """Keys of one address: the building, and the premises (flat or unit) within it."""

    postcode: str | None
    """Canonical UK postcode, from the postcode field or found in the address."""
    building: str
    """House number and street, suffixes written in full, with the postcode: "SW1A 1AA|10
    high street". Without a postcode the street alone would join every town's High Street."""
    flat: str | None
    """Flat, unit or letter ("2" from "Flat 2", "A" from "10A")."""
    number: str | None = None
    """House number or range ("10", "10-12"), if the address gives one."""

    @property
    def premises(self) -> str:
        """The building key plus the flat: one key per front door."""
        return f"{self.building}|{self.flat or ''}"


def premises_key(address: str, postcode: str | None = None) -> AddressKey:
    """Building and premises keys of an address.

    >>> a = premises_key("Flat 2, 10 High St", "sw1a 1aa")
    >>> b = premises_key("10A High Street, London SW1A 1AA")
    >>> a.building == b.building, a.premises == b.premises
    (True, False)
    >>> a.premises
    'SW1A 1AA|10 high street|2'
    """
    parts = parse_address(address)
    code = _POSTCODES.clean(postcode).value if postcode else None
    code = code or parts.postcode
    return AddressKey(code, f"{code or ''}|{address_key(address)}", parts.flat, parts.number)


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """How two addresses relate, in words, with a score from 0 to 1."""

    level: str
    score: float


def compare_addresses(
    left: str, right: str, left_postcode: str | None = None, right_postcode: str | None = None
) -> AddressMatch:
    """Compare two addresses at premises, building and street level.

    >>> compare_addresses("Flat 2, 10 High St", "10A High Street", "SW1A 1AA", "SW1A 1AA").level
    'same building, different flat'
    >>> compare_addresses("10 High St", "10 high street", "SW1A 1AA", "SW1A1AA").level
    'same premises'
    """
    a, b = premises_key(left, left_postcode), premises_key(right, right_postcode)
    if a.postcode and b.postcode and a.postcode != b.postcode:
        return AddressMatch("different postcodes", 0.0)
    if a.building == b.building:
        if a.flat == b.flat:
            return AddressMatch("same premises", 1.0)
        if a.flat is None or b.flat is None:
            return AddressMatch("same building, flat not given in one", 0.8)
        return AddressMatch("same building, different flat", 0.6)
    if not (a.postcode and b.postcode):
        ratio = fuzz.token_sort_ratio(a.building, b.building) / 100
        if ratio >= 0.9:
            return AddressMatch("very similar address, postcode missing", round(0.7 * ratio, 2))
    ratio = fuzz.token_set_ratio(a.building, b.building) / 100
    if a.postcode and ratio >= 0.85:
        return AddressMatch("similar address, same postcode", round(0.6 * ratio, 2))
    return AddressMatch("different addresses", 0.0)


def resolve_addresses(
    records: Sequence[tuple[str, str, str | None]], *, level: str = "premises"
) -> dict[str, str]:
    """Group ``(record_id, address, postcode)`` records by premises (or ``level="building"``);
    returns record id -> group id (the smallest record id of the group).

    Keys that differ only by a typing error join when the postcode, the house number and the
    flat agree ("15 Orchardcroft Terrace" / "15 Orchadrcroft Terr"), and so do addresses
    without a number when one's words hold the other's ("Unit 1, Acorn Business Park" /
    "Unit 1, Acorn Business Park, Lincoln"): within one postcode, a near miss is a slip of
    the keyboard, not another building. An address given without a postcode joins the one
    building with a postcode that it can be (:func:`_place_unplaced`).

    >>> resolve_addresses([("1", "Flat 2, 10 High St", "SW1A 1AA"),
    ...                    ("2", "flat 2 10 high street", "sw1a1aa"),
    ...                    ("3", "10A High Street", "SW1A 1AA"),
    ...                    ("4", "2/10 Hihg Street", "SW1A 1AA"),
    ...                    ("5", "Flat 2, 10 High Street, London", None)])
    {'1': '1', '2': '1', '3': '3', '4': '1', '5': '1'}
    """
    if level not in ("premises", "building"):
        raise ValueError("level is 'premises' or 'building'")
    keys: dict[str, str] = {}
    near: dict[tuple[str, str | None, str | None], set[str]] = {}
    parts: dict[str, AddressKey] = {}
    towns: dict[str, set[str]] = {}
    for record_id, address, postcode in records:
        found = premises_key(address, postcode)
        key = found.premises if level == "premises" else found.building
        keys[record_id] = key
        parts[key] = found if level == "premises" else replace(found, flat=None)
        towns.setdefault(key, set()).add(town_of(address))
        if found.postcode:
            flat = found.flat if level == "premises" else None
            near.setdefault((found.postcode, found.number, flat), set()).add(key)
    groups = Groups()
    for (_, number, _), group in near.items():
        ordered = sorted(group)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if _slip(a, b, numbered=number is not None):
                    groups.join(a, b)
    _place_unplaced(parts, towns, groups)
    heads: dict[str, str] = {}
    for record_id, key in keys.items():
        root = groups.head(key)
        if root not in heads or record_id < heads[root]:
            heads[root] = record_id
    return {record_id: heads[groups.head(key)] for record_id, key in keys.items()}


def _place_unplaced(
    parts: Mapping[str, AddressKey], towns: Mapping[str, set[str]], groups: Groups
) -> None:
    """Join each numbered address given without a postcode ("kept at 10 Ironcroft Ln", an
    NRM referral's narrative) to the building with a postcode that it can only be: the same
    house number, street and flat, and nothing contradicting it.

    An address without a postcode cannot say which town's "10 High Street" it is, so it joins
    only when the store leaves no choice: exactly one building with a postcode has its number,
    street and flat (after typing slips are joined); its street is known in one postcode
    district only (a High Street or Station Road in several towns is not placed), unless the
    address names the candidate's town; and no town it names differs from one the
    candidate's records name. Two towns among the addresses sharing its key (a "10 High
    Street, York" and a "10 High Street, Leeds", both without postcodes) leave it unplaced.
    """
    placed: dict[tuple[str, str | None], set[str]] = {}
    districts: dict[str, set[str]] = {}
    for key, found in parts.items():
        if found.postcode and found.number is not None:
            building, street = _building_street(found)
            placed.setdefault((building, found.flat), set()).add(key)
            districts.setdefault(street, set()).add(found.postcode.split()[0])
    for key, found in parts.items():
        if found.postcode or found.number is None:
            continue
        building, street = _building_street(found)
        candidates = placed.get((building, found.flat), set())
        if len({groups.head(c) for c in candidates}) != 1:
            continue
        named = towns[key] - {""}
        there = set().union(*(towns[c] for c in candidates)) - {""}
        if len(named) > 1 or (named and there and not named <= there):
            continue  # towns that differ: another house of the same number and street
        if not (named and named <= there) and len(districts[street]) > 1:
            continue  # a street name several towns have: which one is not said
        groups.join(key, min(candidates))


def _building_street(found: AddressKey) -> tuple[str, str]:
    """A building key's number and street ("10 ironcroft lane"), and its street alone."""
    building = found.building.split("|", 1)[1]
    return building, building.split(" ", 1)[-1]


_SLIP = 85
"""Least similarity (0-100) of two building keys with one postcode, number and flat that
makes them one: "orchardcroft terrace" / "orchadrcroft terrace" score 95, "high street" /
"high road" 70."""


def _slip(a: str, b: str, *, numbered: bool) -> bool:
    """Whether two keys of one postcode, house number and flat differ only by a slip: their
    street names (the building part without its number) are that alike."""
    left, right = a.split("|")[1], b.split("|")[1]
    if numbered:
        return fuzz.ratio(left.split(" ", 1)[-1], right.split(" ", 1)[-1]) >= _SLIP
    return fuzz.token_set_ratio(left, right) == 100
