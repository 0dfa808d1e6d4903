"""Lowmoor City Council's housing and licensing workbook (three sheets, one XLSX file)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import between, chance, weighted
from threadline.scenario.countries import NATIONALITY_VARIANTS
from threadline.scenario.names import Style, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import XlsxSink
from threadline.scenario.trades import SECTORS
from threadline.scenario.truth import Truth
from threadline.scenario.variation import DobRates, format_partial, format_phone, vary_dob
from threadline.scenario.world import AS_OF, Business, Person, Premises, World
from threadline.scenario.writers.base import SourceInfo, Writer

FILE = "local_authority/inspections.xlsx"
HMO, LICENCES, OCCUPANTS = "HMO Inspections", "Business Licensing", "Occupants"
SHEETS = {
    HMO: (
        "Inspection Ref", "Inspection Date", "UPRN", "Property Address", "Postcode",
        "Property Type", "Licence Status", "Licensed Occupancy", "Bedrooms", "Occupants Found",
        "Landlord", "Contact Name", "Contact Phone", "Findings", "Outcome", "Officer",
    ),
    LICENCES: (
        "Licence No", "Licence Type", "Business Name", "Trading Address", "Postcode",
        "Licensee", "Licensee DOB", "Contact Phone", "Status", "Date Issued", "Expiry Date",
        "Notes",
    ),
    OCCUPANTS: (
        "Occupant Ref", "Inspection Ref", "Name Given", "Approx Age", "DOB", "Nationality",
        "Phone", "Room", "Notes",
    ),
}  # fmt: skip
OFFICER_STYLE = Style(
    keep_diacritics=0.6, typo=0.03, respell=0.05, drop_middle=0.5, western_order=0.6
)
OCCUPANT_STYLE = Style(
    keep_diacritics=0.2,
    typo=0.1,
    respell=0.2,
    nickname=0.2,
    drop_middle=0.6,
    western_order=0.7,
    wrong_fields=0.3,
    given_only=0.3,
)
ADDRESS_STYLE = AddressStyle(abbreviate=0.2, drop_town=0.6, postcode_nospace=0.05)
DOB = DobRates(missing=0.7, year_only=0.05, swapped=0.04)
OFFICERS = ("EHO J. Marsden", "EHO P. Okoye", "HSO R. Kaur", "HSO D. Whitaker", "EHO S. Brennan")
CLEAN = (
    "Fire doors and alarms satisfactory; licence conditions met.",
    "Smoke alarm missing on first floor landing; landlord to fit within 14 days.",
    "Minor damp in bathroom; kitchen adequate for number of occupants.",
    "Property in good order. Tenancy agreements and gas certificate seen.",
    "Bins overflowing; advice given to tenants about waste collection.",
)
BAD = (
    "Mattresses on the floor of every room including the living room.",
    "Padlocks fitted to the outside of bedroom doors.",
    "Occupants unable to say who the landlord is or how much rent they pay.",
    "No cooking facilities; occupants say food is brought to them.",
    "Occupants say they all work together and are driven to work each morning.",
    "A man arrived during the inspection and told occupants not to speak to officers.",
    "Windows screwed shut; heavy condensation and mould; no heating.",
)


class CouncilWriter(Writer):
    """Writes ``local_authority/inspections.xlsx``."""

    label = "council"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.book = XlsxSink(root, FILE, SHEETS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """One entry per sheet."""
        agency = ("lcc", "Lowmoor City Council")
        kind = "local authority"
        return [
            SourceInfo(
                FILE,
                *agency,
                "lcc_hmo_inspections",
                "xlsx",
                "Housing (HMO) inspections of premises.",
                key="Inspection Ref",
                agency_kind=kind,
                sheet=HMO,
            ),
            SourceInfo(
                FILE,
                *agency,
                "lcc_business_licensing",
                "xlsx",
                "Licences held by businesses.",
                key="Licence No",
                agency_kind=kind,
                sheet=LICENCES,
            ),
            SourceInfo(
                FILE,
                *agency,
                "lcc_occupants",
                "xlsx",
                "People recorded at housing inspections.",
                key="Occupant Ref",
                agency_kind=kind,
                sheet=OCCUPANTS,
            ),
        ]

    def counts(self) -> dict[str, int]:
        """Rows written across the workbook."""
        return {FILE: self.book.count}

    def close(self) -> None:
        """Save the workbook."""
        self.book.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Inspections of innocent HMOs, network houses and a few others; business licences."""
        before = self.book.count
        for place in world.premises:
            if place.kind != "residential":
                continue
            if place.network is not None:
                p = 0.6 if place.use == "hmo" else 0.2
            else:
                p = 0.7 if place.use == "hmo" else 0.03
            if chance(rng, p):
                for _ in range(1 if chance(rng, 0.7) else 2):
                    self.inspection(rng, place)
        for biz in world.businesses:
            if SECTORS[biz.sector].licence and chance(rng, 0.85):
                for _ in range(1 if chance(rng, 0.75) else 2):
                    self.licence(rng, biz)
        return self.book.count - before

    def inspection(self, rng: random.Random, place: Premises) -> None:
        """One inspection and the occupants officers met."""
        key = f"HMO-{self.book.counts[HMO] + 1:06d}"
        net = place.network
        day = (
            between(rng, net.first, net.last)
            if net
            else between(rng, AS_OF - timedelta(days=2000), AS_OF)
        )
        line, postcode = render_address(rng, place.address, ADDRESS_STYLE)
        bedrooms = (
            max(2, len(place.occupants) - rng.randint(0, 3))
            if net
            else max(2, len(place.occupants))
        )
        licensed = bedrooms if place.use == "hmo" and chance(rng, 0.8) else None
        present = [p for p in place.occupants if chance(rng, 0.75)]
        found = len(present) + (rng.randint(0, 4) if net else 0)
        bad = net is not None and chance(rng, 0.75)
        findings = " ".join(rng.sample(BAD, rng.randint(1, 3))) if bad else rng.choice(CLEAN)
        outcome = (
            weighted(
                rng,
                (
                    ("Referred to police (modern slavery concern)", 0.4),
                    ("Prohibition order", 0.2),
                    ("Improvement notice served", 0.3),
                    ("Civil penalty", 0.1),
                ),
            )
            if bad
            else weighted(
                rng,
                (
                    ("No further action", 0.6),
                    ("Informal letter", 0.3),
                    ("Improvement notice served", 0.1),
                ),
            )
        )
        landlord = place.landlord
        contact = None
        if net is not None and net.offenders and chance(rng, 0.5):
            contact = rng.choice(net.offenders)
        elif landlord is None and place.occupants and chance(rng, 0.5):
            contact = place.occupants[0]
        contact_phone = contact.phone if contact else landlord.phone if landlord else None
        self.book.write(
            HMO,
            {
                "Inspection Ref": key,
                "Inspection Date": day,
                "UPRN": int(place.uprn) if chance(rng, 0.9) else None,
                "Property Address": line,
                "Postcode": postcode,
                "Property Type": {"hmo": "HMO", "house": "House", "flat": "Flat"}.get(
                    place.use, "Other"
                ),
                "Licence Status": ("Licensed" if licensed else "Unlicensed")
                if place.use == "hmo"
                else "Not required",
                "Licensed Occupancy": licensed,
                "Bedrooms": bedrooms,
                "Occupants Found": found,
                "Landlord": render(rng, landlord.name, OFFICER_STYLE).full if landlord else None,
                "Contact Name": render(rng, contact.name, OCCUPANT_STYLE).full if contact else None,
                "Contact Phone": format_phone(rng, contact_phone) if contact_phone else None,
                "Findings": findings,
                "Outcome": outcome,
                "Officer": rng.choice(OFFICERS),
            },
        )
        self.truth.mention(FILE, key, "premises", place)
        if landlord is not None:
            self.truth.mention(FILE, key, "landlord", landlord)
        if contact is not None:
            self.truth.mention(FILE, key, "contact", contact)
        for person in present:
            self.occupant(rng, key, person)

    def occupant(self, rng: random.Random, inspection: str, person: Person) -> None:
        """An occupant as they gave their details to an officer."""
        key = f"OCC-{self.book.counts[OCCUPANTS] + 1:06d}"
        victim = person.role == "victim"
        phone = person.phone
        if victim and person.network and person.network.phones and chance(rng, 0.5):
            phone = rng.choice(person.network.phones)[0]
        notes = ""
        if victim:
            notes = rng.choice(
                (
                    "No ID seen",
                    "Said passport is with the boss",
                    "Interpreter not available",
                    "Would not say where he works",
                    "Says he works at the car wash",
                    "",
                )
            )
        nationality = NATIONALITY_VARIANTS.get(person.nationality, ("",))
        self.book.write(
            OCCUPANTS,
            {
                "Occupant Ref": key,
                "Inspection Ref": inspection,
                "Name Given": render(rng, person.name, OCCUPANT_STYLE).full,
                "Approx Age": person.age() + rng.randint(-3, 3) if chance(rng, 0.6) else None,
                "DOB": format_partial(vary_dob(rng, person.dob, DOB), "dmy") or None,
                "Nationality": rng.choice(nationality) if chance(rng, 0.7) else None,
                "Phone": format_phone(rng, phone) if phone and chance(rng, 0.6) else None,
                "Room": f"Room {rng.randint(1, 6)}" if chance(rng, 0.5) else None,
                "Notes": notes or None,
            },
        )
        self.truth.mention(FILE, key, "occupant", person)

    def licence(self, rng: random.Random, biz: Business) -> None:
        """A licence application or grant for ``biz``."""
        key = f"LIC-{self.book.counts[LICENCES] + 1:06d}"
        holder = biz.officers[0].person if biz.officers else None
        issued = between(rng, biz.incorporated, AS_OF)
        line, postcode = render_address(rng, biz.premises.address, ADDRESS_STYLE)
        bad = biz.exploitative and chance(rng, 0.3)
        expiry: date | None = issued + timedelta(days=365 * rng.choice((1, 1, 3)))
        if bad:
            status = weighted(
                rng, (("Refused", 0.4), ("Revoked", 0.3), ("Application received", 0.3))
            )
        elif chance(rng, 0.05):
            status = "Application received"
        else:
            status = "Expired" if expiry and expiry < AS_OF else "Granted"
        if status in ("Refused", "Application received"):
            expiry = None
        phone = holder.phone if holder and chance(rng, 0.6) else biz.landline
        self.book.write(
            LICENCES,
            {
                "Licence No": key,
                "Licence Type": SECTORS[biz.sector].licence,
                "Business Name": biz.name if chance(rng, 0.8) else biz.name.removesuffix(" Ltd"),
                "Trading Address": line,
                "Postcode": postcode,
                "Licensee": render(rng, holder.name, OFFICER_STYLE).full if holder else None,
                "Licensee DOB": format_partial(
                    vary_dob(rng, holder.dob, DobRates(missing=0.3)), "dmy"
                )
                or None
                if holder
                else None,
                "Contact Phone": format_phone(rng, phone) if phone else None,
                "Status": status,
                "Date Issued": issued,
                "Expiry Date": expiry,
                "Notes": ("Applicant could not show right to work documents" if bad else None),
            },
        )
        self.truth.mention(FILE, key, "business", biz)
        self.truth.mention(FILE, key, "premises", biz.premises)
        if holder is not None:
            self.truth.mention(FILE, key, "licensee", holder)
