"""`threadline ingest` keeps the store current: resolution and the user's analysis brought up to
date after a load (unless --no-update), idempotent on a second run of the same files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.scenario.agreements import record_agreements
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t

runner = CliRunner()


def ingest(store_url: str, folder: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["ingest", str(folder), "--json", "--db", store_url, *extra])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def runs(store: Store) -> tuple[int, int, int]:
    """Resolution runs, analysis runs and records held."""
    with store.connect() as conn:
        return tuple(  # type: ignore[return-value]  # three counts, by construction
            int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            for table in (t.resolution_runs, t.analysis_runs, t.records)
        )


def test_ingest_resolves_and_analyses_what_it_loaded_and_a_rerun_changes_nothing(
    store: Store, store_url: str, small_scenario: Path, local: Actor
) -> None:
    record_agreements(store, small_scenario)
    first = ingest(store_url, small_scenario)
    assert {b["status"] for b in first["batches"]} == {"loaded"}
    update = first["update"]
    assert update["resolution"]["mode"] != "unchanged" and update["resolution"]["entities"]
    assert update["analysis"]["premises"]
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.entities)).scalar_one()
    before = runs(store)
    again = ingest(store_url, small_scenario)  # the same files: nothing new
    assert {b["status"] for b in again["batches"]} == {"already_loaded"}
    assert again["update"]["resolution"]["mode"] == "unchanged"
    assert again["update"]["analysis"] is None  # the analysis made by the first is current
    assert runs(store)[1:] == before[1:]
    shown = runner.invoke(app, ["ingest", str(small_scenario), "--db", store_url])
    assert shown.exit_code == 0, shown.output
    assert "Resolution:" in shown.output and "is current" in shown.output


def test_no_update_loads_only(
    store: Store, store_url: str, small_scenario: Path, local: Actor
) -> None:
    record_agreements(store, small_scenario)
    loaded = ingest(store_url, small_scenario, "--no-update")
    assert loaded["update"] is None
    resolutions, analyses, records = runs(store)
    assert (resolutions, analyses) == (0, 0) and records > 0
    brought = runner.invoke(app, ["update", "--json", "--db", store_url])
    assert json.loads(brought.stdout)["resolution"]["mode"] != "unchanged"
