"""Signing in to the workbench and the API: sessions, the lockout, and bearer tokens.

A browser signs in with a user's argon2 password and gets a session: a random secret in an
HttpOnly cookie, of which only the SHA-256 is stored, with its own CSRF token. A session ends
at sign-out, after `IDLE` without use, or as soon as its user is disabled. Other systems use a
bearer token, made by `threadline tokens add`, that acts as one user until it expires or is
revoked; again only its hash is kept, so a copy of the database signs nobody in.

Failed sign-ins are counted per name typed, whether or not such a user exists: after
`LOCKOUT_FAILURES` failures within `LOCKOUT_WINDOW` the name is locked for `LOCKOUT_FOR`, and a
locked name is refused with the same words as a wrong password. Every sign-in, refusal,
sign-out and token change is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.actors import Actor, load_actor, refresh_actor
from threadline.security.audit import audit, log_refusal
from threadline.security.errors import AccessDenied
from threadline.security.users import may_administer, password_matches
from threadline.store import tables as t
from threadline.store.database import aware

__all__ = [
    "IDLE",
    "LOCKOUT_FAILURES",
    "LOCKOUT_FOR",
    "LOCKOUT_WINDOW",
    "REFUSED",
    "Session",
    "SignInRefused",
    "TokenInfo",
    "add_token",
    "list_tokens",
    "revoke_token",
    "session_for",
    "sign_in",
    "sign_out",
    "token_actor",
]

IDLE = timedelta(minutes=30)
"""A session unused this long is over: an unattended screen does not stay signed in."""
NOTE_USE = timedelta(minutes=1)
"""A session's use is written at most this often: the idle timeout is kept to the minute, and
a request does not take the embedded store's one write lock just to say it was made."""
LOCKOUT_FAILURES = 5
"""Failed sign-ins for one name, within `LOCKOUT_WINDOW`, that lock it."""
LOCKOUT_WINDOW = timedelta(minutes=15)
"""How far back failures are counted."""
LOCKOUT_FOR = timedelta(minutes=15)
"""How long a locked name stays locked (each further try while locked is refused unchecked)."""
TOKEN_DAYS = 90
"""A bearer token's default life: long enough for a partner's nightly job, not for ever."""
REFUSED = "unknown user or wrong password"
"""The one answer to every failed sign-in: it does not tell who exists or who is locked."""


class SignInRefused(ThreadlineError):
    """A sign-in that did not succeed; the message is always `REFUSED`."""


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: who, and the token its forms must send back."""

    id: int
    actor: Actor
    csrf_token: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A bearer token as listed: never the secret itself."""

    name: str
    username: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked: bool


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


# -- the lockout -------------------------------------------------------------------------------


def _locked(conn: Connection, username: str, now: datetime) -> bool:
    row = conn.execute(
        sa.select(t.login_failures).where(t.login_failures.c.username == username)
    ).first()
    until = None if row is None else aware(row.locked_until)
    return until is not None and until > now


def _failed(conn: Connection, username: str, now: datetime) -> None:
    table = t.login_failures
    row = conn.execute(sa.select(table).where(table.c.username == username)).first()
    if row is None or (aware(row.first_at) or now) < now - LOCKOUT_WINDOW:
        conn.execute(sa.delete(table).where(table.c.username == username))
        conn.execute(sa.insert(table).values(username=username, failures=1, first_at=now))
        return
    failures = int(row.failures) + 1
    locked = now + LOCKOUT_FOR if failures >= LOCKOUT_FAILURES else None
    conn.execute(
        sa.update(table)
        .where(table.c.username == username)
        .values(failures=failures, locked_until=locked)
    )


def _refuse(conn: Connection, username: str, reason: str) -> SignInRefused:
    row = conn.execute(
        sa.select(t.users.c.id, t.agencies.c.code)
        .join(t.agencies, t.agencies.c.id == t.users.c.agency_id)
        .where(t.users.c.username == username)
    ).first()
    log_refusal(
        conn,
        user_id=None if row is None else int(row.id),
        username=username[:128],
        agency="" if row is None else str(row.code),
        operation="web.sign-in",
        reason=reason,
    )
    return SignInRefused(REFUSED)


# -- sessions ----------------------------------------------------------------------------------


def sign_in(
    conn: Connection, username: str, password: str, *, now: datetime | None = None
) -> tuple[str, Session]:
    """Check `password` and open a session: the cookie's secret, and the session.

    Raises SignInRefused (after auditing it and counting the failure) for an unknown user, a
    wrong or missing password, a disabled user or a locked name. The caller commits `conn`
    whether or not this raises, so that the failure is counted and logged.
    """
    now = now or _now()
    username = username.strip()
    if not username or _locked(conn, username, now):
        raise _refuse(conn, username, "locked" if username else "no name given")
    if not password or not password_matches(conn, username, password):
        _failed(conn, username, now)
        raise _refuse(conn, username, "wrong credential")
    actor = load_actor(conn, username)
    if actor is None:  # disabled: the password was right, so say nothing more than for a wrong one
        raise _refuse(conn, username, "disabled")
    conn.execute(sa.delete(t.login_failures).where(t.login_failures.c.username == username))
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session_id = conn.execute(
        sa.insert(t.web_sessions)
        .values(
            token_hash=_digest(secret),
            user_id=actor.user_id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
        )
        .returning(t.web_sessions.c.id)
    ).scalar_one()
    audit(conn, actor, "administration", "web.sign-in", detail={"session": int(session_id)})
    return secret, Session(int(session_id), actor, csrf)


