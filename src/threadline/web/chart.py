"""The link chart page: Cytoscape.js over the graph API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import ViewDep
from threadline.graph.paths import edge_types
from threadline.read.currency import currency
from threadline.security.cases import list_cases, list_charts
from threadline.security.errors import AccessDenied
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/chart", response_class=HTMLResponse)
def chart_page(
    request: Request, view: ViewDep, focus: str = "", saved: Annotated[int, Query(ge=0)] = 0
) -> Response:
    """The chart holds nothing until the browser asks the API, which reads through the View;
    the page lists the user's cases and the charts saved to them."""
    cases = list_cases(view.conn, view.actor)
    charts = []
    for case in cases:
        try:
            charts.append((case.name, list_charts(view.conn, view.actor, case.name)))
        except AccessDenied:  # a case they administer but are not a member of, or closed
            continue
    return page(
        request, "chart.html",
        {"focus": focus[:255], "link_types": edge_types(), "section": "chart", "cases": cases,
         "saved": charts, "opened": saved, "currency": currency(view)},
    )  # fmt: skip
