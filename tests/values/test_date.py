"""Dates: UK day-first reading, partial and textual dates, impossible dates, comparison."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import DateType, Hints
from threadline.values.date import _FAST, _days_in, compare_detail

dates = DateType()
UK = Hints()
US = Hints(date_order="mdy")
YMD = Hints(date_order="ymd")
TIMED = Hints(keep_time=True)

# raw, hints, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    # UK day-first; ambiguous when both parts could be the month
    ("05/09/2000", UK, "2000-09-05", ("ambiguous_day_month",), None),
    ("5.9.2000", UK, "2000-09-05", ("ambiguous_day_month",), None),
    ("09/05/2000", US, "2000-09-05", ("ambiguous_day_month",), None),
    ("13/05/1990", UK, "1990-05-13", (), None),
    ("12/12/2000", UK, "2000-12-12", (), None),
    ("05/13/1990", UK, "1990-05-13", ("order_corrected",), "other way round"),
    ("00/09/05", YMD, "2000-09-05", ("two_digit_year",), None),
    # ISO and compact forms
    ("2000-09-05", UK, "2000-09-05", (), None),
    ("2000/09/05", UK, "2000-09-05", (), None),
    ("20000905", UK, "2000-09-05", (), None),
    ("05092000", UK, "2000-09-05", ("ambiguous_day_month",), None),
    ("2000-09-05T10:30:00", UK, "2000-09-05", ("time_removed",), None),
    ("05/09/2000 14:30", UK, "2000-09-05", ("time_removed", "ambiguous_day_month"), None),
    # textual months
    ("5 Sept 1990", UK, "1990-09-05", (), None),
    ("5th of September 1990", UK, "1990-09-05", (), None),
    ("September 5, 1990", UK, "1990-09-05", (), None),
    ("Mon 5 Sep 1990", UK, "1990-09-05", (), None),
    ("05SEP1990", UK, "1990-09-05", (), None),
    ("05-Sep-90", UK, "1990-09-05", ("two_digit_year",), None),
    # two-digit years pivot to the latest year not in the future (dates of birth)
    ("25/12/90", UK, "1990-12-25", ("two_digit_year",), None),
    ("25/12/05", UK, "2005-12-25", ("two_digit_year",), None),
    # partial dates stay partial
    ("1990", UK, "1990", ("partial",), None),
    ("1990-09", UK, "1990-09", ("partial",), None),
    ("September 1990", UK, "1990-09", ("partial",), None),
    ("Sep 90", UK, "1990-09", ("two_digit_year", "partial"), None),
    ("09/1990", UK, "1990-09", ("partial",), None),
    ("00/00/1990", UK, "1990", ("partial",), None),
    ("00/09/1990", UK, "1990-09", ("partial",), None),
    ("c. 1990", UK, "1990", ("approximate", "partial"), None),
    ("approx 1985", UK, "1985", ("approximate", "partial"), None),
    # 1 January is what immigration systems record when only the year is known
    ("01/01/1990", UK, "1990-01-01", ("first_of_january",), None),
    # impossible dates are refused, in words
    ("31/02/1990", UK, None, (), "day 31 does not exist in February 1990"),
    ("29/02/1900", UK, None, (), "day 29 does not exist in February 1900"),
    ("29/02/2000", UK, "2000-02-29", (), None),
    ("1990-13-01", UK, None, (), "month 13 does not exist"),
    ("0990", UK, None, (), "year 990"),
    ("June 12", UK, None, (), "without a year"),
    ("yesterday", UK, None, (), "not a recognisable date"),
    ("not known", UK, None, ("unknown",), "placeholder"),
    # an explicit format from the mapping beats every guess
    ("05.09.2000", Hints(date_format="%d.%m.%Y"), "2000-09-05", (), None),
    ("09/05/2000", Hints(date_format="%m/%d/%Y"), "2000-09-05", (), None),
    ("2000|09", Hints(date_format="%Y|%m"), "2000-09", ("partial",), None),
    (
        "05/09/2000",
        Hints(date_format="%Y%m%d"),
        "2000-09-05",
        ("format_mismatch", "ambiguous_day_month"),
        "does not match the stated format",
    ),
    # a mapping's keep_time keeps the time of day of full dates (an ANPR read's time)
    ("2026-06-30T02:27:11", TIMED, "2026-06-30T02:27:11", (), None),
    ("30/06/2026 02:27", TIMED, "2026-06-30T02:27", (), None),
    ("05/09/2000 14:30", TIMED, "2000-09-05T14:30", ("ambiguous_day_month",), None),
    ("5 June 2026 at 2:30 pm", TIMED, "2026-06-05T14:30", (), None),
    ("2026-06-30 12:05:09.250 am", TIMED, "2026-06-30T00:05:09", (), None),
    ("2026-06-30T01:27:11Z", TIMED, "2026-06-30T02:27:11", ("time_zone_converted",), None),
    ("2026-01-30T01:27:11+00:00", TIMED, "2026-01-30T01:27:11", (), None),
    ("2026-06-30T02:27:11+02:00", TIMED, "2026-06-30T01:27:11", ("time_zone_converted",), None),
    ("30.06.2026 23:59", Hints(date_format="%d.%m.%Y %H:%M", keep_time=True),
     "2026-06-30T23:59", (), None),
    ("30.06.2026 23:59", Hints(date_format="%d.%m.%Y %H:%M"), "2026-06-30", (), None),
    # ... but midnight is what exports write for no time, and a partial date has none
    ("2026-06-30T00:00:00", TIMED, "2026-06-30", ("time_removed",), None),
    ("06/2026 02:27", TIMED, "2026-06", ("time_removed", "partial"), None),
    ("2026-06-30T25:10", TIMED, "2026-06-30", ("time_removed",), "25:10 is not a time of day"),
    ("2026-06-30", TIMED, "2026-06-30", (), None),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "hints", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(
    raw: str, hints: Hints, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = dates.clean(raw, hints)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("1990-09-05", "1990-09-05", 1.0, "same date"),
        ("1990-09-05", "1990-05-09", 0.85, "day and month swapped"),
        ("1990-09", "1990-09-05", 0.8, "same year and month (one date partial)"),
        ("1990", "1990-09-05", 0.6, "same year (one date partial)"),
        ("1990-09-05", "1990-09-06", 0.7, "one digit differs"),
        ("1990-09-05", "1991-09-05", 0.7, "one digit differs"),
        ("1989-09-05", "1990-09-05", 0.6, "same day and month, years one apart"),
        ("1990-09-05", "1990-09-27", 0.5, "same year and month"),
        ("1990-09-05", "1990-03-27", 0.3, "same year"),
        ("1990-09-05", "1975-01-27", 0.0, "different dates"),
        ("1990", "1975-01-27", 0.0, "different dates"),
        ("2026-06-30T02:27:11", "2026-06-30", 1.0, "same date"),
        ("2026-06-30T02:27:11", "2026-06-30T14:00", 0.9, "same date, different times"),
        ("2026-05-06T02:27:11", "2026-06-05T02:27:11", 0.85, "day and month swapped"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert compare_detail(left, right) == (score, detail)
    assert dates.compare(right, left) == score


@pytest.mark.parametrize(
    ("value", "caption"),
    [
        ("1990-09-05", "5 September 1990"),
        ("1990-09", "September 1990"),
        ("1990", "1990"),
        ("2026-06-30T02:27:11", "30 June 2026 02:27:11"),
    ],
)
def test_caption(value: str, caption: str) -> None:
    assert dates.caption(value) == caption


def test_dates_are_not_graph_nodes() -> None:
    assert dates.node_id("1990-09-05") is None


# The fast path (all-numeric dates with a four-digit year) must give exactly what the general
# path gives, for every order, separator and impossible date.


@st.composite
def numeric_dates(draw: st.DrawFn) -> str:
    a, b = draw(st.integers(0, 39)), draw(st.integers(0, 39))
    year = draw(st.integers(1700, 2199))
    pad = draw(st.booleans())
    first, second = (f"{a:02d}", f"{b:02d}") if pad else (str(a), str(b))
    if draw(st.booleans()):
        sep = draw(st.sampled_from("/.-"))
        return f"{year}{sep}{first}{sep}{second}"
    sep1, sep2 = draw(st.sampled_from("/.- ")), draw(st.sampled_from("/.- "))
    return f"{first}{sep1}{second}{sep2}{year}"


@settings(max_examples=500, deadline=None)
@given(raw=numeric_dates(), hints=st.sampled_from([UK, US, YMD]))
def test_fast_path_gives_the_general_answer(raw: str, hints: Hints) -> None:
    assert _FAST.fullmatch(raw)
    assert dates.clean(raw, hints) == dates._clean_slow(raw, hints)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.text(alphabet="0123456789/.- :Tc", max_size=16), hints=st.sampled_from([UK, US, TIMED])
)
def test_fast_path_on_digit_soup(raw: str, hints: Hints) -> None:
    assert dates.clean(raw, hints) == dates._clean_slow(raw, hints)


def test_days_in_month_match_the_calendar() -> None:
    for year in range(DateType.min_year, DateType.max_year + 1):
        for month in range(1, 13):
            assert _days_in(year, month) == calendar.monthrange(year, month)[1]
