"""ANPR camera reads: network vehicles shuttle between premises at unusual hours."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from threadline.scenario._rng import at_hour, between, chance
from threadline.scenario.places import CAMERAS, Camera
from threadline.scenario.sinks import CsvSink
from threadline.scenario.truth import Truth
from threadline.scenario.variation import misread_vrm
from threadline.scenario.world import AS_OF, Vehicle, World
from threadline.scenario.writers.base import SourceInfo, Writer

FILE = "anpr/sightings.csv"
COLUMNS = (
    "read_id",
    "vrm",
    "read_datetime",
    "camera_id",
    "camera_location",
    "lat",
    "lon",
    "direction",
    "confidence",
)
NIGHT = (0, 1, 2, 3, 4, 5, 22, 23)
DAY = tuple(range(7, 20))


class AnprWriter(Writer):
    """Writes ``anpr/sightings.csv``."""

    label = "anpr"

    def __init__(self, root: Path, truth: Truth) -> None:
        super().__init__(root, truth)
        self.sink = CsvSink(root, FILE, COLUMNS)

    @staticmethod
    def sources() -> list[SourceInfo]:
        """The reads file."""
        return [
            SourceInfo(
                FILE,
                "anpr",
                "Northshire Police ANPR Bureau",
                "anpr_sightings",
                "csv",
                "ANPR camera reads (registration, time, camera and its position).",
                agency_kind="police",
                key="read_id",
            )
        ]

    def counts(self) -> dict[str, int]:
        """Rows written."""
        return {FILE: self.sink.count}

    def close(self) -> None:
        """Close the file."""
        self.sink.close()

    def shard(self, world: World, rng: random.Random) -> int:
        """Night trips of network vehicles and daytime reads of everyone else's."""
        before = self.sink.count
        networked: set[str] = set()
        for net in world.networks:
            places = [*net.premises, *(host.premises for host in net.hosts)]
            stops = [p.address.town for p in places] + [t.name for t in net.towns]
            stops = stops or [net.town.name]
            for vehicle in net.vehicles:
                networked.add(vehicle.vrm)
                for _ in range(rng.randint(3, 8)):
                    day = between(rng, net.first, net.last)
                    start, end = CAMERAS[rng.choice(stops)], CAMERAS[rng.choice(stops)]
                    route = [rng.choice(start), rng.choice(end)]
                    if route[0] is route[1]:
                        route[1] = start[(start.index(route[0]) + 1) % len(start)]
                    hours = NIGHT if chance(rng, 0.8) else DAY
                    self.trip(rng, vehicle, day, hours, route)
        for vehicle in world.vehicles:
            if vehicle.vrm in networked or not chance(rng, 0.6):
                continue
            home = (
                vehicle.keeper.home.address.town
                if vehicle.keeper and vehicle.keeper.home
                else world.towns[0].name
            )
            for _ in range(rng.randint(1, 3)):
                day = between(rng, AS_OF - timedelta(days=700), AS_OF)
                self.trip(
                    rng,
                    vehicle,
                    day,
                    DAY if chance(rng, 0.9) else NIGHT,
                    rng.sample(CAMERAS[home], rng.randint(1, 2)),
                )
        return self.sink.count - before

    def trip(
        self,
        rng: random.Random,
        vehicle: Vehicle,
        day: date,
        hours: tuple[int, ...],
        cameras: list[Camera],
    ) -> None:
        """Consecutive reads of one vehicle passing ``cameras``."""
        when = at_hour(rng, day, hours)
        direction = rng.choice("NSEW")
        for camera in cameras:
            vrm = vehicle.vrm.replace(" ", "")
            if chance(rng, 0.03):
                vrm = misread_vrm(rng, vrm)
            self.sink.write(
                {
                    "read_id": f"ANPR{self.sink.count + 1:09d}",
                    "vrm": vrm,
                    "read_datetime": when.strftime("%Y-%m-%dT%H:%M:%S"),
                    "camera_id": camera.camera_id,
                    "camera_location": camera.location,
                    "lat": f"{camera.lat:.5f}",
                    "lon": f"{camera.lon:.5f}",
                    "direction": direction,
                    "confidence": f"{rng.uniform(0.82, 0.99):.2f}",
                }
            )
            when += timedelta(minutes=rng.randint(4, 25), seconds=rng.randint(0, 59))
