"""A second, later partner export: what a force sends the month after the scenario's date.

The police intelligence log of the weeks after ``AS_OF``, written apart in ``later/`` with a
sources.yaml of its own (so that loading the scenario does not load it): reports on the first
network of the first shard, naming its controller with his phone, a worker newly seen at one
of its premises, and the controller's vehicle. It exists to show what happens the morning after
a partner's new export is loaded: resolution joins the reports to the people already known, and
a watch on the controller raises alerts (issue 19's demonstration). Same mapping, agency and
formats as the first export; every name, number and address is fictitious.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import yaml

from threadline.scenario._rng import derive
from threadline.scenario.names import make_name, render
from threadline.scenario.places import render_address
from threadline.scenario.sinks import Cell, CsvSink
from threadline.scenario.variation import format_phone, format_vrm
from threadline.scenario.world import AS_OF, Network, Person
from threadline.scenario.writers.police import (
    ADDRESS_STYLE,
    COLUMNS,
    FILE,
    NAME_STYLE,
    PoliceIntelWriter,
)

__all__ = ["LATER", "controller_name", "write_later_export"]

LATER = "later"
"""The folder, inside the scenario's, that holds the later export."""

PREFIX = "NSP-IL-L"
"""Keys of the later log's rows: never those of the first export."""


def controller_name(net: Network) -> str:
    """The name of the controller the later export reports on (for the demo's watch)."""
    return _said(_controller(net))


def _controller(net: Network) -> Person:
    return next(p for p in net.members if p.role == "controller")


def write_later_export(out: Path, net: Network, size: str, seed: int) -> int:
    """Write the later export about `net` (the first network of the scenario's first shard)
    into ``out/later``; the rows written."""
    rng = derive(seed, "later")
    folder = out / LATER
    sink = CsvSink(folder, FILE, COLUMNS)
    try:
        for n, row in enumerate(_rows(rng, net), start=1):
            key = {"log_id": f"{PREFIX}{n:07d}", "urn": f"NSP/IR/{AS_OF.year}/L{n:06d}"}
            sink.write({**row, **key})
        written = sink.count
    finally:
        sink.close()
    _write_sources(folder, size, seed)
    return written


def _rows(rng: random.Random, net: Network) -> list[dict[str, Cell]]:
    boss = _controller(net)
    site = net.premises[0]
    site_line, site_postcode = render_address(rng, site.address, ADDRESS_STYLE)
    phone = boss.phone or (net.phones[0][0] if net.phones else "")
    worker = Person(
        id=f"{net.id}-LATER", name=make_name(rng, "romanian", "M"), gender="M",
        dob=AS_OF.replace(year=AS_OF.year - 24), nationality="RO", home=site,
    )  # fmt: skip
    seen = AS_OF + timedelta(days=9)
    rows = [
        _row(rng, boss, "suspect", seen, site_line, site_postcode,
             f"{_said(boss)} was seen at {site_line} collecting workers before dawn"
             + (f"; he uses {format_phone(rng, phone)}." if phone else ".")),
        _row(rng, worker, "victim", seen + timedelta(days=2), site_line, site_postcode,
             f"A young man newly living at {site_line} says his wages are kept by "
             f"{_said(boss)} and that he may not leave."),
    ]  # fmt: skip
    if boss.vehicle is not None:
        rows.append(
            _row(
                rng,
                boss,
                "suspect",
                seen + timedelta(days=5),
                site_line,
                site_postcode,
                f"{_said(boss)} drove {format_vrm(rng, boss.vehicle.vrm)} to the site.",
                vrm=boss.vehicle.vrm,
            )
        )
    for row in rows:
        row["title"] = f"{row['title']} - {net.town.name}"
    return rows


def _said(person: Person) -> str:
    return f"{person.name.given} {person.name.family}"


def _row(
    rng: random.Random, person: Person, role: str, when: date, line: str, postcode: str,
    narrative: str, vrm: str = "",
) -> dict[str, Cell]:  # fmt: skip
    name = render(rng, person.name, NAME_STYLE)
    return {
        "date_recorded": str(when), "date_of_intel": f"{when} 06:10", "source_type": "Officer",
        "source_eval": "1", "intel_assess": "B", "handling_code": "P", "handling_conditions": "",
        "marking": "OFFICIAL", "threat": "Modern slavery - labour exploitation",
        "title": "Modern slavery - labour exploitation",
        "subject_role": role, "subject_surname": name.surname.upper(),
        "subject_forenames": name.forenames, "subject_aliases": "",
        "subject_dob": person.dob.isoformat(), "subject_gender": person.gender,
        "subject_nationality": "", "subject_pnc_id": person.pnc or "",
        "subject_phone": format_phone(rng, person.phone) if person.phone else "",
        "subject_address": line if role == "victim" else "",
        "subject_postcode": postcode if role == "victim" else "",
        "location": line, "location_postcode": postcode,
        "vehicle_vrm": format_vrm(rng, vrm) if vrm else "", "narrative": narrative,
    }  # fmt: skip


def _write_sources(folder: Path, size: str, seed: int) -> None:
    document = {
        "generator": "threadline.scenario",
        "format_version": 1,
        "size": size,
        "seed": seed,
        "as_of": (AS_OF + timedelta(days=30)).isoformat(),
        "sources": [info.as_dict() for info in PoliceIntelWriter.sources()],
    }
    header = (
        "# Synthetic multi-agency scenario made by Threadline (threadline.scenario): the later\n"
        "# police export. Every person, number and address in it is fictitious.\n"
    )
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    (folder / "sources.yaml").write_text(header + body, encoding="utf-8", newline="\n")
