"""User administration: accounts, roles, clearance, passwords (argon2).

Administrators manage the users of their own agency and nothing else. The partnership role
creates agencies and administers the users of an agency that has no administrator of its
own (onboarding it). Nobody administers by default: a store's first administrator is made by
`threadline init --admin NAME` (`threadline.security.identity.first_administrator`). Every
change is audited under the acting user.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.actors import USERNAME, Actor, UserRole, load_actor, parse_roles
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied, NotFound
from threadline.store import tables as t
from threadline.untrusted import valid_agency_code

__all__ = [
    "MIN_PASSWORD",
    "UserInfo",
    "add_agency",
    "add_user",
    "check_password",
    "grant",
    "hash_password",
    "list_agencies",
    "list_users",
    "may_administer",
    "password_matches",
    "revoke",
    "set_disabled",
    "set_password",
]

MIN_PASSWORD = 8
"""OWASP ASVS 6.2.1: at least 8 characters (15 recommended); no composition rules."""


PASSWORD_PROFILE = profiles.RFC_9106_LOW_MEMORY
"""argon2id as RFC 9106 recommends where memory is constrained: 64 MiB, three passes."""

_HASHER = PasswordHasher.from_parameters(PASSWORD_PROFILE)

ADMIN = UserRole.ADMINISTRATOR.value


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as listed to administrators: never the password hash."""

    username: str
    display_name: str
    agency: str
    roles: tuple[str, ...]
    os_cleared: bool
    disabled: bool
    has_password: bool


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, refusing one shorter than MIN_PASSWORD."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def check_password(conn: Connection, username: str, password: str) -> Actor | None:
    """The active user if `password` is theirs, else None (same answer for every failure)."""
    return load_actor(conn, username) if password_matches(conn, username, password) else None


def password_matches(conn: Connection, username: str, password: str) -> bool:
    """Whether `password` is the user's (disabled or not); False for a user without one or
    unknown, after the same work, so that timing does not tell who exists."""
    row = conn.execute(
        sa.select(t.users.c.password_hash, t.users.c.id).where(t.users.c.username == username)
    ).first()
    stored = row.password_hash if row is not None and row.password_hash else None
    try:
        # A missing user costs a verification too, so timing does not reveal who exists.
        _HASHER.verify(stored or _decoy(), password)
    except (VerificationError, InvalidHashError):
        return False
    if row is None or stored is None:
        return False
    if _HASHER.check_needs_rehash(stored):
        conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == row.id)
            .values(password_hash=_HASHER.hash(password))
        )
    return True


@cache
def _decoy() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def _admin_agencies(conn: Connection) -> set[int]:
    rows = conn.execute(
        sa.select(t.users.c.agency_id, t.users.c.roles).where(t.users.c.disabled == sa.false())
    )
    return {int(r.agency_id) for r in rows if ADMIN in (r.roles or [])}


def may_administer(conn: Connection, actor: Actor, agency_id: int) -> bool:
    """Whether `actor` may manage the users and agreements of the agency `agency_id` (-1: a
    new agency): its own administrators, or a partnership administrator when it has no
    active administrator of its own."""
    if actor.has(ADMIN) and actor.agency_id == agency_id:
        return True
    return actor.has(UserRole.PARTNERSHIP) and agency_id not in _admin_agencies(conn)


def _require(conn: Connection, actor: Actor, agency_id: int, operation: str) -> None:
    if not may_administer(conn, actor, agency_id):
        raise AccessDenied(
            "permission denied: only an administrator of the user's agency may do this",
            action="administration",
            operation=operation,
        )


def _user(conn: Connection, username: str) -> Any:
    row = conn.execute(
        sa.select(t.users, t.agencies.c.code.label("agency"))
        .join(t.agencies, t.agencies.c.id == t.users.c.agency_id)
        .where(t.users.c.username == username)
    ).first()
    if row is None:
        raise NotFound(f"unknown user {username!r}")
    return row


