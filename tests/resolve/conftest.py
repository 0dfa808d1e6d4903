"""Fixtures for resolution tests.

Fixture strategy: the model trains without labels, so a case (two records that must or must
not match) is only meaningful inside a population the model can learn from. ``population``
builds one small synthetic population (about 3,000 records, a few duplicates each, seeded)
and ``resolve_with`` resolves it together with a test's own case records. Build the case
records inline in the test with :func:`person`; use the FEBRL fixtures only for accuracy.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from threadline.resolve import PersonResolver, ResolutionResult

COLUMNS = (
    "record_id",
    "source",
    "given_name",
    "surname",
    "full_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "postcode",
    "nationality",
    "national_id",
    "document_number",
)

GIVEN = (
    "James",
    "John",
    "David",
    "Michael",
    "Daniel",
    "Thomas",
    "Liam",
    "Ryan",
    "Connor",
    "Jack",
    "Callum",
    "Lewis",
    "Paul",
    "Mark",
    "Gary",
    "Sarah",
    "Emma",
    "Laura",
    "Rachel",
    "Chloe",
    "Amy",
    "Sophie",
    "Jessica",
    "Hannah",
    "Lucy",
    "Olivia",
    "Grace",
    "Megan",
    "Ellie",
    "Piotr",
    "Krzysztof",
    "Tomasz",
    "Anna",
    "Katarzyna",
    "Ion",
    "Andrei",
    "Mihai",
    "Elena",
    "Maria",
    "Arben",
    "Besnik",
    "Fatmir",
    "Chinedu",
    "Emeka",
    "Ngozi",
    "Tesfaye",
    "Yonas",
    "Rahel",
    "Rajesh",
    "Amit",
    "Priya",
    "Bilal",
    "Imran",
    "Ayesha",
    "Mohammed",
)
SURNAME = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Nowak",
    "Kowalski",
    "Wojcik",
    "Popescu",
    "Ionescu",
    "Popa",
    "Radu",
    "Hoxha",
    "Shehu",
    "Krasniqi",
    "Okafor",
    "Adeyemi",
    "Eze",
    "Tesfay",
    "Haile",
    "Tekle",
    "Patel",
    "Singh",
    "Sharma",
    "Khan",
    "Hussain",
    "Ahmed",
    "Iqbal",
    "Begum",
    "Ashworth",
    "Blackwood",
    "Carrington",
    "Dunmore",
    "Ellerby",
    "Fairbairn",
)
STREETS = (
    "High",
    "Mill",
    "Church",
    "Station",
    "Park",
    "Victoria",
    "Albert",
    "Queen",
    "King",
    "Green",
)
KINDS = ("Street", "Road", "Lane", "Avenue", "Close")


def person(record_id: str, **values: str | None) -> dict[str, str | None]:
    """One person record with only the given fields: ``person("a", given_name="Lan")``."""
    row: dict[str, str | None] = dict.fromkeys(COLUMNS)
    row["record_id"] = record_id
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    row.update(values)
    return row


def table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows of :func:`person` as an Arrow table of strings."""
    rows = list(rows)
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in COLUMNS})


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _population(size: int = 1800, seed: int = 11) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for p in range(size):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAME)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(58 * 365))
        phone = f"07{rng.randrange(10**9):09d}"
        house = f"{rng.randrange(1, 200)} {rng.choice(STREETS)} {rng.choice(KINDS)}"
        postcode = f"B{rng.randrange(1, 40)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}X"
        nino = f"QQ{rng.randrange(10**6):06d}C" if rng.random() < 0.3 else None
        for c in range(rng.choice((1, 1, 2, 2, 3))):
            rid = f"p{p}-{c}"
            truth[rid] = f"p{p}"
            later = c > 0
            g = _typo(given, rng) if later and rng.random() < 0.15 else given
            dob = born.isoformat() if rng.random() < 0.6 else born.strftime("%d/%m/%Y")
            if later and rng.random() < 0.03:  # day and month written the other way round
                dob = born.strftime("%Y-%d-%m") if born.day <= 12 else dob
            if later and rng.random() < 0.2:  # a new phone
                phone = f"07{rng.randrange(10**9):09d}"
            if later and rng.random() < 0.15:  # moved house
                house = f"{rng.randrange(1, 200)} {rng.choice(STREETS)} {rng.choice(KINDS)}"
                postcode = (
                    f"B{rng.randrange(1, 40)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}X"
                )
            rows.append(
                person(
                    rid,
                    source=rng.choice(("police", "council", "nrm")),
                    given_name=g,
                    surname=surname,
                    date_of_birth=dob if rng.random() < 0.92 else None,
                    phone=phone if rng.random() < 0.6 else None,
                    address=house if rng.random() < 0.7 else None,
                    postcode=postcode if rng.random() < 0.7 else None,
                    national_id=nino if rng.random() < 0.7 else None,
                )
            )
    return rows, truth


@pytest.fixture(scope="session")
def population() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Background person records and their true person ids."""
    return _population()


@pytest.fixture(scope="session")
def model_json(population: tuple[list[dict[str, Any]], dict[str, str]]) -> str:
    """A model trained once, without labels, on the population."""
    with PersonResolver() as resolver:
        resolver.fit(table(population[0]))
        return resolver.model_json()


@pytest.fixture(scope="session")
def resolve_with(
    population: tuple[list[dict[str, Any]], dict[str, str]], model_json: str
) -> Callable[..., tuple[PersonResolver, ResolutionResult]]:
    """Resolve the population plus case records with the population's trained model:
    ``resolver, result = resolve_with(rows, judgements)``. Close the resolver when done."""

    def run(
        rows: Iterable[dict[str, Any]], judgements: Iterable[Any] = ()
    ) -> tuple[PersonResolver, ResolutionResult]:
        resolver = PersonResolver.from_model_json(model_json)
        result = resolver.resolve(table([*population[0], *rows]), judgements)
        return resolver, result

    return run


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> Path:
    """Write rows to a CSV file with the given header."""
    columns = list(columns)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c) for c in columns})
    return path
