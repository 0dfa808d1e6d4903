"""The true world of one shard: people, premises, businesses, networks and their identifiers.

A scenario is generated shard by shard (a few towns' worth of people each) so memory stays
bounded whatever the size; identifiers and streets are allocated across shards so that they
never collide. The agency writers only *observe* this world, each in its own fragment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from threadline.scenario._rng import chance
from threadline.scenario.identifiers import (
    Identifiers,
    brp_number,
    national_id_number,
    passport_number,
)
from threadline.scenario.names import Name, make_name, nationality_for
from threadline.scenario.places import Address, StreetDirectory, Town

AS_OF = date(2026, 10, 31)
"""The scenario's fixed "today": nothing is dated after it."""

EXPLOITATION_TYPES = ("labour", "sexual", "criminal", "domestic_servitude")


@dataclass(frozen=True, slots=True)
class Document:
    """An identity document: type, number and issuing country (ISO alpha-2)."""

    kind: str  # passport | national_id | brp
    number: str
    country: str


@dataclass(slots=True, eq=False)
class Account:
    """A bank account and the person who holds it."""

    sort_code: str
    number: str
    holder: Person

    @property
    def value(self) -> str:
        """``00-12-34 12345678``."""
        s = self.sort_code
        return f"{s[:2]}-{s[2:4]}-{s[4:]} {self.number}"


@dataclass(slots=True, eq=False)
class Vehicle:
    """A vehicle and its registered keeper."""

    vrm: str
    make: str
    colour: str
    keeper: Person | None


@dataclass(slots=True, eq=False)
class Person:
    """One real (synthetic) person."""

    id: str
    name: Name
    gender: str  # M | F
    dob: date
    nationality: str  # ISO alpha-2
    home: Premises | None = None
    phones: list[str] = field(default_factory=list)
    ni: str | None = None
    nhs: str | None = None
    pnc: str | None = None
    document: Document | None = None
    account: Account | None = None
    vehicle: Vehicle | None = None
    employer: Business | None = None
    network: Network | None = None
    role: str = ""
    aliases: list[str] = field(default_factory=list)
    partner: Person | None = None

    @property
    def phone(self) -> str | None:
        """The person's main phone, if any."""
        return self.phones[0] if self.phones else None

    def age(self, on: date = AS_OF) -> int:
        """Age in whole years on ``on``."""
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))


@dataclass(slots=True, eq=False)
class Premises:
    """A place: a house, flat, shop, unit, farm or site."""

    id: str
    address: Address
    kind: str  # residential | commercial
    use: str  # house, flat, hmo, shop, car_wash, nail_bar, farm, factory, unit, office, site
    uprn: str
    network: Network | None = None
    exploitative: bool = False
    occupants: list[Person] = field(default_factory=list)
    landlord: Person | None = None
    landline: str | None = None


@dataclass(slots=True, eq=False)
class Officer:
    """An appointment of a person to a company."""

    person: Person
    role: str  # director | secretary
    appointed: date
    resigned: date | None = None


@dataclass(slots=True, eq=False)
class Business:
    """A business, usually a limited company."""

    id: str
    name: str
    sector: str
    premises: Premises
    registered: Premises
    company_number: str | None
    incorporated: date
    dissolved: date | None = None
    status: str = "Active"
    officers: list[Officer] = field(default_factory=list)
    employees: list[Person] = field(default_factory=list)
    network: Network | None = None
    exploitative: bool = False
    landline: str | None = None
    paye_ref: str = ""


@dataclass(slots=True, eq=False)
class Network:
    """An exploitation network: who plays which role, where, with what."""

    id: str
    kind: str  # car_wash, nail_bar, labour_provider, construction, brothel, cannabis_farm...
    etype: str  # one of EXPLOITATION_TYPES
    town: Town
    first: date
    last: date
    description: str = ""
    members: list[Person] = field(default_factory=list)
    premises: list[Premises] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    hosts: list[Business] = field(default_factory=list)  # innocent sites its victims work at
    phones: list[tuple[str, Person]] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    towns: list[Town] = field(default_factory=list)  # where it advertises or deals

    def role(self, role: str) -> list[Person]:
        """Members with ``role`` (controller, recruiter, driver, money_handler, victim)."""
        return [p for p in self.members if p.role == role]

    @property
    def offenders(self) -> list[Person]:
        """Every member who is not a victim."""
        return [p for p in self.members if p.role != "victim"]

    def premises_of(self, *uses: str) -> list[Premises]:
        """Premises of the network with one of ``uses``."""
        return [p for p in self.premises if p.use in uses]


@dataclass(slots=True)
class World:
    """Everything true in one shard."""

    index: int
    towns: list[Town]
    persons: list[Person] = field(default_factory=list)
    premises: list[Premises] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    lone_victims: list[Person] = field(default_factory=list)

    def background(self) -> list[Person]:
        """People outside any network."""
        return [p for p in self.persons if p.network is None]


