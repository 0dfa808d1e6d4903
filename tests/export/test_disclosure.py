"""An export is a disclosure: re-authenticated, for a named recipient and purpose, audited,
holding nothing the exporting user may not see. Driven through `threadline export`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from threadline.cli import app
from threadline.security.audit import find_events
from threadline.store import Store

from .conftest import open_case, records_of  # helpers of this folder

Ids = dict[str, Any]
runner = CliRunner()
PASSWORD = "correct horse battery staple"  # the test users' password (tests/conftest.py)


@pytest.fixture
def confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The password given again, as a script confirms a disclosure."""
    monkeypatch.setenv("THREADLINE_CONFIRM_PASSWORD", PASSWORD)


def run(world: Ids, user: str, out: Path, *args: str) -> Any:
    return runner.invoke(
        app,
        ["export", "--out", str(out), "--db", world["db"], "--user", user, *args],
        catch_exceptions=True,
    )


def left(tmp: Path) -> list[str]:
    """The files an export left in its folder."""
    folder = tmp / "out"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def disclosures(store: Store, user: str) -> list[Any]:
    with store.connect() as conn:
        return [e for e in find_events(conn, username=user) if e.action == "disclosure"]


@pytest.mark.usefixtures("confirmed")
def test_an_export_is_audited_as_a_disclosure_with_recipient_and_purpose(
    world: Ids, store: Store, tmp_path: Path
) -> None:
    result = run(world, "ana", tmp_path / "out" / "net.anx", "--format", "anx", "--recipient",
                 "Fenland council licensing", "--purpose", "joint visit planning")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Holds: OFFICIAL-SENSITIVE, handling C")
    assert left(tmp_path) == ["net_OFFICIAL-SENSITIVE_handling-C.anx"]
    (event,) = disclosures(store, "ana")
    assert event.operation == "export.anx" and event.outcome == "allowed"
    assert event.recipients == "Fenland council licensing"
    assert event.purpose == "joint visit planning"
    assert world["boss"] in event.entities and world["secret"] not in event.entities
    assert event.records and event.detail["marking"] == "OFFICIAL-SENSITIVE"