def _info(row: Any) -> UserInfo:
    return UserInfo(
        username=str(row.username),
        display_name=str(row.display_name),
        agency=str(row.agency),
        roles=tuple(sorted(row.roles or [])),
        os_cleared=bool(row.os_cleared),
        disabled=bool(row.disabled),
        has_password=bool(row.password_hash),
    )


def _agency(
    conn: Connection, actor: Actor, code: str, create_as: str | None, *, kind: str = "other"
) -> int:
    found = conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code)).scalar()
    if found is not None:
        return int(found)
    if create_as is None:
        known = ", ".join(conn.execute(sa.select(t.agencies.c.code)).scalars()) or "none"
        raise ThreadlineError(
            f"unknown agency {code!r} (known: {known}); give its name to create it"
        )
    if not valid_agency_code(code):
        raise ValidationError(f"agency code {code!r}: use lower-case letters, digits, - and _")
    if not may_administer(conn, actor, -1):
        raise AccessDenied(
            "permission denied: only a partnership administrator may create an agency",
            action="administration",
            operation="agencies.add",
        )
    agency_id = conn.execute(
        sa.insert(t.agencies)
        .values(code=code, name=create_as or code, kind=kind[:32])
        .returning(t.agencies.c.id)
    ).scalar_one()
    audit(conn, actor, "administration", "agencies.add", detail={"agency": code, "kind": kind})
    return int(agency_id)


def add_agency(conn: Connection, actor: Actor, code: str, name: str, kind: str = "other") -> int:
    """Create an agency (partnership administrators only); its id."""
    if conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code)).first():
        raise ThreadlineError(f"agency {code!r} already exists")
    if not name.strip():
        raise ValidationError("an agency needs a name")
    return _agency(conn, actor, code, name.strip(), kind=kind)


def list_agencies(conn: Connection, actor: Actor) -> list[tuple[str, str, str]]:
    """Every agency (code, name, kind): the partnership's members are no secret to its users."""
    rows = conn.execute(
        sa.select(t.agencies.c.code, t.agencies.c.name, t.agencies.c.kind).order_by(
            t.agencies.c.code
        )
    ).all()
    audit(conn, actor, "administration", "agencies.list", detail={"count": len(rows)})
    return [(str(r.code), str(r.name), str(r.kind)) for r in rows]


def add_user(
    conn: Connection,
    actor: Actor,
    username: str,
    agency: str,
    roles: Iterable[str],
    *,
    os_cleared: bool = False,
    display_name: str = "",
    password: str | None = None,
    agency_name: str | None = None,
) -> UserInfo:
    """Create a user in `agency` (created too if `agency_name` is given and it is new)."""
    if USERNAME.fullmatch(username) is None:
        raise ValidationError(
            f"username {username!r}: use lower-case letters, digits, '.', '_' and '-' (max 64)"
        )
    chosen = parse_roles(roles)
    if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
        raise ThreadlineError(f"user {username!r} already exists")
    agency_id = _agency(conn, actor, agency, agency_name)
    _require(conn, actor, agency_id, "users.add")
    conn.execute(
        sa.insert(t.users).values(
            username=username,
            display_name=display_name,
            agency_id=agency_id,
            roles=sorted(chosen),
            os_cleared=os_cleared,
            password_hash=None if password is None else hash_password(password),
        )
    )
    detail = {"username": username, "agency": agency, "roles": sorted(chosen)}
    audit(
        conn,
        actor,
        "administration",
        "users.add",
        detail=detail | {"os_cleared": os_cleared, "password": password is not None},
    )
    return _info(_user(conn, username))


def list_users(conn: Connection, actor: Actor) -> list[UserInfo]:
    """Users of the actor's agency; administrators see every agency's."""
    query = (
        sa.select(t.users, t.agencies.c.code.label("agency"))
        .join(t.agencies, t.agencies.c.id == t.users.c.agency_id)
        .order_by(t.agencies.c.code, t.users.c.username)
    )
    if not actor.has(ADMIN):
        query = query.where(t.users.c.agency_id == actor.agency_id)
    users = [_info(row) for row in conn.execute(query)]
    audit(conn, actor, "administration", "users.list", detail={"count": len(users)})
    return users


