"""A companies-register extract: companies (bulk-data layout) and their officers."""

from __future__ import annotations

import random
from pathlib import Path

from threadline.scenario._rng import chance
from threadline.scenario.countries import COUNTRIES
from threadline.scenario.names import Style, ascii_fold, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import CsvSink
from threadline.scenario.trades import SECTORS
from threadline.scenario.truth import Truth
from threadline.scenario.variation import format_date
from threadline.scenario.world import Business, Officer, World
from threadline.scenario.writers.base import SourceInfo, Writer

COMPANIES = "companies/companies.csv"
OFFICERS = "companies/officers.csv"
COMPANY_COLUMNS = (
    "CompanyName", "CompanyNumber", "RegAddress.AddressLine1", "RegAddress.AddressLine2",
    "RegAddress.PostTown", "RegAddress.PostCode", "CompanyCategory", "CompanyStatus",
    "CountryOfOrigin", "IncorporationDate", "DissolutionDate", "SICCode.SicText_1",
)  # fmt: skip
OFFICER_COLUMNS = (
    "officer_id", "company_number", "officer_name", "officer_role", "appointed_on",
    "resigned_on", "birth_month", "birth_year", "nationality", "country_of_residence",
    "occupation", "correspondence_address", "correspondence_postcode",
)  # fmt: skip
NAME_STYLE = Style(keep_diacritics=0.5, typo=0.01, respell=0.03, drop_middle=0.0, western_order=0.0)
ADDRESS_STYLE = AddressStyle(
    abbreviate=0.1, upper=0.3, drop_town=1.0, postcode_nospace=0.0, typo=0.0
)
OCCUPATIONS = {
    "car_wash": "Car Valeter", "nail_bar": "Nail Technician", "recruitment": "Recruiter",
    "construction": "Builder", "agriculture": "Farmer", "takeaway": "Chef", "cafe": "Cafe Owner",
    "shop": "Shopkeeper", "care_home": "Care Home Manager", "taxi": "Taxi Operator",
    "lettings": "Landlord", "massage": "Therapist", "barber": "Barber",
}  # fmt: skip


class CompaniesWriter(Writer):
    """Writes ``companies/companies.csv`` and ``companies/officers.csv``."""

    label = "companies"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.companies = CsvSink(root, COMPANIES, COMPANY_COLUMNS)
        self.officers = CsvSink(root, OFFICERS, OFFICER_COLUMNS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """Companies and officers."""
        agency = ("companies", "Companies register (extract)")
        return [
            SourceInfo(
                COMPANIES,
                *agency,
                "companies_register",
                "csv",
                "Registered companies, in the register's bulk-data layout.",
                key="CompanyNumber",
                agency_kind="government agency",
            ),
            SourceInfo(
                OFFICERS,
                *agency,
                "companies_officers",
                "csv",
                "Company officers (directors and secretaries).",
                key="officer_id",
                agency_kind="government agency",
            ),
        ]

    def counts(self) -> dict[str, int]:
        """Rows written per file."""
        return {COMPANIES: self.companies.count, OFFICERS: self.officers.count}

    def close(self) -> None:
        """Close both files."""
        self.companies.close()
        self.officers.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Every limited company of the shard and its officers."""
        before = self.companies.count + self.officers.count
        for biz in world.businesses:
            if biz.company_number:
                self.company(rng, biz)
                for officer in biz.officers:
                    self.officer(rng, biz, officer)
        return self.companies.count + self.officers.count - before

    def company(self, rng: random.Random, biz: Business) -> None:
        """One company row."""
        number = biz.company_number or ""
        address = biz.registered.address
        line, postcode = render_address(rng, address, ADDRESS_STYLE)
        first, _, second = (
            line.partition(", ") if address.flat or address.building else (line, "", "")
        )
        self.companies.write(
            {
                "CompanyName": biz.name.upper(),
                "CompanyNumber": number,
                "RegAddress.AddressLine1": first,
                "RegAddress.AddressLine2": second,
                "RegAddress.PostTown": address.town.upper(),
                "RegAddress.PostCode": postcode,
                "CompanyCategory": "Private Limited Company",
                "CompanyStatus": biz.status,
                "CountryOfOrigin": "United Kingdom",
                "IncorporationDate": format_date(biz.incorporated, "dmy"),
                "DissolutionDate": format_date(biz.dissolved, "dmy") if biz.dissolved else "",
                "SICCode.SicText_1": SECTORS[biz.sector].sic,
            }
        )
        self.truth.mention(COMPANIES, number, "company", biz)
        self.truth.mention(COMPANIES, number, "registered_address", biz.registered)

    def officer(self, rng: random.Random, biz: Business, officer: Officer) -> None:
        """One appointment row."""
        key = f"OFF-{self.officers.count + 1:08d}"
        person = officer.person
        name = render(rng, person.name, NAME_STYLE)
        country = COUNTRIES.get(person.nationality)
        service = person.home if person.home is not None and chance(rng, 0.5) else biz.registered
        line, postcode = render_address(
            rng, service.address, AddressStyle(drop_town=0.0, postcode_nospace=0.0)
        )
        living = "United Kingdom" if person.home is not None else (country.name if country else "")
        self.officers.write(
            {
                "officer_id": key,
                "company_number": biz.company_number or "",
                "officer_name": f"{ascii_fold(name.surname).upper()}, {name.forenames}",
                "officer_role": officer.role,
                "appointed_on": officer.appointed.isoformat(),
                "resigned_on": officer.resigned.isoformat() if officer.resigned else "",
                "birth_month": str(person.dob.month),
                "birth_year": str(person.dob.year),
                "nationality": country.demonym if country else "",
                "country_of_residence": living if chance(rng, 0.8) else "England",
                "occupation": OCCUPATIONS.get(biz.sector, "Director")
                if chance(rng, 0.7)
                else "Company Director",
                "correspondence_address": line,
                "correspondence_postcode": postcode,
            }
        )
        self.truth.mention(OFFICERS, key, "officer", person)
        self.truth.mention(OFFICERS, key, "company", biz)
        self.truth.mention(OFFICERS, key, "correspondence_address", service)
