"""``night_vehicle`` through the real pipeline: ANPR reads ingested from a CSV with their times,
resolved and analysed (the case tables build links by hand; this is what a partner sends).

A van is read at two cameras on two nights and two people are named with it in police
intelligence; the same story by day must not fire.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from threadline.graph import build_graph
from threadline.ingest.deliveries import ingest_folder
from threadline.resolve import resolve_store
from threadline.risk import analyse
from threadline.store import Store
from threadline.store import tables as t

from ..graph.factory import Case

AS_OF = date(2026, 10, 31)
CAMERAS = (
    ("NSP1601", "A4540 j/w Foxglovehurst Street, Spalding", "52.78132", "-0.17627"),
    ("NSP1602", "A4540 j/w Yarrowside Road, Spalding", "52.76917", "-0.17706"),
)
NIGHTS = ("2026-06-29", "2026-06-30")
PEOPLE = (
    ("CELA", "Gentian", "1985-03-02", "suspect"),
    ("DUMITRU", "Stefan", "2004-02-28", "victim"),
)
INTEL = (
    "log_id", "urn", "date_recorded", "date_of_intel", "source_type", "source_eval",
    "intel_assess", "handling_code", "handling_conditions", "marking", "threat", "title",
    "subject_role", "subject_surname", "subject_forenames", "subject_dob", "subject_gender",
    "subject_nationality", "subject_pnc_id", "subject_phone", "subject_address",
    "subject_postcode", "location", "location_postcode", "vehicle_vrm", "narrative",
)  # fmt: skip


def reads(hours: tuple[int, ...]) -> list[tuple[tuple[str, ...], str]]:
    """(camera, time) of each read: both cameras on each night, at `hours` in turn."""
    slots = [(camera, day) for day in NIGHTS for camera in CAMERAS]
    return [(c, f"{day}T{hour:02d}:27:11") for (c, day), hour in zip(slots, hours, strict=True)]


def write_sources(folder: Path, hours: tuple[int, ...]) -> None:
    """The van's reads at `hours` (two nights, two cameras each) and the intelligence on who
    uses it, with the shipped mappings."""
    folder.mkdir()
    index = [
        {"file": "anpr.csv", "agency": "anpr", "mapping": "anpr_sightings"},
        {"file": "intel.csv", "agency": "nwpolice", "mapping": "police_intel_log"},
    ]
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": index}))
    with (folder / "anpr.csv").open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["read_id", "vrm", "read_datetime", "camera_id", "camera_location", "lat",
                      "lon", "direction", "confidence"])  # fmt: skip
        for number, (camera, when) in enumerate(reads(hours), start=1):
            out.writerow([f"ANPR{number:09d}", "UA13CFG", when, *camera, "N", "0.93"])
    with (folder / "intel.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, INTEL, restval="")
        writer.writeheader()
        for number, (surname, forenames, born, role) in enumerate(PEOPLE, start=1):
            writer.writerow({
                "log_id": f"NSP-IL-{number:08d}", "urn": "NSP/IR/2026/0000001",
                "date_recorded": "2026-07-01", "date_of_intel": "2026-06-30 02:40",
                "source_eval": "1", "intel_assess": "A", "handling_code": "P",
                "marking": "OFFICIAL-SENSITIVE", "subject_role": role, "subject_surname": surname,
                "subject_forenames": forenames, "subject_dob": born,
                "location": "1 Duncroft Walk, Spalding", "location_postcode": "PE11 6ZT",
                "vehicle_vrm": "UA13 CFG", "narrative": "Workers collected in the van at dawn.",
            })  # fmt: skip


@pytest.mark.parametrize(
    ("hours", "fires"),
    [((2, 3, 23, 1), True), ((9, 11, 14, 16), False)],
    ids=["night", "day"],
)
def test_night_reads_from_an_anpr_export(
    store: Store, tmp_path: Path, hours: tuple[int, ...], fires: bool
) -> None:
    folder = tmp_path / "sources"
    write_sources(folder, hours)
    results = ingest_folder(store, folder)
    assert [r.status for r in results] == ["loaded", "loaded"], results
    with store.connect() as conn:
        resolve_store(conn)
        stored = conn.execute(
            sa.select(t.links.c.start_date, t.links.c.end_date)
            .where(t.links.c.type == "seen_at", t.links.c.start_date.like("____-__-__T%"))
            .order_by(t.links.c.start_date)
        ).all()
        view = Case(conn).view()
        graph = build_graph(view)
        result = analyse(view, as_of=AS_OF)

    # Each camera's link runs from its first read to its last, to the second; the police
    # sightings keep their time too.
    times = {
        camera[0]: sorted(when for c, when in reads(hours) if c == camera) for camera in CAMERAS
    }
    sighting = ("2026-06-30T02:40", None)
    assert sorted(stored) == sorted([*((w[0], w[-1]) for w in times.values()), sighting, sighting])
    # The graph places every read at its own time, not just a link's first and last.
    dated = [
        d for e in graph.es if e["type"] == "seen_at" for d in e["dates"] if d.endswith(":27:11")
    ]
    assert sorted(dated) == sorted(when for _, when in reads(hours))

    found = [f for f in result.findings if f.indicator == "night_vehicle"]
    if not fires:
        assert found == []
        return
    flagged = {graph.vs.find(name=f.node)["caption"]: f for f in found}
    assert set(flagged) == {"UA13CFG", "Gentian Cela", "Stefan Dumitru"}, set(flagged)
    assert "read 4 times between 22:00-06:00 at 2 places" in flagged["UA13CFG"].reason
    assert all(f.score >= 0.5 for f in found)
