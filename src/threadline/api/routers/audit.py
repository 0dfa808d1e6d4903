"""The audit log, for supervisors and administrators (others: their own events)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from threadline.api.deps import ViewDep
from threadline.read.audit_log import audit_events

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/events")
def get_events(
    view: ViewDep,
    user: Annotated[str | None, Query(max_length=128, description="Events of this user.")] = None,
    entity: Annotated[str | None, Query(max_length=255, description="Who touched it.")] = None,
    record: Annotated[int | None, Query(ge=0, le=2**62, description="Who touched it.")] = None,
    since: Annotated[datetime | None, Query(description="From this date or time (UTC).")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Who did what, when: a supervisor or administrator sees their agency's users' events;
    anyone else only their own. Records and entities you may not see are left out."""
    events = audit_events(
        view,
        username=user,
        entity=entity,
        record=record,
        limit=limit,
        since=None if since is None else since.isoformat(),
    )
    return [asdict(event) for event in events]
