"""Sessions, the lockout and bearer tokens, on both databases (security/sessions.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from threadline.errors import ValidationError
from threadline.security.actors import Actor
from threadline.security.errors import AccessDenied
from threadline.security.sessions import (
    IDLE,
    LOCKOUT_FAILURES,
    LOCKOUT_FOR,
    REFUSED,
    SignInRefused,
    add_token,
    list_tokens,
    revoke_token,
    session_for,
    sign_in,
    token_actor,
)
from threadline.security.users import add_user, set_disabled, set_password
from threadline.store import Store
from threadline.store import tables as t

from ..conftest import TEST_PASSWORD

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def ana(store: Store, admin: Actor) -> Actor:
    """The administrator `root`, once they have added the analyst `ana`."""
    with store.connect() as conn:
        add_user(conn, admin, "ana", "local", ["analyst"], password=TEST_PASSWORD)
    return admin


def _events(store: Store, operation: str) -> list[str]:
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.audit_events.c.outcome).where(t.audit_events.c.operation == operation)
        )
        return [str(r) for r in rows.scalars()]


def test_a_session_lives_while_used_and_ends_when_idle(store: Store, ana: Actor) -> None:
    with store.connect() as conn:
        secret, session = sign_in(conn, "ana", TEST_PASSWORD, now=NOW)
    assert session.actor.username == "ana"
    with store.connect() as conn:
        later = session_for(conn, secret, now=NOW + IDLE - timedelta(minutes=1))
        assert later is not None and later.csrf_token == session.csrf_token
        assert session_for(conn, "not-the-secret", now=NOW) is None
    with store.connect() as conn:  # idle too long since the last use
        assert session_for(conn, secret, now=NOW + 2 * IDLE) is None
    with store.connect() as conn:  # and it stays ended
        assert session_for(conn, secret, now=NOW + IDLE) is None
    assert _events(store, "web.sign-in") == ["allowed"]


def test_the_database_holds_no_session_secret(store: Store, ana: Actor) -> None:
    with store.connect() as conn:
        secret, _ = sign_in(conn, "ana", TEST_PASSWORD)
        stored = conn.execute(sa.select(t.web_sessions.c.token_hash)).scalars().all()
    assert secret not in stored and len(stored) == 1


def test_failures_lock_a_name_for_a_while_whether_or_not_it_exists(
    store: Store, ana: Actor
) -> None:
    for name in ("ana", "ghost"):
        for n in range(LOCKOUT_FAILURES):
            with store.connect() as conn, pytest.raises(SignInRefused, match=REFUSED):
                sign_in(conn, name, "wrong", now=NOW + timedelta(seconds=n))
    with store.connect() as conn, pytest.raises(SignInRefused, match=REFUSED):
        sign_in(conn, "ana", TEST_PASSWORD, now=NOW + timedelta(minutes=1))
    with store.connect() as conn:  # the lock lapses
        sign_in(conn, "ana", TEST_PASSWORD, now=NOW + LOCKOUT_FOR + timedelta(minutes=1))
    refusals = _events(store, "web.sign-in")
    assert refusals.count("denied") == 2 * LOCKOUT_FAILURES + 1


def test_disabling_a_user_or_changing_their_password_ends_their_sessions(
    store: Store, ana: Actor
) -> None:
    with store.connect() as conn:
        first, _ = sign_in(conn, "ana", TEST_PASSWORD)
        set_disabled(conn, ana, "ana", True)
        assert session_for(conn, first) is None
        set_disabled(conn, ana, "ana", False)
    with store.connect() as conn:
        second, _ = sign_in(conn, "ana", TEST_PASSWORD)
        set_password(conn, ana, "ana", "a brand new long password")
        assert session_for(conn, second) is None
        with pytest.raises(SignInRefused):
            sign_in(conn, "ana", TEST_PASSWORD)


def test_tokens_act_until_revoked_or_expired(store: Store, ana: Actor) -> None:
    with store.connect() as conn:
        mine = add_token(conn, ana, "nightly", days=1, now=NOW)
        theirs = add_token(conn, ana, "feed", username="ana", days=30, now=NOW)
        assert token_actor(conn, mine, now=NOW + timedelta(hours=1)) == ana
        assert token_actor(conn, mine, now=NOW + timedelta(days=2)) is None  # expired
        assert token_actor(conn, theirs, now=NOW).username == "ana"
        with pytest.raises(ValidationError, match="already has"):
            add_token(conn, ana, "nightly")
        assert [i.name for i in list_tokens(conn, ana, username="ana")] == ["feed"]
        revoke_token(conn, ana, "feed", username="ana")
        assert token_actor(conn, theirs, now=NOW) is None


def test_nobody_manages_another_agencys_tokens(store: Store, admin: Actor) -> None:
    with store.connect() as conn:
        add_user(conn, admin, "ana", "local", ["analyst"], password=TEST_PASSWORD)
        add_user(conn, admin, "ola", "local", ["analyst"], password=TEST_PASSWORD)
    from threadline.security.actors import load_actor

    with store.connect() as conn:
        ola = load_actor(conn, "ola")
        assert ola is not None
        with pytest.raises(AccessDenied):
            add_token(conn, ola, "sneaky", username="ana")
        with pytest.raises(AccessDenied):
            list_tokens(conn, ola, username="ana")
