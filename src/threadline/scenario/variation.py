"""How values drift between agencies: dates of birth, phone formats, postcodes, registrations."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from threadline.scenario._rng import chance

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as recorded: the month and day may be missing."""

    year: int
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True, slots=True)
class DobRates:
    """How often an agency records a date of birth wrongly or partly (probabilities)."""

    missing: float = 0.05
    year_only: float = 0.02
    month_year: float = 0.02
    swapped: float = 0.03  # day and month exchanged (only possible when the day is 12 or less)
    first_of_january: float = 0.01  # unknown day and month recorded as 01/01
    off_by_a_year: float = 0.02
    wrong_day: float = 0.02


def vary_dob(rng: random.Random, dob: date, rates: DobRates) -> PartialDate | None:
    """The date of birth an agency recorded for someone born on ``dob`` (None: not recorded)."""
    roll = rng.random()
    for kind, rate in (
        ("missing", rates.missing),
        ("year_only", rates.year_only),
        ("month_year", rates.month_year),
        ("swapped", rates.swapped),
        ("first_of_january", rates.first_of_january),
        ("off_by_a_year", rates.off_by_a_year),
        ("wrong_day", rates.wrong_day),
    ):
        if roll < rate:
            return _varied(rng, dob, kind)
        roll -= rate
    return PartialDate(dob.year, dob.month, dob.day)


def _varied(rng: random.Random, dob: date, kind: str) -> PartialDate | None:
    if kind == "missing":
        return None
    if kind == "year_only":
        return PartialDate(dob.year)
    if kind == "month_year":
        return PartialDate(dob.year, dob.month)
    if kind == "swapped" and dob.day <= 12 and dob.day != dob.month:
        return PartialDate(dob.year, dob.day, dob.month)
    if kind == "first_of_january":
        return PartialDate(dob.year, 1, 1)
    if kind == "off_by_a_year":
        return PartialDate(dob.year + rng.choice((-1, 1)), dob.month, dob.day)
    if kind == "wrong_day":
        day = dob.day + rng.choice((-10, -1, 1, 10))
        if 1 <= day <= 28:
            return PartialDate(dob.year, dob.month, day)
    return PartialDate(dob.year, dob.month, dob.day)


def format_partial(value: PartialDate | None, fmt: str) -> str:
    """Write a (partial) date as ``iso`` (1990-05-14), ``dmy`` (14/05/1990) or ``mon``.

    >>> format_partial(PartialDate(1990, 5), "dmy"), format_partial(PartialDate(1990, 5, 4), "mon")
    ('05/1990', '04-MAY-1990')
    """
    if value is None:
        return ""
    if value.month is None:
        return f"{value.year:04d}"
    if fmt == "iso":
        if value.day is None:
            return f"{value.year:04d}-{value.month:02d}"
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if fmt == "mon":
        month = MONTHS[value.month - 1]
        if value.day is None:
            return f"{month}-{value.year:04d}"
        return f"{value.day:02d}-{month}-{value.year:04d}"
    if value.day is None:
        return f"{value.month:02d}/{value.year:04d}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date(value: date, fmt: str) -> str:
    """Write a full date in one of the formats of :func:`format_partial`."""
    return format_partial(PartialDate(value.year, value.month, value.day), fmt)


PHONE_FORMATS: tuple[str, ...] = (
    "national",
    "compact",
    "spaced",
    "international",
    "e164",
    "double_zero",
    "double_zero_compact",
    "brackets",
    "dashes",
    "plus_zero",
    "no_plus",
    "no_zero",
)


def format_phone(rng: random.Random, number: str, formats: tuple[str, ...] = PHONE_FORMATS) -> str:
    """Write an 11-digit UK number (``07700900123``) in one of the UK formats seen in records.

    >>> import random
    >>> sorted({format_phone(random.Random(i), "07700900123") for i in range(200)})[:4]
    ['(07700) 900-123', '+44 (0)7700 900123', '+44 7700 900123', '+447700900123']
    """
    fmt = rng.choice(formats)
    area, local = number[1:5], number[5:]
    return {
        "national": f"0{area} {local}",
        "compact": number,
        "spaced": f"0{area} {local[:3]} {local[3:]}",
        "international": f"+44 {area} {local}",
        "e164": f"+44{area}{local}",
        "double_zero": f"0044 {area} {local}",
        "double_zero_compact": f"0044{area}{local}",
        "brackets": f"(0{area}) {local[:3]}-{local[3:]}",
        "dashes": f"0{area}-{local[:3]}-{local[3:]}",
        "plus_zero": f"+44 (0){area} {local}",
        "no_plus": f"44{area}{local}",
        "no_zero": f"{area}{local}",
    }[fmt]


def mangle_phone(rng: random.Random, number: str) -> str:
    """A partial or mistyped number as heard or noted in a hurry."""
    if rng.random() < 0.5:
        return number[: rng.randint(7, 10)]
    # Digits swapped after the sixth only: 07700 9xx xxx stays in Ofcom's drama range.
    i = rng.randrange(6, len(number) - 1)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def format_postcode(rng: random.Random, postcode: str, nospace: float, lower: float = 0.0) -> str:
    """Write ``postcode`` (``BD3 7QX``) with or without its space, sometimes in lower case."""
    text = postcode.replace(" ", "") if chance(rng, nospace) else postcode
    return text.lower() if chance(rng, lower) else text


def format_vrm(rng: random.Random, vrm: str, nospace: float = 0.5) -> str:
    """Write a registration (``AB12 CQD``) with or without its space."""
    return vrm.replace(" ", "") if chance(rng, nospace) else vrm


_MISREADS = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5"}


def misread_vrm(rng: random.Random, vrm: str) -> str:
    """An ANPR misread: one character confused with its look-alike."""
    positions = [i for i, c in enumerate(vrm) if c in _MISREADS]
    if not positions:
        return vrm
    i = rng.choice(positions)
    return vrm[:i] + _MISREADS[vrm[i]] + vrm[i + 1 :]
