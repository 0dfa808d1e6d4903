"""Usernames and agency codes are plain tokens, matched whole: a trailing newline, a space, a
capital or a control character never becomes part of a name that reaches the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from threadline.errors import ValidationError
from threadline.security import Actor, transaction
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t
from threadline.untrusted import valid_agency_code

REFUSED_NAMES = [
    "ana\n",  # the finding: `users add` took a trailing newline ($ matches before it)
    "ana\r\n",
    "ana\x1b[2J",
    " ana",
    "ana smith",
    "Ana",
    "ana@met",
    ".ana",
    "a" * 65,
    "",
]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_username_that_is_not_a_plain_token_is_refused(
    store: Store, admin: Actor, name: str
) -> None:
    with pytest.raises(ValidationError, match="username"), transaction(store, admin) as conn:
        add_user(conn, admin, name, "local", ["viewer"])
    with store.connect() as conn:
        names = set(conn.execute(sa.select(t.users.c.username)).scalars())
    assert names == {"analyst", "root"}


@pytest.mark.parametrize("name", ["ana", "ana.smith", "a-1_b", "7", "a" * 64])
def test_plain_usernames_are_accepted(store: Store, admin: Actor, name: str) -> None:
    with transaction(store, admin) as conn:
        assert add_user(conn, admin, name, "local", ["viewer"]).username == name


@pytest.mark.parametrize("code", ["met\n", "Met", "met police", "-met", "m" * 65, ""])
def test_a_new_agency_code_that_is_not_a_plain_token_is_refused(
    store: Store, admin: Actor, code: str
) -> None:
    with pytest.raises(ValidationError, match="agency code"), transaction(store, admin) as conn:
        add_user(conn, admin, "boss", code, ["administrator"], agency_name="Metropolitan")
    assert not valid_agency_code(code)
    with store.connect() as conn:
        assert set(conn.execute(sa.select(t.agencies.c.code)).scalars()) == {"local"}
