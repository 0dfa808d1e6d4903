"""Victims no agency has recognised, innocent look-alikes, and the records that show them.

An NHS emergency department's attendances, shared with the partnership without any
safeguarding referral (``nhs/ed_attendances.csv``): ordinary patients of the background; in
each network (seven in ten) one or two victims whom no record names as a victim: their
attendances carry only indirect signs (the network's house given as home, or its car wash as
the address; the controller's phone; a network offender who came with them and answered for
them; the network's van; arrival at night; the Home Office's published
indicators in the triage notes: appearance, few possessions, restricted movement, fear);
and innocent decoys that share some signs: a large family in one overcrowded house, and a
legitimate employer's staff who live in accommodation at the workplace, work nights and give
the workplace's number.

It runs after every other agency writer of a shard, from its own random stream, so it changes
nothing they write; the people it adds join the shard's world (and so ``truth/persons.csv``
and, for victims, ``truth/network_members.csv``) after those writers ran. What each of its
people is, and which signs they carry, is in ``truth/people.csv``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from threadline.scenario._rng import at_hour, between, chance
from threadline.scenario.names import Name, Style, make_name, nationality_for, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import format_phone, format_vrm
from threadline.scenario.world import (
    AS_OF,
    Business,
    Network,
    Person,
    Premises,
    Vehicle,
    World,
)
from threadline.scenario.writers.base import SourceInfo, Writer

__all__ = ["PEOPLE_TRUTH", "UnrecognisedWriter"]

FILE = "nhs/ed_attendances.csv"
PEOPLE_TRUTH = "truth/people.csv"
"""What each person this module adds is: ``unrecognised_victim``, ``decoy_family`` or
``decoy_staff``, with the network (victims) and the signs their records carry."""
COLUMNS = (
    "Attendance ID", "Arrived", "Patient Surname", "Patient Forenames", "DOB", "Gender",
    "NHS Number", "Address Given", "Postcode", "Contact Number", "Employer Given",
    "Accompanied By", "Companion Phone", "Arrived In", "Presenting Complaint", "Triage Notes",
)  # fmt: skip
TRUTH_COLUMNS = ("true_id", "kind", "network_id", "signs")
NAME_STYLE = Style(keep_diacritics=0.3, typo=0.02, respell=0.05, drop_middle=0.3)
ADDRESS_STYLE = AddressStyle(abbreviate=0.3, upper=0.2, postcode_nospace=0.1, drop_town=0.2)
LABOUR = frozenset({"car_wash", "nail_bar", "labour_provider", "construction"})
HIDDEN = 0.7
"""Share of networks with victims no agency has recognised."""

INDICATORS: dict[str, tuple[str, ...]] = {
    "any": (
        "Appears malnourished and unkempt",
        "Wearing the same clothes as at the last attendance",
        "Has few personal possessions",
        "The man with the patient answered every question for them",
        "Could not give their own address",
        "Not registered with a GP",
        "No identity documents; says the boss keeps the passport",
        "Fearful and withdrawn; avoided eye contact",
        "Old untreated injuries; vague explanation",
        "Reluctant to be seen alone",
    ),
    "labour": (
        "Injured at work; no safety equipment",
        "Says wages are paid to the boss",
        "Works every day with no days off",
        "Says they owe money for travel and accommodation",
        "Dropped off and collected by a van",
    ),
    "sexual": (
        "Brought from a flat where several other women live",
        "Very little English apart from sexualised words",
        "Says she is moved between flats every few weeks",
    ),
    "criminal": (
        "Burns to hands consistent with chemical exposure",
        "Says they cannot leave the house they sleep in",
        "Had two phones and cash; would not say where from",
    ),
    "domestic_servitude": (
        "Does all the housework for the family; sleeps in the kitchen",
        "Not allowed out of the house alone",
    ),
}
COMPLAINTS = (
    "Laceration to hand", "Back pain", "Abdominal pain", "Head injury", "Burn",
    "Chest infection", "Fall", "Fever", "Sprained ankle", "Tooth abscess", "Headache",
)  # fmt: skip
ORDINARY = (
    "Observed and discharged home", "Seen with partner; discharged with advice",
    "X-ray normal; discharged", "Prescribed antibiotics; GP to follow up",
    "Dressing applied; discharged", "Discharged with painkillers",
)  # fmt: skip


class UnrecognisedWriter(Writer):
    """Writes ``nhs/ed_attendances.csv`` and ``truth/people.csv``."""

    label = "ed_attendances"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)
        self.people = CsvSink(root, PEOPLE_TRUTH, TRUTH_COLUMNS)
        self.added = 0

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The attendances file."""
        return [
            SourceInfo(
                FILE,
                "nhs",
                "NHS Northshire Safeguarding Hub",
                "nhs_ed_attendances",
                "csv",
                "Emergency department attendances shared under the partnership's "
                "information-sharing agreement (no safeguarding referral made).",
                agency_kind="other",
                key="Attendance ID",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the files."""
        self.sink.close()
        self.people.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Ordinary attendances, hidden victims and decoys of one shard."""
        before = self.sink.count
        self.added = 0
        background = [p for p in world.background() if p.home is not None]
        for person in rng.sample(background, min(len(background), 24)):
            self.ordinary(rng, person)
        for net in world.networks:
            if chance(rng, HIDDEN):
                for _ in range(1 if chance(rng, 0.75) else 2):
                    self.hidden_victim(rng, world, net)
        self.crowded_family(rng, world)
        self.housed_staff(rng, world)
        return self.sink.count - before

    # -- people -------------------------------------------------------------------------

    def _person(
        self, rng: random.Random, world: World, culture: str, gender: str, ages: tuple[int, int]
    ) -> Person:
        self.added += 1
        dob = AS_OF - timedelta(days=rng.randint(ages[0] * 365 + 1, ages[1] * 365 + 300))
        person = Person(
            id=f"PER-{world.index:04d}-9{self.added:04d}",
            name=make_name(rng, culture, gender),
            gender=gender,
            dob=dob,
            nationality=nationality_for(rng, culture),
        )
        world.persons.append(person)
        return person

    def _truth(self, person: Person, kind: str, net: Network | None, signs: list[str]) -> None:
        self.people.write(
            {
                "true_id": person.id,
                "kind": kind,
                "network_id": net.id if net else "",
                "signs": ";".join(signs),
            }
        )

    def hidden_victim(self, rng: random.Random, world: World, net: Network) -> None:
        """A victim whose only records are attendances with indirect signs."""
        child = net.kind == "county_lines"
        culture = next((v.name.culture for v in net.role("victim") if not child), "british")
        gender = "F" if net.etype == "sexual" or net.kind == "nail_bar" else "M"
        if net.kind == "domestic_servitude":
            gender = "F"
        person = self._person(rng, world, culture, gender, (13, 17) if child else (17, 45))
        person.network, person.role = net, "victim"
        net.members.append(person)
        signs: list[str] = []
        homes = [p for p in net.premises if p.kind == "residential"]
        sites = [p for p in net.premises if p.kind == "commercial"]
        address: Premises | None = None
        if child:
            address = homes[0] if homes and chance(rng, 0.7) else None
            signs.append("found_at_network_address" if address else "missing_child")
        elif net.kind in LABOUR and sites and chance(rng, 0.35):
            address = rng.choice(sites)
            signs.append("employer_address")
        elif homes:
            address = rng.choice(homes)
            signs.append("lives_with_victims")
        if address is not None:
            person.home = address
        phones = [number for number, _ in net.phones]
        phone = None
        if phones and chance(rng, 0.7 if net.kind in ("brothel", "county_lines") else 0.35):
            phone = rng.choice(phones)
            signs.append("network_phone")
        companion = rng.choice(net.offenders) if net.offenders and chance(rng, 0.6) else None
        if companion is not None:
            signs.append("accompanied_by_offender")
        vehicle = net.vehicles[0] if net.vehicles and chance(rng, 0.35) else None
        if vehicle is not None:
            signs.append("network_vehicle")
        employer = net.businesses[0] if net.businesses and net.kind in LABOUR else None
        if employer is not None and chance(rng, 0.6):
            signs.append("employer")
        else:
            employer = None
        signs.append("indicators")
        visits = rng.randint(2, 3) if child else rng.randint(1, 2)
        nights = 0
        for _ in range(visits):
            night = child or chance(rng, 0.6)
            nights += night
            when = _when(rng, net.first, net.last, night)
            words = list(rng.sample(INDICATORS["any"], rng.randint(1, 2)))
            words += rng.sample(INDICATORS[net.etype], 1)
            if child:
                words = [
                    "Reported missing from home by family",
                    f"Found in {rng.choice(net.towns or [net.town]).name}, far from home",
                    *words,
                ]
            self._row(rng, person, when, address, phone, employer, companion, vehicle,
                      rng.choice(COMPLAINTS), "; ".join(words) + ".")  # fmt: skip
        if nights:
            signs.append("night")
        self._truth(person, "unrecognised_victim", net, signs)

    def crowded_family(self, rng: random.Random, world: World) -> None:
        """A large family in one overcrowded house: relatives move in with a household."""
        families = [
            p
            for p in world.premises
            if p.network is None and p.kind == "residential" and len(p.occupants) >= 4
        ]
        if not families:
            return
        home = rng.choice(families)
        head = max(home.occupants, key=lambda p: p.age())
        culture = head.name.culture
        for _ in range(rng.randint(3, 5)):
            gender = rng.choice("MF")
            relative = self._person(rng, world, culture, gender, (1, 80))
            relative.name = Name(culture, relative.name.given, relative.name.middle,
                                 head.name.family)  # fmt: skip
            relative.nationality = head.nationality
            relative.home = home
            home.occupants.append(relative)
        members = list(home.occupants)
        for patient in rng.sample(members, min(len(members), rng.randint(2, 4))):
            adults = [m for m in members if m is not patient and m.age() >= 18]
            kin = rng.choice(adults) if adults else None
            when = _when(rng, AS_OF - timedelta(days=900), AS_OF, chance(rng, 0.2))
            count = len(members)
            notes = (
                f"Lives with extended family, {count} people in a three-bedroom house; "
                "housing overcrowded, housing team informed; "
                + rng.choice(("well cared for", "family supportive", "discharged home"))
            )
            self._row(rng, patient, when, home, _own_phone(patient, home), None, kin, None,
                      rng.choice(COMPLAINTS), notes + ".")  # fmt: skip
            self._truth(patient, "decoy_family", None, ["crowded_address", "poor_conditions"])

    def housed_staff(self, rng: random.Random, world: World) -> None:
        """A legitimate employer whose staff live on site, work nights and give its number."""
        employers = [
            b
            for b in world.businesses
            if b.network is None and b.sector in ("agriculture", "care_home", "food_processing")
        ]
        if not employers:
            return
        biz = rng.choice(employers)
        manager = biz.officers[0].person if biz.officers else None
        culture = rng.choice(("romanian", "polish", "indian"))
        for _ in range(rng.randint(3, 5)):
            staff = self._person(rng, world, culture, rng.choice("MF"), (19, 50))
            staff.home, staff.employer = biz.premises, biz
            biz.premises.occupants.append(staff)
            biz.employees.append(staff)
            when = _when(rng, AS_OF - timedelta(days=900), AS_OF, chance(rng, 0.5))
            companion = manager if manager is not None and chance(rng, 0.4) else None
            notes = rng.choice(
                (
                    "Works night shifts; lives in staff accommodation provided by the employer",
                    "Lives on site in staff accommodation; well presented; has own documents",
                    "Injured on shift; manager brought them in; has own phone and passport",
                )
            )
            signs = ["employer_address", "shared_phone" if biz.landline else "", "night_work"]
            self._row(rng, staff, when, biz.premises, biz.landline, biz, companion, None,
                      rng.choice(COMPLAINTS), notes + ".")  # fmt: skip
            self._truth(staff, "decoy_staff", None, [s for s in signs if s])

    def ordinary(self, rng: random.Random, person: Person) -> None:
        """An everyday attendance of someone outside any network."""
        when = _when(rng, AS_OF - timedelta(days=1500), AS_OF, chance(rng, 0.15))
        partner = person.partner if person.partner and chance(rng, 0.25) else None
        employer = person.employer if person.employer and chance(rng, 0.5) else None
        self._row(rng, person, when, person.home, person.phone, employer, partner, None,
                  rng.choice(COMPLAINTS), rng.choice(ORDINARY) + ".")  # fmt: skip

    # -- rows ---------------------------------------------------------------------------

    def _row(
        self,
        rng: random.Random,
        person: Person,
        when: datetime,
        address: Premises | None,
        phone: str | None,
        employer: Business | None,
        companion: Person | None,
        vehicle: Vehicle | None,
        complaint: str,
        notes: str,
    ) -> None:
        key = f"ED-{self.sink.count + 1:07d}"
        name = render(rng, person.name, NAME_STYLE)
        line, postcode = ("", "")
        if address is not None:
            line, postcode = render_address(rng, address.address, ADDRESS_STYLE)
        companion_name = render(rng, companion.name, NAME_STYLE).full if companion else ""
        companion_phone = companion.phone if companion is not None else None
        vrm = vehicle.vrm if vehicle is not None else ""
        self.sink.write(
            {
                "Attendance ID": key,
                "Arrived": when.strftime("%Y-%m-%d %H:%M"),
                "Patient Surname": name.surname,
                "Patient Forenames": name.forenames,
                "DOB": person.dob.isoformat() if chance(rng, 0.9) else "",
                "Gender": person.gender,
                "NHS Number": person.nhs or "",
                "Address Given": line,
                "Postcode": postcode,
                "Contact Number": format_phone(rng, phone) if phone else "",
                "Employer Given": employer.name if employer else "",
                "Accompanied By": companion_name,
                "Companion Phone": format_phone(rng, companion_phone) if companion_phone else "",
                "Arrived In": format_vrm(rng, vrm) if vrm else "",
                "Presenting Complaint": complaint,
                "Triage Notes": notes,
            }
        )
        self.truth.mention(FILE, key, "patient", person)
        if address is not None:
            self.truth.mention(FILE, key, "patient_address", address)
        if employer is not None:
            self.truth.mention(FILE, key, "employer", employer)
        if companion is not None:
            self.truth.mention(FILE, key, "companion", companion)


def _own_phone(person: Person, home: Premises) -> str | None:
    return person.phone or home.landline


def _when(rng: random.Random, first: date, last: date, night: bool) -> datetime:
    day = between(rng, min(first, AS_OF), min(last, AS_OF))
    hours = (22, 23, 0, 1, 2, 3, 4, 5) if night else tuple(range(8, 21))
    return at_hour(rng, day, hours)
