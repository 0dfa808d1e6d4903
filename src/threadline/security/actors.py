"""Users as actors: their agency, roles and clearance, as the store holds them now.

Which user a command acts as is decided in `threadline.security.identity`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ValidationError
from threadline.security.errors import AccessDenied
from threadline.store import tables as t

__all__ = [
    "LOCAL_AGENCY",
    "LOCAL_USER",
    "READ_ROLES",
    "USER_ENV",
    "Actor",
    "UserRole",
    "actor_from_row",
    "load_actor",
    "parse_roles",
    "refresh_actor",
    "user_query",
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
    PARTNERSHIP = "partnership"
    """Administers the partnership: agencies, agreements between agencies, and the users of
    an agency with no administrator of its own. Held by named people; every use audited."""


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


def user_query() -> sa.Select[Any]:
    return sa.select(
        t.users.c.id,
        t.users.c.username,
        t.users.c.agency_id,
        t.agencies.c.code.label("agency"),
        t.users.c.roles,
        t.users.c.os_cleared,
        t.users.c.disabled,
    ).join(t.agencies, t.agencies.c.id == t.users.c.agency_id)


def actor_from_row(row: sa.Row[Any]) -> Actor:
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
    row = conn.execute(user_query().where(t.users.c.username == username)).first()
    if row is None or row.disabled:
        return None
    return actor_from_row(row)


def refresh_actor(conn: Connection, actor: Actor) -> Actor:
    """The actor as the store holds them now: roles and clearance changes apply at once.

    Raises AccessDenied when the user has been disabled or removed since they were resolved.
    """
    row = conn.execute(user_query().where(t.users.c.id == actor.user_id)).first()
    if row is None or row.disabled:
        raise AccessDenied(
            f"user {actor.username!r} is disabled", action="consultation", operation="view"
        )
    return actor_from_row(row)