@pytest.mark.usefixtures("confirmed")
def test_a_large_export_names_every_record_it_discloses(
    world: Ids, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consultation of more than the limit is logged by its count; a disclosure never is."""
    monkeypatch.setattr("threadline.read.view.AUDIT_RECORD_LIMIT", 1)
    result = run(world, "ana", tmp_path / "out" / "net.csv", "--format", "csv", "--recipient",
                 "NCA MSHT unit", "--purpose", "national picture")  # fmt: skip
    assert result.exit_code == 0, result.output
    (event,) = disclosures(store, "ana")
    assert len(event.records) > 1 and len(event.entities) > 1
    assert "records" not in event.detail and "entities" not in event.detail


@pytest.mark.usefixtures("confirmed")
def test_a_partner_exports_only_what_they_may_see(world: Ids, tmp_path: Path) -> None:
    for user in ("nia", "ana"):
        result = run(world, user, tmp_path / f"{user}.graphml", "--format", "graphml",
                     "--recipient", "r", "--purpose", "p", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output
        written = Path(json.loads(result.output)["path"]).read_text(encoding="utf-8")
        if user == "nia":
            assert "Secret Patient" in written
            for hidden in ("Hung TRAN", "Sparkle", "Worker 0", world["boss"], "police"):
                assert hidden not in written, hidden
        else:
            assert "Secret Patient" not in written and world["secret"] not in written
            assert "nhs" not in written


def test_an_export_without_the_password_again_is_refused(
    world: Ids, store: Store, tmp_path: Path
) -> None:
    # THREADLINE_PASSWORD is set (the user acts), but nothing confirms the disclosure.
    result = run(world, "ana", tmp_path / "out" / "x.csv", "--format", "csv", "--recipient", "r",
                 "--purpose", "p")  # fmt: skip
    assert result.exit_code != 0
    assert "password again" in str(result.exception)
    assert left(tmp_path) == []
    with store.connect() as conn:
        (event,) = [e for e in find_events(conn, username="ana") if e.operation == "export.csv"]
    assert event.action == "disclosure" and event.outcome == "denied"


def test_a_wrong_password_refuses_the_export(
    world: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADLINE_CONFIRM_PASSWORD", "not the password")
    result = run(world, "ana", tmp_path / "out" / "x.xlsx", "--format", "xlsx", "--recipient", "r",
                 "--purpose", "p")  # fmt: skip
    assert result.exit_code != 0 and "wrong password" in str(result.exception)
    assert left(tmp_path) == []


@pytest.mark.usefixtures("confirmed")
def test_recipient_and_purpose_are_required(world: Ids, tmp_path: Path) -> None:
    result = run(world, "ana", tmp_path / "out" / "x.ftm", "--format", "ftm", "--purpose", "p")
    assert result.exit_code != 0 and "--recipient" in result.output
    assert left(tmp_path) == []


@pytest.mark.usefixtures("confirmed")
def test_a_viewer_may_not_export(world: Ids, store: Store, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from threadline.store import tables as t

    conn = world["case"].conn
    conn.execute(sa.update(t.users).where(t.users.c.username == "ana").values(roles=["viewer"]))
    world["case"].commit()
    result = run(world, "ana", tmp_path / "out" / "x.anx", "--format", "anx", "--recipient", "r",
                 "--purpose", "p")  # fmt: skip
    assert result.exit_code != 0 and "analyst or supervisor" in str(result.exception)
    assert left(tmp_path) == []
    (event,) = disclosures(store, "ana")
    assert event.outcome == "denied"


@pytest.mark.usefixtures("confirmed")
def test_a_case_export_holds_only_the_case_records(world: Ids, tmp_path: Path) -> None:
    case = world["case"]
    open_case(case, "Op Lantern", "ana", records_of(case, world["w0"]))
    result = run(world, "ana", tmp_path / "out" / "op.graphml", "--format", "graphml", "--case",
                 "Op Lantern", "--recipient", "r", "--purpose", "p", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["entities"] == 1
    written = Path(shown["path"]).read_text(encoding="utf-8")
    assert "Worker 0" in written and "Worker 1" not in written
    denied = run(world, "nia", tmp_path / "out" / "op2.graphml", "--format", "graphml", "--case",
                 "Op Lantern", "--recipient", "r", "--purpose", "p")  # fmt: skip
    assert denied.exit_code != 0 and "no open case" in str(denied.exception)


@pytest.mark.usefixtures("confirmed")
def test_ego_and_network_scopes_from_the_command_line(
    world: Ids, store: Store, tmp_path: Path
) -> None:
    ego = run(world, "ana", tmp_path / "out" / "ego.csv", "--format", "csv", "--entity", "Worker 0",
              "--hops", "1", "--recipient", "r", "--purpose", "p", "--json")  # fmt: skip
    assert ego.exit_code == 0, ego.output
    assert json.loads(ego.output)["entities"] == 3
    (event,) = disclosures(store, "ana")  # the caption typed is personal data: not logged
    assert "Worker 0" not in json.dumps(event.detail) and world["w0"] in event.entities
    network = run(world, "ana", tmp_path / "out" / "n.csv", "--format", "csv", "--network", "0",
                  "--recipient", "r", "--purpose", "p", "--json")  # fmt: skip
    assert network.exit_code == 0, network.output
    missing = run(world, "ana", tmp_path / "out" / "m.csv", "--format", "csv", "--network", "99",
                  "--recipient", "r", "--purpose", "p")  # fmt: skip
    assert missing.exit_code != 0 and "no network 99" in str(missing.exception)


def test_the_embedded_stores_owner_is_not_asked_for_a_password_they_do_not_have(
    store: Store, local: Any
) -> None:
    from threadline.errors import ThreadlineError
    from threadline.security.identity import reauthenticate

    if store.embedded:  # the owner's own SQLite file: holding it is their credential
        reauthenticate(store, local, "export.anx")
    else:  # a server has no owner: the same account confirms like anyone else
        with pytest.raises(ThreadlineError, match="password again"):
            reauthenticate(store, local, "export.anx")
        reauthenticate(store, local, "export.anx", PASSWORD)
