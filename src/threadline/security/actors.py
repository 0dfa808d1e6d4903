"""Who is acting: users, their agency and roles, and the local account of a single analyst."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.errors import AccessDenied
from threadline.store import Store
from threadline.store import tables as t

__all__ = [
    "LOCAL_AGENCY",
    "LOCAL_USER",
    "READ_ROLES",
    "USER_ENV",
    "Actor",
    "UserRole",
    "bootstrap",
    "load_actor",
    "parse_roles",
    "refresh_actor",
    "resolve_actor",
]

USER_ENV = "THREADLINE_USER"
"""The user the command line acts as when no ``--user`` is given."""

LOCAL_AGENCY = "local"
"""Agency code of the embedded store's own account."""

LOCAL_USER = "analyst"
"""The account `bootstrap` creates so that a single analyst needs no set-up."""

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""Usernames are plain lower-case tokens, matched whole (``fullmatch``: ``$`` would let a
trailing newline through): no spaces, control characters or look-alike capitals can reach a
log line."""


class UserRole(StrEnum):
    """What a user may do; several may be held at once."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


READ_ROLES = frozenset({UserRole.VIEWER, UserRole.ANALYST, UserRole.SUPERVISOR})
"""Roles that carry need-to-know for the agency's own and shared records. Administration does
not: an administrator reads only what a case they are a member of holds."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A user acting on the store, as resolved at the start of a command or request."""

    user_id: int
    username: str
    agency_id: int
    agency: str
    """The agency's code, as written in audit events."""
    roles: frozenset[str]
    os_cleared: bool
    """Cleared to see OFFICIAL-SENSITIVE material (vetting and need-to-know established)."""

    def has(self, *roles: str) -> bool:
        """Whether the actor holds any of `roles`."""
        return not self.roles.isdisjoint(roles)

    @property
    def reads(self) -> bool:
        """Whether the actor's roles let them read their agency's and shared records."""
        return not self.roles.isdisjoint(READ_ROLES)


def parse_roles(values: Iterable[str]) -> frozenset[str]:
    """Validate role names.

    >>> sorted(parse_roles(["Analyst", " supervisor"]))
    ['analyst', 'supervisor']
    >>> parse_roles(["root"])
    Traceback (most recent call last):
    ...
    threadline.errors.ValidationError: unknown role 'root': expected viewer, analyst, supervisor \
or administrator
    """
    out: set[str] = set()
    for value in values:
        for part in str(value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in set(UserRole):
                raise ValidationError(
                    f"unknown role {part.strip()!r}: expected viewer, analyst, supervisor or "
                    "administrator"
                )
            out.add(name)
    return frozenset(out)


def _user_query() -> sa.Select[Any]:
    return sa.select(
        t.users.c.id,
        t.users.c.username,
        t.users.c.agency_id,
        t.agencies.c.code.label("agency"),
        t.users.c.roles,
        t.users.c.os_cleared,
        t.users.c.disabled,
    ).join(t.agencies, t.agencies.c.id == t.users.c.agency_id)


def _actor(row: sa.Row[Any]) -> Actor:
    return Actor(
        user_id=int(row.id),
        username=str(row.username),
        agency_id=int(row.agency_id),
        agency=str(row.agency),
        roles=frozenset(str(r) for r in (row.roles or [])),
        os_cleared=bool(row.os_cleared),
    )


def load_actor(conn: Connection, username: str) -> Actor | None:
    """The active user called `username`, or None if there is none or they are disabled."""
    row = conn.execute(_user_query().where(t.users.c.username == username)).first()
    if row is None or row.disabled:
        return None
    return _actor(row)


def refresh_actor(conn: Connection, actor: Actor) -> Actor:
    """The actor as the store holds them now: roles and clearance changes apply at once.

    Raises AccessDenied when the user has been disabled or removed since they were resolved.
    """
    row = conn.execute(_user_query().where(t.users.c.id == actor.user_id)).first()
    if row is None or row.disabled:
        raise AccessDenied(
            f"user {actor.username!r} is disabled", action="consultation", operation="view"
        )
    return _actor(row)


def resolve_actor(store: Store, username: str | None = None) -> Actor:
    """The user a command acts as: `username`, else $THREADLINE_USER, else the local account.

    Unknown and disabled users are refused with a clear ThreadlineError, and the refusal is
    written to the audit log. Call this before opening a write transaction of your own.
    """
    from threadline.security.audit import log_refusal

    store.require_current()
    named = username or os.environ.get(USER_ENV) or ""
    name = named or LOCAL_USER
    with store.connect() as conn:
        row = conn.execute(_user_query().where(t.users.c.username == name)).first()
    if row is not None and not row.disabled:
        return _actor(row)
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
    from threadline.security.audit import audit

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