def _would_orphan(conn: Connection, row: Any, roles: list[str], disabled: bool) -> bool:
    """Whether the change leaves the store without an administrator (reopening first-run)."""
    was_admin = ADMIN in (row.roles or []) and not row.disabled
    still_admin = ADMIN in roles and not disabled
    if not was_admin or still_admin:
        return False
    others = conn.execute(
        sa.select(t.users.c.roles).where(t.users.c.disabled == sa.false(), t.users.c.id != row.id)
    ).scalars()
    return not any(ADMIN in (r or []) for r in others)


def _change(
    conn: Connection,
    actor: Actor,
    username: str,
    operation: str,
    *,
    roles: list[str] | None = None,
    os_cleared: bool | None = None,
    disabled: bool | None = None,
) -> UserInfo:
    row = _user(conn, username)
    _require(conn, actor, int(row.agency_id), operation)
    new_roles = sorted(row.roles or []) if roles is None else roles
    new_disabled = bool(row.disabled) if disabled is None else disabled
    if _would_orphan(conn, row, new_roles, new_disabled):
        raise ThreadlineError("refused: that would leave the store without an administrator")
    values: dict[str, Any] = {"roles": new_roles}
    if os_cleared is not None:
        values["os_cleared"] = os_cleared
    if disabled is not None:
        values["disabled"] = disabled
    conn.execute(sa.update(t.users).where(t.users.c.id == row.id).values(**values))
    detail = {"username": username, **values}
    audit(conn, actor, "administration", operation, detail=detail)
    return _info(_user(conn, username))


def set_password(conn: Connection, actor: Actor, username: str, password: str) -> UserInfo:
    """Give `username` a new password: the user themselves, or an administrator of their
    agency. Their browser sessions end, so that an old password's sessions do not live on."""
    row = _user(conn, username)
    if int(row.id) != actor.user_id:
        _require(conn, actor, int(row.agency_id), "users.password")
    conn.execute(
        sa.update(t.users)
        .where(t.users.c.id == row.id)
        .values(password_hash=hash_password(password))
    )
    conn.execute(
        sa.update(t.web_sessions)
        .where(t.web_sessions.c.user_id == row.id, t.web_sessions.c.ended_at.is_(None))
        .values(ended_at=sa.func.now())
    )
    audit(conn, actor, "administration", "users.password", detail={"username": username})
    return _info(_user(conn, username))


def set_disabled(conn: Connection, actor: Actor, username: str, disabled: bool) -> UserInfo:
    """Disable a user (they can no longer act at all) or enable them again."""
    operation = "users.disable" if disabled else "users.enable"
    return _change(conn, actor, username, operation, disabled=disabled)


def grant(
    conn: Connection, actor: Actor, username: str, roles: Iterable[str], *, os_cleared: bool = False
) -> UserInfo:
    """Give a user roles and, with `os_cleared`, OFFICIAL-SENSITIVE clearance."""
    current = set(_user(conn, username).roles or [])
    return _change(
        conn,
        actor,
        username,
        "users.grant",
        roles=sorted(current | parse_roles(roles)),
        os_cleared=True if os_cleared else None,
    )


def revoke(
    conn: Connection, actor: Actor, username: str, roles: Iterable[str], *, os_cleared: bool = False
) -> UserInfo:
    """Take roles and, with `os_cleared`, OFFICIAL-SENSITIVE clearance away from a user."""
    current = set(_user(conn, username).roles or [])
    return _change(
        conn,
        actor,
        username,
        "users.revoke",
        roles=sorted(current - parse_roles(roles)),
        os_cleared=False if os_cleared else None,
    )
