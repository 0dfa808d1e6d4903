"""The security commands, driven through an app assembled here as cli.py will assemble it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from threadline.cli.agencies import agencies_app
from threadline.cli.audit import audit_app
from threadline.cli.cases import cases_app
from threadline.cli.retention import retention_app
from threadline.cli.sharing import sharing_app
from threadline.cli.subject_access import subject_access
from threadline.cli.users import users_app
from threadline.errors import ThreadlineError
from threadline.security import Actor
from threadline.security.identity import first_administrator
from threadline.store import Store
from threadline.store import tables as t

PASSWORD = "correct horse battery staple"

app = typer.Typer()
app.add_typer(users_app, name="users")
app.add_typer(cases_app, name="cases")
app.add_typer(sharing_app, name="sharing")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.command("subject-access")(subject_access)


class Cli:
    """Runs commands against one store, as one user unless told otherwise."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, user: str | None = None, ok: bool = True, **kw: Any) -> Any:
        argv = [*args, "--db", self.url]
        if user is not None:
            argv += ["--as" if args[:2] == ("audit", "show") else "--user", user]
        result = self.runner.invoke(app, argv, **kw)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result


@pytest.fixture
def cli(store: Store, store_url: str, local: Actor) -> Cli:
    return Cli(store_url)


def test_a_single_analyst_needs_no_set_up(cli: Cli, world: Any) -> None:
    world.record("old", "local", review=world.LAST_WEEK.replace(year=2020))
    world.commit()
    assert "1 record(s) due" in cli("retention", "due").output
    shown = cli("audit", "show").output.splitlines()
    assert [line.split()[3] for line in shown] == ["administration/\"users.bootstrap\"",
                                                 "consultation/\"records.list\""]  # fmt: skip


