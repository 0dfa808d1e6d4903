"""Watches and alerts: what you asked to be told about, and the new material that matched.

The same library functions as `threadline watch` and `threadline alerts`
(`threadline.tracking`): alerts are read through your View, so an alert about a record you
may not see is neither listed, counted nor found by its id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field

from threadline.api.deps import ViewDep
from threadline.api.schemas import ProtectionOut
from threadline.security.errors import NotFound
from threadline.tracking import add_watch, list_alerts, list_watches, mark_read, remove_watch
from threadline.tracking.alerts import Alert, protection
from threadline.tracking.watches import Watch

__all__ = ["router"]

router = APIRouter(tags=["alerts"])

NOT_FOUND = "nothing you may see matches"

IdPath = Annotated[int, Path(ge=1, le=2**62)]


class AlertsOut(BaseModel):
    """Your alerts, newest first, with the protection of the records behind them."""

    protection: ProtectionOut
    alerts: list[Alert]


class MarkedOut(BaseModel):
    marked: list[int]


class WatchIn(BaseModel):
    """Watch one thing: an entity by id, the network around an entity (by its id), an
    identifier (type and value) or a search."""

    reason: str = Field(min_length=1, max_length=2000)
    entity: str | None = Field(default=None, max_length=255)
    network: str | None = Field(default=None, max_length=255)
    identifier_type: str | None = Field(default=None, max_length=32)
    identifier: str | None = Field(default=None, max_length=255)
    search: str | None = Field(default=None, max_length=200)
    case: str | None = Field(default=None, max_length=255)
    expires_on: date | None = None


@router.get("/alerts", response_model=AlertsOut)
def get_alerts(
    view: ViewDep,
    unread: Annotated[bool, Query(description="Only those not yet read.")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AlertsOut:
    """Your alerts about records you may see, newest first."""
    found = list_alerts(view, unread=unread, limit=limit)
    return AlertsOut(protection=ProtectionOut.of(protection(view, found)),
                     alerts=found)  # fmt: skip


@router.post("/alerts/{alert_id}/read", response_model=MarkedOut,
             responses={404: {"description": NOT_FOUND}})  # fmt: skip
def post_read(view: ViewDep, alert_id: IdPath) -> MarkedOut:
    """Mark one of your alerts read."""
    try:
        return MarkedOut(marked=mark_read(view, [alert_id]))
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None


@router.get("/watches", response_model=list[Watch])
def get_watches(view: ViewDep) -> list[Watch]:
    """Your watches and your cases' watches, soonest to lapse first."""
    return list_watches(view)


@router.post("/watches", status_code=201, response_model=Watch,
             responses={404: {"description": NOT_FOUND}})  # fmt: skip
def post_watch(view: ViewDep, body: WatchIn) -> Watch:
    """Watch an entity you may see, the network around one (members joining and leaving),
    an identifier or a search, for yourself or (``case``)
    for a case you are a member of; it lapses on ``expires_on`` (90 days by default)."""
    identifier = None
    if body.identifier_type is not None or body.identifier is not None:
        identifier = (body.identifier_type or "", body.identifier or "")
    try:
        watch = add_watch(
            view, reason=body.reason, entity=body.entity, network=body.network,
            identifier=identifier,
            search=body.search, case=body.case, expires_on=body.expires_on,
        )  # fmt: skip
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None
    return watch


@router.delete("/watches/{watch_id}", status_code=204, responses={404: {"description": NOT_FOUND}})
def delete_watch(view: ViewDep, watch_id: IdPath) -> Response:
    """Remove one of your watches, and its alerts."""
    try:
        remove_watch(view.conn, view.actor, watch_id)
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None
    return Response(status_code=204)
