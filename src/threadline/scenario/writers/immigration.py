"""Immigration Enforcement encounters: a JSON array, one object per person encountered."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from threadline.scenario._rng import at_hour, between, chance, weighted
from threadline.scenario.countries import COUNTRIES
from threadline.scenario.names import Style, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.sinks import JsonArraySink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import DobRates, format_partial, format_phone, vary_dob
from threadline.scenario.world import AS_OF, Business, Network, Person, Premises, World
from threadline.scenario.writers import stories
from threadline.scenario.writers.base import SourceInfo, Text, Writer

FILE = "immigration/encounters.json"
NAME_STYLE = Style(keep_diacritics=0.5, typo=0.02, respell=0.05, drop_middle=0.1, wrong_fields=0.25)
ADDRESS_STYLE = AddressStyle(abbreviate=0.3, drop_town=0.0, postcode_nospace=0.1)
DOB = DobRates(missing=0.08, year_only=0.03, swapped=0.04, first_of_january=0.05)
VICTIM_STATUS = (
    ("Illegal entrant", 0.4),
    ("Overstayer", 0.2),
    ("No trace on Home Office systems", 0.25),
    ("Asylum seeker", 0.15),
)
VICTIM_OUTCOME = (
    ("Referred to NRM", 0.35),
    ("Arrested", 0.2),
    ("Served notice of liability to removal", 0.25),
    ("Released on immigration bail", 0.2),
)


def _alpha3(country: str) -> str:
    found = COUNTRIES.get(country)
    return found.alpha3 if found else country


class ImmigrationWriter(Writer):
    """Writes ``immigration/encounters.json``."""

    label = "immigration"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = JsonArraySink(root, FILE)
        self.visits = 0

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The encounters file."""
        return [
            SourceInfo(
                FILE,
                "ie",
                "Immigration Enforcement",
                "ie_encounters",
                "json",
                "Immigration Enforcement encounters: JSON array of objects, one per person "
                "encountered; people met at one visit share visit_ref.",
                agency_kind="government agency",
                key="encounter_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Objects written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the array."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Visits to network sites and houses; everyday encounters with foreign nationals."""
        before = self.sink.count
        for net in world.networks:
            for _ in range(rng.randint(1, 2)):
                self.network_visit(rng, net)
        for biz in world.businesses:
            foreign = [p for p in biz.employees if p.nationality != "GB" and p.network is None]
            if foreign and chance(rng, 0.4):
                day = between(rng, max(biz.incorporated, AS_OF - timedelta(days=1500)), AS_OF)
                self._visit(
                    rng,
                    day,
                    "Illegal working visit",
                    biz.premises,
                    biz,
                    rng.sample(foreign, min(len(foreign), 3)),
                    None,
                )
        for person in world.background():
            if person.nationality != "GB" and person.age() >= 16 and chance(rng, 0.2):
                day = between(rng, AS_OF - timedelta(days=1800), AS_OF)
                kind = rng.choice(("Street encounter", "Reporting event", "Police referral"))
                self._visit(rng, day, kind, None, None, [person], None)
        for person in world.lone_victims:
            if chance(rng, 0.6):
                day = between(rng, AS_OF - timedelta(days=900), AS_OF)
                self._visit(
                    rng,
                    day,
                    rng.choice(("Port arrival", "Reporting event")),
                    None,
                    None,
                    [person],
                    None,
                )
        return self.sink.count - before

    def network_visit(self, rng: random.Random, net: Network) -> None:
        """An enforcement visit to a network's site or house."""
        victims = [v for v in net.role("victim") if v.nationality != "GB"]
        if not victims or not net.premises:
            return
        options = list(net.premises)
        if net.hosts:
            options.append(net.hosts[0].premises)
        place = rng.choice(options)
        employer: Business | None = None
        if net.hosts and place is net.hosts[0].premises:
            employer = (
                net.hosts[0]
                if chance(rng, 0.5)
                else (net.businesses[0] if net.businesses else None)
            )
        elif net.businesses and place.kind == "commercial":
            employer = net.businesses[0]
        kind = (
            "Illegal working visit" if place.kind == "commercial" else "Enforcement visit (warrant)"
        )
        found = rng.sample(victims, min(len(victims), rng.randint(1, 5)))
        if chance(rng, 0.3):
            found.append(rng.choice(net.offenders or victims))
        self._visit(rng, between(rng, net.first, net.last), kind, place, employer, found, net)

    def _visit(
        self,
        rng: random.Random,
        day: date,
        kind: str,
        place: Premises | None,
        employer: Business | None,
        people: list[Person],
        net: Network | None,
    ) -> None:
        self.visits += 1
        visit = f"IEV-{self.visits:07d}"
        when = at_hour(rng, day, (5, 6, 7, 10, 11, 14, 15, 20))
        for person in people:
            key = f"IE-ENC-{self.sink.count + 1:08d}"
            text = Text(rng)
            victim = person.role == "victim"
            notes = ""
            if victim and net is not None:
                notes = (
                    stories.network_story(text, net, rng.randint(1, 2))
                    if chance(rng, 0.5)
                    else rng.choice(stories.SIGNS[net.kind]).capitalize() + "."
                )
            elif person.network is not None and person.role != "victim":
                notes = "Subject claimed to be a customer; evasive about his role."
            item: dict[str, Any] = {
                "encounter_id": key,
                "visit_ref": visit,
                "encounter_date": when.date().isoformat(),
                "encounter_time": when.strftime("%H:%M"),
                "encounter_type": kind,
                "protective_marking": "OFFICIAL-SENSITIVE" if victim else "OFFICIAL",
                "person": self._person(rng, person, key),
                "location": self._place(rng, place, key),
                "employer": None,
                "immigration_status": weighted(rng, VICTIM_STATUS)
                if victim
                else self._status(rng, person),
                "outcome": weighted(rng, VICTIM_OUTCOME)
                if victim
                else rng.choice(
                    ("No further action", "Advised", "Served notice of liability to removal")
                ),
                "nrm_referral": False,
                "officer_notes": notes,
            }
            item["nrm_referral"] = item["outcome"] == "Referred to NRM" or (
                victim and chance(rng, 0.15)
            )
            if employer is not None:
                item["employer"] = {
                    "name": employer.name,
                    "company_number": employer.company_number if chance(rng, 0.6) else None,
                }
                self.truth.mention(FILE, key, "employer", employer)
            self.sink.write(item)
            self.truth.mention(FILE, key, "person", person)
            self.truth.text_mentions(FILE, key, text.refs, text.links)

    def _person(self, rng: random.Random, person: Person, key: str) -> dict[str, Any]:
        name = render(rng, person.name, NAME_STYLE)
        documents: list[dict[str, Any]] = []
        doc = person.document
        if doc is not None and chance(rng, 0.75):
            documents.append(
                {
                    "type": doc.kind,
                    "number": doc.number,
                    "issuing_country": _alpha3(doc.country),
                    "held_by_subject": not (person.role == "victim" and chance(rng, 0.5)),
                }
            )
        home = None
        if person.home is not None and chance(rng, 0.6):
            line, postcode = render_address(rng, person.home.address, ADDRESS_STYLE)
            home = {"address": line, "postcode": postcode}
            self.truth.mention(FILE, key, "home_address", person.home)
        phone = person.phone
        if (
            person.role == "victim"
            and person.network
            and person.network.phones
            and chance(rng, 0.4)
        ):
            phone = rng.choice(person.network.phones)[0]
        return {
            "family_name": name.surname,
            "given_names": name.forenames,
            "dob": format_partial(vary_dob(rng, person.dob, DOB), "iso") or None,
            "nationality": _alpha3(person.nationality) if chance(rng, 0.95) else None,
            "gender": person.gender,
            "aliases": person.aliases[:1] if person.aliases and person.role != "victim" else [],
            "documents": documents,
            "contact_phone": format_phone(rng, phone) if phone and chance(rng, 0.5) else None,
            "home_address": home,
        }

    def _place(self, rng: random.Random, place: Premises | None, key: str) -> dict[str, Any] | None:
        if place is None:
            return None
        line, postcode = render_address(
            rng, place.address, AddressStyle(drop_town=1.0, postcode_nospace=0.1)
        )
        self.truth.mention(FILE, key, "location", place)
        return {"address": line, "town": place.address.town, "postcode": postcode}

    def _status(self, rng: random.Random, person: Person) -> str:
        if person.nationality in ("RO", "PL", "SK", "CZ"):
            return rng.choice(
                ("EU Settlement Scheme - settled", "EU Settlement Scheme - pre-settled")
            )
        if person.nationality in ("ER", "VN", "AL"):
            return weighted(
                rng,
                (
                    ("Asylum seeker", 0.6),
                    ("Leave to remain - refugee status", 0.3),
                    ("Overstayer", 0.1),
                ),
            )
        return weighted(
            rng,
            (
                ("Leave to remain - right to work", 0.7),
                ("Overstayer", 0.15),
                ("Visa holder - student", 0.15),
            ),
        )
