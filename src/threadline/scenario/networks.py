"""Exploitation networks of each kind seen in the UK, built into a shard's world.

Every network has controllers and victims, and usually recruiters, drivers and money handlers;
premises, businesses, phones, vehicles and bank accounts; and an active period. The agency
writers later report fragments of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from threadline.scenario._rng import between, chance, weighted
from threadline.scenario.background import Background
from threadline.scenario.names import nickname
from threadline.scenario.places import TOWNS, Town, house, unit
from threadline.scenario.trades import SECTORS, business_name
from threadline.scenario.world import (
    AS_OF,
    Builder,
    Business,
    Document,
    Network,
    Officer,
    Person,
    Premises,
)

# kind -> (exploitation type, weight in medium and large scenarios)
KINDS: dict[str, tuple[str, float]] = {
    "car_wash": ("labour", 0.15),
    "nail_bar": ("labour", 0.1),
    "labour_provider": ("labour", 0.15),
    "construction": ("labour", 0.08),
    "brothel": ("sexual", 0.18),
    "cannabis_farm": ("criminal", 0.12),
    "county_lines": ("criminal", 0.14),
    "domestic_servitude": ("domestic_servitude", 0.08),
}
SMALL_KINDS = (
    "car_wash", "brothel", "cannabis_farm", "labour_provider", "county_lines", "nail_bar",
    "domestic_servitude", "labour_provider",
)  # fmt: skip
HOST_SECTORS = ("agriculture", "food_processing", "factory", "construction")

WORKING_NAMES = (
    "Bianca", "Lara", "Mia", "Sofia", "Roxy", "Candy", "Jasmine", "Lily", "Anna", "Kira",
    "Amber", "Chloe", "Daisy", "Ruby", "Nina", "Angel", "Vanessa", "Lola", "Cherry", "Maya",
)  # fmt: skip


def _free(name: str, taken: set[str]) -> str:
    """``name``, or the next working name after it that no other woman of the network has
    (drawing no random numbers, so the rest of the scenario stays as it was)."""
    at = WORKING_NAMES.index(name)
    while WORKING_NAMES[at % len(WORKING_NAMES)] in taken:
        at += 1
    found = WORKING_NAMES[at % len(WORKING_NAMES)]
    taken.add(found)
    return found


class NetworkBuilder:
    """Builds one network of a given kind into the shard."""

    def __init__(self, builder: Builder, background: Background, net: Network) -> None:
        self.b = builder
        self.bg = background
        self.rng = builder.rng
        self.net = net

    def member(
        self,
        role: str,
        culture: str,
        gender: str | None,
        ages: tuple[int, int],
        home: Premises | None,
    ) -> Person:
        """A new network member."""
        person = self.b.person(culture, gender, ages, home=home)
        person.network = self.net
        person.role = role
        if role != "victim":
            if chance(self.rng, 0.5):
                alias = nickname(self.rng, person.name)
                if alias:
                    person.aliases.append(alias)
            if role == "controller" and chance(self.rng, 0.5):
                person.phones.append(self.b.mobile())
            for number in person.phones:
                self.net.phones.append((number, person))
        self.net.members.append(person)
        return person

    def victim(
        self, culture: str, gender: str | None, ages: tuple[int, int], home: Premises | None
    ) -> Person:
        """A victim: fewer phones and documents of their own."""
        person = self.member("victim", culture, gender, ages, home)
        if chance(self.rng, 0.55):
            person.phones.clear()
        if person.document and chance(self.rng, 0.25):
            fake = self.rng.choice(("IT", "GR", "FR", "ES"))
            person.document = Document(
                "national_id", f"{fake[0]}X{self.rng.randint(1000000, 9999999)}", fake
            )
        if person.age() < 18:
            person.ni = None
        return person

    def residence(self, town: Town, use: str = "hmo", flats: int = 0) -> Premises:
        """Exploitative residential premises (an HMO, a house, a flat)."""
        street = self.bg.street(town)
        addresses = house(self.rng, street, flats)
        place = self.b.premises(self.rng.choice(addresses), "residential", use)
        self.claim(place)
        if chance(self.rng, 0.4):
            landlord = self.b.person("british", ages=(35, 75), home=self.bg.home(town))
            place.landlord = landlord
        return place

    def claim(self, place: Premises) -> None:
        """Mark ``place`` as used by the network."""
        place.network = self.net
        place.exploitative = True
        self.net.premises.append(place)

    def site(self, sector: str, town: Town) -> Premises:
        """Exploitative commercial premises where victims work."""
        spec = SECTORS[sector]
        if spec.estate:
            address = unit(self.rng, self.bg.street(town, estate=True))
        else:
            (address,) = house(self.rng, self.bg.street(town))
        place = self.b.premises(address, "commercial", spec.use)
        self.claim(place)
        return place

    def company(
        self, sector: str, place: Premises, owner: Person, straw: Person | None = None
    ) -> Business:
        """An exploitative business; ``straw`` becomes its director in name."""
        limited = chance(self.rng, 0.85)
        name = business_name(self.rng, sector, owner.name, place.address.town, limited)
        start = self.net.first - timedelta(days=self.rng.randint(30, 700))
        registered = self.bg.agent if limited and chance(self.rng, 0.3) else None
        biz = self.b.business(name, sector, place, registered, start, company=limited)
        biz.network = self.net
        biz.exploitative = True
        biz.officers.append(Officer(straw or owner, "director", start))
        if straw is not None and chance(self.rng, 0.5):
            biz.officers.append(
                Officer(owner, "director", start, start + timedelta(days=self.rng.randint(20, 300)))
            )
        if self.net.last < AS_OF and limited and chance(self.rng, 0.5):
            biz.status = "Dissolved"
            biz.dissolved = min(AS_OF, self.net.last + timedelta(days=self.rng.randint(60, 400)))
        self.net.businesses.append(biz)
        return biz

    def pay_into(
        self, holder: Person, workers: Sequence[Person], business: Business, share: float
    ) -> None:
        """Put ``workers`` on the payroll of ``business``, most paid into ``holder``'s account."""
        account = self.b.account(holder)
        self.net.accounts.append(account)
        for person in workers:
            person.employer = business
            business.employees.append(person)
            person.account = account if chance(self.rng, share) else self.b.account(person)

    def vehicle(self, keeper: Person, kind: str) -> None:
        """A vehicle the network uses."""
        self.net.vehicles.append(self.b.vehicle(keeper, kind))

    def crew(
        self, culture: str, drivers: int = 1, money: float = 0.5, recruiter: float = 0.5
    ) -> list[Person]:
        """Controllers (returned), and maybe a recruiter, drivers and a money handler."""
        rng = self.rng
        town = self.net.town
        boss_home = self.bg.home(town)
        controllers = [self.member("controller", culture, "M", (26, 55), boss_home)]
        if chance(rng, 0.4):
            controllers.append(
                self.member("controller", culture, rng.choice("MF"), (24, 55), self.bg.home(town))
            )
        if chance(rng, recruiter):
            abroad = chance(rng, 0.5)
            self.member(
                "recruiter",
                culture,
                rng.choice("MF"),
                (22, 55),
                None if abroad else self.bg.home(town),
            )
        for _ in range(drivers):
            self.vehicle(self.member("driver", culture, "M", (20, 50), self.bg.home(town)), "van")
        if chance(rng, money):
            handler = self.member("money_handler", culture, "F", (20, 50), boss_home)
            controllers[0].partner, handler.partner = handler, controllers[0]
        if chance(rng, 0.7):
            self.vehicle(controllers[0], "car")
        return controllers

    def money_holder(self, controllers: list[Person]) -> Person:
        """Who receives the wages: the money handler if there is one."""
        handlers = self.net.role("money_handler")
        return handlers[0] if handlers and chance(self.rng, 0.7) else controllers[0]


