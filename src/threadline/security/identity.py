"""Who is acting: the user a command acts as, and the embedded store's local account.

`resolve_actor` turns a username (or $THREADLINE_USER, or the local account) into an Actor,
and writes every refusal to the audit log; `bootstrap` creates the local analyst account of an
embedded store so that a single analyst needs no set-up.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from threadline.errors import ThreadlineError
from threadline.security.actors import (
    LOCAL_AGENCY,
    LOCAL_USER,
    USER_ENV,
    Actor,
    UserRole,
    actor_from_row,
    user_query,
)
from threadline.security.audit import audit, log_refusal
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["bootstrap", "resolve_actor"]


def resolve_actor(store: Store, username: str | None = None) -> Actor:
    """The user a command acts as: `username`, else $THREADLINE_USER, else the local account.

    Unknown and disabled users are refused with a clear ThreadlineError, and the refusal is
    written to the audit log. Call this before opening a write transaction of your own.
    """
    store.require_current()
    named = username or os.environ.get(USER_ENV) or ""
    name = named or LOCAL_USER
    with store.connect() as conn:
        row = conn.execute(user_query().where(t.users.c.username == name)).first()
    if row is not None and not row.disabled:
        return actor_from_row(row)
    with store.connect() as conn:
        log_refusal(
            conn,
            user_id=None if row is None else int(row.id),
            username=name,
            agency="" if row is None else str(row.agency),
            operation="login",
            reason="disabled" if row is not None else "unknown user",
        )
    if row is not None:
        raise ThreadlineError(f"user {name!r} is disabled: an administrator can enable them")
    if named:
        raise ThreadlineError(f"unknown user {name!r}: see `threadline users list`")
    raise ThreadlineError(
        f"no user given and the local {LOCAL_USER!r} account does not exist: pass --user or "
        f"set {USER_ENV}"
    )


def bootstrap(store: Store) -> None:
    """Create the local agency and analyst account if the store has no users yet.

    Idempotent: a store that has any user is left as it is. The account has no password (it
    is used from the command line only), the analyst role and OFFICIAL-SENSITIVE clearance.
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
        user_id = conn.execute(
            sa.insert(t.users)
            .values(
                username=LOCAL_USER,
                display_name="Local analyst",
                agency_id=agency_id,
                roles=roles,
                os_cleared=True,
            )
            .returning(t.users.c.id)
        ).scalar_one()
        actor = Actor(
            int(user_id), LOCAL_USER, int(agency_id), LOCAL_AGENCY, frozenset(roles), True
        )
        audit(
            conn,
            actor,
            "administration",
            "users.bootstrap",
            detail={"username": LOCAL_USER, "roles": roles, "os_cleared": True},
        )
