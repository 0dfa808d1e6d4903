"""The alerts page (what new material matched your watches, unread first) and the watches page
(what you asked to be told about, with the dates they lapse; add one, remove one).

Both read through the user's View (`threadline.tracking`): an alert about a record the user
may not see is neither listed nor counted, and asking to mark it read is answered as for an
alert that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.api.deps import ViewDep
from threadline.errors import ValidationError
from threadline.read import View
from threadline.read.currency import currency
from threadline.security.errors import NotFound
from threadline.tracking import (
    REMIND_DAYS,
    add_watch,
    list_alerts,
    list_watches,
    mark_read,
    remove_watch,
)
from threadline.tracking.alerts import protection
from threadline.tracking.watches import IDENTIFIER_TYPES
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PAGE = 25
NOT_FOUND = "nothing you may see matches"


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, view: ViewDep, n: Annotated[int, Query(ge=1, le=5000)] = 1
) -> Response:
    found = list_alerts(view, unread_first=True, limit=PAGE + 1, offset=(n - 1) * PAGE)
    shown = found[:PAGE]
    return page(
        request, "alerts.html",
        {"alerts": shown, "n": n, "more": len(found) > PAGE, "section": "alerts",
         "currency": currency(view)},
        protection=protection(view, shown) if shown else None,
    )  # fmt: skip


@router.post("/alerts/read")
def alerts_read(
    view: ViewDep,
    alert: Annotated[list[int] | None, Form(max_length=PAGE)] = None,
    every: Annotated[str, Form(alias="all", max_length=8)] = "",
    n: Annotated[int, Form(ge=1, le=5000)] = 1,
) -> Response:
    """Mark the alerts named read, or every one (``all``); back to the same page."""
    if not every and not alert:
        raise HTTPException(422, "choose the alerts to mark read")
    try:
        mark_read(view, None if every else alert)
    except NotFound as missing:
        raise HTTPException(404, NOT_FOUND) from missing
    return RedirectResponse(f"/alerts?n={n}", status_code=303)


def _watches(
    request: Request, view: View, *, entity: str = "", network: bool = False, error: str = "",
    status: int = 200,
) -> Response:  # fmt: skip
    today = date.today()
    return page(
        request, "watches.html",
        {"watches": list_watches(view, today=today), "entity": entity, "network": network,
         "error": error,
         "identifier_types": IDENTIFIER_TYPES, "remind_days": REMIND_DAYS,
         "today": today.isoformat(), "section": "watches"},
        status=status,
    )  # fmt: skip


@router.get("/watches", response_class=HTMLResponse)
def watches_page(
    request: Request,
    view: ViewDep,
    entity: Annotated[str, Query(max_length=255)] = "",
    network: Annotated[bool, Query()] = False,
) -> Response:
    """Your watches; with `entity`, the form to add one is filled in to watch that entity
    (with `network`, the network around it)."""
    return _watches(request, view, entity=entity, network=network)


@router.post("/watches", response_class=HTMLResponse)
def watches_add(
    request: Request,
    view: ViewDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    entity: Annotated[str, Form(max_length=255)] = "",
    network: Annotated[str, Form(max_length=8)] = "",
    identifier_type: Annotated[str, Form(max_length=32)] = "",
    identifier: Annotated[str, Form(max_length=255)] = "",
    search: Annotated[str, Form(max_length=200)] = "",
    case: Annotated[str, Form(max_length=255)] = "",
    expires_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Add a watch on the one thing the form names (an entity, or with `network` the network
    around it); a mistake is shown on the form."""
    named = entity.strip() or None
    whole = bool(network) and named is not None
    try:
        expires = date.fromisoformat(expires_on) if expires_on else None
        add_watch(
            view, reason=reason, entity=None if whole else named,
            network=named if whole else None,
            identifier=(identifier_type, identifier) if identifier.strip() else None,
            search=search.strip() or None, case=case.strip() or None, expires_on=expires,
        )  # fmt: skip
    except ValueError as bad:  # ValidationError too; date.fromisoformat's own
        message = str(bad) if isinstance(bad, ValidationError) else "the expiry is not a date"
        return _watches(request, view, entity=entity, network=whole, error=message, status=422)
    except NotFound as missing:
        return _watches(request, view, entity=entity, network=whole, error=str(missing),
                        status=404)  # fmt: skip
    return RedirectResponse("/watches", status_code=303)


@router.post("/watches/{watch_id}/remove")
def watches_remove(view: ViewDep, watch_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    try:
        remove_watch(view.conn, view.actor, watch_id)
    except NotFound as missing:
        raise HTTPException(404, NOT_FOUND) from missing
    return RedirectResponse("/watches", status_code=303)
