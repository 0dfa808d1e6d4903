"""Fixtures for export tests.

Fixture strategy: one small world built with the graph tests' one-line factory on the
`store` fixture (so every test runs on SQLite and PostgreSQL): a car-wash network the police
know of, with a phone, a vehicle, an account and an OFFICIAL-SENSITIVE report; a name that
is a spreadsheet formula; and a patient only the NHS knows of. Large charts are built
without a database (`graph_from_edges`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.store import tables as t

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
"""A name a hostile partner might supply: a spreadsheet would run it as a formula."""


@pytest.fixture
def world(case: Any, store_url: str) -> dict[str, Any]:
    """The police's car-wash network, the NHS's patient, users of both and a case."""
    case.user("ana", "police")
    case.user("nia", "nhs")
    ids: dict[str, Any] = {}
    for n in range(4):
        ids[f"w{n}"] = case.e("Person", f"Worker {n}", role="potential_victim",
                              birthDate=f"1995-01-0{n + 1}", nationality="vn")  # fmt: skip
    ids["mill"] = case.e("Address", "4 Mill Street, Wisbech PE13 1AB")
    ids["wash"] = case.e("Company", "Sparkle Hand Car Wash Ltd", sector="Car wash")
    sensitive = case.record("police", "2BC", marking="OFFICIAL-SENSITIVE")
    ids["boss"] = case.e("Person", "Hung TRAN", role="suspect", phone="+447700900123",
                         record=sensitive)  # fmt: skip
    ids["van"] = case.e("Vehicle", "AB12 CDE", registrationNumber="AB12CDE")
    ids["account"] = case.e("BankAccount", "12345678", accountNumber="12345678")
    ids["formula"] = case.e("Person", FORMULA_NAME, role="associate")
    for n in range(4):
        case.link(ids[f"w{n}"], "lives_at", ids["mill"], on=date(2025, 1, 1), start="2025-01-01")
        case.link(ids[f"w{n}"], "works_for", ids["wash"], on=date(2025, 2, 1))
    case.link(ids["boss"], "director_of", ids["wash"], start="2024-06-01", end="2025-05-31")
    case.link(ids["boss"], "owns", ids["van"])
    case.link(ids["boss"], "holds_account", ids["account"])
    case.link(ids["formula"], "associate", ids["boss"])
    ids["secret"] = case.e("Person", "Secret Patient", agency="nhs", grade="1B",
                           phone="+447700900999")  # fmt: skip
    case.link(ids["secret"], "lives_at", ids["mill"], agency="nhs", grade="1B")
    case.commit()
    ids["db"] = store_url
    ids["case"] = case
    return ids


def open_case(case: Any, name: str, member: str, records: list[int]) -> None:
    """An open case `name` with `member`, holding `records`."""
    conn = case.conn
    user = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == member)).scalar_one()
    agency = conn.execute(sa.select(t.users.c.agency_id).where(t.users.c.id == user)).scalar_one()
    case_id = conn.execute(
        sa.insert(t.cases)
        .values(name=name, agency_id=agency, created_by=user)
        .returning(t.cases.c.id)
    ).scalar_one()
    conn.execute(sa.insert(t.case_members).values(case_id=case_id, user_id=user))
    conn.execute(
        sa.insert(t.case_records),
        [{"case_id": case_id, "record_id": r, "added_by": user} for r in records],
    )
    case.commit()


def records_of(case: Any, entity_id: str) -> list[int]:
    """The records that mention an entity."""
    m = t.mentions.c
    return list(case.conn.execute(sa.select(m.record_id).where(m.entity_id == entity_id)).scalars())
