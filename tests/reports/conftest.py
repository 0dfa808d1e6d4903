"""Fixtures for problem profile tests.

Fixture strategy: one small world built with the graph tests' one-line factory on the `store`
fixture (so every test runs on SQLite and PostgreSQL), as the export tests build theirs: four
workers the police refer to the NRM (labour and sexual exploitation, one a child) living at a
Wisbech premises (one of them earlier in Bradford) and working for a car wash whose director is
named in an OFFICIAL-SENSITIVE report with handling conditions; a legacy 5x5x5 record; and a
patient only the NHS knows of, referred for domestic servitude, at the same premises. Users:
``ana`` of the police and ``nia`` of the NHS, who share nothing.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The password given again, as a script confirms a disclosure."""
    monkeypatch.setenv("THREADLINE_CONFIRM_PASSWORD", os.environ["THREADLINE_PASSWORD"])


def _referred(case: Any, caption: str, kind: str, agency: str = "police", **props: str) -> str:
    """A person referred to the NRM for `kind` exploitation: one record naming them as a
    potential victim and the referral's event."""
    record = case.record(agency, "1A", on=date(2025, 3, 10))
    person = case.e("Person", caption, role="potential_victim", record=record, agency=agency,
                    **props)  # fmt: skip
    case.e("Event", f"NRM referral of {caption}", record=record, agency=agency,
           keywords=f"{kind} exploitation")  # fmt: skip
    return str(person)


@pytest.fixture
def world(case: Any, store_url: str) -> dict[str, Any]:
    """The world of the module docstring; ids by name, with the store's URL as ``db``."""
    case.user("ana", "police")
    case.user("nia", "nhs")
    ids: dict[str, Any] = {}
    people = (
        ("Worker 0", "Labour", "1995-01-01", "vn", "M"),
        ("Worker 1", "Labour", "1990-06-01", "vn", "M"),
        ("Worker 2", "Labour", "2010-02-01", "ro", "F"),
        ("Worker 3", "Sexual", "1999-09-09", "ro", "F"),
    )
    for n, (name, kind, born, nation, sex) in enumerate(people):
        ids[f"w{n}"] = _referred(case, name, kind, birthDate=born, nationality=nation,
                                 gender=sex)  # fmt: skip
    ids["mill"] = case.e("Address", "4 Mill Street, Wisbech PE13 1AB", postalCode="PE13 1AB")
    ids["wash"] = case.e("Company", "Sparkle Hand Car Wash Ltd", sector="Car wash")
    sensitive = case.record("police", "2BC", marking="OFFICIAL-SENSITIVE")
    ids["boss"] = case.e("Person", "Hung TRAN", role="suspect", phone="+447700900123",
                         record=sensitive)  # fmt: skip
    ids["van"] = case.e("Vehicle", "AB12 CDE", registrationNumber="AB12CDE")
    ids["legacy"] = case.e("Person", "Old Nominal", role="associate", grade="B21")
    for n in range(4):
        case.link(ids[f"w{n}"], "lives_at", ids["mill"], on=date(2025, 1, 1), start="2025-01-01")
        case.link(ids[f"w{n}"], "works_for", ids["wash"], on=date(2025, 2, 1))
    ids["elm"] = case.e("Address", "9 Elm Road, Bradford BD3 1AA", postalCode="BD3 1AA")
    case.link(ids["w0"], "lives_at", ids["elm"], on=date(2024, 5, 1), start="2024-05-01")
    case.link(ids["boss"], "director_of", ids["wash"], start="2024-06-01", end="2025-05-31")
    case.link(ids["boss"], "owns", ids["van"])
    case.link(ids["legacy"], "associate", ids["boss"], grade="B21")
    ids["secret"] = _referred(case, "Secret Patient", "Domestic servitude", agency="nhs",
                              phone="+447700900999")  # fmt: skip
    case.link(ids["secret"], "lives_at", ids["mill"], agency="nhs", grade="1B")
    case.commit()
    ids["db"] = store_url
    ids["case"] = case
    return ids
