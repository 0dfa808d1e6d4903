"""Watches and alerts: what you asked to be told about, and the new material that matched.

The same library functions as `threadline watch` and `threadline alerts`
(`threadline.tracking`): alerts are read through your View, so an alert about a record you
may not see is neither listed, counted nor found by its id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

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


class AlertOut(BaseModel):
    """New material that matched a watch: the record, its agency, grade, marking and date,
    and why it matched."""

    id: int
    kind: Literal["record", "mention", "merge", "split", "link"]
    watch_id: int
    watch: str
    reason: str
    entity_id: str | None
    origin: str
    raised_at: str
    read: bool
    record_id: int
    record_key: str
    agency: str
    grade: str
    marking: str
    reported_on: date | None

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert.as_dict())


class AlertsOut(BaseModel):
    """Your alerts, newest first, with the protection of the records behind them."""

    protection: ProtectionOut
    alerts: list[AlertOut]


class MarkedOut(BaseModel):
    marked: list[int]


class WatchOut(BaseModel):
    """A watch: what, why, whose, until when; lapsed ones no longer fire, expiring ones are
    flagged so their owner renews them."""

    id: int
    kind: Literal["entity", "identifier", "search"]
    value_type: str
    target: str
    label: str
    reason: str
    owner: str
    case: str | None
    expires_on: date
    lapsed: bool
    expiring: bool

    @classmethod
    def of(cls, watch: Watch) -> WatchOut:
        return cls.model_validate(watch.as_dict())


class WatchIn(BaseModel):
    """Watch one thing: an entity by id, an identifier (type and value) or a search."""

    reason: str = Field(min_length=1, max_length=2000)
    entity: str | None = Field(default=None, max_length=255)
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
                     alerts=[AlertOut.of(a) for a in found])  # fmt: skip


@router.post("/alerts/{alert_id}/read", response_model=MarkedOut,
             responses={404: {"description": NOT_FOUND}})  # fmt: skip
def post_read(view: ViewDep, alert_id: IdPath) -> MarkedOut:
    """Mark one of your alerts read."""
    try:
        return MarkedOut(marked=mark_read(view, [alert_id]))
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None


@router.get("/watches", response_model=list[WatchOut])
def get_watches(view: ViewDep) -> list[WatchOut]:
    """Your watches and your cases' watches, soonest to lapse first."""
    return [WatchOut.of(w) for w in list_watches(view)]


@router.post("/watches", status_code=201, response_model=WatchOut,
             responses={404: {"description": NOT_FOUND}})  # fmt: skip
def post_watch(view: ViewDep, body: WatchIn) -> WatchOut:
    """Watch an entity you may see, an identifier or a search, for yourself or (``case``)
    for a case you are a member of; it lapses on ``expires_on`` (90 days by default)."""
    identifier = None
    if body.identifier_type is not None or body.identifier is not None:
        identifier = (body.identifier_type or "", body.identifier or "")
    try:
        watch = add_watch(
            view, reason=body.reason, entity=body.entity, identifier=identifier,
            search=body.search, case=body.case, expires_on=body.expires_on,
        )  # fmt: skip
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None
    return WatchOut.of(watch)


@router.delete("/watches/{watch_id}", status_code=204, responses={404: {"description": NOT_FOUND}})
def delete_watch(view: ViewDep, watch_id: IdPath) -> Response:
    """Remove one of your watches, and its alerts."""
    try:
        remove_watch(view.conn, view.actor, watch_id)
    except NotFound:
        raise HTTPException(404, NOT_FOUND) from None
    return Response(status_code=204)
