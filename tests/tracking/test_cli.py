"""`threadline watch add|list|remove` and `threadline alerts [--unread] [--json]`, `alerts
read ID|--all`, on both databases."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.security import Actor

from .conftest import later

RUNNER = CliRunner()


def run(url: str, *args: str) -> str:
    result = RUNNER.invoke(app, [*args, "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def refused(url: str, *args: str) -> str:
    """The error a command stops with (`threadline.cli.main` prints it as one line)."""
    result = RUNNER.invoke(app, [*args, "--db", url])
    assert isinstance(result.exception, ThreadlineError), (result.output, result.exception)
    return str(result.exception)


def test_watch_and_alerts_from_the_command_line(store_url: str, local: Actor, intel: Path) -> None:
    soon = (date.today() + timedelta(days=5)).isoformat()
    added = run(store_url, "watch", "add", "--identifier", "phone", "07700 900123",
                "--reason", "Operation Lantern", "--expires", soon)  # fmt: skip
    assert "Watching phone +447700900123 (watch " in added
    watch = added.split("(watch ", 1)[1].split(",", 1)[0]  # ids differ on a reused database
    assert "renew it or let it lapse" in run(store_url, "watch", "list")
    assert "a watch needs a reason" in refused(
        store_url, "watch", "add", "--search", "Hoxha", "--reason", " "
    )
    run(store_url, "ingest", str(intel), "--mapping", str(intel.with_suffix(".yaml")),
        "--agency", "local", "--no-update")  # fmt: skip
    shown = run(store_url, "alerts", "--unread")
    assert "Holds: OFFICIAL" in shown
    assert f"Reminder: watch {watch} on phone +447700900123 expires" in shown
    assert "record IR0001 (local, grade 2BP, OFFICIAL, 2025-09-05) from batch " in shown
    [alert] = json.loads(run(store_url, "alerts", "--json"))["alerts"]
    assert alert["reason"] == "phone +447700900123 stated as phone"
    assert "Marked 1 alert(s) read" in run(store_url, "alerts", "read", "--all")
    assert "No unread alerts." in run(store_url, "alerts", "--unread")
    assert f"no alert {alert['id'] + 1} of yours" in refused(
        store_url, "alerts", "read", str(alert["id"] + 1)
    )
    assert f"Removed watch {watch}" in run(store_url, "watch", "remove", watch)
    assert "No watches." in run(store_url, "watch", "list")


def test_a_network_watch_from_the_command_line(
    store_url: str, local: Actor, intel: Path, tmp_path: Path
) -> None:
    mapping = str(intel.with_suffix(".yaml"))
    run(store_url, "ingest", str(intel), "--mapping", mapping, "--agency", "local")
    run(store_url, "resolve")
    found = json.loads(run(store_url, "search", "Thi Lan Nguyen", "--json"))
    victim = found["hits"][0]["entity_id"]
    added = run(store_url, "watch", "add", "--network", victim, "--reason", "Lantern")
    assert "Watching network of Person Thi Lan Nguyen (watch " in added
    later_file = later(tmp_path, address="Unit 4, Canal Yard")
    run(store_url, "ingest", str(later_file), "--mapping", mapping, "--agency", "local")
    run(store_url, "resolve")
    shown = run(store_url, "alerts")
    assert "joined  network of Person Thi Lan Nguyen" in shown
    assert "record IR0004 (local, grade 2BP, OFFICIAL, 2025-10-01) from resolution run " in shown
    assert "Unit 4, Canal Yard, Thi Lan Nguyen joined the watched network of Thi Lan" in shown
    assert "[[" not in shown
