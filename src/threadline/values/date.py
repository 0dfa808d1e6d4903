"""Dates: UK day-first reading, partial dates kept partial, impossible dates refused in words.

A time of day is dropped (flag ``time_removed``) unless the mapping asks to keep it
(:attr:`~threadline.values.base.Hints.keep_time`, for event times such as an ANPR read): then a
full date with a time that is not exactly midnight cleans to FollowTheMoney's
``YYYY-MM-DDTHH:MM[:SS]``, in UK local time.

All-numeric dates with a four-digit year ("05/09/2000", "2000-09-05"), most of what agencies
send, take a fast path (:meth:`DateType._clean_fast`) that reads them in one regex; the general
path, :meth:`DateType._clean_slow`, is the reference the tests hold it to.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import ClassVar
from zoneinfo import ZoneInfo

from followthemoney import registry as ftm

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["DateType", "compare_detail"]

MONTHS: dict[str, int] = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
} | {"sept": 9}
_IGNORED_WORDS = frozenset(
    {"st", "nd", "rd", "th", "of", "the", "on", "dob", "born", "b", "date", "birth"}
    | {calendar.day_name[i].lower() for i in range(7)}
    | {calendar.day_abbr[i].lower() for i in range(7)}
    | {"tues", "thur", "thurs"}
)
_APPROX = re.compile(
    r"^(?:c\.?|ca\.?|circa|approx\.?|approximately|about|around|abt\.?)\s*(?=\d|[a-z])", re.I
)
_TIME = re.compile(
    r"^(.*?\d)(?:T|\s+|,\s*)(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[ap]\.?m\.?)?$",
    re.I,
)
"""A date followed by a time of day: (date text, hour, minute, second, zone or am/pm)."""
LOCAL_TIME = ZoneInfo("Europe/London")
"""The wall clock kept times are read on: a time stated with a zone ("Z", "+02:00") is moved
to it, so that "at night" means night where our sources are."""
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/. ](\d{4})$")
_COMPACT = re.compile(r"^\d{8}$")
_FAST = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})|(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
"""What _NUMERIC reads with a four-digit year, or _ISO reads as a whole date: no time, no
approximation and no month name, so that the general path would reach the same reading."""
_TOKEN = re.compile(r"[a-z]+|\d+")


@dataclass(slots=True)
class _Reading:
    """What one parse made of a text, before it is checked against the calendar."""

    year: int
    month: int | None = None
    day: int | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    time: tuple[int, int, int | None] | None = None
    """(hour, minute, second or None when not stated): kept only when the hints ask."""
    offset: timedelta | None = None
    """The time's offset from UTC, when the source stated a zone."""


def _time_of_day(timed: re.Match[str]) -> tuple[tuple[int, int, int | None], timedelta | None]:
    """(hour, minute, second) and UTC offset of a :data:`_TIME` match; ValueError when the
    time cannot be one ("25:10", "13:00 pm")."""
    hour, minute = int(timed.group(2)), int(timed.group(3))
    second = int(timed.group(4)) if timed.group(4) else None
    zone = (timed.group(5) or "").lower().replace(".", "")
    offset = None
    if zone in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour} {zone}")
        hour = hour % 12 + (12 if zone == "pm" else 0)
    elif zone == "z":
        offset = timedelta(0)
    elif zone:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == "-" else offset
    if hour > 23 or minute > 59 or (second or 0) > 59:
        raise ValueError(timed.group(0))
    if offset is not None and abs(offset) > timedelta(hours=14):
        raise ValueError(timed.group(0))  # no zone is further from UTC
    return (hour, minute, second), offset


def _pivot(two_digits: int, flags: list[str]) -> int:
    """A two-digit year as the latest year not in the future: for dates of birth "27" in
    2026 is 1927, not 2027."""
    flags.append("two_digit_year")
    this_year = date.today().year
    year = this_year - this_year % 100 + two_digits
    return year - 100 if year > this_year else year


def _year(text: str, flags: list[str]) -> int:
    return _pivot(int(text), flags) if len(text) <= 2 else int(text)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]`` without its weekday arithmetic."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]


