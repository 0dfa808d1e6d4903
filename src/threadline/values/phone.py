"""Phone numbers: E.164 through phonenumbers, Ofcom drama ranges kept, partial numbers kept raw.

Numbers written as digits with ordinary punctuation (UK numbers in their common shapes, and
international ones with a country code) take a fast path (:mod:`threadline.values._phone_fast`)
that gives the library's answer without its general parser; everything else goes through
``phonenumbers.parse``. :meth:`PhoneType._clean_slow` keeps the library-only path as the
reference the tests hold the fast path to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import ClassVar

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

from threadline.values._phone_fast import is_valid, read_number
from threadline.values._text import digits, load_table, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["PhoneType", "canonical", "drama_range"]

_LENGTH_WORDS = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "the wrong length",
    ValidationResult.INVALID_COUNTRY_CODE: "an unknown country code",
}


@cache
def _drama_prefixes() -> dict[str, str]:
    return {str(k): str(v) for k, v in load_table("phone.yaml")["drama_ranges"].items()}


def drama_range(e164: str) -> str | None:
    """The Ofcom drama range an E.164 number falls in, or ``None``.

    >>> drama_range("+447700900123")
    'Mobile 07700 900xxx'
    >>> drama_range("+447911123456") is None
    True
    """
    if len(e164) != 13:
        return None
    return _drama_prefixes().get(e164[:10])


def canonical(number: PhoneNumber) -> bool:
    """Whether a number that no allocated range holds is still written in E.164: it has a
    length its country's numbers have (`phonenumbers.is_possible_number`, local-only lengths
    left out: a number without its area code is no number), so that "07700 926473",
    "0044 7700 926473" and "+44 7700 926473" are one value, one graph node and one key for
    resolution, while a partial number ("12345") is kept as written.

    >>> canonical(phonenumbers.parse("07700 926473", "GB"))
    True
    >>> [canonical(phonenumbers.parse(text, "GB")) for text in ("12345", "0033 6123")]
    [False, False]
    """
    return phonenumbers.is_possible_number_with_reason(number) == ValidationResult.IS_POSSIBLE


def _region(hints: Hints) -> str:
    return hints.country[:2].upper() or "GB"


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


_LETTER_O = re.compile(r"[Oo]")
_PHONE_CHARACTERS = re.compile(r"^[+0-9()\-. ]+$")


def _zeros(text: str) -> tuple[str, bool]:
    """The letter O typed for a zero ("O77OO 9OO123", as adverts write numbers), read as a
    zero when the text is otherwise all phone characters."""
    if "O" not in text and "o" not in text:
        return text, False
    swapped = _LETTER_O.sub("0", text)
    if _PHONE_CHARACTERS.match(swapped) and sum(ch.isdigit() for ch in swapped) >= 7:
        return swapped, True
    return text, False


def _corrected(found: Cleaned) -> Cleaned:
    if found.value is None:
        return found
    return Cleaned(found.original, found.value, found.problem, ("corrected", *found.flags))


class PhoneType(ValueType):
    """Phone numbers in E.164 ("+447911123456"); well-formed drama numbers flagged, not lost.

    >>> phone = PhoneType()
    >>> phone.clean("07911 123456").value
    '+447911123456'
    >>> phone.clean("07700 900123").flags
    ('fictional_range',)
    >>> phone.caption("+447911123456")
    '07911 123456'
    """

    name = "phone"
    label = "Phone number"
    node_prefix = "phone"
    """Shared phones tie victims to controllers, so every number is a graph node."""

    min_international_digits: ClassVar[int] = 10
    """Fewest digits for which a bare run such as "447911123456" is tried as international:
    shorter runs are too likely to be local numbers or partial ones."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        if text.lower().startswith("tel:"):
            text = text[4:]
        text, zeros = _zeros(text)
        region = _region(hints)
        fast = self._clean_fast(raw, text, region)
        found = fast if fast is not None else self._clean_text(raw, text, region)
        return _corrected(found) if zeros else found

    def _clean_fast(self, raw: str, text: str, region: str) -> Cleaned | None:
        """:meth:`_clean_text`'s answer for a number :func:`read_number` reads, else ``None``."""
        found = read_number(text, region)
        if found is None:
            return None
        # What phonenumbers gives: + country code and national significant number, then
        # _judge's drama-range and validity checks, in the same order.
        code, nsn = found
        e164 = f"+{code}{nsn}"
        if drama_range(e164) is not None:
            return Cleaned(raw, e164, None, ("fictional_range",))
        if is_valid(code, nsn):
            return Cleaned(raw, e164)
        national = PhoneNumber(country_code=code, national_number=int(nsn))
        readings: list[PhoneNumber] = [national]
        bare = digits(text)
        if not text.startswith(("+", "0")) and len(bare) >= self.min_international_digits:
            again = read_number("+" + bare, region)  # the second reading _clean_text tries
            if again is None:
                return None
            code, nsn = again
            if is_valid(code, nsn):
                return Cleaned(raw, f"+{code}{nsn}", None, ("assumed_international",))
            readings.append(PhoneNumber(country_code=code, national_number=int(nsn)))
        return self._raw(raw, text, bare, region, readings)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` through phonenumbers alone: the reference for the fast path."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        text = squash(raw)
        if text.lower().startswith("tel:"):
            text = text[4:]
        text, zeros = _zeros(text)
        found = self._clean_text(raw, text, _region(hints))
        return _corrected(found) if zeros else found

    def _clean_text(self, raw: str, text: str, region: str) -> Cleaned:
        number = _parse(text, region)
        readings = [] if number is None else [number]
        if number is not None:
            found = self._judge(raw, number)
            if found is not None:
                return found
        bare = digits(text)
        # Call records often drop the "+" of an international number: "447911123456".
        if not text.startswith(("+", "0")) and len(bare) >= self.min_international_digits:
            again = _parse("+" + bare, None)
            if again is not None and phonenumbers.is_valid_number(again):
                return Cleaned(raw, _e164(again), None, ("assumed_international",))
            readings = readings if again is None else [*readings, again]
        return self._raw(raw, text, bare, region, readings)

    def _judge(self, raw: str, number: PhoneNumber) -> Cleaned | None:
        e164 = _e164(number)
        flags: list[str] = []
        problem = None
        if number.extension:
            flags.append("extension")
            problem = f"extension {number.extension} is not part of the cleaned number"
        if drama_range(e164) is not None:
            return Cleaned(raw, e164, problem, ("fictional_range", *flags))
        if phonenumbers.is_valid_number(number):
            return Cleaned(raw, e164, problem, tuple(flags))
        return None

    def _raw(
        self, raw: str, text: str, bare: str, region: str, readings: Sequence[PhoneNumber]
    ) -> Cleaned:
        """A number no allocated range holds: flagged ``raw`` (not valid, never a merge key),
        in E.164 if one of its `readings` (the region's first, then as international) is of a
        length its country's numbers have (`canonical`), else as its digits were written."""
        if not bare:
            return Cleaned(raw, None, "no digits in this phone number")
        possible = next((n for n in readings if canonical(n)), None)
        if possible is not None:
            problem = (f"not a valid phone number for region {region} (not in any allocated "
                       "number range): kept in international form")  # fmt: skip
            return Cleaned(raw, _e164(possible), problem, ("raw",))
        reason = "not in any allocated number range"
        if readings:
            check = phonenumbers.is_possible_number_with_reason(readings[-1])
            reason = _LENGTH_WORDS.get(check, reason)
        value = ("+" if text.startswith("+") else "") + bare
        problem = f"not a valid phone number for region {region} ({reason}): kept as raw digits"
        return Cleaned(raw, value, problem, ("raw",))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same number"
        a, b = _national(left), _national(right)
        if a == b:
            return 0.9, "same digits, written with and without the country code"
        if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
            return 0.5, "one digit differs"
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 6 and long_.endswith(short):
            return 0.6, "partial number matches the end of the other"
        return 0.0, "different numbers"

    def caption(self, value: str) -> str:
        if not value.startswith("+"):
            return value
        number = _parse(value, None)
        if number is None:
            return value
        style = PhoneNumberFormat.NATIONAL
        if number.country_code != 44:
            style = PhoneNumberFormat.INTERNATIONAL
        return phonenumbers.format_number(number, style)


def _national(value: str) -> str:
    """The national significant digits of a cleaned value, raw or E.164."""
    if value.startswith("+"):
        number = _parse(value, None)
        if number is not None:
            return str(number.national_number)
    return value.lstrip("+0")
