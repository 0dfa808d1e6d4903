"""Link charts saved to a case, and reopened as their reader may see them now."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.routers.graph import ChartOut, audited_chart
from threadline.graph import GraphFilter
from threadline.graph.charts import chart_of
from threadline.security.cases import chart_layout, list_cases, list_charts, save_chart

__all__ = ["router"]

router = APIRouter(tags=["charts"])


class PlacedNode(BaseModel):
    id: str = Field(min_length=1, max_length=255)
    x: float = 0.0
    y: float = 0.0
    pinned: bool = False


class ChartFilters(BaseModel):
    since: str | None = Field(default=None, max_length=10)
    until: str | None = Field(default=None, max_length=10)
    types: list[str] = Field(default_factory=list, max_length=50)
    grade: str = Field(default="", max_length=3)
    agencies: list[str] = Field(default_factory=list, max_length=50)


class ChartIn(BaseModel):
    """A chart as drawn: which nodes, where, and the filters it was drawn with."""

    case: str = Field(min_length=1, max_length=255)
    name: str = Field(min_length=1, max_length=255)
    nodes: list[PlacedNode] = Field(max_length=2000)
    filters: ChartFilters = Field(default_factory=ChartFilters)


class SavedChartOut(BaseModel):
    id: int
    case: str
    name: str
    saved_by: str
    saved_at: datetime


class OpenedChartOut(BaseModel):
    """A saved chart as its reader may see it now: nodes they may not see are left out."""

    saved: SavedChartOut
    positions: dict[str, PlacedNode]
    chart: ChartOut
    left_out: int


class CaseOut(BaseModel):
    name: str
    description: str
    agency: str


@router.get("/cases", response_model=list[CaseOut])
def get_cases(view: ViewDep) -> list[CaseOut]:
    """The cases you are a member of (or administer)."""
    return [
        CaseOut(name=c.name, description=c.description, agency=c.agency)
        for c in list_cases(view.conn, view.actor)
    ]


@router.post("/charts", response_model=SavedChartOut, status_code=201)
def post_chart(body: ChartIn, view: ViewDep) -> SavedChartOut:
    """Save a chart to a case you are a member of (a chart of that name is replaced)."""
    info = save_chart(view.conn, view.actor, body.case, body.name, body.model_dump(mode="json"))
    return SavedChartOut.model_validate(info, from_attributes=True)


@router.get("/charts", response_model=list[SavedChartOut])
def get_charts(
    view: ViewDep, case: Annotated[str, Query(min_length=1, max_length=255)]
) -> list[SavedChartOut]:
    """The charts saved to a case, newest first."""
    return [
        SavedChartOut.model_validate(i, from_attributes=True)
        for i in list_charts(view.conn, view.actor, case)
    ]


@router.get("/charts/{chart_id}", response_model=OpenedChartOut)
def get_chart(
    request: Request, chart_id: Annotated[int, Path(ge=1, le=2**62)], view: ViewDep
) -> OpenedChartOut:
    """A saved chart reopened through your own graph: what you may not see is not in it."""
    info, layout = chart_layout(view.conn, view.actor, chart_id)
    saved = ChartIn.model_validate({**layout, "case": info.case, "name": info.name})
    f = saved.filters
    cache: GraphCache = request.app.state.graphs
    asked = GraphFilter.asked(_day(f.since), _day(f.until), f.types, f.grade, f.agencies)
    g = cache.graph(view, asked)
    chart = chart_of(g, [n.id for n in saved.nodes])
    shown = {n.id for n in chart.nodes}
    return OpenedChartOut(
        saved=SavedChartOut.model_validate(info, from_attributes=True),
        positions={n.id: n for n in saved.nodes if n.id in shown},
        chart=audited_chart(view, chart, "cases.chart.open"),
        left_out=len(saved.nodes) - len(shown),
    )


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
