"""The scenario's later export: the next month's police log, apart from the first delivery, and
the alerts it raises for a watch on the suspect it reports on (issue 19's demonstration)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from threadline.ingest.deliveries import ingest_folder
from threadline.read import View
from threadline.resolve import resolve_store
from threadline.scenario.agreements import record_agreements
from threadline.scenario.core import watched_controller
from threadline.scenario.later import LATER
from threadline.security import Actor
from threadline.store import Store
from threadline.tracking import add_watch, list_alerts


def test_the_later_export_is_apart_and_after_the_first(small_scenario: Path) -> None:
    first = yaml.safe_load((small_scenario / "sources.yaml").read_text(encoding="utf-8"))
    later = yaml.safe_load((small_scenario / LATER / "sources.yaml").read_text(encoding="utf-8"))
    assert not any(s["file"].startswith(LATER) for s in first["sources"])
    assert later["as_of"] > first["as_of"]
    [source] = later["sources"]
    with (small_scenario / LATER / source["file"]).open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and all(r["date_recorded"] > first["as_of"] for r in rows)
    with (small_scenario / source["file"]).open(encoding="utf-8") as stream:
        keys = {r[source["key"]] for r in csv.DictReader(stream)}
    assert not keys & {r[source["key"]] for r in rows}  # new reports, not the old ones again
    suspect = watched_controller("small", 1)
    assert any(f"{r['subject_forenames']} {r['subject_surname']}".lower() == suspect.lower()
               for r in rows)  # fmt: skip


def test_a_watch_on_the_suspect_is_alerted_by_the_later_export(
    store: Store, small_scenario: Path, local: Actor
) -> None:
    ingest_folder(store, small_scenario)
    record_agreements(store, small_scenario)
    with store.connect() as conn:
        resolve_store(conn)
        add_watch(View(conn, local), reason="Operation Lantern",
                  search=watched_controller("small", 1))  # fmt: skip
    with store.connect() as conn:
        assert list_alerts(View(conn, local)) == []  # nothing new yet
    ingest_folder(store, small_scenario / LATER)
    with store.connect() as conn:
        resolve_store(conn)
    with store.connect() as conn:
        found = list_alerts(View(conn, local))
    assert found and all(a.record_key.startswith("NSP-IL-L") for a in found)
    assert all(a.agency == "nwpolice" and a.marking == "OFFICIAL" for a in found)
