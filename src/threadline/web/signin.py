"""Signing in and out of the workbench, and its start page."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.api.deps import SESSION_COOKIE, StoreDep, ViewDep, WriteCheck
from threadline.api.graphs import GraphCache
from threadline.api.settings import Settings
from threadline.read.holdings import counts
from threadline.security.sessions import SignInRefused, sign_in, sign_out
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "threadline_login"
"""A one-time token tying the sign-in form to the browser that fetched it (login CSRF)."""


def _safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, *, next_: str, username: str = "", error: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        "login.html",
        {"login_csrf": token, "next": _safe_next(next_), "username": username, "error": error},
        status=status,
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next_=next)


@router.post("/login")
def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=128)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(
            request, next_=next, username=username,
            error="The sign-in form had expired. Please try again.", status=403,
        )  # fmt: skip
    try:
        with store.connect() as conn:
            secret, session = sign_in(conn, username, password)
    except SignInRefused as refused:
        return _login_page(request, next_=next, username=username, error=f"{refused}.", status=401)
    graphs: GraphCache = request.app.state.graphs
    graphs.warm(store, session.actor)  # their first chart need not wait for it
    settings: Settings = request.app.state.settings
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="strict",
        secure=settings.secure_cookies, path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(store: StoreDep, principal: WriteCheck) -> Response:
    if principal.session is not None:
        with store.connect() as conn:
            sign_out(conn, principal.session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, view: ViewDep) -> Response:
    held = counts(view)
    return page(request, "home.html", {"held": held, "section": "home"})