def session_for(
    conn: Connection, secret: str, *, idle: timedelta = IDLE, now: datetime | None = None
) -> Session | None:
    """The live session whose cookie holds `secret`, its use noted; None if there is none, it
    has ended, it was idle too long (it is ended now) or its user is disabled."""
    now = now or _now()
    if not secret:
        return None
    row = conn.execute(
        sa.select(t.web_sessions).where(
            t.web_sessions.c.token_hash == _digest(secret), t.web_sessions.c.ended_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    if (aware(row.last_seen_at) or now) < now - idle:
        _end(conn, int(row.id), now)
        return None
    actor = _active(conn, int(row.user_id))
    if actor is None:
        _end(conn, int(row.id), now)
        return None
    if (aware(row.last_seen_at) or now) <= now - NOTE_USE:
        conn.execute(
            sa.update(t.web_sessions).where(t.web_sessions.c.id == row.id).values(last_seen_at=now)
        )
    return Session(int(row.id), actor, str(row.csrf_token))


def sign_out(conn: Connection, session: Session) -> None:
    """End `session` and log it."""
    _end(conn, session.id, _now())
    audit(conn, session.actor, "administration", "web.sign-out", detail={"session": session.id})


def _end(conn: Connection, session_id: int, now: datetime) -> None:
    conn.execute(
        sa.update(t.web_sessions).where(t.web_sessions.c.id == session_id).values(ended_at=now)
    )


def _active(conn: Connection, user_id: int) -> Actor | None:
    username = conn.execute(
        sa.select(t.users.c.username).where(t.users.c.id == user_id)
    ).scalar_one_or_none()
    return None if username is None else load_actor(conn, str(username))


# -- bearer tokens -----------------------------------------------------------------------------


def add_token(
    conn: Connection,
    actor: Actor,
    name: str,
    *,
    username: str | None = None,
    days: int = TOKEN_DAYS,
    now: datetime | None = None,
) -> str:
    """Make a bearer token called `name` acting as `username` (default: `actor`) for `days`
    and return its secret, shown once. A user makes tokens for themselves; an administrator of
    the user's agency for them too."""
    now = now or _now()
    name = name.strip()
    if not name or len(name) > 128:
        raise ValidationError("a token needs a name of 1 to 128 characters")
    if not 1 <= days <= 366:
        raise ValidationError("a token lives from 1 to 366 days")
    owner = _owner(conn, actor, username or actor.username, "tokens.add")
    secret = f"tl_{secrets.token_urlsafe(32)}"
    try:
        with conn.begin_nested():
            conn.execute(
                sa.insert(t.api_tokens).values(
                    name=name,
                    token_hash=_digest(secret),
                    user_id=owner.user_id,
                    created_by=actor.user_id,
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
            )
    except sa.exc.IntegrityError:
        raise ValidationError(f"{owner.username} already has a token called {name!r}") from None
    audit(
        conn, actor, "administration", "tokens.add",
        detail={"token": name, "for": owner.username, "days": days},
    )  # fmt: skip
    return secret


def _owner(conn: Connection, actor: Actor, username: str, operation: str) -> Actor:
    actor = refresh_actor(conn, actor)
    owner = load_actor(conn, username)
    if owner is not None and (
        owner.user_id == actor.user_id or may_administer(conn, actor, owner.agency_id)
    ):
        return owner
    raise AccessDenied(
        f"{actor.username} may not manage the tokens of {username!r}",
        action="administration",
        operation=operation,
    )


def list_tokens(conn: Connection, actor: Actor, *, username: str | None = None) -> list[TokenInfo]:
    """The tokens acting as `username` (default: `actor`), newest first, without secrets."""
    owner = _owner(conn, actor, username or actor.username, "tokens.list")
    rows = conn.execute(
        sa.select(t.api_tokens)
        .where(t.api_tokens.c.user_id == owner.user_id)
        .order_by(t.api_tokens.c.created_at.desc(), t.api_tokens.c.id.desc())
    ).all()
    return [_info(row, owner.username) for row in rows]


def _info(row: Any, username: str) -> TokenInfo:
    return TokenInfo(
        name=str(row.name),
        username=username,
        created_at=aware(row.created_at) or _now(),
        expires_at=aware(row.expires_at) or _now(),
        last_used_at=aware(row.last_used_at),
        revoked=row.revoked_at is not None,
    )


def revoke_token(conn: Connection, actor: Actor, name: str, *, username: str | None = None) -> None:
    """Revoke the token `name` of `username` (default: `actor`) at once."""
    owner = _owner(conn, actor, username or actor.username, "tokens.revoke")
    done = conn.execute(
        sa.update(t.api_tokens)
        .where(
            t.api_tokens.c.user_id == owner.user_id,
            t.api_tokens.c.name == name,
            t.api_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=_now())
    ).rowcount
    if not done:
        raise ValidationError(f"{owner.username} has no live token called {name!r}")
    audit(conn, actor, "administration", "tokens.revoke",
          detail={"token": name, "for": owner.username})  # fmt: skip


def token_actor(conn: Connection, secret: str, *, now: datetime | None = None) -> Actor | None:
    """The user a live bearer token acts as, its use noted; None for any other token."""
    now = now or _now()
    if not secret:
        return None
    row = conn.execute(
        sa.select(t.api_tokens).where(
            t.api_tokens.c.token_hash == _digest(secret), t.api_tokens.c.revoked_at.is_(None)
        )
    ).first()
    if row is None or (aware(row.expires_at) or now) <= now:
        return None
    actor = _active(conn, int(row.user_id))
    if actor is not None:
        conn.execute(
            sa.update(t.api_tokens).where(t.api_tokens.c.id == row.id).values(last_used_at=now)
        )
    return actor
