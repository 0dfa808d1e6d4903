"""The Priorities pages: rankings for multi-agency visits, network profiles with who knows
what, and a map of premises. Each reads through `threadline.api.priorities` (the View, audited)
and states the marking of what it shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.priorities import MEMBER_FIELDS, networks, premises_map, ranking
from threadline.graph import GraphFilter
from threadline.model.protection import combine
from threadline.read.currency import currency
from threadline.read.rankings import TYPOLOGIES
from threadline.risk.types import typology_label
from threadline.security.authorise import WRITE_ROLES
from threadline.web.maps import label_points, project
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _cache(request: Request) -> GraphCache:
    cache: GraphCache = request.app.state.graphs
    return cache


@router.get("/priorities", response_class=HTMLResponse)
def priorities_page(
    request: Request,
    view: ViewDep,
    top: Annotated[int, Query(ge=1, le=200)] = 20,
    typology: str | None = None,
) -> Response:
    """Premises and businesses ranked by the user's latest stored analysis run, across every
    exploitation type or for the one chosen (the form's "every type" sends it empty)."""
    typology = typology or None
    if typology is not None and typology not in TYPOLOGIES:
        raise HTTPException(422, f"{typology!r} is not an exploitation type")
    premises = ranking(view, "premises", top=top, typology=typology)
    businesses = ranking(view, "business", top=top, typology=typology)
    return page(
        request,
        "priorities.html",
        {
            "run": premises.run,
            "currency": currency(view),
            "rankings": [("Premises", premises), ("Businesses", businesses)],
            "top": top,
            "typology": typology,
            "typologies": [(t, typology_label(t)) for t in TYPOLOGIES],
            "can_analyse": view.actor.has(*WRITE_ROLES),
            "section": "priorities",
            "tab": "ranking",
        },
        protection=combine([premises.protection, businesses.protection]),
    )


@router.get("/networks", response_class=HTMLResponse)
def networks_page(
    request: Request,
    view: ViewDep,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    min_size: Annotated[int, Query(ge=2, le=1000)] = 3,
) -> Response:
    """Network profiles and the who-knows-what matrix over the user's graph."""
    found = networks(view, _cache(request).graph(view, GraphFilter()), top=top, min_size=min_size)
    return page(
        request,
        "networks.html",
        {"found": found, "fields": MEMBER_FIELDS, "top": top, "section": "priorities",
         "tab": "networks", "currency": currency(view)},
        protection=found.protection,
    )  # fmt: skip


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, view: ViewDep) -> Response:
    """Premises on a map where records give coordinates; the rest by postcode district."""
    found = premises_map(view, _cache(request).graph(view, GraphFilter()))
    plotted, width, height = project([(p.latitude, p.longitude) for p in found.points])
    labels = label_points(plotted, [_label(p.label, p.rank) for p in found.points])
    return page(
        request,
        "map.html",
        {
            "found": found,
            "drawn": list(zip(found.points, plotted, labels, strict=True)),
            "width": round(width, 1),
            "height": round(height, 1),
            "section": "priorities",
            "tab": "map",
        },
        protection=found.protection,
    )


def _label(text: str, rank: int | None) -> str:
    return f"{rank}. {text}" if rank else text