_MAKES = (
    ("Ford Transit", "van"), ("Vauxhall Vivaro", "van"), ("Mercedes Sprinter", "van"),
    ("Ford Focus", "car"), ("Vauxhall Astra", "car"), ("VW Golf", "car"), ("BMW 3 Series", "car"),
    ("Audi A4", "car"), ("Toyota Prius", "car"), ("Mercedes C Class", "car"),
    ("Nissan Qashqai", "car"), ("Skoda Octavia", "car"), ("Peugeot 208", "car"),
    ("Renault Trafic", "van"), ("Ford Tourneo", "minibus"), ("Toyota Yaris", "car"),
)  # fmt: skip
_COLOURS = ("white", "black", "silver", "grey", "blue", "red", "dark blue", "green")


@dataclass
class Builder:
    """Creates the entities of one shard with ids unique across the scenario."""

    rng: random.Random
    shard: int
    ids: Identifiers
    streets: StreetDirectory
    world: World
    _counters: dict[str, int] = field(default_factory=dict)

    def _id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{self.shard:04d}-{n:05d}"

    def person(
        self,
        culture: str,
        gender: str | None = None,
        ages: tuple[int, int] = (18, 70),
        nationality: str | None = None,
        name: Name | None = None,
        home: Premises | None = None,
        phone: bool = True,
    ) -> Person:
        """A new person of ``culture`` aged within ``ages`` on the scenario date."""
        rng = self.rng
        gender = gender or rng.choice("MF")
        age_days = rng.randint(ages[0] * 365 + 1, ages[1] * 365 + 360)
        dob = AS_OF - timedelta(days=age_days)
        person = Person(
            id=self._id("PER"),
            name=name or make_name(rng, culture, gender),
            gender=gender,
            dob=dob,
            nationality=nationality or nationality_for(rng, culture),
        )
        adult = person.age() >= 18
        if phone and (adult or (person.age() >= 12 and chance(rng, 0.6))):
            person.phones.append(self.ids.mobile())
        if adult and (person.nationality == "GB" or chance(rng, 0.6)):
            person.ni = self.ids.ni_number(rng)
        if person.nationality == "GB" or chance(rng, 0.7):
            person.nhs = self.ids.nhs_number()
        if person.nationality != "GB":
            person.document = self.document(person.nationality)
        elif chance(rng, 0.5):
            person.document = Document("passport", passport_number(rng, "GB"), "GB")
        if home is not None:
            self.move_in(person, home)
        self.world.persons.append(person)
        return person

    def document(self, country: str) -> Document:
        """An identity document issued by ``country``."""
        rng = self.rng
        if country in ("RO", "PL", "SK", "CZ", "IT", "FR", "ES") and chance(rng, 0.5):
            return Document("national_id", national_id_number(rng, country), country)
        if chance(rng, 0.15):
            return Document("brp", brp_number(rng), "GB")
        return Document("passport", passport_number(rng, country), country)

    def move_in(self, person: Person, home: Premises) -> None:
        """Make ``home`` the person's address."""
        person.home = home
        home.occupants.append(person)

    def premises(self, address: Address, kind: str, use: str) -> Premises:
        """A new premises at ``address``."""
        place = Premises(self._id("PRM"), address, kind, use, self.ids.uprn())
        self.world.premises.append(place)
        return place

    def business(
        self,
        name: str,
        sector: str,
        premises: Premises,
        registered: Premises | None = None,
        incorporated: date | None = None,
        company: bool = True,
    ) -> Business:
        """A new business trading from ``premises``."""
        rng = self.rng
        start = incorporated or AS_OF - timedelta(days=rng.randint(200, 9000))
        biz = Business(
            id=self._id("BUS"),
            name=name,
            sector=sector,
            premises=premises,
            registered=registered or premises,
            company_number=self.ids.company_number() if company else None,
            incorporated=start,
            paye_ref="",
        )
        if chance(rng, 0.7):
            biz.landline = self.ids.landline()
        self.world.businesses.append(biz)
        return biz

    def vehicle(self, keeper: Person | None, kind: str | None = None) -> Vehicle:
        """A new vehicle (of ``kind`` car/van/minibus if given) kept by ``keeper``."""
        makes = [m for m, k in _MAKES if kind is None or k == kind] or [m for m, _ in _MAKES]
        vehicle = Vehicle(self.ids.vrm(), self.rng.choice(makes), self.rng.choice(_COLOURS), keeper)
        if keeper is not None and keeper.vehicle is None:
            keeper.vehicle = vehicle
        self.world.vehicles.append(vehicle)
        return vehicle

    def account(self, holder: Person) -> Account:
        """A new bank account held by ``holder`` (becomes their main account if they have none)."""
        sort_code, number = self.ids.bank_account()
        account = Account(sort_code, number, holder)
        if holder.account is None:
            holder.account = account
        return account

    def landline(self) -> str:
        """A new landline number."""
        return self.ids.landline()

    def mobile(self) -> str:
        """A new mobile number."""
        return self.ids.mobile()
