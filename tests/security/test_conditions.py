"""Handling conditions as rules, end to end (issue 15): a police log loaded through the shipped
mapping (or a delivery's own copy of it), read by partners under conditioned agreements, on
SQLite and PostgreSQL.

The world: Northshire Police (``nwpolice``) shares with the council (``lcc``) and Immigration
Enforcement (``ie``) under agreements that allow conditioned material. Its log holds, for one
subject (entity ``e-lan``):

- L1, a CHIS report "Not to be disseminated outside Northshire Police without DI authority";
- L2 "Share with the council only", which the delivery's mapping names for ``lcc`` alone;
- L3 and L4 "Tell DS Jones before sharing", which no rule recognises (L3 OFFICIAL-SENSITIVE);
- L5 "A2: covert action only" (shared with conditions); L6 handling P.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from threadline.cli.sharing import sharing_app
from threadline.ingest.batches import Agency, load_file
from threadline.ingest.mapping import load_mapping
from threadline.ingest.sources import PACKAGED_MAPPINGS
from threadline.read import View
from threadline.read.conditions import unrecognised_conditions
from threadline.security import AccessDenied
from threadline.security.conditions import Reapplied, reapply
from threadline.security.subject_access import subject_access
from threadline.store import Store
from threadline.store import tables as t

NORTHSHIRE = "Not to be disseminated outside Northshire Police without DI authority"
JONES = "Tell DS Jones before sharing"
ROWS = [
    # log id, source type, handling, conditions, marking
    ("L1", "CHIS", "C", NORTHSHIRE, "OFFICIAL"),
    ("L2", "Police officer", "C", "Share with the council only", "OFFICIAL"),
    ("L3", "Member of public", "C", JONES, "OFFICIAL-SENSITIVE"),
    ("L4", "Member of public", "C", JONES, "OFFICIAL"),
    ("L5", "Police officer", "C", "A2: covert action only", "OFFICIAL"),
    ("L6", "Police officer", "P", "", "OFFICIAL"),
]
COUNCIL_ONLY = '  "Share with the council only": {rule: named-agencies, agencies: [lcc]}\n'
"""What the delivery's copy of the police mapping adds to the shipped one's handling rules."""

EXPECTED = {
    "police": {"L1", "L2", "L3", "L4", "L5", "L6"},
    "council": {"L2", "L5", "L6"},
    "immigration": {"L5", "L6"},
}


def police_log(folder: Path) -> Path:
    """The rows as the force exports them (the shipped mapping's columns)."""
    path = folder / "intel_log.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["log_id", "date_recorded", "date_of_intel", "source_type", "source_eval",
                         "intel_assess", "handling_code", "handling_conditions", "marking",
                         "subject_role", "subject_surname", "subject_forenames", "subject_dob",
                         "subject_gender", "subject_nationality", "subject_pnc_id",
                         "subject_phone", "subject_address", "subject_postcode", "location",
                         "location_postcode", "vehicle_vrm", "narrative"])  # fmt: skip
        for key, source, handling, conditions, marking in ROWS:
            writer.writerow([key, "05/09/2025", "04/09/2025", source, "2", "B", handling,
                             conditions, marking, "suspect", "HOXHA", "Ardit", "1985", "male",
                             "Albanian", "", "", "", "", "", "", "",
                             f"Seen at the car wash. TOKEN-{key}-END"])  # fmt: skip
    return path


def delivery_mapping(folder: Path) -> Path:
    """The delivery's own copy of the shipped police mapping, naming one more condition."""
    (folder / "mappings").mkdir(exist_ok=True)
    path = folder / "mappings" / "police_intel_log.yaml"
    path.write_text((PACKAGED_MAPPINGS / "police_intel_log.yaml").read_text() + COUNCIL_ONLY)
    return path


@pytest.fixture
def police(store: Store, world: Any, tmp_path: Path) -> dict[str, int]:
    """The world above, committed; returns the records' ids by log id."""
    mapping = load_mapping(delivery_mapping(tmp_path))
    loaded = load_file(store, police_log(tmp_path), mapping, Agency("nwpolice", "Northshire"))
    assert loaded.status == "loaded", loaded.errors
    w = world
    w.user("police", "nwpolice", "analyst", os=True)
    w.user("police_sup", "nwpolice", "supervisor", os=True)
    w.user("police_admin", "nwpolice", "administrator")
    w.user("police_viewer", "nwpolice", "viewer")
    w.user("council", "lcc", "analyst", os=True)
    w.user("immigration", "ie", "analyst", os=True)
    w.agreement("nwpolice", "lcc", conditioned=True)
    w.agreement("nwpolice", "ie", conditioned=True)
    ids = {
        str(key).split(":")[-1]: int(record_id)
        for key, record_id in w.conn.execute(sa.select(t.records.c.record_key, t.records.c.id))
    }
    w.entity("e-lan")
    w.conn.execute(
        sa.update(t.mentions).where(t.mentions.c.slot == "subject").values(entity_id="e-lan")
    )
    w.commit()
    return ids


