"""The scenario holds the cases that make entity resolution and risk ranking hard."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from .conftest import Scenario

VIETNAMESE = (
    "Nguyễn",
    "Trần",
    "Lê ",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)


def _mentions(small: Scenario, file: str, slot: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """(record, true person) pairs for one slot of one file."""
    persons = {row["true_id"]: row for row in small.truth("persons")}
    records = small.records(file)
    return [
        (records[row["key"]], persons[row["true_id"]])
        for row in small.truth("mentions")
        if row["file"] == file and row["slot"] == slot
    ]


def test_dates_of_birth_with_day_and_month_swapped(small: Scenario) -> None:
    swapped = 0
    for record, person in _mentions(small, "nhs/safeguarding.csv", "patient"):
        year, month, day = person["dob"].split("-")
        if day != month and int(day) <= 12 and record["DOB"] == f"{month}/{day}/{year}":
            swapped += 1
    assert swapped >= 2


def test_partial_and_missing_dates_of_birth(small: Scenario) -> None:
    written = [
        record["subject_dob"] for record, _ in _mentions(small, "police/intel_log.csv", "subject")
    ]
    assert "" in written
    assert any(re.fullmatch(r"\d{4}", dob) for dob in written)


def test_vietnamese_names_in_both_orders_with_and_without_diacritics(small: Scenario) -> None:
    forms: set[str] = set()
    for record, person in _mentions(small, "nrm/referrals.csv", "pv") + _mentions(
        small, "immigration/encounters.json", "person"
    ):
        true = person["name"]
        if not true.startswith(VIETNAMESE):
            continue
        written = record.get("pv_name") or " ".join(
            (record["person"]["family_name"], record["person"]["given_names"])
        )
        family = true.split(" ")[0]
        plain = written.isascii()
        first = written.split(" ")[0].lower() in (family.lower(), _fold(family).lower())
        forms.add(f"{'family' if first else 'given'}-first {'ascii' if plain else 'diacritics'}")
    assert {"family-first ascii", "family-first diacritics"} <= forms
    police = _mentions(small, "police/intel_log.csv", "subject")
    assert any(
        person["name"].startswith(VIETNAMESE)
        and _fold(record["subject_surname"]).lower() != _fold(person["name"].split(" ")[0]).lower()
        for record, person in police
    ), "some Vietnamese names should have their parts in the wrong fields"


def _fold(text: str) -> str:
    from threadline.scenario.names import ascii_fold

    return ascii_fold(text)


def test_many_different_people_share_common_names(small: Scenario) -> None:
    names = Counter(row["name"] for row in small.truth("persons"))
    assert names["Nguyễn Văn Nam"] >= 20
    assert names["Mohammed Ali"] >= 5
    mentioned = {row["true_id"] for row in small.truth("mentions")}
    nams = {row["true_id"] for row in small.truth("persons") if row["name"] == "Nguyễn Văn Nam"}
    assert len(nams & mentioned) >= 5


def test_phones_shared_between_different_people(small: Scenario) -> None:
    holders: dict[str, set[str]] = defaultdict(set)
    for file, slot, column in (
        ("police/intel_log.csv", "subject", "subject_phone"),
        ("nhs/safeguarding.csv", "patient", "Contact Number"),
    ):
        for record, person in _mentions(small, file, slot):
            digits = re.sub(r"\D", "", record[column])[-10:]
            if len(digits) == 10:
                holders[digits].add(person["true_id"])
    assert max(len(ids) for ids in holders.values()) >= 3


def test_wages_of_many_workers_paid_into_one_account(small: Scenario) -> None:
    accounts = Counter(
        row["account_number"]
        for row in small.records("hmrc/payroll.csv").values()
        if row["anomaly_code"] == "SHARED_ACCOUNT"
    )
    assert max(accounts.values()) >= 4


def test_innocent_lookalikes_of_risky_places(small: Scenario) -> None:
    premises = small.truth("premises")
    assert sum(r["use"] == "hmo" and r["exploitative"] == "false" for r in premises) >= 5
    businesses = small.truth("businesses")
    for sector in ("car_wash", "nail_bar"):
        assert any(b["sector"] == sector and b["exploitative"] == "false" for b in businesses), (
            sector
        )
        assert any(b["sector"] == sector and b["exploitative"] == "true" for b in businesses), (
            sector
        )


def test_phone_formats_vary(small: Scenario) -> None:
    phones = [
        row["subject_phone"]
        for row in small.records("police/intel_log.csv").values()
        if row["subject_phone"]
    ]
    shapes = {re.sub(r"\d", "9", p) for p in phones}
    assert {"99999 999999", "+99 9999 999999", "(99999) 999-999", "99999999999"} <= shapes


def test_postcodes_with_and_without_spaces(small: Scenario) -> None:
    postcodes = [
        row["Postcode"] for row in small.records("nhs/safeguarding.csv").values() if row["Postcode"]
    ]
    assert any(" " in p for p in postcodes) and any(" " not in p for p in postcodes)


def test_one_advertiser_gives_each_woman_her_own_working_name(small: Scenario) -> None:
    """Clients ask for a woman by her working name, so a controller does not advertise two
    women under one (women of different networks may share one)."""
    network = {row["true_id"]: row["network_id"] for row in small.truth("network_members")}
    women: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record, person in _mentions(small, "adverts/adverts.csv", "worker"):
        if person["true_id"] in network:
            women[(network[person["true_id"]], record["working_name"])].add(person["true_id"])
    assert women and all(len(ids) == 1 for ids in women.values())
