"""`threadline geodata load` and `status`, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadline.cli import app
from threadline.security.actors import Actor
from threadline.security.errors import AccessDenied
from threadline.security.users import add_user
from threadline.store import Store

from ..conftest import TEST_PASSWORD
from .conftest import DIRECTORY, LA_NAMES

RUNNER = CliRunner()


def test_load_then_status(store: Store, store_url: str, admin: Actor) -> None:
    before = RUNNER.invoke(app, ["geodata", "status", "--db", store_url])
    assert before.exit_code == 0, before.output
    assert "No ONS postcode directory loaded" in before.output
    load = ["geodata", "load", str(DIRECTORY), "--names", str(LA_NAMES), "--db", store_url]
    loaded = RUNNER.invoke(app, [*load, "--user", "root"])
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded 13 postcodes (1 terminated) in 8 districts" in loaded.output
    again = RUNNER.invoke(app, [*load, "--user", "root"])
    assert "already loaded (same content): nothing changed" in again.output
    status = RUNNER.invoke(app, ["geodata", "status", "--db", store_url, "--json"])
    shown = json.loads(status.output)
    assert shown["loaded"]["file"] == DIRECTORY.name
    assert (shown["loaded"]["postcodes"], shown["loaded"]["names"]) == (13, 8)
    assert shown["loaded"]["loaded_by"] == "root"


def test_a_missing_file_is_refused_before_anything_runs(store_url: str, tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["geodata", "load", str(tmp_path / "absent.csv"), "--db", store_url]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize("roles", [["analyst"], ["administrator"]])
def test_only_the_partnership_loads_it(
    store: Store, store_url: str, admin: Actor, roles: list[str]
) -> None:
    """An analyst may not, nor may an agency's own administrator: every agency shares it."""
    with store.connect() as conn:
        add_user(conn, admin, "ana", "local", roles, password=TEST_PASSWORD)
    result = RUNNER.invoke(
        app, ["geodata", "load", str(DIRECTORY), "--db", store_url, "--user", "ana"]
    )
    assert isinstance(result.exception, AccessDenied)
    assert "needs the partnership role" in str(result.exception)
