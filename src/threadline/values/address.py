"""Addresses: one cleaned line, the UK postcode, flat and house number, and matching keys.

:meth:`AddressType.clean` needs only the cleaned line and the postcode, so it skips
:func:`parse_address`'s search for flat, number and street; :meth:`AddressType._clean_slow`
keeps the whole parse as the reference the tests hold it to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz

from threadline.values._text import ascii_text, load_table, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType
from threadline.values.postcode import POSTCODE_PATTERN

__all__ = ["AddressParts", "AddressType", "address_key", "parse_address", "town_of"]

_NO_FIXED_ABODE = re.compile(
    r"(?i)\s*(?:n\.?\s?f\.?\s?a\.?|no fixed (?:abode|address)|homeless|street homeless)\s*"
)
"""Police and NHS shorthand for a person with no address: never a premises of its own."""

_SEPARATORS = re.compile(r"\s*(?:[,;\n\r]\s*)+")
_NUMBER = re.compile(r"^(\d+)\s?([A-Za-z])?(?:\s*-\s*(\d+[A-Za-z]?))?\b,?\s*")
_FLAT_SLASH = re.compile(r"^(\d+[A-Za-z]?)\s*/\s*(?=\d)")
"""The flat before a slash and the house number ("2/14 Mill Lane": flat 2 of number 14), as
English police and council records write it. (Scottish tenement addresses put the floor
there, "3/1" for the third floor's flat 1; that is not read.)"""


@dataclass(frozen=True, slots=True)
class _Tables:
    suffixes: dict[str, str]
    street_words: frozenset[str]
    unit: re.Pattern[str]
    before_word: dict[str, dict[str, str]]


@cache
def _tables() -> _Tables:
    data = load_table("address.yaml")
    units = "|".join(data["unit_words"])
    unit = re.compile(
        rf"\b(?:{units})\.?\s*(?:no\.?\s*)?(\d+[A-Za-z]?|[A-Za-z](?![A-Za-z]))\b,?\s*", re.I
    )
    suffixes = {str(k): str(v) for k, v in data["street_suffixes"].items()}
    before = {
        str(k): {str(w): str(v) for w, v in m.items()} for k, m in data["before_word"].items()
    }
    streets = frozenset(data["street_words"]) | set(suffixes.values())
    return _Tables(suffixes, streets, unit, before)


@dataclass(frozen=True, slots=True)
class AddressParts:
    """An address taken apart, as far as its writing shows.

    >>> parts = parse_address("FLAT 2, 10 HIGH ST, LONDON, sw1a 1aa")
    >>> parts.cleaned
    'Flat 2, 10 High St, London, SW1A 1AA'
    >>> parts.flat, parts.number, parts.street, parts.postcode
    ('2', '10', 'High Street', 'SW1A 1AA')
    """

    original: str
    """The address as the source wrote it."""
    cleaned: str
    """One line, comma-separated, Title Case where the source shouted, postcode canonical."""
    postcode: str | None
    """The UK postcode found in the address, canonical."""
    flat: str | None
    """Flat, unit or building letter ("2" from "Flat 2", "A" from "10A"): premises level."""
    number: str | None
    """House number or range ("10", "10-12"): building level."""
    street: str | None
    """Street name with the suffix written in full ("High Street")."""


def _case(text: str) -> str:
    """Title Case each part written all upper or all lower case; leave mixed case alone."""
    return ",".join(_case_part(part) for part in text.split(","))


def _case_part(text: str) -> str:
    if text.isascii():
        # In ASCII the letters are the cased characters: no letters or mixed case leaves
        # both of these false.
        if not (text.isupper() or text.islower()):
            return text
    else:
        letters = [ch for ch in text if ch.isalpha()]
        if not letters or (
            any(ch.isupper() for ch in letters) and any(ch.islower() for ch in letters)
        ):
            return text
    return " ".join([_case_word(word) for word in text.split(" ")])


@lru_cache(maxsize=65_536)
def _case_word(word: str) -> str:
    if any(ch.isdigit() for ch in word) or len(word) <= 1:
        return word.upper()
    return word[:1].upper() + word[1:].lower()


def _norm(text: str) -> list[str]:
    """ASCII lower-case words of ``text`` with street suffixes written in full."""
    suffixes = _tables().suffixes
    words = re.sub(r"[^a-z0-9 ]", " ", ascii_text(text).lower().replace("'", "")).split()
    out = []
    for i, word in enumerate(words):
        if word == "st" and i < len(words) - 1:
            out.append("saint")  # "St John's Road": "St" before a name is a saint
        else:
            out.append(suffixes.get(word, word) if i > 0 else word)
    before = _tables().before_word
    for i, word in enumerate(out[:-1]):
        if word in before:
            out[i] = before[word].get(out[i + 1], word)
    return out


def _street(words: list[str]) -> str | None:
    """The street name in the words after a house number: up to the first street word."""
    streets = _tables().street_words
    for end, word in enumerate(words):
        if end > 0 and word in streets:
            words = words[: end + 1]
            break
    return " ".join(w.capitalize() for w in words) or None


def _split(raw: str) -> tuple[str, str | None, str]:
    """Cleaned line, canonical postcode, and the line without flat and postcode."""
    text = _SEPARATORS.sub(", ", squash(raw.replace("\n", ", "))).strip(" ,")
    upper = text.upper()
    matches = list(POSTCODE_PATTERN.finditer(upper)) if len(upper) == len(text) else []
    if not matches:
        cased = _case(text)
        return cased, None, cased
    last = matches[-1]
    postcode = f"{last.group(1)} {last.group(2)}"
    before, after = _case(text[: last.start()]), _case(text[last.end() :])
    return before + postcode + after, postcode, (before + after).strip(" ,")


def parse_address(raw: str, hints: Hints = DEFAULT_HINTS) -> AddressParts:
    """Take an address apart: cleaned line, postcode, flat, house number and street."""
    text, postcode, rest = _split(raw)
    flat = None
    if (unit := _tables().unit.search(rest)) is not None:
        flat = unit.group(1).upper()
        rest = rest[: unit.start()] + rest[unit.end() :]
    number = street = None
    for segment in _SEPARATORS.split(rest.strip(" ,")):
        if (slash := _FLAT_SLASH.match(segment)) is not None:
            flat = flat or slash.group(1).upper()
            segment = segment[slash.end() :]
        found = _NUMBER.match(segment)
        if found is None or not segment[found.end() :].strip():
            continue
        number = found.group(1) + (f"-{found.group(3)}" if found.group(3) else "")
        if found.group(2) and flat is None:
            flat = found.group(2).upper()
        street = _street(_norm(segment[found.end() :]))
        break
    return AddressParts(raw, text, postcode, flat, number, street)


def address_key(raw: str, *, unit: bool = False) -> str:
    """Building-level matching key: house number and street, suffixes written in full.

    The key holds no town: "10 High Street" is in every town, so block on it together with the
    postcode or town. ``unit=True`` adds the flat, for premises-level matching.

    >>> address_key("Flat 2, 10 High St") == address_key("10A High Street")
    True
    >>> address_key("Flat 2, 10 High St", unit=True)
    '10 high street flat 2'
    >>> address_key("Rose Cottage, St John's Rd, Bath")
    'rose cottage saint johns road bath'
    """
    parts = parse_address(raw)
    if parts.number is not None and parts.street is not None:
        key = f"{parts.number} {' '.join(_norm(parts.street))}"
    else:
        rest = _split(raw)[2]
        key = " ".join(_norm(_tables().unit.sub(" ", rest)))
    if unit and parts.flat is not None:
        key += f" flat {parts.flat.lower()}"
    return key


def town_of(address: str) -> str:
    """The town an address line ends with, lower case ("wisbech" of "5 Elderhurst Terr,
    Wisbech PE13 2XY"), or "" when it names none (its last part holds a number, or it has one
    part only).

    >>> town_of("5 Elderhurst Terr, Wisbech PE13 2XY"), town_of("10 Ironcroft Ln")
    ('wisbech', '')
    >>> town_of("Flat 1, 6 Quarryholme Avenue"), town_of("10 High St, PE13 2XY")
    ('', '')
    """
    last = address.rsplit(",", 1)[-1] if "," in address else ""
    words = [w for w in last.lower().split() if not any(c.isdigit() for c in w)]
    if not words or any(c.isdigit() for c in " ".join(last.split()[:1])):
        return ""
    return " ".join(words)


def _full_key(value: str) -> str:
    parts = parse_address(value)
    pieces = [address_key(value, unit=True)]
    if parts.postcode is not None:
        pieces.append(parts.postcode.replace(" ", "").lower())
    elif parts.number is not None:
        pieces.append(" ".join(_norm(value.rsplit(",", 1)[-1])))
    return " ".join(pieces)


class AddressType(ValueType):
    """Postal addresses, lightly cleaned to one line; matched through :func:`address_key`.

    >>> addresses = AddressType()
    >>> addresses.clean("10 high st\\nLONDON\\nsw1a1aa").value
    '10 High St, London, SW1A 1AA'
    >>> addresses.compare_detail("Flat 2, 10 High St", "10A High Street")
    (0.6, 'same building, different flat')
    """

    name = "address"
    label = "Address"
    node_prefix = "address"
    """Premises where many unrelated adults are recorded are a key trafficking indicator, so
    each address (to the flat) is a graph node."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        if _NO_FIXED_ABODE.fullmatch(text):
            return Cleaned(raw, None, "no fixed abode: a fact about the person, not an address",
                           ("unknown", "no_fixed_abode"))  # fmt: skip
        cleaned, postcode, _ = _split(raw)  # all of parse_address that the answer needs
        return self._judge(raw, cleaned, postcode)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` through the whole of :func:`parse_address`: the reference."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        if _NO_FIXED_ABODE.fullmatch(squash(raw)):
            return self.clean(raw, hints)
        parts = parse_address(raw, hints)
        return self._judge(raw, parts.cleaned, parts.postcode)

    def _judge(self, raw: str, cleaned: str, postcode: str | None) -> Cleaned:
        if not any(ch.isalnum() for ch in cleaned):
            return Cleaned(raw, None, "no letters or digits in this address")
        flags = () if postcode else ("no_postcode",)
        return Cleaned(raw, cleaned, None, flags)

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right or _full_key(left) == _full_key(right):
            return 1.0, "same address"
        a, b = parse_address(left), parse_address(right)
        if a.postcode and b.postcode and a.postcode != b.postcode:
            return 0.1, "different postcodes"
        if address_key(left) == address_key(right) and a.number is not None:
            if a.flat == b.flat:
                return 0.95, "same address, written differently"
            if a.flat is None or b.flat is None:
                return 0.8, "same building, flat not given in one"
            return 0.6, "same building, different flat"
        ratio = fuzz.token_set_ratio(_full_key(left), _full_key(right)) / 100
        if ratio >= 0.85:
            return round(0.7 * ratio, 2), "similar address"
        return 0.0, "different addresses"

    def node_id(self, value: str) -> str | None:
        return f"address:{_full_key(value)}"
