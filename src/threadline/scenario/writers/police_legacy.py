"""A legacy 5x5x5 intelligence export from Northshire Police's old system (2009-2016).

Pipe-delimited, upper case, ASCII only, dates as ``14-MAR-2014``, GPMS protective markings.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from threadline.scenario._rng import at_hour, between, chance, weighted
from threadline.scenario.names import Style, ascii_fold, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import (
    MONTHS,
    DobRates,
    format_partial,
    format_phone,
    format_vrm,
    vary_dob,
)
from threadline.scenario.world import Person, World
from threadline.scenario.writers import stories
from threadline.scenario.writers.base import SourceInfo, Text, Writer

FILE = "police/intel_legacy.csv"
COLUMNS = (
    "REF_NO",
    "DATE_RECVD",
    "SOURCE_EVAL",
    "INT_EVAL",
    "HANDLING",
    "GPMS",
    "CATEGORY",
    "SUBJ_SURNAME",
    "SUBJ_FORENAME",
    "SUBJ_DOB",
    "SUBJ_ROLE",
    "SUBJ_ADDR",
    "SUBJ_TEL",
    "VEHICLE",
    "REPORT_TEXT",
)
START, END = date(2009, 1, 1), date(2016, 3, 31)
NAME_STYLE = Style(keep_diacritics=0.0, typo=0.06, respell=0.15, drop_middle=0.5, wrong_fields=0.3)
ADDRESS_STYLE = AddressStyle(
    abbreviate=0.6, upper=1.0, postcode_nospace=0.3, drop_town=0.3, typo=0.04
)
DOB = DobRates(missing=0.1, swapped=0.05, wrong_day=0.04, off_by_a_year=0.04)
CATEGORIES = ("DRUGS", "VIOLENCE", "ACQUISITIVE", "VICE", "IMMIGRATION", "PUBLIC ORDER", "FRAUD")


def _upper(text: str) -> str:
    return ascii_fold(text).upper()


class PoliceLegacyWriter(Writer):
    """Writes ``police/intel_legacy.csv``."""

    label = "police_legacy"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS, delimiter="|")

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The legacy export."""
        return [
            SourceInfo(
                FILE,
                "nwpolice",
                "Northshire Police",
                "police_intel_legacy",
                "csv",
                "Legacy 5x5x5 intelligence export (2009-2016), pipe-delimited, upper case; "
                "one subject per row; GPMS protective markings.",
                agency_kind="police",
                key="REF_NO",
                delimiter="|",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Old intelligence on some of today's offenders and on background adults."""
        before = self.sink.count
        for net in world.networks:
            for person in net.offenders:
                if person.age(START) >= 17 and chance(rng, 0.6):
                    for _ in range(rng.randint(1, 2)):
                        self.row(rng, person)
        for person in world.background():
            if person.age(START) >= 17 and chance(rng, 0.1):
                self.row(rng, person)
        return self.sink.count - before

    def row(self, rng: random.Random, person: Person) -> None:
        """One legacy report about ``person``."""
        key = f"SIR{self.sink.count + 1:07d}"
        when = at_hour(rng, between(rng, START, END), range(24)).date()
        name = render(rng, person.name, NAME_STYLE)
        category = rng.choice(CATEGORIES)
        text = Text(rng, _upper)
        who = text.person(person, stories.TEXT_STYLE, alias=0.2)
        old_home = person.home if person.home is not None and chance(rng, 0.6) else None
        address = ""
        if old_home is not None:
            line, postcode = render_address(rng, old_home.address, ADDRESS_STYLE)
            address = f"{line} {postcode}"
        tel = person.phone if chance(rng, 0.4) else None
        vehicle = person.vehicle if chance(rng, 0.3) else None
        story = {
            "DRUGS": f"{who} DEALING FROM HOUSE AND CARS, USES MOBILE",
            "VIOLENCE": f"{who} INVOLVED IN FIGHT OUTSIDE PUB, CARRIES A KNIFE",
            "ACQUISITIVE": f"{who} HANDLING STOLEN GOODS AND SELLING PHONES",
            "VICE": f"{who} DRIVING WOMEN TO ADDRESSES AT NIGHT, POSSIBLE BROTHEL",
            "IMMIGRATION": f"{who} ARRANGING WORK AND HOUSING FOR NEWLY ARRIVED MEN",
            "PUBLIC ORDER": f"{who} AGGRESSIVE TO STAFF AT TAKEAWAY",
            "FRAUD": f"{who} USING OTHER PEOPLES DETAILS TO OPEN ACCOUNTS",
        }[category]
        if category == "VICE":
            text.attribute("role", "driver", person)
        if vehicle is not None and chance(rng, 0.5):
            story += f". SEEN IN {text.attribute('vehicle', text.vehicle(vehicle), person)}"
        source = weighted(rng, (("A", 0.1), ("B", 0.35), ("C", 0.3), ("D", 0.05), ("E", 0.2)))
        self.sink.write(
            {
                "REF_NO": key,
                "DATE_RECVD": f"{when.day:02d}-{MONTHS[when.month - 1]}-{when.year}",
                "SOURCE_EVAL": source,
                "INT_EVAL": weighted(
                    rng, (("1", 0.05), ("2", 0.35), ("3", 0.3), ("4", 0.25), ("5", 0.05))
                ),
                "HANDLING": weighted(
                    rng, (("1", 0.45), ("2", 0.2), ("3", 0.05), ("4", 0.2), ("5", 0.1))
                ),
                "GPMS": weighted(
                    rng,
                    (
                        ("RESTRICTED", 0.6),
                        ("NOT PROTECTIVELY MARKED", 0.2),
                        ("PROTECT", 0.15),
                        ("CONFIDENTIAL", 0.05),
                    ),
                ),
                "CATEGORY": category,
                "SUBJ_SURNAME": _upper(name.surname),
                "SUBJ_FORENAME": _upper(name.forenames),
                "SUBJ_DOB": format_partial(vary_dob(rng, person.dob, DOB), "dmy"),
                "SUBJ_ROLE": weighted(
                    rng, (("SUSPECT", 0.7), ("ASSOCIATE", 0.2), ("WITNESS", 0.1))
                ),
                "SUBJ_ADDR": address,
                "SUBJ_TEL": format_phone(rng, tel, ("compact", "national", "spaced"))
                if tel
                else "",
                "VEHICLE": format_vrm(rng, vehicle.vrm, 1.0) if vehicle else "",
                "REPORT_TEXT": text.finish(story + "."),
            }
        )
        self.truth.mention(FILE, key, "subject", person)
        if old_home is not None:
            self.truth.mention(FILE, key, "subject_address", old_home)
        self.truth.text_mentions(FILE, key, text.refs, text.links)
