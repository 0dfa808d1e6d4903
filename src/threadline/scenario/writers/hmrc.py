"""HMRC payroll (RTI) anomalies: employers, employees, bank details and what looked wrong."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import between, chance
from threadline.scenario.identifiers import paye_reference
from threadline.scenario.names import Style, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import DobRates, format_partial, vary_dob
from threadline.scenario.world import AS_OF, Business, Person, World
from threadline.scenario.writers.base import SourceInfo, Writer

FILE = "hmrc/payroll.csv"
COLUMNS = (
    "anomaly_id",
    "tax_year",
    "period_end",
    "employer_name",
    "employer_paye_ref",
    "company_number",
    "employee_name",
    "ni_number",
    "dob",
    "employee_address",
    "employee_postcode",
    "sort_code",
    "account_number",
    "account_name",
    "gross_pay",
    "hours_per_week",
    "anomaly_code",
    "anomaly_detail",
    "marking",
)
NAME_STYLE = Style(
    keep_diacritics=0.2,
    typo=0.02,
    respell=0.05,
    drop_middle=0.2,
    western_order=0.6,
    wrong_fields=0.2,
    surname_first=0.2,
)
ADDRESS_STYLE = AddressStyle(abbreviate=0.5, upper=0.5, postcode_nospace=0.2, drop_town=0.1)
DOB = DobRates(missing=0.02, swapped=0.03, wrong_day=0.02)
MINIMUM_WAGE = {
    2019: 8.21,
    2020: 8.72,
    2021: 8.91,
    2022: 9.5,
    2023: 10.42,
    2024: 11.44,
    2025: 12.21,
    2026: 12.71,
}
INNOCENT = (
    ("LATE_FILING", "FPS submitted after the payment date"),
    ("EMERGENCY_TAX_CODE", "Emergency tax code applied for more than 3 periods"),
    ("NI_MISMATCH", "Name or date of birth does not match the NI number record"),
    ("DUPLICATE_SUBMISSION", "Two FPS submissions for the same period"),
)


def tax_year(day: date) -> str:
    """``2024-25`` for a day in that tax year (6 April to 5 April)."""
    start = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class HmrcWriter(Writer):
    """Writes ``hmrc/payroll.csv``."""

    label = "hmrc"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The anomalies file."""
        return [
            SourceInfo(
                FILE,
                "hmrc",
                "HM Revenue & Customs",
                "hmrc_payroll",
                "csv",
                "Payroll (RTI) anomalies flagged by HMRC: one row per employee per anomaly.",
                agency_kind="government agency",
                key="anomaly_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Anomalies on exploitative payrolls and ordinary ones."""
        before = self.sink.count
        for biz in world.businesses:
            if not biz.employees:
                continue
            if not biz.paye_ref:
                biz.paye_ref = paye_reference(rng)
            accounts = Counter(p.account.number for p in biz.employees if p.account)
            homes = Counter(p.home.id for p in biz.employees if p.home)
            for person in biz.employees:
                shared = person.account is not None and accounts[person.account.number] > 1
                crowded = person.home is not None and homes[person.home.id] > 2
                if biz.exploitative:
                    for _ in range(rng.randint(1, 3)):
                        self.exploited(rng, biz, person, accounts, homes)
                elif (shared or crowded) and chance(rng, 0.6):
                    code = "SHARED_ACCOUNT" if shared else "ADDRESS_CLUSTER"
                    count = (
                        accounts[person.account.number]
                        if shared and person.account
                        else homes[person.home.id]
                        if person.home
                        else 0
                    )
                    detail = (
                        f"Bank account used for {count} employees"
                        if shared
                        else f"{count} employees at one address"
                    )
                    self.write(rng, biz, person, self._day(rng, biz), code, detail, 1.0)
                elif chance(rng, 0.35):
                    code, detail = rng.choice(INNOCENT)
                    self.write(rng, biz, person, self._day(rng, biz), code, detail, 1.0)
        return self.sink.count - before

    def _day(self, rng: random.Random, biz: Business) -> date:
        if biz.network is not None:
            return between(rng, biz.network.first, biz.network.last)
        return between(rng, max(biz.incorporated, AS_OF - timedelta(days=2000)), AS_OF)

    def exploited(
        self,
        rng: random.Random,
        biz: Business,
        person: Person,
        accounts: Counter[str],
        homes: Counter[str],
    ) -> None:
        """An anomaly on an exploitative payroll."""
        options = [("BELOW_NMW", "Pay below national minimum wage for hours reported", 0.45)]
        if person.account is not None and accounts[person.account.number] > 1:
            n = accounts[person.account.number]
            options.append(("SHARED_ACCOUNT", f"Bank account used for {n} employees", 1.0))
        if person.home is not None and homes[person.home.id] > 2:
            options.append(
                ("ADDRESS_CLUSTER", f"{homes[person.home.id]} employees at one address", 1.0)
            )
        if person.ni is None:
            options.append(("NO_NI", "No NI number on FPS; employee details incomplete", 1.0))
        code, detail, pay = rng.choice(options)
        self.write(rng, biz, person, self._day(rng, biz), code, detail, pay)

    def write(
        self,
        rng: random.Random,
        biz: Business,
        person: Person,
        day: date,
        code: str,
        detail: str,
        pay_rate: float,
    ) -> None:
        """One anomaly row and its truth."""
        key = f"RTI-A-{self.sink.count + 1:08d}"
        hours = rng.choice((16, 20, 30, 37.5, 40, 45, 48))
        wage = MINIMUM_WAGE.get(day.year, 12.21) * rng.uniform(1.0, 1.4) * pay_rate
        gross = round(wage * hours * 52 / 12, 2)
        account = person.account
        holder = account.holder if account is not None else None
        show_holder = holder is not None and holder is not person and chance(rng, 0.7)
        address, postcode = ("", "")
        if person.home is not None and chance(rng, 0.9):
            address, postcode = render_address(rng, person.home.address, ADDRESS_STYLE)
        self.sink.write(
            {
                "anomaly_id": key,
                "tax_year": tax_year(day),
                "period_end": day.isoformat(),
                "employer_name": biz.name.upper() if chance(rng, 0.3) else biz.name,
                "employer_paye_ref": biz.paye_ref,
                "company_number": biz.company_number or "",
                "employee_name": render(rng, person.name, NAME_STYLE).full,
                "ni_number": person.ni or "",
                "dob": format_partial(vary_dob(rng, person.dob, DOB), "iso"),
                "employee_address": address,
                "employee_postcode": postcode,
                "sort_code": self._sort_code(rng, account.sort_code) if account else "",
                "account_number": account.number if account else "",
                "account_name": render(rng, holder.name, NAME_STYLE).full.upper()
                if holder and show_holder
                else "",
                "gross_pay": f"{gross:.2f}",
                "hours_per_week": str(hours),
                "anomaly_code": code,
                "anomaly_detail": detail,
                "marking": "OFFICIAL-SENSITIVE"
                if biz.exploitative or chance(rng, 0.2)
                else "OFFICIAL",
            }
        )
        self.truth.mention(FILE, key, "employee", person)
        self.truth.mention(FILE, key, "employer", biz)
        if address and person.home is not None:
            self.truth.mention(FILE, key, "employee_address", person.home)
        if holder is not None and show_holder:
            self.truth.mention(FILE, key, "account_holder", holder)

    @staticmethod
    def _sort_code(rng: random.Random, code: str) -> str:
        return f"{code[:2]}-{code[2:4]}-{code[4:]}" if chance(rng, 0.6) else code
