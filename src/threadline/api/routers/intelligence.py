"""Intelligence capture: one report in the national 3x5x2 shape, saved as ingest saves a row."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from threadline.api.deps import ViewDep
from threadline.ingest.capture import (
    CaptureError,
    IntelligenceReport,
    capture_with,
    identifiers_in,
)
from threadline.jobs.intake import start_update
from threadline.security.errors import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/intelligence", tags=["intelligence"])


class NarrativeIn(BaseModel):
    narrative: str = Field(max_length=100_000)


class FoundOut(BaseModel):
    kind: str
    text: str
    start: int
    end: int
    value: str | None
    prop: str | None


@router.post("", status_code=201, responses={404: {"description": "a subject not found"}})
def post_intelligence(
    report: IntelligenceReport, view: ViewDep, update: Annotated[bool, Query()] = True
) -> dict[str, Any]:
    """Capture one intelligence report; errors name the field at fault. Then, unless
    ``update=false``, a job (``update_job``; follow it at ``/jobs/{id}``) brings resolution
    and your analysis up to date, as ``threadline capture`` does, and with them the alerts."""
    try:
        saved = capture_with(view, report)
    except CaptureError as refused:
        raise HTTPException(422, [{"loc": ["body", *refused.field.split(".")],
                                   "msg": refused.reason}]) from None  # fmt: skip
    except NotFound as missing:
        raise HTTPException(404, str(missing)) from None
    job = start_update(view) if update and not saved.already_held else None
    return {**saved.as_dict(), "update_job": job}


@router.post("/identifiers", response_model=list[FoundOut])
def post_identifiers(body: NarrativeIn, _view: ViewDep) -> list[FoundOut]:
    """The identifiers the extractor finds in a narrative, for the author to confirm."""
    return [
        FoundOut(kind=f.kind, text=f.text, start=f.start, end=f.end, value=f.value, prop=f.prop)
        for f in identifiers_in(body.narrative)
    ]
