"""The ground truth: which real entity every mention refers to, and who belongs to which network."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from threadline.scenario.sinks import CsvSink
from threadline.scenario.world import Business, Network, Person, Premises, World

Entity = Person | Business | Premises

TRUTH_FILES: dict[str, tuple[str, ...]] = {
    "mentions": ("file", "key", "slot", "kind", "true_id"),
    "text_mentions": ("file", "key", "kind", "text", "true_id"),
    "text_links": ("file", "key", "kind", "value", "true_id"),
    "persons": ("true_id", "name", "dob", "nationality", "gender", "network_id", "role"),
    "businesses": ("true_id", "name", "company_number", "sector", "network_id", "exploitative"),
    "premises": ("true_id", "address", "postcode", "kind", "use", "network_id", "exploitative"),
    "networks": (
        "network_id",
        "exploitation_type",
        "kind",
        "town",
        "description",
        "first_date",
        "last_date",
    ),
    "network_members": ("network_id", "true_id", "kind", "role", "value"),
}


def kind_of(entity: Entity) -> str:
    """``person``, ``business`` or ``premises``."""
    if isinstance(entity, Person):
        return "person"
    if isinstance(entity, Business):
        return "business"
    return "premises"


class Truth:
    """Writes ``truth/*.csv`` as the scenario is generated."""

    def __init__(self, root: Path) -> None:
        self.sinks = {
            name: CsvSink(root, f"truth/{name}.csv", columns)
            for name, columns in TRUTH_FILES.items()
        }
        self.counts = {"persons": 0, "businesses": 0, "premises": 0, "networks": 0}

    def mention(self, file: str, key: str, slot: str, entity: Entity) -> None:
        """Record that field ``slot`` of record ``key`` in ``file`` names ``entity``."""
        self.sinks["mentions"].write(
            {"file": file, "key": key, "slot": slot, "kind": kind_of(entity), "true_id": entity.id}
        )

    def text_mentions(
        self,
        file: str,
        key: str,
        refs: Iterable[tuple[str, str, str]],
        links: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        """Record names found in the free text of record ``key``: ``(kind, text, true_id)``;
        and what its sentences say each person uses or is: ``(kind, value, true_id)``."""
        sink = self.sinks["text_mentions"]
        for kind, text, true_id in refs:
            sink.write({"file": file, "key": key, "kind": kind, "text": text, "true_id": true_id})
        for kind, value, true_id in links:
            self.sinks["text_links"].write(
                {"file": file, "key": key, "kind": kind, "value": value, "true_id": true_id}
            )

    def world(self, world: World) -> None:
        """Write the entities and networks of one shard."""
        persons = self.sinks["persons"]
        for p in world.persons:
            persons.write(
                {
                    "true_id": p.id,
                    "name": p.name.full,
                    "dob": p.dob,
                    "nationality": p.nationality,
                    "gender": p.gender,
                    "network_id": p.network.id if p.network else "",
                    "role": p.role,
                }
            )
        businesses = self.sinks["businesses"]
        for biz in world.businesses:
            businesses.write(
                {
                    "true_id": biz.id,
                    "name": biz.name,
                    "company_number": biz.company_number,
                    "sector": biz.sector,
                    "network_id": biz.network.id if biz.network else "",
                    "exploitative": str(biz.exploitative).lower(),
                }
            )
        premises = self.sinks["premises"]
        for place in world.premises:
            premises.write(
                {
                    "true_id": place.id,
                    "address": f"{place.address.line}, {place.address.town}",
                    "postcode": place.address.postcode,
                    "kind": place.kind,
                    "use": place.use,
                    "network_id": place.network.id if place.network else "",
                    "exploitative": str(place.exploitative).lower(),
                }
            )
        for net in world.networks:
            self._network(net)
        self.counts["persons"] += len(world.persons)
        self.counts["businesses"] += len(world.businesses)
        self.counts["premises"] += len(world.premises)
        self.counts["networks"] += len(world.networks)

    def _network(self, net: Network) -> None:
        self.sinks["networks"].write(
            {
                "network_id": net.id,
                "exploitation_type": net.etype,
                "kind": net.kind,
                "town": net.town.name,
                "description": net.description,
                "first_date": net.first,
                "last_date": net.last,
            }
        )
        members = self.sinks["network_members"]

        def row(true_id: str, kind: str, role: str, value: str = "") -> None:
            members.write(
                {
                    "network_id": net.id,
                    "true_id": true_id,
                    "kind": kind,
                    "role": role,
                    "value": value,
                }
            )

        for person in net.members:
            row(person.id, "person", person.role)
        for place in net.premises:
            row(place.id, "premises", "premises")
        for biz in net.businesses:
            row(biz.id, "business", "business")
        for number, holder in net.phones:
            row(holder.id, "phone", "phone", number)
        for vehicle in net.vehicles:
            row(vehicle.keeper.id if vehicle.keeper else "", "vehicle", "vehicle", vehicle.vrm)
        for account in net.accounts:
            row(account.holder.id, "account", "account", account.value)

    def close(self) -> None:
        """Close every truth file."""
        for sink in self.sinks.values():
            sink.close()
