"""Adult-services adverts collected by an analyst: phones and photos reused across adverts."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import between, chance
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import format_date, format_phone
from threadline.scenario.world import AS_OF, Network, Person, World
from threadline.scenario.writers.base import SourceInfo, Writer
from threadline.scenario.writers.stories import demonym

FILE = "adverts/adverts.csv"
COLUMNS = (
    "advert_id",
    "collected_date",
    "post_date",
    "site",
    "town",
    "title",
    "advert_text",
    "phone",
    "working_name",
    "stated_age",
    "stated_nationality",
    "url",
    "image_hash",
)
SITES = (
    ("NightLocal", "nightlocal.example"),
    ("PleasureBoard UK", "pleasureboard.example"),
    ("CityCompanions", "citycompanions.example"),
)
CLAIMED = ("Spanish", "Italian", "Brazilian", "French", "Latina", "European", "English")
TITLES = (
    "NEW IN {town}!!! {name} {age}",
    "{name} - sweet {nat} girl, {town}",
    "{name} {age} incall/outcall {town}",
    "Just arrived in {town} - {name}",
    "{nat} beauty {name}, 24/7",
)
BODIES = (
    "Hi guys, I'm {name}, {age} years old, {nat}. Incall and outcall 24/7. "
    "Call or WhatsApp {phone}. No withheld numbers.",
    "{name} here, new in town for a few days only! Discreet flat near the centre. "
    "Text {phone}, no calls after 3am.",
    "Sexy {nat} girl {name}, {age}. Available now. Ring {phone} - no texts, no time wasters.",
    "Beautiful {name} {age}yo. Party girl. Contact {phone} (WhatsApp only). Real photos 100%.",
)


def _hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


class AdvertsWriter(Writer):
    """Writes ``adverts/adverts.csv``."""

    label = "adverts"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The analyst's adverts spreadsheet (CSV)."""
        return [
            SourceInfo(
                FILE,
                "adverts",
                "Northshire Police analyst OSINT (adult-services adverts)",
                "osint_adverts",
                "csv",
                "Adult-services adverts collected by an analyst, with the phone and working "
                "name each shows.",
                agency_kind="police",
                key="advert_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Adverts of brothel networks (shared phones and photos) and of independent workers."""
        before = self.sink.count
        for net in world.networks:
            if net.kind == "brothel":
                self.network(rng, net)
        women = [
            p for p in world.background() if p.gender == "F" and 19 <= p.age() <= 40 and p.phone
        ]
        for person in rng.sample(women, min(len(women), max(1, len(women) // 15))):
            photos = [_hash(f"{person.id}/{i}") for i in range(2)]
            name = rng.choice(person.aliases or [person.name.given.split(" ")[0]])
            for _ in range(rng.randint(1, 4)):
                day = between(rng, AS_OF - timedelta(days=700), AS_OF)
                town = person.home.address.town if person.home else world.towns[0].name
                self.advert(
                    rng,
                    person,
                    name,
                    person.phone or "",
                    day,
                    town,
                    rng.choice(photos),
                    demonym(person),
                )
        return self.sink.count - before

    def network(self, rng: random.Random, net: Network) -> None:
        """Adverts for the women a brothel network controls."""
        phones = [number for number, _ in net.phones]
        if not phones:
            return
        victims = net.role("victim")
        photos = {v.id: [_hash(f"{v.id}/{i}") for i in range(rng.randint(1, 3))] for v in victims}
        towns = [t.name for t in (net.towns or [net.town])]
        for _ in range(rng.randint(5, 8) * len(victims)):
            victim = rng.choice(victims)
            name = rng.choice(victim.aliases or ["Angel"])
            photo = rng.choice(photos[victim.id])
            if chance(rng, 0.1):
                photo = rng.choice(photos[rng.choice(victims).id])
            day = between(rng, net.first, net.last)
            self.advert(
                rng,
                victim,
                name,
                rng.choice(phones),
                day,
                rng.choice(towns),
                photo,
                rng.choice(CLAIMED),
            )

    def advert(
        self,
        rng: random.Random,
        person: Person,
        name: str,
        number: str,
        day: date,
        town: str,
        photo: str,
        nationality: str,
    ) -> None:
        """One advert row and its truth."""
        key = f"ADV-{self.sink.count + 1:07d}"
        site, domain = rng.choice(SITES)
        age = max(18, person.age(day) + rng.randint(-1, 3))
        shown = format_phone(
            rng, number, ("national", "compact", "spaced", "international", "e164", "dashes")
        )
        if chance(rng, 0.1):
            shown = shown.replace("0", "O")
        fields = {"name": name, "age": age, "nat": nationality, "town": town, "phone": shown}
        self.sink.write(
            {
                "advert_id": key,
                "collected_date": min(AS_OF, day + timedelta(days=rng.randint(0, 30))).isoformat(),
                "post_date": format_date(day, "dmy"),
                "site": site,
                "town": town,
                "title": rng.choice(TITLES).format(**fields),
                "advert_text": rng.choice(BODIES).format(**fields),
                "phone": shown,
                "working_name": name,
                "stated_age": str(age),
                "stated_nationality": nationality,
                "url": f"https://{domain}/ad/{_hash(key)[:10]}",
                "image_hash": photo,
            }
        )
        self.truth.mention(FILE, key, "worker", person)
