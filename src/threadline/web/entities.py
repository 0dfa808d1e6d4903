"""The entity page: every value with its provenance, links, indicators and timeline."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import ViewDep
from threadline.read.currency import currency
from threadline.read.profile import entity_profile
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, view: ViewDep) -> Response:
    profile = entity_profile(view, entity_id)
    if profile is None:
        raise HTTPException(404, "nothing you may see matches")
    return page(
        request,
        "entity.html",
        {"p": profile, "section": "entity", "currency": currency(view)},
        protection=profile.protection,
    )
