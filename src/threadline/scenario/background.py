"""The legitimate population a shard's networks hide in.

Households, innocent houses in multiple occupation (students, agency workers), businesses of
every sector (including car washes, nail bars and labour agencies that exploit nobody), their
officers and employees, cars, bank accounts, lone victims exploited elsewhere, and cohorts of
different people who share one common name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from threadline.scenario._rng import chance, weighted
from threadline.scenario.names import Name
from threadline.scenario.places import Street, Town, house, unit
from threadline.scenario.trades import SECTORS, business_name
from threadline.scenario.world import AS_OF, Builder, Business, Officer, Person, Premises

CULTURE_MIX: tuple[tuple[str, float], ...] = (
    ("british", 0.52), ("pakistani", 0.09), ("indian", 0.06), ("polish", 0.07),
    ("romanian", 0.06), ("albanian", 0.03), ("vietnamese", 0.03), ("chinese", 0.03),
    ("nigerian", 0.04), ("eritrean", 0.03), ("roma", 0.04),
)  # fmt: skip

SECTOR_MIX: tuple[tuple[str, float], ...] = (
    ("car_wash", 0.08), ("nail_bar", 0.08), ("massage", 0.03), ("agriculture", 0.05),
    ("food_processing", 0.05), ("factory", 0.05), ("construction", 0.1), ("recruitment", 0.05),
    ("takeaway", 0.12), ("cafe", 0.07), ("shop", 0.1), ("barber", 0.06), ("care_home", 0.04),
    ("taxi", 0.05), ("lettings", 0.04),
)  # fmt: skip

OWNER_CULTURES: dict[str, tuple[tuple[str, float], ...]] = {
    "car_wash": (("albanian", 0.3), ("romanian", 0.15), ("pakistani", 0.2), ("british", 0.35)),
    "nail_bar": (("vietnamese", 0.75), ("chinese", 0.1), ("british", 0.15)),
    "massage": (("chinese", 0.5), ("british", 0.3), ("romanian", 0.2)),
    "takeaway": (("pakistani", 0.35), ("indian", 0.2), ("chinese", 0.2), ("british", 0.25)),
    "barber": (("albanian", 0.2), ("pakistani", 0.3), ("british", 0.5)),
    "shop": (("pakistani", 0.3), ("indian", 0.3), ("polish", 0.15), ("british", 0.25)),
}

# Common names that many different people share (name, culture, gender, how many per shard).
NAMESAKES: tuple[tuple[Name, str, int], ...] = (
    (Name("vietnamese", "Nam", "Văn", "Nguyễn"), "M", 20),
    (Name("pakistani", "Mohammed", "", "Ali"), "M", 6),
    (Name("pakistani", "Mohammed", "", "Khan"), "M", 3),
    (Name("british", "John", "", "Smith"), "M", 4),
    (Name("chinese", "Wei", "", "Wang"), "M", 3),
    (Name("romanian", "Ion", "", "Popescu"), "M", 3),
    (Name("vietnamese", "Linh", "Thị", "Nguyễn"), "F", 3),
)

_SHARED_SURNAME = {
    "british": 0.8, "pakistani": 0.5, "polish": 0.9, "albanian": 0.8, "romanian": 0.8,
    "roma": 0.8, "nigerian": 0.8, "indian": 0.5,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class BackgroundSpec:
    """How much legitimate life one shard holds."""

    households: int
    hmos: int
    businesses: int
    lone_victims: int
    namesake_scale: float


class Background:
    """Builds the background of one shard."""

    def __init__(self, builder: Builder, spec: BackgroundSpec) -> None:
        self.b = builder
        self.rng = builder.rng
        self.spec = spec
        self.streets: dict[str, list[Street]] = {}
        self.spare_flats: list[Premises] = []
        self.adults: list[Person] = []
        self.agent: Premises | None = None

    def street(self, town: Town, estate: bool = False) -> Street:
        """A street of ``town`` for this shard (reused a few times, then a new one)."""
        key = f"{town.name}/{estate}"
        streets = self.streets.setdefault(key, [])
        if not streets or chance(self.rng, 0.25):
            streets.append(self.b.streets.street(town, estate))
        return self.rng.choice(streets)

    def home(self, town: Town, use: str = "") -> Premises:
        """A new residential premises: a house, or a flat in a converted house."""
        if not use and self.spare_flats and chance(self.rng, 0.5):
            return self.spare_flats.pop()
        if use == "hmo" or chance(self.rng, 0.7):
            (address,) = house(self.rng, self.street(town))
            return self.b.premises(address, "residential", use or "house")
        flats = [
            self.b.premises(a, "residential", "flat") for a in house(self.rng, self.street(town), 3)
        ]
        self.spare_flats.extend(flats[1:])
        return flats[0]

    def build(self) -> None:
        """Create the whole background of the shard."""
        spec = self.spec
        rng = self.rng
        agent_street = self.street(self.b.world.towns[0])
        (agent_address,) = house(rng, agent_street)
        self.agent = self.b.premises(agent_address, "commercial", "office")
        for _ in range(spec.households):
            self.household(rng.choice(self.b.world.towns))
        for _ in range(spec.hmos):
            self.hmo(rng.choice(self.b.world.towns))
        for name, gender, count in NAMESAKES:
            for _ in range(max(1, round(count * spec.namesake_scale))):
                self.namesake(name, gender)
        for _ in range(spec.businesses):
            self.business(weighted(rng, SECTOR_MIX))
        for _ in range(spec.lone_victims):
            self.lone_victim()
        for person in self.adults:
            if chance(rng, 0.35):
                self.b.vehicle(person)

    def household(self, town: Town) -> None:
        """A family or single person at a home of their own."""
        rng = self.rng
        culture = weighted(rng, CULTURE_MIX)
        home = self.home(town)
        shape = weighted(rng, (("single", 0.25), ("couple", 0.25), ("family", 0.4), ("big", 0.1)))
        first = self.b.person(culture, ages=(20, 75), home=home)
        self.adults.append(first)
        if chance(rng, 0.3):
            home.landline = self.b.landline()
        if shape == "single":
            return
        partner = self.b.person(
            culture,
            "F" if first.gender == "M" else "M",
            ages=(max(18, first.age() - 8), min(80, first.age() + 6)),
            nationality=first.nationality,
            home=home,
        )
        self.adults.append(partner)
        first.partner, partner.partner = partner, first
        husband = first if first.gender == "M" else partner
        wife = partner if husband is first else first
        if chance(rng, _SHARED_SURNAME.get(culture, 0.0)):
            wife.name = Name(culture, wife.name.given, wife.name.middle, _feminine(husband.name))
        if shape == "couple":
            return
        youngest = min(first.age(), partner.age())
        for _ in range(rng.randint(1, 3 if shape == "family" else 5)):
            child = self.b.person(
                culture,
                ages=(0, max(0, min(17, youngest - 18))),
                nationality=first.nationality,
                home=home,
            )
            family = husband.name.given if culture == "eritrean" else husband.name.family
            child.name = Name(culture, child.name.given, child.name.middle, family)
            if child.gender == "F":
                child.name = Name(
                    culture, child.name.given, child.name.middle, _feminine(child.name)
                )

    def hmo(self, town: Town) -> None:
        """An innocent house in multiple occupation: students or agency workers."""
        rng = self.rng
        home = self.home(town, "hmo")
        students = chance(rng, 0.4)
        cultures = (
            (("british", 0.6), ("chinese", 0.2), ("indian", 0.1), ("nigerian", 0.1))
            if students
            else (
                ("polish", 0.3),
                ("romanian", 0.3),
                ("roma", 0.1),
                ("indian", 0.1),
                ("british", 0.2),
            )
        )
        landlord = self.b.person(weighted(rng, CULTURE_MIX), ages=(35, 70), home=self.home(town))
        self.adults.append(landlord)
        home.landlord = landlord
        for _ in range(rng.randint(4, 8)):
            ages = (18, 24) if students else (19, 50)
            self.adults.append(self.b.person(weighted(rng, cultures), ages=ages, home=home))

    def namesake(self, name: Name, gender: str) -> None:
        """One more distinct person sharing a common name."""
        rng = self.rng
        town = rng.choice(self.b.world.towns)
        home = self.home(town, "hmo" if chance(self.rng, 0.2) else "")
        person = self.b.person(name.culture, gender, ages=(18, 65), name=name, home=home)
        self.adults.append(person)

    def business(self, sector_name: str) -> Business:
        """A legitimate business with officers and employees from the background."""
        rng = self.rng
        sector = SECTORS[sector_name]
        towns = self.b.world.towns
        rural = [t for t in towns if t.rural]
        town = rng.choice(rural) if sector_name == "agriculture" and rural else rng.choice(towns)
        if sector.estate:
            address = unit(rng, self.street(town, estate=True))
        elif sector.use == "farm":
            (address,) = house(rng, self.street(town))
            farm = f"{rng.choice(('Manor', 'Grange', 'Fen', 'Wold', 'Marsh'))} Farm"
            address = replace(address, building=farm)
        else:
            (address,) = house(rng, self.street(town))
        place = self.b.premises(address, "commercial", sector.use)
        owner_culture = weighted(rng, OWNER_CULTURES.get(sector_name, CULTURE_MIX))
        owner = self.b.person(owner_culture, ages=(25, 70), home=self.home(town))
        self.adults.append(owner)
        limited = chance(rng, 0.85)
        name = business_name(rng, sector_name, owner.name, town.name, limited)
        registered = self.agent if self.agent and chance(rng, 0.2) else None
        biz = self.b.business(name, sector_name, place, registered, company=limited)
        biz.paye_ref = ""
        biz.officers.append(Officer(owner, "director", biz.incorporated))
        if limited and chance(rng, 0.4):
            other = self.b.person(owner_culture, ages=(25, 70), home=owner.home)
            self.adults.append(other)
            resigned = None
            if chance(rng, 0.3):
                resigned = biz.incorporated + timedelta(days=rng.randint(100, 2000))
                resigned = min(resigned, AS_OF)
            biz.officers.append(
                Officer(other, rng.choice(("director", "secretary")), biz.incorporated, resigned)
            )
        if limited and chance(rng, 0.08):
            biz.status = rng.choice(("Dissolved", "Liquidation", "Active - Proposal to Strike off"))
            if biz.status == "Dissolved":
                biz.dissolved = AS_OF - timedelta(days=rng.randint(30, 900))
        staff = rng.randint(2, 12 if sector.estate or sector_name == "care_home" else 6)
        free = [p for p in self.adults if p.employer is None and p.age() < 66]
        for person in rng.sample(free, min(staff, len(free))):
            person.employer = biz
            biz.employees.append(person)
            self.b.account(person)
        self.share_accounts(biz)
        return biz

    def share_accounts(self, biz: Business) -> None:
        """Couples working together are sometimes paid into one joint account (innocently)."""
        for person in biz.employees:
            partner = person.partner
            if partner and partner.employer is biz and chance(self.rng, 0.5):
                partner.account = person.account

    def lone_victim(self) -> None:
        """A victim exploited overseas or by someone unknown, now living in the shard."""
        rng = self.rng
        culture = weighted(
            rng,
            (
                ("eritrean", 0.35),
                ("albanian", 0.2),
                ("vietnamese", 0.15),
                ("british", 0.2),
                ("nigerian", 0.1),
            ),
        )
        town = rng.choice(self.b.world.towns)
        person = self.b.person(culture, ages=(16, 40), home=self.home(town, "hmo"))
        self.b.world.lone_victims.append(person)


def _feminine(name: Name) -> str:
    """The family name a woman takes from ``name`` (Polish and Slovak forms are gendered)."""
    family = name.family
    if name.culture == "polish" and family.endswith(("ski", "cki")):
        return family[:-1] + "a"
    if name.culture == "roma" and not family.endswith("ová"):
        return family.removesuffix("o") + "ová"
    if name.culture == "indian" and family == "Singh":
        return "Kaur"
    return family
