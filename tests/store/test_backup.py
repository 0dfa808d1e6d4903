"""Backup and restore with PostgreSQL's own tools, as docs/operations.md tells an operator:
`pg_dump --format=custom` of a store holding real loads, `pg_restore --no-owner` into an
empty database owned by another role, then the restored store is checked by Threadline."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli.main import app
from threadline.store import tables as t
from threadline.store.database import resolve_url

from ..conftest import PG_ADMIN, TEST_PASSWORD, missing

INTEL = Path(__file__).parents[1] / "ingest" / "fixtures"
ANALYST_PASSWORD = "a different staple, horse and battery"
COMPARED = (t.records, t.statements, t.users, t.watches, t.audit_events)
"""Tables whose every row the restore must bring back as it was."""


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(f"needs PostgreSQL's {name} on the PATH")
    return found


def server_url(database: str, role: str = "postgres") -> str:
    """A libpq URL (what pg_dump and pg_restore take) for `database` on the tests' server."""
    base = PG_ADMIN.rsplit("/", 1)[0].split("@", 1)[1]
    return f"postgresql://{role}@{base}/{database}"


@pytest.fixture
def databases() -> Iterator[tuple[str, str, str]]:
    """A fresh source database, and an empty one owned by a role of its own (as a restore
    onto another server would find it): their names and that role's, all dropped after."""
    tag = uuid.uuid4().hex[:10]
    source, target, role = f"backup_src_{tag}", f"backup_dst_{tag}", f"backup_role_{tag}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        missing(f"needs a PostgreSQL server at {PG_ADMIN}: {exc}")
    with admin:
        try:
            admin.execute(f'CREATE DATABASE "{source}"')
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
            admin.execute(
                f'CREATE DATABASE "{target}" OWNER "{role}" TEMPLATE template0 ENCODING \'UTF8\''
            )
            yield source, target, role
        finally:
            for name in (source, target):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def run(*args: str, password: str = TEST_PASSWORD, new_password: str = "") -> str:
    env = {"THREADLINE_PASSWORD": password, "THREADLINE_NEW_PASSWORD": new_password or None}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = sa.create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            return {
                table.name: [tuple(r) for r in conn.execute(sa.select(table).order_by(table.c.id))]
                for table in COMPARED
            }
    finally:
        engine.dispose()


def test_a_dump_restores_into_an_empty_database_whole(
    databases: tuple[str, str, str], tmp_path: Path
) -> None:
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    source_name, target_name, role = databases
    source = server_url(source_name)
    run("init", "--db", source, "--admin", "root", new_password=TEST_PASSWORD)
    run("users", "add", "alice", "--role", "analyst", "--os-cleared", "--password",
        "--db", source, "--user", "root", new_password=ANALYST_PASSWORD)  # fmt: skip
    alice = ("--db", source, "--user", "alice")
    run("ingest", str(INTEL / "intel.csv"), "--mapping", str(INTEL / "intel.yaml"),
        "--agency", "local", "--no-update", *alice, password=ANALYST_PASSWORD)  # fmt: skip
    run("watch", "add", "--identifier", "phone", "07700900123", "--reason", "Op Harbour",
        *alice, password=ANALYST_PASSWORD)  # fmt: skip
    counted = json.loads(run("status", "--json", "--db", source, "--user", "root"))
    assert counted["records"] == 3

    dump = tmp_path / "store.dump"
    subprocess.run([pg_dump, "--format=custom", f"--file={dump}", f"--dbname={source}"],
                   check=True, capture_output=True, text=True)  # fmt: skip
    before = rows(source)
    restored = subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={server_url(target_name, role)}",
         str(dump)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert restored.stderr == ""  # nothing in the schema needs a role or an extension
    target = server_url(target_name, role)
    assert rows(target) == before  # every row, its ids and the audit chain's hashes

    report = json.loads(run("doctor", "--json", "--db", target, "--user", "root"))
    assert report["ok"] is True, report
    verified = json.loads(run("audit", "verify", "--json", "--db", target, "--user", "root"))
    assert verified["intact"] is True
    assert verified["events"] > len(before["audit_events"])  # the restored chain grows on
    assert json.loads(run("status", "--json", "--db", target, "--user", "root")) == counted
