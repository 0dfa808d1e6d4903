"""What the person model must and must not match, as case tables an analyst can review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from .conftest import person

# (case, record a, record b): each pair must end up as one person.
MUST_MATCH = [
    (
        "Vietnamese name, family name first, capitals, no diacritics",
        {"full_name": "Nguyen Thi Lan", "date_of_birth": "1994-02-17"},
        {"full_name": "LAN NGUYEN", "date_of_birth": "17/02/1994"},
    ),
    (
        "the same name with its diacritics",
        {"full_name": "Nguyễn Thị Lan", "date_of_birth": "1994-02-17"},
        {"given_name": "Thi Lan", "surname": "Nguyen", "date_of_birth": "1994-02-17"},
    ),
    (
        "spelling variants of Mohammed",
        {"given_name": "Mohammed", "surname": "Iqbal", "date_of_birth": "1979-08-30"},
        {"given_name": "Muhammad", "surname": "Iqbal", "date_of_birth": "1979-08-30"},
    ),
    (
        "nickname",
        {"given_name": "Bill", "surname": "Ashworth", "date_of_birth": "1958-12-01"},
        {"given_name": "William", "surname": "Ashworth", "date_of_birth": "1958-12-01"},
    ),
    (
        "day and month swapped",
        {"given_name": "Oksana", "surname": "Melnyk", "date_of_birth": "1990-04-07"},
        {"given_name": "Oksana", "surname": "Melnyk", "date_of_birth": "1990-07-04"},
    ),
    (
        "Cyrillic and Latin",
        {"given_name": "Андрей", "surname": "Петров", "date_of_birth": "1985-01-15"},
        {"given_name": "Andrei", "surname": "Petrov", "date_of_birth": "1985-01-15"},
    ),
    (
        "Chinese characters and pinyin",
        {"full_name": "毛泽东", "date_of_birth": "1973-12-26"},
        {"given_name": "Zedong", "surname": "Mao", "date_of_birth": "1973-12-26"},
    ),
    (
        "Cyrillic as English-language records spell it (Щ as shch)",
        {"full_name": "Виктор Щукин", "date_of_birth": "1981-03-09"},
        {"full_name": "Viktor Shchukin", "date_of_birth": "1981-03-09"},
    ),
    (
        "double-barrelled surname shortened",
        {"given_name": "Harriet", "surname": "Carrington-Blackwood", "date_of_birth": "1972-05-05"},
        {"given_name": "Harriet", "surname": "Blackwood", "date_of_birth": "1972-05-05"},
    ),
    (
        "missing middle name",
        {"full_name": "John Paul Dunmore", "date_of_birth": "1966-10-10"},
        {"given_name": "John", "surname": "Dunmore", "date_of_birth": "1966-10-10"},
    ),
]

# (case, record a, record b): each pair must stay two people.
MUST_NOT_MATCH = [
    (
        "same common Vietnamese name, different dates of birth",
        {"full_name": "Nguyen Van Nam", "date_of_birth": "1991-03-02"},
        {"full_name": "Nguyen Van Nam", "date_of_birth": "1987-11-23"},
    ),
    (
        "brothers at one address with one phone",
        {
            "given_name": "Dawit",
            "surname": "Haile",
            "date_of_birth": "1990-02-01",
            "phone": "07700 900555",
            "address": "12 Mill Lane",
            "postcode": "B9 4AA",
        },
        {
            "given_name": "Yonas",
            "surname": "Haile",
            "date_of_birth": "1993-07-19",
            "phone": "07700 900555",
            "address": "12 Mill Lane",
            "postcode": "B9 4AA",
        },
    ),
]


def _distinct_dates(count: int) -> list[str]:
    """Dates of birth that differ in at least three digits from each other (no typo away)."""
    out: list[str] = []
    day = date(1960, 1, 1)
    while len(out) < count:
        day += timedelta(days=397)
        text = day.isoformat()
        if all(sum(x != y for x, y in zip(text, o, strict=True)) >= 3 for o in out):
            out.append(text)
    return out


def _pairs(cases: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for i, (_, a, b) in enumerate(cases):
        rows += [person(f"c{i}a", **a), person(f"c{i}b", **b)]
    return rows


@pytest.fixture(scope="module")
def cases(resolve_with: Callable[..., Any]) -> dict[str, str]:
    nguyens = [
        person(f"nam{i}", full_name="Nguyen Van Nam", date_of_birth=born)
        for i, born in enumerate(_distinct_dates(20))
    ]
    resolver, result = resolve_with(
        [
            *_pairs(MUST_MATCH),
            *(
                person(f"n{r['record_id']}", **{k: v for k, v in r.items() if k != "record_id"})
                for r in _pairs(MUST_NOT_MATCH)
            ),
            *nguyens,
        ]
    )
    resolver.close()
    clusters: dict[str, str] = dict(result.clusters)
    return clusters


@pytest.mark.parametrize(("i", "case"), list(enumerate(c[0] for c in MUST_MATCH)))
def test_must_match(cases: dict[str, str], i: int, case: str) -> None:
    assert cases[f"c{i}a"] == cases[f"c{i}b"], case


@pytest.mark.parametrize(("i", "case"), list(enumerate(c[0] for c in MUST_NOT_MATCH)))
def test_must_not_match(cases: dict[str, str], i: int, case: str) -> None:
    assert cases[f"nc{i}a"] != cases[f"nc{i}b"], case


def test_twenty_men_called_nguyen_van_nam_stay_twenty(cases: dict[str, str]) -> None:
    assert len({cases[f"nam{i}"] for i in range(20)}) == 20


def test_shared_phone_alone_does_not_merge(resolve_with: Callable[..., Any]) -> None:
    # A controller's phone given by several people: nothing else in common.
    rows = [
        person(f"v{i}", given_name=g, surname=s, date_of_birth=d, phone="07700 900999")
        for i, (g, s, d) in enumerate(
            [
                ("Ana", "Popa", "1999-01-02"),
                ("Ion", "Radu", "1988-05-06"),
                ("Elena", "Ionescu", "2001-09-10"),
                ("Mihai", "Popescu", "1995-03-04"),
            ]
        )
    ]
    resolver, result = resolve_with(rows)
    resolver.close()
    assert len({result.clusters[f"v{i}"] for i in range(4)}) == 4


def test_deterministic_identifier_merges(resolve_with: Callable[..., Any]) -> None:
    # One passport, the name written two very different ways: the passport decides.
    rows = [
        person("d1", given_name="Rahel", surname="Tesfay", document_number="P 123 456 78"),
        person("d2", full_name="TESFAY GEBREMEDHIN Rahel", document_number="p12345678"),
        person("e1", given_name="Ayesha", surname="Begum", email="A.Begum@Example.com"),
        person("e2", given_name="Aisha", surname="Khan", email="a.begum@example.com"),
    ]
    resolver, result = resolve_with(rows)
    resolver.close()
    assert result.clusters["d1"] == result.clusters["d2"]
    assert result.clusters["e1"] == result.clusters["e2"]
