"""A modern-slavery charity's helpline: one plain-text report per call."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import at_hour, between, chance
from threadline.scenario.places import AddressStyle
from threadline.scenario.sinks import TextDirSink
from threadline.scenario.truth import Truth
from threadline.scenario.world import AS_OF, Network, World
from threadline.scenario.writers import stories
from threadline.scenario.writers.base import SourceInfo, Text, Writer

FOLDER = "charity/hotline"
ADDRESS_STYLE = AddressStyle(
    abbreviate=0.5, drop_town=0.4, postcode_nospace=0.35, typo=0.05, drop_flat=0.2
)
CONCERNS = {
    "labour": "Labour exploitation",
    "sexual": "Sexual exploitation",
    "criminal": "Criminal exploitation",
    "domestic_servitude": "Domestic servitude",
}
CALLERS = (
    ("Member of the public", "The caller lives nearby and is worried about"),
    ("Member of the public", "The caller is a customer and is worried about"),
    ("Potential victim", "The caller says he or she was one of the"),
    ("Professional", "The caller is a support worker worried about"),
    ("Anonymous", "The caller would not give a name but is worried about"),
)
CLOSINGS = (
    "Caller advised to ring 999 in an emergency. Report shared with police.",
    "Caller does not want to be contacted again.",
    "Caller happy to be contacted by police on the number given.",
    "Referred to the local authority safeguarding team.",
)


class HotlineWriter(Writer):
    """Writes ``charity/hotline/CALL-xxxxx.txt``."""

    label = "hotline"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = TextDirSink(root, FOLDER)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The folder of call reports."""
        return [
            SourceInfo(
                FOLDER,
                "charity",
                "Safe Harbour Modern Slavery Helpline (charity)",
                "charity_hotline",
                "text",
                "Helpline call reports: a few header lines, a blank line, then the call "
                "taker's narrative.",
                agency_kind="NGO",
                key="file stem (CALL-xxxxx)",
                pattern="*.txt",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Calls written."""
        return {FOLDER: self.sink.count}

    def close(self) -> None:
        """Nothing to close."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Calls about networks and innocent worries."""
        before = self.sink.count
        for net in world.networks:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                self.network_call(rng, net)
        for _ in range(max(1, len(world.businesses) // 2)):
            self.background_call(rng, world)
        return self.sink.count - before

    def _write(
        self,
        rng: random.Random,
        day: date,
        concern: str,
        area: str,
        caller: str,
        text: Text,
        body: str,
    ) -> None:
        stem = f"CALL-{self.sink.count + 1:05d}"
        when = at_hour(rng, day, range(8, 23))
        header = (
            f"Call reference: {stem}\n"
            f"Date/time: {when.strftime('%d/%m/%Y %H:%M')}\n"
            f"Caller: {caller}\n"
            f"Concern: {concern}\n"
            f"Area: {area}\n"
        )
        self.sink.write(stem, f"{header}\n{body}\n")
        self.truth.text_mentions(f"{FOLDER}/{stem}.txt", stem, text.refs, text.links)

    def network_call(self, rng: random.Random, net: Network) -> None:
        """A call describing part of a network."""
        text = Text(rng)
        caller, opening = rng.choice(CALLERS)
        place = rng.choice(net.premises) if net.premises else None
        lines = [
            f"{opening} people {stories.WORK[net.kind]}"
            + (f" at {text.place(place, ADDRESS_STYLE)}." if place else ".")
        ]
        lines.append(stories.network_story(text, net, rng.randint(2, 4)))
        if net.phones and chance(rng, 0.5):
            number, _ = rng.choice(net.phones)
            lines.append(f"They gave a number they had been given: {text.phone(number)}.")
        if net.vehicles and chance(rng, 0.5):
            lines.append(
                f"The caller has seen {text.vehicle(rng.choice(net.vehicles))} there several times."
            )
        lines.append(rng.choice(CLOSINGS))
        area = (place.address.town if place else net.town.name) if chance(rng, 0.8) else "Not given"
        self._write(
            rng,
            between(rng, net.first, net.last),
            CONCERNS[net.etype],
            area,
            caller,
            text,
            "\n\n".join(lines),
        )

    def background_call(self, rng: random.Random, world: World) -> None:
        """An innocent worry, or a request for advice."""
        text = Text(rng)
        day = between(rng, AS_OF - timedelta(days=1500), AS_OF)
        honest = [b for b in world.businesses if b.network is None]
        hmos = [p for p in world.premises if p.use == "hmo" and p.network is None]
        if honest and (not hmos or chance(rng, 0.6)):
            biz = rng.choice(honest)
            body = (
                f"The caller is worried about the staff at {stories.business(text, biz)}, "
                f"{text.place(biz.premises, ADDRESS_STYLE)}. It is busy all day and the staff "
                "look tired. On questioning, the staff wear uniforms, speak to customers and "
                "come and go freely."
            )
            if biz.employees and chance(rng, 0.4):
                name = text.person(rng.choice(biz.employees), stories.TEXT_STYLE)
                body += f" One of them is called {name}."
            concern, area = "Labour exploitation", biz.premises.address.town
        elif hmos:
            place = rng.choice(hmos)
            body = (
                "Neighbour concerned about the number of people living at "
                f"{text.place(place, ADDRESS_STYLE)}. They seem to be young people who go out to "
                "work or college in the morning and come back in the evening."
            )
            if place.landlord is not None and chance(rng, 0.5):
                body += f" The landlord is {text.person(place.landlord, stories.TEXT_STYLE)}."
            concern, area = "Unclear / information only", place.address.town
        else:
            return
        body += "\n\n" + rng.choice(CLOSINGS)
        self._write(rng, day, concern, area, "Member of the public", text, body)
