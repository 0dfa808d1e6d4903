"""`threadline update`: resolution and the user's analysis brought up to date, only when due."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.ingest.deliveries import ingest_folder
from threadline.scenario.agreements import record_agreements
from threadline.scenario.later import LATER
from threadline.security import Actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

from ..conftest import TEST_PASSWORD

runner = CliRunner()


def update(store_url: str) -> dict[str, dict[str, object] | None]:
    result = runner.invoke(app, ["update", "--json", "--db", store_url])
    assert result.exit_code == 0, result.output
    found: dict[str, dict[str, object] | None] = json.loads(result.stdout)
    return found


def test_update_resolves_and_analyses_only_what_is_due(
    store: Store, store_url: str, small_scenario: Path, local: Actor
) -> None:
    ingest_folder(store, small_scenario)
    record_agreements(store, small_scenario)
    first = update(store_url)
    assert first["resolution"] is not None and first["resolution"]["mode"] != "unchanged"
    assert first["analysis"] is not None and first["analysis"]["premises"]
    again = update(store_url)  # nothing loaded since: nothing to do
    assert again["resolution"] is not None and again["resolution"]["mode"] == "unchanged"
    assert again["analysis"] is None
    ingest_folder(store, small_scenario / LATER)  # a partner's next export
    later = update(store_url)
    assert later["resolution"] is not None and later["resolution"]["mode"] != "unchanged"
    assert later["analysis"] is not None
    assert later["analysis"]["run"] != first["analysis"]["run"]
    shown = runner.invoke(app, ["update", "--db", store_url])
    assert "is current" in shown.output


def test_resolution_tells_an_analyst_only_what_they_may_see(
    store: Store, store_url: str, small_scenario: Path, admin: Actor
) -> None:
    ingest_folder(store, small_scenario)
    with store.connect() as conn:
        add_user(conn, admin, "hana", "charity", ["analyst"], password=TEST_PASSWORD)
    said = runner.invoke(app, ["resolve", "--json", "--db", store_url, "--user", "hana"])
    assert said.exit_code == 0, said.output
    seen = json.loads(said.stdout)
    assert seen["scope"] == "what you may see" and "mentions" not in seen
    with store.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(t.entities)).scalar_one()
    assert 0 < seen["entities"] < total  # the helpline's share, not every agency's
    words = runner.invoke(app, ["resolve", "--db", store_url, "--user", "hana"])
    assert "nothing is new" in words.output.lower()
