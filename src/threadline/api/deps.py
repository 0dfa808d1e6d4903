"""Who is asking, and their View: the dependencies every endpoint and page declares.

A request is signed in by the session cookie (a browser) or a bearer token (another system).
Anything that changes the store, sent with a session cookie, must also carry the session's CSRF
token (the ``X-CSRF-Token`` header, which htmx sends, or a ``csrf_token`` form field). Every
read goes through the acting user's View, in one transaction per request whose refusals are
audited even when the request fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request

from threadline.api.settings import Settings
from threadline.read import View
from threadline.security.actors import Actor
from threadline.security.audit import transaction
from threadline.security.sessions import Session, session_for, token_actor
from threadline.store import Store

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "CurrentUser",
    "NotSignedIn",
    "Principal",
    "RowId",
    "StoreDep",
    "ViewDep",
    "WriteCheck",
    "current_principal",
]

SESSION_COOKIE = "threadline_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotSignedIn(Exception):
    """No live session or token: the API answers 401, a page sends the browser to sign in."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The user behind a request, and their browser session if they came by one."""

    actor: Actor
    session: Session | None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(_store)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def current_principal(request: Request) -> Principal:
    """The signed-in user; raises NotSignedIn when there is none."""
    store = _store(request)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    token = _bearer(request)
    with store.connect() as conn:
        if cookie:
            session = session_for(conn, cookie, idle=_settings(request).idle)
            if session is not None:
                request.state.principal = Principal(session.actor, session)
                return request.state.principal  # type: ignore[no-any-return]
        if token:
            actor = token_actor(conn, token)
            if actor is not None:
                request.state.principal = Principal(actor, None)
                return request.state.principal  # type: ignore[no-any-return]
    raise NotSignedIn


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def _checked(request: Request, principal: PrincipalDep) -> Principal:
    """The principal, once a change sent with a session cookie has shown its CSRF token."""
    if request.method in UNSAFE and principal.session is not None:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent and "form" in request.headers.get("content-type", ""):
            form = await request.form()
            field = form.get(CSRF_FIELD, "")
            sent = field if isinstance(field, str) else ""
        if not secrets.compare_digest(sent, principal.session.csrf_token):
            raise HTTPException(403, "the form has expired or did not come from this site")
    return principal


WriteCheck = Annotated[Principal, Depends(_checked)]
"""The principal of a request allowed to change things (CSRF checked for browsers)."""


def _actor(principal: Annotated[Principal, Depends(_checked)]) -> Actor:
    return principal.actor


CurrentUser = Annotated[Actor, Depends(_actor)]


def _view(request: Request, store: StoreDep, actor: CurrentUser) -> Iterator[View]:
    with transaction(store, actor) as conn:
        request.state.view = View(conn, actor)  # for the page's header: the unread alerts
        yield request.state.view


ViewDep = Annotated[View, Depends(_view, scope="function")]
"""The acting user's View, in one transaction committed before the response is sent (so a
redirect after a write never reaches a page that reads the store before the write lands)."""


RowId = Annotated[int, Path(ge=1, le=2**62)]
"""A row's number in a path (a job, a decision): a positive whole number the databases can
hold, so that a number past 64 bits is refused as invalid, not failed on."""
