"""Trust between agencies against a careless or hostile user: each finding of the review that
asked for it, reproduced through the command line on both databases.

1. nobody acts as someone else: every account but the embedded store's owner needs its
   password, and nobody administers a store by default;
2. an agency rolls back only its own loads, and a rollback takes what derived from it;
3. an analyst writes only to their own agency, or to a partner that gave a delivery right;
4. an administrator administers their own agency only;
11. viewers read only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.security import bootstrap
from threadline.security.identity import resolve_actor
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures"
INTEL = [str(FIXTURES / "intel.csv"), "--mapping", str(FIXTURES / "intel.yaml"), "--no-update"]


class Cli:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, *args: str, user: str | None = None, ok: bool = True) -> Result:
        argv = [*args, "--db", self.url, *(["--user", user] if user else [])]
        result = CliRunner().invoke(app, argv)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result


@pytest.fixture
def cli(store: Store, store_url: str) -> Cli:
    return Cli(store_url)


def _count(store: Store, table: sa.Table) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _denied(store: Store, username: str) -> list[str]:
    e = t.audit_events.c
    with store.connect() as conn:
        query = sa.select(e.operation).where(e.username == username, e.outcome == "denied")
        return list(conn.execute(query.order_by(e.seq)).scalars())


def _partners(world: Any) -> None:
    world.user("pol", "police", "analyst")
    world.user("poladmin", "police", "administrator")
    world.user("char", "charity", "analyst")
    world.user("charadmin", "charity", "administrator")
    world.commit()


# -- 1. authentication ------------------------------------------------------------------------


def test_a_user_acts_only_with_their_password(
    cli: Cli, store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _partners(world)
    assert cli("status", user="pol").exit_code == 0
    monkeypatch.setenv("THREADLINE_PASSWORD", "not the password at all")
    wrong = cli("status", user="pol", ok=False)
    assert "unknown user or wrong password for 'pol'" in str(wrong.exception)
    nobody = cli("status", user="nobody", ok=False)
    assert str(nobody.exception) == "unknown user or wrong password for 'nobody'"
    monkeypatch.delenv("THREADLINE_PASSWORD")
    bare = cli("status", user="pol", ok=False)
    assert "must prove who they are" in str(bare.exception)
    assert _denied(store, "pol") == ["login", "login"]


def test_the_owner_of_an_embedded_store_is_its_only_account_without_a_password(
    store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THREADLINE_PASSWORD")
    bootstrap(store)
    if store.embedded:
        owner = resolve_actor(store)
        assert owner.username == "analyst" and not owner.os_cleared  # cleared only if told
    else:  # a shared store has no owner: its local account would need a password
        with pytest.raises(ThreadlineError, match="must prove who they are"):
            resolve_actor(store)


def test_nobody_administers_a_shared_store_by_default(
    cli: Cli, store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server has no owner: with no user named, nobody acts at all. (The owner of an
    embedded store administers their own installation: docs/security.md.)"""
    bootstrap(store)
    world.agency("nwpolice")
    world.commit()
    args = ("users", "add", "rogue", "--role", "administrator", "--agency", "nwpolice")
    if store.embedded:
        assert cli(*args, "--password").exit_code == 0  # the owner, acting as themselves
        return
    monkeypatch.delenv("THREADLINE_PASSWORD")
    refused = cli(*args, ok=False)
    assert "must prove who they are" in str(refused.exception)
    with store.connect() as conn:
        users = conn.execute(sa.select(t.users.c.username)).scalars().all()
    assert "rogue" not in users


# -- 2. rollback ------------------------------------------------------------------------------


def test_an_agency_rolls_back_its_own_loads_and_what_derived_from_them(
    cli: Cli, store: Store, world: Any
) -> None:
    _partners(world)
    cli("ingest", *INTEL, "--agency", "police", user="pol")
    loaded = _count(store, t.records)
    assert loaded == 3
    with store.connect() as conn:
        ids = [int(i) for i in conn.execute(sa.select(t.records.c.id)).scalars()]
        mention = conn.execute(sa.select(t.mentions.c.id)).scalars().first()
        conn.execute(sa.insert(t.entities).values(id="e-x", schema="Person", caption="X"))
        conn.execute(sa.insert(t.analysis_runs).values(
            id="run", started_at=sa.func.now(), finished_at=sa.func.now(), scope="pol",
            weights={}, weights_digest="d", params={}, counts={},
        ))  # fmt: skip
        conn.execute(sa.insert(t.indicators).values(
            run_id="run", entity_id="e-x", name="shared", score=1.0, reason="r",
            evidence=[{"record_id": ids[0]}], grade="1A",
        ))  # fmt: skip
        conn.execute(sa.insert(t.priorities).values(
            run_id="run", entity_id="e-x", kind="premises", rank=1, score=1.0, reasons=["r"],
            indicators=["shared"], agencies=["police"], evidence=ids[:1], grade="1A",
        ))  # fmt: skip
        run = conn.execute(
            sa.insert(t.resolution_runs)
            .values(started_at=sa.func.now(), counts={})
            .returning(t.resolution_runs.c.id)
        ).scalar_one()
        conn.execute(sa.insert(t.resolution_pairs).values(
            run_id=run, left_id=mention, right_id="m-other", probability=0.9, weight=3.0,
            joined=True,
        ))  # fmt: skip
    with store.connect() as conn:
        batch = str(conn.execute(sa.select(t.batches.c.id)).scalar_one())
    refused = cli("batches", "rollback", batch, "--reason", "oops", user="char", ok=False)
    assert f"no batch {batch} that your agency may roll back" in str(refused.exception)
    assert _count(store, t.records) == loaded and _denied(store, "char") == ["batches.rollback"]
    cli("batches", "rollback", batch, "--reason", "wrong file", user="pol")
    assert _count(store, t.records) == 0
    assert _count(store, t.indicators) == _count(store, t.priorities) == 0
    assert _count(store, t.resolution_pairs) == 0
    with store.connect() as conn:
        stale = conn.execute(sa.select(t.analysis_runs.c.stale_reason)).scalar_one()
    assert stale == f"batch {batch} was rolled back"


