"""Users and actors: the local account, resolving who acts, administration rules, passwords."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import Type

import threadline.security as security
from threadline.errors import ThreadlineError, ValidationError
from threadline.security import AccessDenied, Actor, bootstrap, resolve_actor, transaction
from threadline.security.identity import first_administrator
from threadline.security.users import (
    PASSWORD_PROFILE,
    add_user,
    check_password,
    grant,
    revoke,
    set_disabled,
)
from threadline.store import Store
from threadline.store import tables as t

TEST_PASSWORD = "correct horse battery staple"


def test_public_names_are_exactly_all() -> None:
    public = {name for name in vars(security) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(security, name)).__name__ == "module"}
    assert public - modules == set(security.__all__)


def test_bootstrap_creates_the_local_analyst_once(store: Store, local: Actor) -> None:
    bootstrap(store)
    owns = {"administrator", "partnership"} if store.embedded else set()  # their installation
    assert (local.username, local.agency, local.roles, local.os_cleared) == (
        "analyst", "local", frozenset({"analyst", *owns}), True,
    )  # fmt: skip
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.users)).scalar_one() == 1
        ops = conn.execute(sa.select(t.audit_events.c.operation)).scalars().all()
    assert ops == ["users.bootstrap"]


def test_bootstrap_leaves_a_store_with_users_alone(store: Store, world: Any) -> None:
    world.user("ana", "met", "analyst")
    world.commit()
    bootstrap(store)
    with pytest.raises(ThreadlineError, match="pass --user"):
        resolve_actor(store)


def test_resolve_actor_by_name_environment_and_refusals(
    store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.user("ana", "met", "analyst")
    world.user("gone", "met", "analyst", disabled=True)
    world.commit()
    assert resolve_actor(store, "ana").username == "ana"
    monkeypatch.setenv("THREADLINE_USER", "ana")
    assert resolve_actor(store).username == "ana"
    with pytest.raises(ThreadlineError, match="disabled"):
        resolve_actor(store, "gone")
    with pytest.raises(ThreadlineError, match="unknown user"):
        resolve_actor(store, "nobody\nforged")
    with store.connect() as conn:
        denied = conn.execute(
            sa.select(t.audit_events.c.username)
            .where(t.audit_events.c.outcome == "denied")
            .order_by(t.audit_events.c.seq)
        ).scalars()
        assert list(denied) == ["gone", "nobody\nforged"]


def test_nobody_administers_until_the_first_administrator_is_made(
    store: Store, local: Actor
) -> None:
    if store.embedded:  # the owner administers their own installation, and makes root
        with transaction(store, local) as conn:
            add_user(conn, local, "root", "met", ["administrator", "partnership"],
                     agency_name="Metropolitan", password=TEST_PASSWORD)  # fmt: skip
    else:  # a server: nobody administers until its first administrator is made
        with pytest.raises(AccessDenied), transaction(store, local) as conn:
            add_user(conn, local, "rogue", "local", ["administrator"])
        first_administrator(store, "root", TEST_PASSWORD, agency="met", agency_name="Metropolitan")
    with pytest.raises(ThreadlineError, match="administrator already"):
        first_administrator(store, "second", TEST_PASSWORD, agency="met")
    root = resolve_actor(store, "root")
    assert root.roles == frozenset({"administrator", "partnership"})
    with transaction(store, root) as conn:
        add_user(conn, root, "ana", "met", ["analyst"], os_cleared=True)
        # the partnership onboards an agency with no administrator of its own
        add_user(conn, root, "cadmin", "council", ["administrator"], agency_name="Council",
                 password=TEST_PASSWORD)  # fmt: skip
        with pytest.raises(ThreadlineError, match="already exists"):
            add_user(conn, root, "ana", "met", ["viewer"])
        with pytest.raises(ValidationError, match="unknown role"):
            add_user(conn, root, "bob", "met", ["god"])
        with pytest.raises(ValidationError, match="username"):
            add_user(conn, root, "bad name\n", "met", ["viewer"])
    with pytest.raises(AccessDenied), transaction(store, root) as conn:
        add_user(conn, root, "mole", "council", ["analyst"])  # council has its own now
    cadmin = resolve_actor(store, "cadmin")
    with pytest.raises(AccessDenied), transaction(store, cadmin) as conn:
        add_user(conn, cadmin, "spy", "met", ["supervisor"])  # another agency's users
    with store.connect() as conn:
        denied = conn.execute(
            sa.select(t.audit_events.c.username, t.audit_events.c.operation).where(
                t.audit_events.c.outcome == "denied"
            )
        ).all()
    refused = [("cadmin", "users.add"), ("root", "users.add")]
    if not store.embedded:
        refused.insert(0, ("analyst", "users.add"))
    assert sorted(tuple(d) for d in denied) == refused


def test_grant_revoke_disable_and_the_last_administrator(store: Store, world: Any) -> None:
    world.user("root", "met", "administrator")
    world.user("ana", "met", "viewer")
    world.commit()
    root = resolve_actor(store, "root")
    with transaction(store, root) as conn:
        info = grant(conn, root, "ana", ["analyst"], os_cleared=True)
        assert (info.roles, info.os_cleared) == (("analyst", "viewer"), True)
        info = revoke(conn, root, "ana", ["viewer"], os_cleared=True)
        assert (info.roles, info.os_cleared) == (("analyst",), False)
        set_disabled(conn, root, "ana", True)
        with pytest.raises(ThreadlineError, match="without an administrator"):
            revoke(conn, root, "root", ["administrator"])
        with pytest.raises(ThreadlineError, match="without an administrator"):
            set_disabled(conn, root, "root", True)
    with pytest.raises(ThreadlineError, match="disabled"):
        resolve_actor(store, "ana")


def test_passwords_are_argon2_and_checked_without_telling_who_exists(
    store: Store, world: Any
) -> None:
    world.user("root", "met", "administrator")
    world.commit()
    root = resolve_actor(store, "root")
    with transaction(store, root) as conn:
        with pytest.raises(ValidationError, match="at least 8"):
            add_user(conn, root, "ana", "met", ["analyst"], password="short")
        add_user(conn, root, "ana", "met", ["analyst"], password="correct horse battery")
        add_user(conn, root, "cli", "met", ["analyst"])
    with store.connect() as conn:
        stored = conn.execute(
            sa.select(t.users.c.password_hash).where(t.users.c.username == "ana")
        ).scalar_one()
        assert stored.startswith("$argon2id$") and "correct" not in stored
        # (tests hash at the least cost: tests/conftest.py); users are hashed with this profile
        assert (PASSWORD_PROFILE.type, PASSWORD_PROFILE.memory_cost) == (Type.ID, 65536)
        assert PASSWORD_PROFILE.time_cost >= 3
        assert check_password(conn, "ana", "correct horse battery") is not None
        assert check_password(conn, "ana", "wrong horse battery") is None
        assert check_password(conn, "cli", "anything at all") is None
        assert check_password(conn, "nobody", "anything at all") is None
