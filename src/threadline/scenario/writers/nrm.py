"""National Referral Mechanism referrals of potential victims (PVs)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import between, chance, weighted
from threadline.scenario.countries import COUNTRIES
from threadline.scenario.names import Style, render
from threadline.scenario.sinks import Cell, CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import DobRates, format_partial, format_phone, vary_dob
from threadline.scenario.world import AS_OF, Network, Person, World
from threadline.scenario.writers.base import SourceInfo, Text, Writer
from threadline.scenario.writers.stories import TEXT_STYLE, demonym

FILE = "nrm/referrals.csv"
COLUMNS = (
    "referral_id",
    "referral_date",
    "first_responder_org",
    "fr_location",
    "pv_name",
    "pv_other_names",
    "pv_dob",
    "pv_under_age",
    "age_at_exploitation",
    "pv_gender",
    "pv_nationality",
    "pv_phone",
    "exploitation_type",
    "county_lines",
    "where_exploitation_happened",
    "exploitation_town",
    "exploiter_description",
    "rg_decision",
    "marking",
)
OTHER_NAMES = 0.6
"""How often a referral lists the names a victim with aliases is known by (her working names):
the form asks, but the victim or the first responder does not always say."""
NAME_STYLE = Style(keep_diacritics=0.6, typo=0.02, respell=0.08, drop_middle=0.2, western_order=0.5)
DOB = DobRates(missing=0.1, year_only=0.08, swapped=0.04, first_of_january=0.06)
TYPES = {
    "labour": "Labour",
    "sexual": "Sexual",
    "criminal": "Criminal",
    "domestic_servitude": "Domestic servitude",
}
RESPONDERS = {
    "car_wash": (
        "Northshire Police",
        "Immigration Enforcement",
        "Lowmoor City Council",
        "The Salvation Army",
    ),
    "nail_bar": (
        "Northshire Police",
        "Immigration Enforcement",
        "Lowmoor City Council",
        "Barnardo's",
    ),
    "labour_provider": (
        "Gangmasters and Labour Abuse Authority",
        "Fair Work Agency",
        "Northshire Police",
        "The Salvation Army",
    ),
    "construction": ("Northshire Police", "Lowmoor City Council", "The Salvation Army"),
    "brothel": ("Northshire Police", "The Salvation Army", "Medaille Trust", "Unseen"),
    "cannabis_farm": ("Northshire Police", "Immigration Enforcement", "Barnardo's"),
    "county_lines": ("Northshire Police", "Lowmoor City Council", "Barnardo's", "NSPCC"),
    "domestic_servitude": ("Northshire Police", "Lowmoor City Council", "Kalayaan"),
}


class NrmWriter(Writer):
    """Writes ``nrm/referrals.csv``."""

    label = "nrm"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The referrals file."""
        return [
            SourceInfo(
                FILE,
                "nrm",
                "National Referral Mechanism (Single Competent Authority)",
                "nrm_referrals",
                "csv",
                "NRM referrals of potential victims made by first responder organisations.",
                agency_kind="government agency",
                key="referral_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Referrals of about half the victims of each network, and of lone victims."""
        before = self.sink.count
        for net in world.networks:
            for victim in net.role("victim"):
                if chance(rng, 0.6):
                    self.network_victim(rng, net, victim)
        for person in world.lone_victims:
            if chance(rng, 0.8):
                self.lone_victim(rng, person)
        return self.sink.count - before

    def network_victim(self, rng: random.Random, net: Network, person: Person) -> None:
        """A referral describing the network's exploiters."""
        text = Text(rng)
        parts = []
        boss = rng.choice(net.role("controller") or net.offenders)
        who = text.person(boss, TEXT_STYLE, alias=0.6)
        parts.append(f"{who}, {demonym(boss)}, about {boss.age() // 5 * 5} years old")
        numbers = [number for number, holder in net.phones if holder is boss]
        if numbers and chance(rng, 0.6):
            parts.append(f"phone {text.attribute('phone', text.phone(rng.choice(numbers)), boss)}")
        if boss.vehicle is not None and chance(rng, 0.4):
            parts.append(f"drives {text.attribute('vehicle', text.vehicle(boss.vehicle), boss)}")
        others = [p for p in net.offenders if p is not boss]
        if others and chance(rng, 0.5):
            other = rng.choice(others)
            who = text.person(other, TEXT_STYLE, alias=0.5)
            parts.append(f"works with {who} ({other.role.replace('_', ' ')})")
            text.attribute("role", other.role, other)
        if net.premises and chance(rng, 0.5):
            parts.append(f"kept at {text.place(rng.choice(net.premises))}")
        start = net.first + timedelta(days=30)
        day = between(rng, min(start, AS_OF), min(AS_OF, net.last + timedelta(days=120)))
        town = rng.choice(net.towns or [net.town]).name
        self.write(
            rng,
            person,
            day,
            rng.choice(RESPONDERS[net.kind]),
            TYPES[net.etype],
            net.kind == "county_lines",
            "UK",
            town,
            "; ".join(parts) + ".",
            text,
            exploited=max(net.first, person.dob),
        )

    def lone_victim(self, rng: random.Random, person: Person) -> None:
        """A referral for exploitation overseas or by unknown people."""
        day = between(rng, AS_OF - timedelta(days=900), AS_OF)
        overseas = person.nationality != "GB"
        etype = weighted(
            rng, (("Labour", 0.6), ("Sexual", 0.25), ("Not specified or unknown", 0.15))
        )
        description = (
            rng.choice(
                (
                    "Smugglers in Libya; names not known.",
                    "Men who held her in a house in France.",
                    "Agent who arranged travel; unknown name.",
                )
            )
            if overseas
            else "A man called 'Dave' who gave him work for no pay; no other details."
        )
        where = (
            "Overseas" if overseas and chance(rng, 0.7) else "UK and Overseas" if overseas else "UK"
        )
        responder = (
            "UK Border Force"
            if overseas and chance(rng, 0.6)
            else rng.choice(("The Salvation Army", "Migrant Help", "Lowmoor City Council"))
        )
        town = person.home.address.town if person.home and where != "Overseas" else ""
        exploited = day - timedelta(days=rng.randint(60, 900)) if chance(rng, 0.7) else None
        self.write(
            rng,
            person,
            day,
            responder,
            etype,
            False,
            where,
            town,
            description,
            Text(rng),
            exploited,
        )

    def write(
        self,
        rng: random.Random,
        person: Person,
        day: date,
        responder: str,
        etype: str,
        county_lines: bool,
        where: str,
        town: str,
        description: str,
        text: Text,
        exploited: date | None,
    ) -> None:
        """One referral row and its truth (``exploited``: when the exploitation began)."""
        key = f"NRM-{day.year}-{self.sink.count + 1:07d}"
        age = person.age(day)
        under = "Yes" if age < 18 else "No"
        if 17 <= age <= 19 and chance(rng, 0.3):
            under = "Not sure"
        country = COUNTRIES.get(person.nationality)
        row: dict[str, Cell] = {
            "referral_id": key,
            "referral_date": day.isoformat(),
            "first_responder_org": responder,
            "fr_location": "England",
            "pv_name": render(rng, person.name, NAME_STYLE).full,
            "pv_dob": format_partial(vary_dob(rng, person.dob, DOB), "dmy"),
            "pv_under_age": under,
            "age_at_exploitation": (
                "Not specified or unknown"
                if exploited is None
                else "Child"
                if person.age(exploited) < 18
                else "Adult"
            ),
            "pv_gender": {"M": "Male", "F": "Female"}[person.gender],
            "pv_nationality": country.name if country else "",
            "pv_phone": format_phone(rng, person.phone)
            if person.phone and chance(rng, 0.6)
            else "",
            "exploitation_type": etype,
            "county_lines": "Yes" if county_lines else "No",
            "where_exploitation_happened": where,
            "exploitation_town": town,
            "exploiter_description": description,
            "rg_decision": weighted(
                rng, (("Positive", 0.55), ("Negative", 0.2), ("Pending", 0.25))
            ),
            "marking": "OFFICIAL-SENSITIVE",
        }
        # Drawn last, and only for people with aliases, so that the random stream moves as
        # little as it can.
        other_names = ""
        if person.aliases and chance(rng, OTHER_NAMES):
            other_names = "; ".join(person.aliases)
        row["pv_other_names"] = other_names
        self.sink.write(row)
        self.truth.mention(FILE, key, "pv", person)
        self.truth.text_mentions(FILE, key, text.refs, text.links)