def test_users_commands(cli: Cli, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = {"THREADLINE_NEW_PASSWORD": PASSWORD}
    root = ("users", "add", "root", "--agency", "met", "--agency-name", "Metropolitan Police",
            "--role", "administrator", "--password")  # fmt: skip
    if store.embedded:  # the owner administers their own installation
        cli(*root, env=chosen)
    else:  # a server: nobody administers until its first administrator is made
        refused = cli(*root, ok=False, env=chosen)
        assert "permission denied" in str(refused.exception)
        first_administrator(
            store, "root", PASSWORD, agency="met", agency_name="Metropolitan Police"
        )
    borrowed = cli("users", "add", "ana", "--role", "analyst", "--password", user="root", ok=False)
    assert "must not be your own" in str(borrowed.exception)  # $THREADLINE_PASSWORD is root's
    added = cli("users", "add", "ana", "--role", "analyst", "--password", user="root", env=chosen)
    assert "ana  met  analyst  password" in added.output
    listed = json.loads(cli("users", "list", "--json", user="root").output)
    assert [(u["username"], u["has_password"]) for u in listed] == [
        ("analyst", not store.embedded), ("ana", True), ("root", True),
    ]  # fmt: skip
    assert (
        "analyst,supervisor  os-cleared"
        in cli("users", "grant", "ana", "supervisor", "--os-cleared", user="root").output
    )
    assert (
        "Now ana  met  analyst  password"
        in cli("users", "revoke", "ana", "supervisor", "--os-cleared", user="root").output
    )
    cli("users", "disable", "ana", user="root")
    refused = cli("users", "list", user="ana", ok=False)
    assert isinstance(refused.exception, ThreadlineError)
    assert "disabled" in str(refused.exception)
    cli("users", "enable", "ana", user="root")
    denied = cli("users", "add", "eve", "--role", "viewer", user="ana", ok=False)
    assert "permission denied" in str(denied.exception)
    with store.connect() as conn:
        hashes = conn.execute(sa.select(t.users.c.password_hash)).scalars().all()
    assert not any(h and "passphrase" in h for h in hashes)


def test_cases_and_sharing_commands(cli: Cli, world: Any) -> None:
    world.user("root", "met", "administrator")
    world.user("sup", "met", "supervisor")
    world.user("partner", "council", "analyst")
    world.user("croot", "council", "administrator")
    rec = world.record("c", "met", "C")
    world.commit()
    cli("cases", "add", "Op Aurora", "--description", "car washes", user="sup")
    members = cli("cases", "members", "Op Aurora", "--add", "partner", "--json", user="sup")
    assert [m["username"] for m in json.loads(members.output)] == ["partner", "sup"]
    assert (
        "Attached 1 record(s)" in cli("cases", "attach", "Op Aurora", str(rec), user="sup").output
    )
    assert "1 records" in cli("cases", "list", user="partner").output
    cli("cases", "detach", "Op Aurora", str(rec), user="sup")
    cli("cases", "members", "Op Aurora", "--remove", "partner", user="root")
    hidden = cli("cases", "members", "Op Aurora", user="partner", ok=False)
    assert str(hidden.exception) == "case 'Op Aurora' not found"

    made = cli("sharing", "add", "met", "council", "--conditioned", "--reference", "ISA-7",
               user="root")  # fmt: skip
    assert "met -> council" in made.output
    listed = json.loads(cli("sharing", "list", "--json", user="croot").output)
    assert [(a["reference"], a["conditions_allowed"]) for a in listed] == [("ISA-7", True)]
    cli("sharing", "end", str(listed[0]["id"]), user="root")
    refused = cli("sharing", "add", "met", "council", user="croot", ok=False)
    assert "permission denied" in str(refused.exception)


def test_audit_commands(cli: Cli, world: Any, store: Store) -> None:
    world.user("sup", "local", "supervisor")
    world.user("ana", "local", "analyst")
    world.record("r1", "local")
    world.commit()
    cli("retention", "due", "--before", "2099-01-01", user="ana")
    ok = cli("audit", "verify")
    assert "Audit log intact" in ok.output
    by_entity = cli("audit", "show", "--entity", "e-r1", "--json", user="sup").output
    assert [json.loads(line)["username"] for line in by_entity.splitlines()] == ["ana"]
    assert cli("audit", "show", "--user", "ana", "--since", "2000-01-01", user="sup").output
    denied = cli("audit", "show", "--entity", "e-r1", user="ana", ok=False)
    assert "your own audit events" in str(denied.exception)
    bad = cli("audit", "show", "--since", "yesterday", user="sup", ok=False)
    assert "not a date" in str(bad.exception)

    with store.connect() as conn:
        victim = conn.execute(
            sa.select(t.audit_events.c.id).where(t.audit_events.c.username == "ana").limit(1)
        ).scalar_one()
        conn.execute(
            sa.update(t.audit_events)
            .where(t.audit_events.c.id == victim)
            .values(purpose="nothing to see")
        )
    broken = cli("audit", "verify", ok=False)
    assert broken.exit_code == 1
    assert f"event {victim}: altered" in broken.output


def test_retention_and_subject_access_commands(cli: Cli, world: Any, tmp_path: Path) -> None:
    world.user("sup", "local", "supervisor", os=True)
    old = world.record("old", "local", review=world.LAST_WEEK.replace(year=2020), hub="e-x")
    gone = world.record("gone", "local", review=world.LAST_WEEK.replace(year=2020), hub="e-x")
    world.commit()
    due = json.loads(cli("retention", "due", "--json", user="sup").output)
    assert [r["id"] for r in due] == [old, gone]
    kept = cli("retention", "review", str(old), "--retain", "--reason", "live case", user="sup")
    assert "next review" in kept.output
    erased = cli("retention", "review", str(gone), "--delete", "--reason", "expired", user="sup")
    assert "erased" in erased.output
    both = cli("retention", "review", str(old), "--retain", "--delete", "--reason", "x",
               user="sup", ok=False)  # fmt: skip
    assert "exactly one" in str(both.exception)
    missing = cli("retention", "review", str(gone), "--retain", "--reason", "x", user="sup",
                  ok=False)  # fmt: skip
    assert str(missing.exception) == f"record {gone} not found"

    out = tmp_path / "sar.json"
    cli("subject-access", "e-x", "--out", str(out), "--recipient", "DPO", user="sup")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in doc["records"]] == [old]
    refused = tmp_path / "refused.json"
    cli("subject-access", "e-nobody", "--out", str(refused), user="sup", ok=False)
    assert not refused.exists()


def test_every_command_is_in_the_docs() -> None:
    """docs/security.md's command reference names every security command."""
    docs = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    groups = {"users": users_app, "cases": cases_app, "sharing": sharing_app}
    groups |= {"agencies": agencies_app}
    groups |= {"audit": audit_app, "retention": retention_app}
    for group, sub in groups.items():
        for command in sub.registered_commands:
            assert f"`{group} {command.name}" in docs, f"{group} {command.name} is undocumented"
    assert "`subject-access ENTITY`" in docs