def build_network(
    b: Builder, bg: Background, net_id: str, kind: str, hosts: Sequence[str] = ()
) -> Network:
    """Create a network of ``kind`` in the shard of ``b``."""
    rng = b.rng
    town = rng.choice(b.world.towns)
    if kind == "labour_provider":
        town = next((t for t in b.world.towns if t.rural), town)
    first = between(rng, date(2019, 1, 1), date(2026, 3, 31))
    last = (
        AS_OF if chance(rng, 0.45) else min(AS_OF, first + timedelta(days=rng.randint(200, 1500)))
    )
    net = Network(net_id, kind, KINDS[kind][0], town, first, last)
    nb = NetworkBuilder(b, bg, net)
    {
        "car_wash": _car_wash,
        "nail_bar": _nail_bar,
        "labour_provider": lambda n: _labour_provider(n, hosts),
        "construction": _construction,
        "brothel": _brothel,
        "cannabis_farm": _cannabis_farm,
        "county_lines": _county_lines,
        "domestic_servitude": _domestic_servitude,
    }[kind](nb)
    victims = net.role("victim")
    nationalities = sorted({v.nationality for v in victims})
    net.description = (
        f"{kind.replace('_', ' ')} network based in {town.name}: {len(net.offenders)} offenders, "
        f"{len(victims)} victims ({', '.join(nationalities)}), {len(net.premises)} premises"
    )
    b.world.networks.append(net)
    return net


