"""Who is acting: the user a command acts as, proved by a credential, and the store's first
accounts.

Every account acts only with its credential (an argon2 password, given in
$THREADLINE_PASSWORD or typed when asked in a terminal), except the embedded store's owner:
the local analyst account of a single analyst's own SQLite file, which has no password. A
refusal (no credential, a wrong one, an unknown or disabled user) is written to the audit log,
and the message is the same whether or not the user exists.

`bootstrap` creates the owner account of an embedded store (cleared for OFFICIAL-SENSITIVE
only when the owner says so), which administers the owner's own installation;
`first_administrator` creates a shared store's first administrator, who also administers the
partnership. Nobody administers a shared store until then.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

import sqlalchemy as sa

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.actors import (
    LOCAL_AGENCY,
    LOCAL_USER,
    USER_ENV,
    USERNAME,
    Actor,
    UserRole,
    actor_from_row,
    user_query,
)
from threadline.security.audit import audit, log_refusal
from threadline.security.users import hash_password, password_matches
from threadline.store import Store
from threadline.store import tables as t

__all__ = [
    "CONFIRM_PASSWORD_ENV",
    "PASSWORD_ENV",
    "bootstrap",
    "first_administrator",
    "has_administrator",
    "is_owner",
    "reauthenticate",
    "resolve_actor",
]

PASSWORD_ENV = "THREADLINE_PASSWORD"  # noqa: S105 - a variable's name, not a password
"""The acting user's password, for scripts; in a terminal it is asked for instead."""


CONFIRM_PASSWORD_ENV = "THREADLINE_CONFIRM_PASSWORD"  # noqa: S105 - a variable's name
"""The acting user's password given again to confirm a disclosure (an export), for scripts;
in a terminal it is asked for instead. $THREADLINE_PASSWORD never confirms a disclosure: a
shell or a script that merely acts as a user has not thereby decided to hand material over."""


def is_owner(store: Store, row: Any) -> bool:
    """Whether `row` (a user) is the embedded store's owner: the local analyst account of a
    SQLite store, with no password."""
    return bool(
        store.embedded
        and row.username == LOCAL_USER
        and row.agency == LOCAL_AGENCY
        and not row.password_hash
    )


def _secret(password: str | None) -> str | None:
    if password:
        return password
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        return getpass.getpass("Password: ") or None
    return None


def resolve_actor(
    store: Store, username: str | None = None, *, password: str | None = None
) -> Actor:
    """The user a command acts as (`username`, else $THREADLINE_USER, else the local account),
    once their credential is checked (see the module docstring).

    Raises ThreadlineError with one line fit to print; the refusal is audited first. Call
    this before opening a write transaction of your own.
    """
    store.require_current()
    named = username or os.environ.get(USER_ENV) or ""
    name = named or LOCAL_USER
    with store.connect() as conn:
        row = conn.execute(
            user_query().add_columns(t.users.c.password_hash).where(t.users.c.username == name)
        ).first()
    if row is not None and is_owner(store, row):
        if not row.disabled:
            return actor_from_row(row)
        return _refuse(store, name, row, "disabled", f"user {name!r} is disabled")
    if row is None and not named:
        return _refuse(
            store, name, row, "unknown user",
            f"no user given and this store has no local {LOCAL_USER!r} account: pass --user "
            f"or set {USER_ENV}",
        )  # fmt: skip
    secret = _secret(password)
    if secret is None:
        return _refuse(
            store, name, row, "no credential",
            f"{name!r} must prove who they are: set {PASSWORD_ENV}, or run in a terminal to be "
            "asked for the password",
        )  # fmt: skip
    with store.connect() as conn:
        proved = password_matches(conn, name, secret)
    if not proved or row is None:
        return _refuse(
            store, name, row, "wrong credential", f"unknown user or wrong password for {name!r}"
        )
    if row.disabled:
        return _refuse(
            store,
            name,
            row,
            "disabled",
            f"user {name!r} is disabled: an administrator can enable them",
        )
    return actor_from_row(row)


def _refuse(store: Store, name: str, row: Any, reason: str, message: str) -> Actor:
    with store.connect() as conn:
        log_refusal(
            conn,
            user_id=None if row is None else int(row.id),
            username=name,
            agency="" if row is None else str(row.agency),
            operation="login",
            reason=reason,
        )
    raise ThreadlineError(message)


def has_administrator(store: Store) -> bool:
    """Whether the store has an active administrator besides an embedded store's owner."""
    with store.connect() as conn:
        rows = conn.execute(
            user_query()
            .add_columns(t.users.c.password_hash)
            .where(t.users.c.disabled == sa.false())
        ).all()
    return any(
        UserRole.ADMINISTRATOR.value in (row.roles or []) and not is_owner(store, row)
        for row in rows
    )


