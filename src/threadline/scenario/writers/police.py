"""Northshire Police intelligence log: 3x5x2-graded reports, one subject per row."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from threadline.scenario._rng import at_hour, between, chance, weighted
from threadline.scenario.countries import NATIONALITY_VARIANTS
from threadline.scenario.names import Style, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import Cell, CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import (
    DobRates,
    format_partial,
    format_phone,
    format_vrm,
    vary_dob,
)
from threadline.scenario.world import AS_OF, Network, Person, Premises, World
from threadline.scenario.writers import stories
from threadline.scenario.writers.base import SourceInfo, Text, Writer

FILE = "police/intel_log.csv"
COLUMNS = (
    "log_id",
    "urn",
    "date_recorded",
    "date_of_intel",
    "source_type",
    "source_eval",
    "intel_assess",
    "handling_code",
    "handling_conditions",
    "marking",
    "threat",
    "title",
    "subject_role",
    "subject_surname",
    "subject_forenames",
    "subject_aliases",
    "subject_dob",
    "subject_gender",
    "subject_nationality",
    "subject_pnc_id",
    "subject_phone",
    "subject_address",
    "subject_postcode",
    "location",
    "location_postcode",
    "vehicle_vrm",
    "narrative",
)
NAME_STYLE = Style(
    keep_diacritics=0.3, typo=0.03, respell=0.1, nickname=0.04, drop_middle=0.3, wrong_fields=0.2
)
ALIASES = 0.4
"""How often a subject with aliases (a street name, a working name) has them recorded: then one
of them or all, as officers note what they hear."""
ADDRESS_STYLE = AddressStyle(abbreviate=0.4, upper=0.2, postcode_nospace=0.1)
DOB = DobRates(missing=0.12, year_only=0.04, swapped=0.03)
THREATS = {
    "car_wash": ("Modern slavery - labour exploitation", "Immigration offences"),
    "nail_bar": ("Modern slavery - labour exploitation", "Child exploitation"),
    "labour_provider": ("Modern slavery - labour exploitation", "Organised immigration crime"),
    "construction": ("Modern slavery - labour exploitation",),
    "brothel": (
        "Modern slavery - sexual exploitation",
        "Brothel keeping / controlling prostitution",
    ),
    "cannabis_farm": ("Cannabis cultivation", "Modern slavery - criminal exploitation"),
    "county_lines": ("County lines", "Drugs - supply", "Child criminal exploitation"),
    "domestic_servitude": ("Modern slavery - domestic servitude", "Safeguarding - adult at risk"),
}
CONDITIONS = (
    "A1: combine and corroborate only; no action without reference to the originator",
    "A2: covert action only; not to be used as evidence",
    "S2: do not sanitise without consulting the originator",
    "Not to be disseminated outside Northshire Police without DI authority",
    "Share with MSHT partners only; protect the source",
)


@dataclass(frozen=True, slots=True)
class Grade:
    """A 3x5x2 grade with its source type, handling and marking."""

    source_type: str
    source_eval: str
    assess: str
    handling: str
    conditions: str
    marking: str


def grade(rng: random.Random, sensitive: bool) -> Grade:
    """A plausible grade for a new report."""
    source = weighted(
        rng,
        (
            ("Police officer", 0.35),
            ("Member of public", 0.25),
            ("Partner agency", 0.15),
            ("CHIS", 0.1),
            ("Crimestoppers", 0.15),
        ),
    )
    evaluation, assess = {
        "Police officer": ("1", weighted(rng, (("A", 0.7), ("B", 0.3)))),
        "Member of public": ("2", weighted(rng, (("A", 0.3), ("B", 0.2), ("C", 0.5)))),
        "Partner agency": (rng.choice("12"), weighted(rng, (("A", 0.3), ("B", 0.5), ("C", 0.2)))),
        "CHIS": (rng.choice("12"), weighted(rng, (("B", 0.5), ("C", 0.5)))),
        "Crimestoppers": (rng.choice("23"), weighted(rng, (("D", 0.85), ("E", 0.15)))),
    }[source]
    handling = "C" if source == "CHIS" or chance(rng, 0.2) else "P"
    conditions = rng.choice(CONDITIONS) if handling == "C" else ""
    marking = (
        "OFFICIAL-SENSITIVE" if source == "CHIS" or handling == "C" or sensitive else "OFFICIAL"
    )
    return Grade(source, evaluation, assess, handling, conditions, marking)


class PoliceIntelWriter(Writer):
    """Writes ``police/intel_log.csv``."""

    label = "police"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)
        self.reports = 0

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The intelligence log."""
        return [
            SourceInfo(
                FILE,
                "nwpolice",
                "Northshire Police",
                "police_intel_log",
                "csv",
                "Police intelligence log: one row per subject of a 3x5x2-graded intelligence "
                "report (rows of one report share its urn).",
                agency_kind="police",
                key="log_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Reports on each network and on the background."""
        before = self.sink.count
        for net in world.networks:
            for _ in range(max(2, round(len(net.members) * rng.uniform(0.5, 0.9)))):
                self.network_report(rng, net)
            if net.kind == "county_lines":
                # Exploited children go missing again and again: repeat episodes are what
                # safeguarding partners look for.
                for child in [v for v in net.role("victim") if v.age(net.first) < 18]:
                    for _ in range(rng.randint(2, 4)):
                        self.missing_report(rng, net, child)
        adults = [p for p in world.background() if p.age() >= 14]
        for _ in range(round(len(adults) * 0.5)):
            self.background_report(rng, world, rng.choice(adults))
        return self.sink.count - before

    def _report(
        self,
        rng: random.Random,
        when: datetime,
        g: Grade,
        threat: str,
        title: str,
        subjects: list[tuple[Person, str]],
        location: Premises | None,
        text: Text,
        narrative: str,
    ) -> None:
        self.reports += 1
        urn = f"NSP/IR/{when.year}/{self.reports:07d}"
        recorded = min(AS_OF, when.date() + timedelta(days=rng.randint(0, 20)))
        loc_line, loc_postcode = ("", "")
        if location is not None:
            loc_line, loc_postcode = render_address(rng, location.address, ADDRESS_STYLE)
        for person, role in subjects:
            key = f"NSP-IL-{self.sink.count + 1:08d}"
            row = self._subject(rng, person, role, when.date())
            row.update(
                log_id=key,
                urn=urn,
                date_recorded=recorded.isoformat(),
                date_of_intel=when.strftime("%Y-%m-%d %H:%M"),
                source_type=g.source_type,
                source_eval=g.source_eval,
                intel_assess=g.assess,
                handling_code=g.handling,
                handling_conditions=g.conditions,
                marking=g.marking,
                threat=threat,
                title=title,
                location=loc_line,
                location_postcode=loc_postcode,
                narrative=narrative,
            )
            self.sink.write(row)
            self.truth.mention(FILE, key, "subject", person)
            if row["subject_address"] and person.home is not None:
                self.truth.mention(FILE, key, "subject_address", person.home)
            if location is not None:
                self.truth.mention(FILE, key, "location", location)
            self.truth.text_mentions(FILE, key, text.refs, text.links)

    def _subject(
        self, rng: random.Random, person: Person, role: str, when: date
    ) -> dict[str, Cell]:
        name = render(rng, person.name, NAME_STYLE)
        surname = name.surname.upper() if chance(rng, 0.7) else name.surname
        phone = person.phone if chance(rng, 0.6) else None
        if role == "victim" and person.network and person.network.phones and chance(rng, 0.3):
            phone = rng.choice(person.network.phones)[0]
        address, postcode = ("", "")
        if person.home is not None and chance(rng, 0.7):
            address, postcode = render_address(rng, person.home.address, ADDRESS_STYLE)
        nationality = ""
        if person.nationality in NATIONALITY_VARIANTS and chance(rng, 0.8):
            nationality = NATIONALITY_VARIANTS[person.nationality][0 if chance(rng, 0.8) else -1]
        vehicle = person.vehicle
        row: dict[str, Cell] = {
            "subject_role": role,
            "subject_surname": surname,
            "subject_forenames": name.forenames,
            "subject_dob": format_partial(vary_dob(rng, person.dob, DOB), "iso"),
            "subject_gender": person.gender if chance(rng, 0.95) else "U",
            "subject_nationality": nationality,
            "subject_pnc_id": person.pnc or "",
            "subject_phone": format_phone(rng, phone) if phone else "",
            "subject_address": address,
            "subject_postcode": postcode,
            "vehicle_vrm": format_vrm(rng, vehicle.vrm) if vehicle and chance(rng, 0.5) else "",
        }
        # Drawn last, and only for people with aliases, so that the random stream moves as
        # little as it can.
        aliases: list[str] = []
        if person.aliases and chance(rng, ALIASES):
            aliases = person.aliases
            if len(aliases) > 1 and chance(rng, 0.5):
                aliases = [rng.choice(aliases)]
        row["subject_aliases"] = "; ".join(aliases)
        return row

    def network_report(self, rng: random.Random, net: Network) -> None:
        """A report about a network: offenders as suspects or associates, victims as victims."""
        when = at_hour(rng, between(rng, net.first, net.last), range(24))
        members = rng.sample(net.members, min(len(net.members), rng.choice((1, 1, 2, 2, 3))))
        subjects = [
            (p, "victim" if p.role == "victim" else rng.choice(("suspect", "suspect", "associate")))
            for p in members
        ]
        g = grade(rng, net.etype == "sexual" or any(p.age(when.date()) < 18 for p in members))
        text = Text(rng)
        narrative = stories.network_story(text, net, rng.randint(2, 4))
        threat = rng.choice(THREATS[net.kind])
        location = rng.choice(net.premises) if net.premises and chance(rng, 0.8) else None
        self._report(
            rng, when, g, threat, f"{threat} - {net.town.name}", subjects, location, text, narrative
        )

    def missing_report(self, rng: random.Random, net: Network, child: Person) -> None:
        """A county-lines child reported missing and found far from home."""
        when = at_hour(rng, between(rng, net.first, net.last), (1, 2, 3, 22, 23))
        text = Text(rng)
        trap = net.premises[0] if net.premises else None
        boss = rng.choice(net.offenders)
        found = f"found at {text.place(trap)}" if trap else f"found in {net.towns[-1].name}"
        who = text.person(child, stories.TEXT_STYLE, alias=0.0)
        narrative = (
            f"{who} reported missing from home overnight; "
            f"{found} in the company of {text.person(boss, stories.TEXT_STYLE, alias=0.7)}. "
            f"Had two phones and £{rng.randint(3, 30) * 20} in cash. Return interview declined."
        )
        g = grade(rng, True)
        subjects = [(child, "victim"), (boss, "suspect")]
        self._report(
            rng,
            when,
            g,
            "Missing person - child criminal exploitation",
            "Missing child found out of area",
            subjects,
            trap,
            text,
            narrative,
        )

    def background_report(self, rng: random.Random, world: World, person: Person) -> None:
        """Everyday intelligence on people outside any network (and innocent false alarms)."""
        when = at_hour(rng, between(rng, AS_OF - timedelta(days=5 * 365), AS_OF), range(24))
        text = Text(rng)
        kind = weighted(
            rng,
            (
                ("drugs", 0.3),
                ("domestic", 0.2),
                ("theft", 0.15),
                ("asb", 0.1),
                ("fraud", 0.08),
                ("welfare_hmo", 0.08),
                ("welfare_business", 0.09),
            ),
        )
        subjects: list[tuple[Person, str]] = [(person, "suspect")]
        location = person.home
        name = text.person(person, stories.TEXT_STYLE, alias=0.1)

        def home() -> str:
            return text.place(person.home, ADDRESS_STYLE) if person.home else "an unknown address"

        def lives_at() -> str:
            written = home()
            return text.attribute("address", written, person) if person.home else written

        if kind == "drugs":
            threat = "Drugs - supply"
            phone = (
                f" using {text.attribute('phone', text.phone(person.phone), person)}"
                if person.phone
                else ""
            )
            narrative = (
                f"{name} is believed to be supplying cannabis and cocaine from {home()}{phone}."
            )
        elif kind == "domestic" and person.partner is not None:
            threat = "Domestic abuse"
            partner = text.person(person.partner, stories.TEXT_STYLE)
            narrative = (
                f"Domestic incident at {home()}: {name} and {partner} arguing; "
                "neighbours called police."
            )
            subjects.append((person.partner, "victim"))
        elif kind == "welfare_hmo" and person.home is not None and len(person.home.occupants) >= 4:
            threat = "Concern for welfare"
            narrative = (
                f"Neighbour reported many people coming and going at {home()}. Officers "
                f"attended and spoke to {name} and other occupants; tenancy agreements seen, "
                "all work locally. No concerns."
            )
            subjects = [(person, "witness")]
        elif kind == "welfare_business" and person.employer is not None:
            biz = person.employer
            threat = "Concern for welfare"
            location = biz.premises
            narrative = (
                f"Anonymous report that staff at {stories.business(text, biz)} may be "
                f"exploited. Joint visit with partners to "
                f"{text.place(biz.premises, ADDRESS_STYLE)}; {name} and colleagues had "
                "contracts and payslips. No offences identified."
            )
            subjects = [(person, "witness")]
        elif kind == "fraud":
            threat = "Fraud"
            narrative = (
                f"{name} suspected of claiming benefits at {home()} while working cash in hand."
            )
        else:
            threat = "Acquisitive crime" if person.age() >= 18 else "Anti-social behaviour"
            narrative = (
                f"{name} linked to shoplifting and thefts from vehicles around "
                f"{world.towns[0].name}; lives at {lives_at()}."
            )
        g = grade(rng, False)
        self._report(rng, when, g, threat, threat, subjects, location, text, narrative)