def visible(store: Store, world: Any, username: str, ids: dict[str, int]) -> set[str]:
    keys = {record_id: key for key, record_id in ids.items()}
    with store.connect() as conn:
        return {keys[r.id] for r in View(conn, world.users[username]).records()}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_conditions_decide_who_sees_what(
    store: Store, world: Any, police: dict[str, int], username: str
) -> None:
    """The finding: L1 is not shared under a conditioned agreement yet stays visible at home;
    L2 reaches only the agency its mapping names; L3 and L4 stay home until mapped."""
    assert visible(store, world, username, police) == EXPECTED[username]


def test_subject_access_does_not_export_what_stays_home(
    store: Store, world: Any, police: dict[str, int]
) -> None:
    with store.connect() as conn:
        partner = subject_access(conn, world.users["council"], "e-lan")
        home = subject_access(conn, world.users["police"], "e-lan")
    assert {r["record_key"].split(":")[-1] for r in partner["records"]} == {"L2", "L5", "L6"}
    text = json.dumps(partner)
    for key in ("L1", "L3", "L4"):
        assert f"TOKEN-{key}-END" not in text
    assert NORTHSHIRE not in text and "CHIS" not in text
    assert {r["record_key"].split(":")[-1] for r in home["records"]} == set(police)


def test_what_the_rules_stored(store: Store, police: dict[str, int]) -> None:
    with store.connect() as conn:
        rows = {row.record_id: row for row in conn.execute(sa.select(t.record_handling))}
        named = conn.execute(sa.select(t.record_recipients)).all()
    l1 = rows[police["L1"]]
    assert (l1.release, l1.authority, l1.rules) == (
        "originator",
        ["DI"],
        ["originating-agency-unless-authority"],
    )
    assert rows[police["L3"]].unrecognised == [JONES]
    assert rows[police["L5"]].release == "conditioned"
    assert police["L6"] not in rows, "P material has no conditions to read"
    assert [(r.record_id, r.agency) for r in named] == [(police["L2"], "lcc")]


def test_unrecognised_conditions_are_listed_to_their_own_agency(
    store: Store, world: Any, police: dict[str, int]
) -> None:
    with store.connect() as conn:
        review = {u: unrecognised_conditions(View(conn, world.users[u])) for u in world.users}
    for reviewer in ("police_sup", "police_admin"):
        found = review[reviewer]
        assert [(i.agency, i.condition, i.records) for i in found.unrecognised] == [
            ("nwpolice", JONES, 2)
        ]
        assert found.whole_agency and found.unread == 0
    # An analyst counts what they may see; a viewer without clearance does not count L3.
    assert [i.records for i in review["police"].unrecognised] == [2]
    assert [i.records for i in review["police_viewer"].unrecognised] == [1]
    assert not review["police_viewer"].whole_agency
    # Partners see none of the force's conditions, only their own agency's (none).
    assert review["council"].unrecognised == () and review["council"].agency == "lcc"
    assert review["immigration"].unrecognised == ()


def test_records_not_yet_read_stay_home_until_applied(
    store: Store, world: Any, police: dict[str, int], tmp_path: Path
) -> None:
    """A store from before there were rules: no C record has a reading, so each stays in
    its agency; `sharing conditions --apply` reads them with the delivery's mapping."""
    with store.connect() as conn:
        conn.execute(sa.delete(t.record_recipients))
        conn.execute(sa.delete(t.record_handling))
    assert visible(store, world, "council", police) == {"L6"}
    with store.connect() as conn:
        assert unrecognised_conditions(View(conn, world.users["police_sup"])).unread == 5

    app = typer.Typer()
    app.add_typer(sharing_app, name="sharing")
    url = store.engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke
    argv = ["sharing", "conditions", "--apply", "--folder", str(tmp_path), "--db", url]
    refused = run(app, [*argv, "--user", "police"])
    assert isinstance(refused.exception, AccessDenied)
    assert visible(store, world, "council", police) == {"L6"}

    done = run(app, [*argv, "--json", "--user", "police_sup"])
    assert done.exit_code == 0, (done.output, done.exception)
    shown = json.loads(done.output)
    assert shown["applied"] == {"changed": {"police_intel_log": 5}, "unmapped": []}
    assert [(i["condition"], i["records"]) for i in shown["unrecognised"]] == [(JONES, 2)]
    for username, keys in EXPECTED.items():
        assert visible(store, world, username, police) == keys
    listed = run(app, ["sharing", "conditions", "--db", url, "--user", "police_admin"])
    assert f'2  "{JONES}"' in listed.output


def test_applying_without_the_mapping_errs_towards_home(
    store: Store, world: Any, police: dict[str, int]
) -> None:
    """Read with the rules alone (the delivery's mapping not found), the condition only that
    mapping named stays home; nothing becomes more widely visible."""
    with store.connect() as conn:
        done = reapply(conn, world.users["police_sup"], lambda name: None)
    assert done == Reapplied({"police_intel_log": 2}, ("police_intel_log",))
    assert visible(store, world, "council", police) == {"L5", "L6"}
    with store.connect() as conn:
        found = unrecognised_conditions(View(conn, world.users["police_sup"])).unrecognised
    assert {(i.condition, i.records) for i in found} == {
        (JONES, 2), ("Share with the council only", 1), (NORTHSHIRE, 1)
    }  # fmt: skip
