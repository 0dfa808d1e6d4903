"""Rendering the workbench's pages: one Jinja2 environment, the marking banner on every page."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from threadline.model.marking import Marking
from threadline.model.protection import Protection
from threadline.read import View
from threadline.store import Store
from threadline.tracking import unread_count

__all__ = ["STATIC", "TEMPLATES", "page", "render_error"]

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)
"""Autoescaping is on for every template (a value from a record is text, never markup), and a
name a template uses but the page did not give is an error, not a blank."""

_HEADINGS = {
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    422: "That could not be read",
}


def _banner(protection: Protection | None) -> tuple[str, str]:
    """The banner's words and its CSS class: the highest marking on the page, its handling."""
    if protection is None:
        return Marking.OFFICIAL.value, "official"
    words = protection.words()
    css = "sensitive" if protection.marking is not Marking.OFFICIAL else "official"
    return words, css


def _unread(request: Request, status: int) -> int:
    """The signed-in user's unread alerts, counted through their View (one indexed count of
    the alerts whose records they may see). None on an error page, and none for an htmx
    fragment (a poll every second need not count): neither shows the header."""
    principal = getattr(request.state, "principal", None)
    if principal is None or status >= 400 or request.headers.get("hx-request"):
        return 0
    view = getattr(request.state, "view", None)
    if view is not None:  # the request's own View, in its transaction
        return unread_count(view)
    store: Store = request.app.state.store
    with store.connect() as conn:  # a page that reads nothing else (the capture form)
        return unread_count(View(conn, principal.actor))


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    protection: Protection | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render `template`, with the signed-in user, their CSRF token and the marking banner of
    `protection` (what the page shows)."""
    principal = getattr(request.state, "principal", None)
    words, css = _banner(protection)
    values: dict[str, Any] = {
        "user": None if principal is None else principal.actor,
        "csrf": None if principal is None or principal.session is None
        else principal.session.csrf_token,
        "marking": words,
        "marking_class": css,
        "section": "",
        "unread": _unread(request, status),
        **(context or {}),
    }  # fmt: skip
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page: what went wrong in one line, never a stack trace."""
    heading = _HEADINGS.get(status, "Something went wrong")
    return page(
        request,
        "error.html",
        {"status": status, "heading": heading, "message": message},
        status=status,
    )
