"""Passport numbers with their issuing country: "GBR:123456789" (ICAO alpha-3, as in the MRZ)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from followthemoney import registry as ftm
from rigour.territories import get_territory

from threadline.values._text import load_table
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["PassportType", "split_passport"]

_DIGIT = re.compile("[0-9]")
_LABELS = re.compile(r"\b(?:PASSPORT|PPT|NO|NUMBER|NUM|DOC|DOCUMENT|ISSUED|BY|IN)\b\.?|[:#(),/]")


@cache
def _formats() -> dict[str, re.Pattern[str]]:
    return {k: re.compile(f"^{v}$") for k, v in load_table("passport.yaml")["formats"].items()}


@lru_cache(maxsize=1024)
def _alpha3(country: str) -> str | None:
    territory = get_territory(country)
    return territory.alpha3.upper() if territory is not None and territory.alpha3 else None


@lru_cache(maxsize=4096)
def _country(words: str) -> str | None:
    """ISO alpha-2 code of a country written as a code, a name or a nationality."""
    words = words.strip()
    if not words:
        return None
    found = ftm.country.clean(words)
    if found is None and len(words) == 3:
        territory = get_territory(words.lower())
        found = territory.code if territory is not None else None
    return found


def split_passport(value: str) -> tuple[str | None, str]:
    """Issuing country (alpha-3) and number of a cleaned passport value.

    >>> split_passport("GBR:123456789"), split_passport("C1234567")
    (('GBR', '123456789'), (None, 'C1234567'))
    """
    country, _, number = value.rpartition(":")
    return country or None, number


class PassportType(ValueType):
    """Passport numbers, with the issuing country when it is known.

    >>> passports = PassportType()
    >>> passports.clean("123 456 789").value
    'GBR:123456789'
    >>> passports.clean("Vietnamese passport C1234567").value
    'VNM:C1234567'
    >>> passports.clean("C1234567").flags
    ('country_unknown',)
    """

    name = "passport"
    label = "Passport"
    node_prefix = "passport"
    """Controllers hold victims' passports; a document seen with two people links them."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        text = _LABELS.sub(" ", text.upper())
        words = text.split()
        # A lone letter belongs to the number ("C 1234567"); other words may name a country.
        inside = [bool(_DIGIT.search(w)) or (len(w) == 1 and w.isalpha()) for w in words]
        number = re.sub(
            r"[^A-Z0-9]", "", "".join(w for w, i in zip(words, inside, strict=True) if i)
        )
        country = _country(" ".join(w for w, i in zip(words, inside, strict=True) if not i))
        if not _DIGIT.search(number):
            return Cleaned(raw, None, "no passport number found")
        if not 5 <= len(number) <= 12:
            problem = "not shaped like a passport number (5-12 letters and digits): kept as given"
            return Cleaned(raw, number, problem, ("raw",))
        formats = _formats()
        if country is None:
            hinted = hints.country[:2].lower()
            if hinted in formats and formats[hinted].match(number):
                country = hinted
        alpha3 = _alpha3(country) if country else None
        if alpha3 is None:
            return Cleaned(raw, number, None, ("country_unknown",))
        value = f"{alpha3}:{number}"
        pattern = formats.get(country or "")
        if pattern is not None and not pattern.match(number):
            problem = f"does not look like a {alpha3} passport number"
            return Cleaned(raw, value, problem, ("unusual_format",))
        return Cleaned(raw, value)

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same passport"
        (country_a, number_a), (country_b, number_b) = split_passport(left), split_passport(right)
        if number_a == number_b:
            if country_a is None or country_b is None:
                return 0.9, "same number, issuing country missing in one"
            return 0.2, "same number, different issuing countries"
        if (
            country_a == country_b
            and len(number_a) == len(number_b)
            and sum(a != b for a, b in zip(number_a, number_b, strict=True)) == 1
        ):
            return 0.5, "one character differs"
        return 0.0, "different passports"

    def caption(self, value: str) -> str:
        country, number = split_passport(value)
        return f"{number} ({country})" if country else number