def first_administrator(
    store: Store,
    username: str,
    password: str,
    *,
    agency: str = LOCAL_AGENCY,
    agency_name: str = "",
) -> Actor:
    """Create the store's first administrator (who also administers the partnership), in
    `agency` (created if new). Refused once the store has an active administrator: from then
    on administrators make administrators."""
    if has_administrator(store):
        raise ThreadlineError(
            "this store has an administrator already: they add others (threadline users add)"
        )
    with store.connect() as conn:
        agency_id = conn.execute(
            sa.select(t.agencies.c.id).where(t.agencies.c.code == agency)
        ).scalar()
        if agency_id is None:
            agency_id = conn.execute(
                sa.insert(t.agencies)
                .values(code=agency, name=agency_name or agency)
                .returning(t.agencies.c.id)
            ).scalar_one()
        if USERNAME.fullmatch(username) is None:
            raise ValidationError(f"username {username!r}: use letters, digits, '.', '_', '@', '-'")
        if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
            raise ThreadlineError(f"user {username!r} already exists")
        roles = [UserRole.ADMINISTRATOR.value, UserRole.PARTNERSHIP.value]
        conn.execute(
            sa.insert(t.users).values(
                username=username, display_name="First administrator", agency_id=agency_id,
                roles=roles, os_cleared=False, password_hash=hash_password(password),
            )
        )  # fmt: skip
        row = conn.execute(user_query().where(t.users.c.username == username)).one()
        founder = actor_from_row(row)
        audit(conn, founder, "administration", "users.first_administrator",
              detail={"username": username, "agency": agency, "roles": roles})  # fmt: skip
        return founder


def bootstrap(store: Store, *, os_cleared: bool = False) -> None:
    """Create the embedded store's owner: the local agency and analyst account, if the store
    has no users yet.

    Idempotent: a store that has any user is left as it is. The account has no password (only
    the owner of the file uses it), the analyst role, and OFFICIAL-SENSITIVE clearance only
    with `os_cleared` (the owner says so at ``threadline init --os-cleared``). On an embedded
    store it is the owner's own installation, so the account also administers it (the
    administrator and partnership roles): whoever holds the file can change it anyway.
    """
    with store.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(t.users)).scalar_one():
            return
        agency_id = conn.execute(
            sa.select(t.agencies.c.id).where(t.agencies.c.code == LOCAL_AGENCY)
        ).scalar()
        if agency_id is None:
            agency_id = conn.execute(
                sa.insert(t.agencies)
                .values(code=LOCAL_AGENCY, name="Local analyst", kind="other")
                .returning(t.agencies.c.id)
            ).scalar_one()
        roles = [UserRole.ANALYST.value]
        if store.embedded:  # the owner administers their own installation (and its partners)
            roles += [UserRole.ADMINISTRATOR.value, UserRole.PARTNERSHIP.value]
        user_id = conn.execute(
            sa.insert(t.users)
            .values(
                username=LOCAL_USER,
                display_name="Local analyst",
                agency_id=agency_id,
                roles=roles,
                os_cleared=os_cleared,
            )
            .returning(t.users.c.id)
        ).scalar_one()
        actor = Actor(
            int(user_id), LOCAL_USER, int(agency_id), LOCAL_AGENCY, frozenset(roles), os_cleared
        )
        audit(
            conn,
            actor,
            "administration",
            "users.bootstrap",
            detail={"username": LOCAL_USER, "roles": roles, "os_cleared": os_cleared},
        )


def reauthenticate(store: Store, actor: Actor, operation: str, password: str | None = None) -> None:
    """Prove again, now, that `actor` is who they say, before a disclosure (`operation`).

    The password is `password`, else $THREADLINE_CONFIRM_PASSWORD, else asked for in a
    terminal (even when $THREADLINE_PASSWORD is set: see CONFIRM_PASSWORD_ENV). The embedded
    store's owner has no password (holding the file is their credential) and is not asked.
    A missing or wrong password is audited as a refused disclosure and raises
    ThreadlineError.
    """
    with store.connect() as conn:
        row = conn.execute(
            user_query().add_columns(t.users.c.password_hash).where(t.users.c.id == actor.user_id)
        ).first()
    if row is not None and is_owner(store, row):
        return
    secret = password or os.environ.get(CONFIRM_PASSWORD_ENV) or None
    if secret is None and sys.stdin.isatty():
        secret = getpass.getpass(f"Password again, to confirm this disclosure ({operation}): ")
    proved = False
    if secret:
        with store.connect() as conn:
            proved = row is not None and password_matches(conn, actor.username, secret)
    if proved:
        return
    reason = "wrong credential" if secret else "no credential"
    with store.connect() as conn:
        audit(conn, actor, "disclosure", operation, outcome="denied",
              detail={"reason": f"re-authentication failed: {reason}"})  # fmt: skip
    if secret:
        raise ThreadlineError(f"wrong password for {actor.username!r}: nothing was exported")
    raise ThreadlineError(
        f"a disclosure needs your password again: set {CONFIRM_PASSWORD_ENV}, or run in a "
        "terminal to be asked (THREADLINE_PASSWORD does not confirm a disclosure)"
    )
