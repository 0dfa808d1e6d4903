"""The link chart page: Cytoscape.js over the graph API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import CurrentUser
from threadline.graph.paths import edge_types
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/chart", response_class=HTMLResponse)
def chart_page(request: Request, _user: CurrentUser, focus: str = "") -> Response:
    """The chart holds nothing until the browser asks the API, which reads through the View."""
    return page(
        request,
        "chart.html",
        {"focus": focus[:255], "link_types": edge_types(), "section": "chart"},
    )