class DateType(ValueType):
    """Dates as ISO 8601 prefixes: "1990", "1990-09" or "1990-09-05".

    >>> dates = DateType()
    >>> dates.clean("05/09/2000").value
    '2000-09-05'
    >>> dates.clean("05/09/2000").flags
    ('ambiguous_day_month',)
    >>> dates.clean("31/02/1990").problem
    'day 31 does not exist in February 1990'
    >>> dates.caption("1990-09")
    'September 1990'
    >>> dates.clean("30/06/2026 02:27:11", Hints(keep_time=True)).value
    '2026-06-30T02:27:11'
    >>> dates.caption("2026-06-30T02:27")
    '30 June 2026 02:27'
    """

    name = "date"
    label = "Date"

    min_year: ClassVar[int] = 1800
    """Earliest year accepted: anything older is a typing error in our material."""

    max_year: ClassVar[int] = 2100
    """Latest year accepted: review dates and visa expiry lie in the future, but not far."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        if hints.date_format is None and (found := _FAST.fullmatch(text)) is not None:
            return self._clean_fast(raw, found, hints)
        return self._clean_text(raw, text, hints)

    def _clean_fast(self, raw: str, found: re.Match[str], hints: Hints) -> Cleaned:
        """:meth:`_read` and :meth:`_finish` in one, for a date :data:`_FAST` matched."""
        a, b, c, y, m, d = found.groups()
        flags: list[str] = []
        note = None
        day: int | None
        month: int | None
        if y is None:  # _numeric with a four-digit year, in the order the hints state
            year, first, second = int(c), int(a), int(b)
            day, month = (second, first) if hints.date_order == "mdy" else (first, second)
            if month > 12 >= day:
                day, month = month, day
                flags.append("order_corrected")
                note = f"{a}/{b} read with the day and month the other way round"
            elif day <= 12 and month <= 12 and day != month and min(day, month) > 0:
                flags.append("ambiguous_day_month")
        else:
            year, month, day = int(y), int(m), int(d)
        if month == 0:
            month = day = None
        if day == 0:
            day = None
        problem = None
        if not self.min_year <= year <= self.max_year:
            problem = f"year {year} is outside {self.min_year}-{self.max_year}"
        elif month is not None and not 1 <= month <= 12:
            problem = f"month {month} does not exist"
        elif month is not None and day is not None and not 1 <= day <= _days_in(year, month):
            problem = f"day {day} does not exist in {calendar.month_name[month]} {year}"
        if problem is not None:
            return Cleaned(
                raw, None, problem if note is None else f"{note}; {problem}", tuple(flags)
            )
        if month is None:
            return Cleaned(raw, f"{year:04d}", note, (*flags, "partial"))
        if day is None:
            return Cleaned(raw, f"{year:04d}-{month:02d}", note, (*flags, "partial"))
        if day == 1 and month == 1:
            flags.append("first_of_january")
        return Cleaned(raw, f"{year:04d}-{month:02d}-{day:02d}", note, tuple(flags))

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` through the general path alone: the reference for the fast path."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._clean_text(raw, squash(raw), hints)

    def _clean_text(self, raw: str, text: str, hints: Hints) -> Cleaned:
        flags: list[str] = []
        notes: list[str] = []
        approx = _APPROX.match(text)
        if approx is not None:
            text = text[approx.end() :]
            flags.append("approximate")
        if hints.date_format is not None:
            stated = self._stated(text, hints.date_format)
            if stated is not None:
                if not hints.keep_time:
                    stated.time = stated.offset = None
                return self._finish(raw, stated, flags, notes)
            flags.append("format_mismatch")
            notes.append(f"does not match the stated format {hints.date_format!r}; guessed")
        timed = _TIME.match(text)
        time: tuple[int, int, int | None] | None = None
        offset = None
        if timed is not None:
            text = timed.group(1)
            if not hints.keep_time:
                flags.append("time_removed")
            else:
                try:
                    time, offset = _time_of_day(timed)
                except ValueError:
                    flags.append("time_removed")
                    notes.append(f"{timed.group(2)}:{timed.group(3)} is not a time of day")
        reading = self._read(text, hints)
        if isinstance(reading, str):
            return Cleaned(raw, None, "; ".join([*notes, reading]), tuple(flags))
        if time is not None:
            reading.time, reading.offset = time, offset
        return self._finish(raw, reading, flags, notes)

    def _stated(self, text: str, fmt: str) -> _Reading | None:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            return None
        if "%d" in fmt or "%j" in fmt:
            out = _Reading(parsed.year, parsed.month, parsed.day)
            if any(code in fmt for code in ("%H", "%I", "%M")):
                out.time = (parsed.hour, parsed.minute, parsed.second if "%S" in fmt else None)
                out.offset = parsed.utcoffset()
            return out
        if any(code in fmt for code in ("%m", "%b", "%B")):
            return _Reading(parsed.year, parsed.month)
        return _Reading(parsed.year)

    def _read(self, text: str, hints: Hints) -> _Reading | str:
        """Parse ``text``; a string answer is the reason it could not be read."""
        if (iso := _ISO.match(text)) is not None:
            y, m, d = iso.groups()
            return _Reading(int(y), int(m) if m else None, int(d) if d else None)
        if _COMPACT.match(text):
            return self._compact(text, hints)
        if (numeric := _NUMERIC.match(text)) is not None:
            return self._numeric(*numeric.groups(), hints=hints)
        if (month_year := _MONTH_YEAR.match(text)) is not None:
            return _Reading(int(month_year.group(2)), int(month_year.group(1)))
        tokens = _TOKEN.findall(text.lower())
        if any(token in MONTHS for token in tokens):
            return self._textual(tokens)
        fallback = ftm.date.clean(text)
        if fallback is not None:
            return self._read(fallback[:10], hints)
        return "not a recognisable date"

    def _compact(self, text: str, hints: Hints) -> _Reading | str:
        """Eight digits: "19900905" (year first) or "05091990" (day or month first)."""
        if hints.date_order == "ymd" or (1800 <= int(text[:4]) <= 2100 and int(text[4:6]) <= 12):
            return _Reading(int(text[:4]), int(text[4:6]), int(text[6:]))
        return self._numeric(text[:2], text[2:4], text[4:], hints=hints)

    def _numeric(self, a: str, b: str, c: str, *, hints: Hints) -> _Reading:
        flags: list[str] = []
        notes: list[str] = []
        if hints.date_order == "ymd" and len(c) == 2 and len(a) == 2:
            return _Reading(_year(a, flags), int(b), int(c), flags)
        first, second, year = int(a), int(b), _year(c, flags)
        day, month = (second, first) if hints.date_order == "mdy" else (first, second)
        if month > 12 >= day:
            day, month = month, day
            flags.append("order_corrected")
            notes.append(f"{a}/{b} read with the day and month the other way round")
        elif day <= 12 and month <= 12 and day != month and min(day, month) > 0:
            flags.append("ambiguous_day_month")
        return _Reading(year, month, day, flags, notes)

    def _textual(self, tokens: list[str]) -> _Reading | str:
        words = [t for t in tokens if not t.isdigit() and t not in _IGNORED_WORDS]
        numbers = [t for t in tokens if t.isdigit()]
        if len(words) != 1 or words[0] not in MONTHS:
            return "not a recognisable date"
        month = MONTHS[words[0]]
        flags: list[str] = []
        years = [n for n in numbers if len(n) == 4]
        small = [n for n in numbers if len(n) <= 2]
        if len(years) == 1 and len(small) <= 1 and len(numbers) == len(small) + 1:
            return _Reading(int(years[0]), month, int(small[0]) if small else None)
        if not years and len(small) == 2:
            return _Reading(_year(small[1], flags), month, int(small[0]), flags)
        if not years and len(small) == 1 and int(small[0]) > 31:
            return _Reading(_year(small[0], flags), month, None, flags)
        if not years and len(small) <= 1:
            return "a month without a year"
        return "not a recognisable date"

    def _finish(self, raw: str, r: _Reading, flags: list[str], notes: list[str]) -> Cleaned:
        flags = [*flags, *r.flags]
        notes = [*notes, *r.notes]
        if r.month == 0:  # "00/00/1990": agencies write zeros for an unknown day and month
            r.month = r.day = None
        if r.day == 0:
            r.day = None
        problem = self._impossible(r)
        if problem is not None:
            return Cleaned(raw, None, "; ".join([*notes, problem]), tuple(dict.fromkeys(flags)))
        if r.time is not None and (r.day is None or (r.time[:2] == (0, 0) and not r.time[2])):
            # A partial date has no time to hang on; midnight is what exports write for none.
            flags.append("time_removed")
            r.time = None
        if r.time is not None and r.month is not None and r.day is not None:
            return self._timed(raw, r, flags, notes)
        value = f"{r.year:04d}"
        if r.month is not None:
            value += f"-{r.month:02d}"
            if r.day is not None:
                value += f"-{r.day:02d}"
        if r.day is None:
            flags.append("partial")
        elif r.day == 1 and r.month == 1:
            # 1 January is what immigration systems record when only the year is known.
            flags.append("first_of_january")
        problem = "; ".join(notes) or None
        return Cleaned(raw, value, problem, tuple(dict.fromkeys(flags)))

    def _timed(self, raw: str, r: _Reading, flags: list[str], notes: list[str]) -> Cleaned:
        """A full date with its time of day, moved to UK local time when a zone was stated."""
        assert r.time is not None and r.month is not None and r.day is not None
        hour, minute, second = r.time
        when = datetime(r.year, r.month, r.day, hour, minute, second or 0)
        if r.offset is not None:
            local = when.replace(tzinfo=timezone(r.offset)).astimezone(LOCAL_TIME)
            if local.utcoffset() != r.offset:
                flags.append("time_zone_converted")
            when = local.replace(tzinfo=None)
        value = when.strftime("%Y-%m-%dT%H:%M" if second is None else "%Y-%m-%dT%H:%M:%S")
        problem = "; ".join(notes) or None
        return Cleaned(raw, value, problem, tuple(dict.fromkeys(flags)))

    def _impossible(self, r: _Reading) -> str | None:
        if not self.min_year <= r.year <= self.max_year:
            return f"year {r.year} is outside {self.min_year}-{self.max_year}"
        if r.month is None:
            return None
        if not 1 <= r.month <= 12:
            return f"month {r.month} does not exist"
        if r.day is not None and not 1 <= r.day <= calendar.monthrange(r.year, r.month)[1]:
            return f"day {r.day} does not exist in {calendar.month_name[r.month]} {r.year}"
        return None

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        return compare_detail(left, right)

    def caption(self, value: str) -> str:
        day, _, time = value.partition("T")
        parts = [int(p) for p in day.split("-")]
        if len(parts) == 3:
            text = f"{parts[2]} {calendar.month_name[parts[1]]} {parts[0]}"
            return f"{text} {time}" if time else text
        if len(parts) == 2:
            return f"{calendar.month_name[parts[1]]} {parts[0]}"
        return value


def compare_detail(left: str, right: str) -> tuple[float, str]:
    """Similarity of two cleaned dates, with the reason in words.

    >>> compare_detail("1990-09-05", "1990-05-09")
    (0.85, 'day and month swapped')
    >>> compare_detail("1990-09", "1990-09-05")
    (0.8, 'same year and month (one date partial)')
    >>> compare_detail("1990-09-05", "1990-09-06")
    (0.7, 'one digit differs')
    """
    if left == right:
        return 1.0, "same date"
    left, left_time = left.partition("T")[::2]
    right, right_time = right.partition("T")[::2]
    if left == right:
        if left_time and right_time:
            return 0.9, "same date, different times"
        return 1.0, "same date"
    a, b = left.split("-"), right.split("-")
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        if long_[: len(short)] == short:
            if len(short) == 2:
                return 0.8, "same year and month (one date partial)"
            return 0.6, "same year (one date partial)"
        return 0.0, "different dates"
    if len(a) == 3 and a[0] == b[0] and a[1] == b[2] and a[2] == b[1]:
        return 0.85, "day and month swapped"
    differing = sum(x != y for x, y in zip(left, right, strict=True))
    if differing == 1:
        return 0.7, "one digit differs"
    if len(a) == 3 and a[1:] == b[1:] and abs(int(a[0]) - int(b[0])) == 1:
        return 0.6, "same day and month, years one apart"
    if len(a) == 3 and a[:2] == b[:2]:
        return 0.5, "same year and month"
    if a[0] == b[0]:
        return 0.3, "same year"
    return 0.0, "different dates"