def _car_wash(nb: NetworkBuilder) -> None:
    rng, net = nb.rng, nb.net
    culture = weighted(
        rng, (("albanian", 0.5), ("romanian", 0.2), ("british", 0.15), ("pakistani", 0.15))
    )
    controllers = nb.crew(culture)
    victim_cultures = {
        "albanian": (("albanian", 0.6), ("romanian", 0.2), ("vietnamese", 0.1), ("eritrean", 0.1)),
        "romanian": (("romanian", 0.6), ("roma", 0.4)),
    }.get(culture, (("british", 0.4), ("polish", 0.3), ("romanian", 0.3)))
    site = nb.site("car_wash", net.town)
    home = nb.residence(net.town) if chance(rng, 0.8) else site
    victims = [
        nb.victim(weighted(rng, victim_cultures), "M", (16, 45), home)
        for _ in range(rng.randint(4, 9))
    ]
    straw = rng.choice([*victims, *net.role("money_handler")]) if chance(rng, 0.4) else None
    biz = nb.company("car_wash", site, controllers[0], straw)
    nb.pay_into(nb.money_holder(controllers), victims[: max(2, len(victims) * 2 // 3)], biz, 0.8)


def _nail_bar(nb: NetworkBuilder) -> None:
    rng, net = nb.rng, nb.net
    controllers = nb.crew("vietnamese", drivers=rng.randint(0, 1), money=0.6, recruiter=0.6)
    shop = nb.site("nail_bar", net.town)
    upstairs = replace(shop.address, flat="First Floor Flat")
    flat = nb.b.premises(upstairs, "residential", "flat")
    nb.claim(flat)
    victims = [
        nb.victim("vietnamese", "F" if chance(rng, 0.8) else "M", (15, 30), flat)
        for _ in range(rng.randint(3, 6))
    ]
    owner = net.role("money_handler")[0] if net.role("money_handler") else controllers[0]
    biz = nb.company("nail_bar", shop, owner)
    nb.pay_into(nb.money_holder(controllers), victims[:2], biz, 0.9)


def _labour_provider(nb: NetworkBuilder, host_sectors: Sequence[str]) -> None:
    rng, net, b = nb.rng, nb.net, nb.b
    culture = weighted(
        rng,
        (("romanian", 0.35), ("polish", 0.2), ("roma", 0.15), ("british", 0.15), ("indian", 0.15)),
    )
    controllers = nb.crew(culture, drivers=rng.randint(1, 2), money=0.7, recruiter=0.9)
    for driver in net.role("driver"):
        nb.vehicle(driver, "minibus")
    office = nb.site("recruitment", net.town)
    biz = nb.company("recruitment", office, controllers[0])
    homes = [nb.residence(rng.choice(b.world.towns)) for _ in range(rng.randint(1, 3))]
    victim_cultures = (
        ("romanian", 0.3),
        ("roma", 0.2),
        ("polish", 0.15),
        ("indian", 0.1),
        ("eritrean", 0.1),
        ("british", 0.15),
    )
    victims = [
        nb.victim(weighted(rng, victim_cultures), None, (17, 55), rng.choice(homes))
        for _ in range(rng.randint(6, 14))
    ]
    nb.pay_into(nb.money_holder(controllers), victims, biz, 0.75)
    sectors = list(host_sectors) or rng.sample(HOST_SECTORS[:3], rng.randint(1, 2))
    for sector in sectors:
        net.hosts.append(nb.bg.business(sector))


def _construction(nb: NetworkBuilder) -> None:
    rng, net = nb.rng, nb.net
    culture = weighted(rng, (("british", 0.5), ("polish", 0.25), ("romanian", 0.25)))
    controllers = nb.crew(culture, money=0.4)
    yard = nb.site("construction", net.town)
    biz = nb.company("construction", yard, controllers[0])
    home = nb.residence(net.town, "house")
    victim_cultures = (("british", 0.5), ("polish", 0.25), ("romanian", 0.25))
    victims = [
        nb.victim(weighted(rng, victim_cultures), "M", (22, 60), home)
        for _ in range(rng.randint(3, 7))
    ]
    nb.pay_into(nb.money_holder(controllers), victims, biz, 0.85)


def _brothel(nb: NetworkBuilder) -> None:
    rng, net, b = nb.rng, nb.net, nb.b
    culture = weighted(
        rng, (("albanian", 0.35), ("romanian", 0.35), ("chinese", 0.15), ("nigerian", 0.15))
    )
    controllers = nb.crew(culture, money=0.7, recruiter=0.8)
    flats = [
        nb.residence(rng.choice(b.world.towns), "flat", flats=rng.randint(2, 4))
        for _ in range(rng.randint(2, 4))
    ]
    victim_culture = {"albanian": "albanian", "chinese": "chinese", "nigerian": "nigerian"}.get(
        culture, "romanian"
    )
    # The controller's adverts are his menu: clients ask for a woman by her working name, so
    # no two of the women he advertises at once share one (other networks reuse them).
    taken: set[str] = set()
    for _ in range(rng.randint(3, 7)):
        v = nb.victim(
            victim_culture if chance(rng, 0.7) else "romanian", "F", (17, 32), rng.choice(flats)
        )
        v.aliases.extend(
            _free(name, taken) for name in rng.sample(WORKING_NAMES, rng.randint(1, 2))
        )
    holders = [*controllers, *net.role("money_handler")]
    for _ in range(rng.randint(2, 4)):
        holder = rng.choice(holders)
        number = b.mobile()
        holder.phones.append(number)
        net.phones.append((number, holder))
    net.towns = [net.town, *rng.sample([t for t in TOWNS if t is not net.town], rng.randint(1, 3))]
    if chance(rng, 0.25):
        parlour = nb.site("massage", net.town)
        nb.company("massage", parlour, controllers[0])


def _cannabis_farm(nb: NetworkBuilder) -> None:
    rng, b = nb.rng, nb.b
    culture = "vietnamese" if chance(rng, 0.65) else "albanian"
    nb.crew(culture, money=0.3, recruiter=0.6)
    houses = [nb.residence(rng.choice(b.world.towns), "house") for _ in range(rng.randint(1, 3))]
    for grow in houses:
        for _ in range(rng.randint(1, 2)):
            nb.victim(culture, "M", (15, 30), grow)


def _county_lines(nb: NetworkBuilder) -> None:
    rng, net, b = nb.rng, nb.net, nb.b
    culture = weighted(rng, (("british", 0.7), ("pakistani", 0.15), ("nigerian", 0.15)))
    controllers = nb.crew(culture, drivers=rng.randint(0, 1), money=0.3, recruiter=0.9)
    line = b.mobile()
    controllers[0].phones.append(line)
    net.phones.append((line, controllers[0]))
    others = [t for t in b.world.towns if t is not net.town] or [net.town]
    market = rng.choice(others)
    net.towns = [net.town, market]
    trap = nb.residence(market, "flat", flats=rng.randint(2, 6))
    nb.victim("british", None, (35, 65), trap)  # the tenant whose flat is cuckooed
    for _ in range(rng.randint(2, 5)):
        child_home = nb.bg.home(rng.choice(b.world.towns))
        nb.victim(
            "british" if chance(rng, 0.8) else culture,
            "M" if chance(rng, 0.8) else "F",
            (13, 17),
            child_home,
        )


def _domestic_servitude(nb: NetworkBuilder) -> None:
    rng, net = nb.rng, nb.net
    culture = weighted(
        rng,
        (
            ("nigerian", 0.3),
            ("indian", 0.2),
            ("pakistani", 0.25),
            ("british", 0.1),
            ("chinese", 0.15),
        ),
    )
    home = nb.residence(net.town, "house")
    husband = nb.member("controller", culture, "M", (35, 65), home)
    wife = nb.member("controller", culture, "F", (33, 60), home)
    husband.partner, wife.partner = wife, husband
    child = chance(rng, 0.3)
    victim = nb.victim(culture, "F", (13, 17) if child else (18, 50), home)
    victim.phones.clear()
    if chance(rng, 0.5):
        nb.vehicle(husband, "car")
