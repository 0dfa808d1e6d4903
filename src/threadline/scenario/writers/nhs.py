"""NHS safeguarding referrals: a Windows-1252 CSV with day-first dates and one-field names."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import between, chance, weighted
from threadline.scenario.names import Style, cp1252_fold, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import (
    DobRates,
    format_date,
    format_partial,
    format_phone,
    vary_dob,
)
from threadline.scenario.world import AS_OF, Network, Person, World
from threadline.scenario.writers.base import SourceInfo, Text, Writer
from threadline.scenario.writers.stories import TEXT_STYLE, demonym

FILE = "nhs/safeguarding.csv"
COLUMNS = (
    "Referral ID",
    "Referral Date",
    "Patient Name",
    "DOB",
    "NHS Number",
    "Gender",
    "Address",
    "Postcode",
    "Contact Number",
    "Interpreter",
    "Referrer",
    "Category",
    "Concern",
    "Accompanied By",
    "Outcome",
)
NAME_STYLE = Style(
    keep_diacritics=0.6,
    typo=0.03,
    respell=0.08,
    drop_middle=0.3,
    western_order=0.5,
    surname_first=0.3,
)
ADDRESS_STYLE = AddressStyle(abbreviate=0.3, postcode_nospace=0.25, drop_town=0.2)
DOB = DobRates(missing=0.03, swapped=0.07, first_of_january=0.05, wrong_day=0.03)
REFERRERS = (
    "A&E - Northshire General Hospital",
    "GP - Moorside Surgery",
    "GP - Canal Street Medical Centre",
    "Sexual Health Clinic",
    "Maternity Services",
    "Community Dental Service",
    "Mental Health Liaison Team",
    "Health Visiting Service",
    "School Nursing Service",
)
VICTIM_CONCERNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "car_wash": (
        "Physical abuse",
        (
            "Chemical burns to both hands; says he works at a car wash seven days a week.",
            "Chest infection; sleeps in a cabin at his workplace; unsure of his address.",
            "Facial bruising he says came from a fall at work; evasive about his employer.",
        ),
    ),
    "nail_bar": (
        "Modern slavery concern",
        (
            "Skin rash and breathing problems from chemicals; looks younger than stated age.",
            "Dental abscess left untreated for weeks; says her boss keeps her passport.",
        ),
    ),
    "labour_provider": (
        "Modern slavery concern",
        (
            "Crush injury to hand at work; says he owes money for rent and transport.",
            "Back injury from lifting; works 12-hour days and is not registered with a GP.",
            "Malnourished; says food and rent are taken from his wages.",
        ),
    ),
    "construction": (
        "Modern slavery concern",
        (
            "Untreated leg wound; sleeping in a caravan; says he is paid £20 a day.",
            "Alcohol dependent; picked up from the street for building work; broken fingers.",
        ),
    ),
    "brothel": (
        "Sexual exploitation",
        (
            "STI screening with bruising to arms; a man waited outside and took her away.",
            "Pregnancy test; very anxious; says she cannot go anywhere alone.",
            "Injuries consistent with assault; gave an address she could not describe.",
        ),
    ),
    "cannabis_farm": (
        "Modern slavery concern",
        (
            "Burns and breathing problems; unable to give his address or say where he lives.",
            "Electric shock injury; brought to A&E and left at the door by a man in a van.",
        ),
    ),
    "county_lines": (
        "Child criminal exploitation",
        (
            "Stab wound to thigh; far from home with two phones and cash; reported missing.",
            "Drug wraps found in clothing; frightened; says he owes money to older boys.",
        ),
    ),
    "domestic_servitude": (
        "Modern slavery concern",
        (
            "Thin and exhausted; cooks and cleans for a family and has not been paid.",
            "Repeated urinary infections; never allowed to attend alone; family interprets.",
        ),
    ),
}
BACKGROUND_CONCERNS = (
    ("Domestic abuse", "Disclosed controlling behaviour and assault by partner."),
    ("Self-neglect", "Home in poor condition; not eating; declining support."),
    ("Child protection", "Unexplained bruising on child; parent's account inconsistent."),
    ("Mental health", "Expressed suicidal thoughts; lives alone; referred to crisis team."),
    ("Substance misuse", "Frequent attendances intoxicated; injuries from falls."),
    ("Financial abuse", "Relative believed to be taking pension and bank card."),
)
OUTCOMES = (
    "Referred to adult social care",
    "Police informed",
    "NRM referral discussed - patient declined",
    "Child safeguarding referral made",
    "Advice given",
    "Discharged with follow-up",
)


class NhsWriter(Writer):
    """Writes ``nhs/safeguarding.csv`` (cp1252)."""

    label = "nhs"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS, encoding="cp1252", transform=cp1252_fold)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The referrals file."""
        return [
            SourceInfo(
                FILE,
                "nhs",
                "NHS Northshire Safeguarding Hub",
                "nhs_safeguarding",
                "csv",
                "NHS safeguarding referrals (Windows-1252, dd/mm/yyyy dates, full name in one "
                "field).",
                agency_kind="other",
                key="Referral ID",
                encoding="cp1252",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Referrals of network victims (often brought in by an offender) and of others."""
        before = self.sink.count
        for net in world.networks:
            for victim in net.role("victim"):
                for _ in range(rng.choice((0, 0, 1, 1, 2))):
                    self.victim(rng, net, victim)
        background = world.background()
        for _ in range(round(len(background) * 0.26)):
            self.background(rng, rng.choice(background))
        return self.sink.count - before

    def victim(self, rng: random.Random, net: Network, person: Person) -> None:
        """A victim seen by health services."""
        day = between(rng, net.first, net.last)
        category, concerns = VICTIM_CONCERNS[net.kind]
        concern = rng.choice(concerns)
        companion = rng.choice(net.offenders) if net.offenders and chance(rng, 0.5) else None
        text = Text(rng, cp1252_fold)
        if companion is not None and chance(rng, 0.5):
            who = text.person(companion, TEXT_STYLE, alias=0.6)
            concern += f" Accompanied by {who} who answered for the patient."
        phone = person.phone
        if net.phones and chance(rng, 0.45):
            phone = rng.choice(net.phones)[0]
        interpreter = (
            f"Yes - {demonym(person)}" if person.nationality != "GB" and chance(rng, 0.7) else "No"
        )
        self.write(
            rng,
            day,
            person,
            phone,
            interpreter,
            category,
            concern,
            companion,
            text,
            nfa=chance(rng, 0.3),
        )

    def background(self, rng: random.Random, person: Person) -> None:
        """An everyday safeguarding referral."""
        day = between(rng, AS_OF - timedelta(days=1800), AS_OF)
        category, concern = rng.choice(BACKGROUND_CONCERNS)
        companion = None
        if person.age(day) < 18:
            category, concern = (
                "Child protection",
                rng.choice(
                    (
                        "Repeated A&E attendances for injuries.",
                        "Not brought to appointments; weight loss.",
                    )
                ),
            )
            adults = [p for p in (person.home.occupants if person.home else []) if p.age() >= 18]
            companion = rng.choice(adults) if adults else None
        elif person.partner is not None and chance(rng, 0.3):
            companion = person.partner
        phone = person.phone or (person.home.landline if person.home else None)
        interpreter = (
            f"Yes - {demonym(person)}" if person.nationality != "GB" and chance(rng, 0.3) else "No"
        )
        self.write(
            rng,
            day,
            person,
            phone,
            interpreter,
            category,
            concern,
            companion,
            Text(rng, cp1252_fold),
            nfa=False,
        )

    def write(
        self,
        rng: random.Random,
        day: date,
        person: Person,
        phone: str | None,
        interpreter: str,
        category: str,
        concern: str,
        companion: Person | None,
        text: Text,
        nfa: bool,
    ) -> None:
        """Write one referral row and its truth."""
        key = f"SGR{self.sink.count + 1:07d}"
        address, postcode = ("NFA", "")
        home = None if nfa else person.home
        if home is not None:
            address, postcode = render_address(rng, home.address, ADDRESS_STYLE)
        nhs = (
            person.nhs
            if person.nhs and not (person.role == "victim" and chance(rng, 0.6))
            else None
        )
        self.sink.write(
            {
                "Referral ID": key,
                "Referral Date": format_date(day, "dmy"),
                "Patient Name": render(rng, person.name, NAME_STYLE).full,
                "DOB": format_partial(vary_dob(rng, person.dob, DOB), "dmy"),
                "NHS Number": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
                if nhs and chance(rng, 0.5)
                else nhs,
                "Gender": {"M": "Male", "F": "Female"}[person.gender],
                "Address": address,
                "Postcode": postcode,
                "Contact Number": format_phone(rng, phone) if phone else "",
                "Interpreter": interpreter,
                "Referrer": rng.choice(REFERRERS),
                "Category": category,
                "Concern": text.finish(concern),
                "Accompanied By": render(rng, companion.name, NAME_STYLE).full if companion else "",
                "Outcome": weighted(rng, [(o, 1.0) for o in OUTCOMES]),
            }
        )
        self.truth.mention(FILE, key, "patient", person)
        if home is not None:
            self.truth.mention(FILE, key, "patient_address", home)
        if companion is not None:
            self.truth.mention(FILE, key, "accompanied_by", companion)
        self.truth.text_mentions(FILE, key, text.refs, text.links)