# -- 3. agency authority over writes -----------------------------------------------------------


def test_an_analyst_loads_their_agency_or_a_partner_that_delivers_to_them(
    cli: Cli, store: Store, world: Any
) -> None:
    _partners(world)
    refused = cli("ingest", *INTEL, "--agency", "police", user="char", ok=False)
    assert "loaded by 'police' itself" in str(refused.exception)
    assert _count(store, t.records) == 0 and _denied(store, "char") == ["ingest"]
    unknown = cli("ingest", *INTEL, user="char", ok=False)  # the mapping names testforce
    assert "unknown agency 'testforce'" in str(unknown.exception)
    assert _count(store, t.agencies) == 2
    cli("sharing", "add", "police", "charity", "--delivery", user="poladmin")
    cli("ingest", *INTEL, "--agency", "police", user="char")
    with store.connect() as conn:
        batch = conn.execute(
            sa.select(t.batches.c.agency_id, t.batches.c.loaded_by_agency_id)
        ).one()
    assert (batch.agency_id, batch.loaded_by_agency_id) == (
        world.agency("police"), world.agency("charity"),
    )  # fmt: skip


# -- 4. administration -------------------------------------------------------------------------


def test_an_administrator_administers_their_own_agency_only(
    cli: Cli, store: Store, world: Any
) -> None:
    _partners(world)
    world.user("polsup", "police", "supervisor")
    world.case("op-police", "police", ["polsup"])
    world.commit()
    refusals = [
        ("sharing", "add", "police", "charity"),
        ("users", "add", "mole", "--role", "supervisor", "--agency", "police"),
        ("cases", "members", "op-police", "--add", "charadmin"),
    ]
    for args in refusals:
        result = cli(*args, user="charadmin", ok=False)
        assert result.exit_code != 0, args
    with store.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(t.sharing_agreements)).scalar() == 0
        )
        assert "mole" not in conn.execute(sa.select(t.users.c.username)).scalars().all()
    assert len(_denied(store, "charadmin")) == 3
    cli("sharing", "add", "charity", "police", user="charadmin")  # their own agency's records


# -- 11. viewers -------------------------------------------------------------------------------


def test_viewers_read_and_never_write(cli: Cli, store: Store, world: Any) -> None:
    world.user("vic", "police", "viewer")
    world.commit()
    refused = cli("analyse", user="vic", ok=False)
    assert "needs the analyst or supervisor role" in str(refused.exception)
    assert cli("analyse", "premises", user="vic").exit_code == 0
    assert _count(store, t.analysis_runs) == 0
    assert _denied(store, "vic") == ["analyse.run"]


# -- deconfliction ------------------------------------------------------------------------------


def test_a_deconfliction_notice_says_who_holds_material_and_nothing_else(
    cli: Cli, store: Store, world: Any
) -> None:
    _partners(world)
    world.record("secret", "police", "C")  # conditioned: it does not flow under a P agreement
    world.record("ours", "charity", "P")  # both name the shared subject e-hub
    world.commit()
    assert "No deconfliction notice" in cli("sharing", "deconflict", "e-hub", user="char").output
    cli("sharing", "add", "police", "charity", "--deconfliction", "--contact",
        "Northshire MSHT desk", user="poladmin")  # fmt: skip
    shown = cli("sharing", "deconflict", "e-hub", "--json", user="char").output
    assert '"agency": "police"' in shown and "Northshire MSHT desk" in shown
    assert world.token("secret") not in shown and world.token("secret", "phone") not in shown
    assert "No deconfliction notice" in cli("sharing", "deconflict", "e-secret", user="char").output
    e = t.audit_events.c
    with store.connect() as conn:
        told = conn.execute(
            sa.select(e.entities, e.detail).where(e.operation == "deconfliction.notice")
        ).one()
    assert told.entities == ["e-hub"] and told.detail["agencies"] == ["police"]
    refused = cli("sharing", "add", "police", "charity", "--deconfliction", user="poladmin",
                  ok=False)  # fmt: skip
    assert "needs --contact" in str(refused.exception)
