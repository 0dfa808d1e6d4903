"""The graph: an entity's neighbourhood, the path between two entities, a community."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.schemas import FromLibrary, ProtectionOut
from threadline.graph import GraphFilter
from threadline.graph.charts import Chart, neighbourhood, path_chart
from threadline.read import View

__all__ = ["ChartOut", "audited_chart", "router"]

router = APIRouter(prefix="/graph", tags=["graph"])


class NodeOut(FromLibrary):
    id: str
    label: str
    kind: str
    schema_name: str
    entity_ids: list[str]
    roles: list[str]
    records: int
    community: int | None


class EdgeOut(FromLibrary):
    id: str
    source: str
    target: str
    type: str
    grade: str
    start: str | None
    end: str | None
    records: list[int]
    extracted: bool


class StepOut(FromLibrary):
    source: str
    target: str
    sentence: str
    grade: str
    records: list[int]
    agencies: list[str]


class ChartOut(BaseModel):
    """Nodes and edges for a link chart, and the protection of what they show."""

    nodes: list[NodeOut]
    edges: list[EdgeOut]
    protection: ProtectionOut
    truncated: int
    path: list[str]
    steps: list[StepOut]

    @classmethod
    def of(cls, chart: Chart) -> ChartOut:
        return cls(
            nodes=[
                NodeOut(
                    id=n.id, label=n.label, kind=n.kind, schema_name=n.schema,
                    entity_ids=list(n.entity_ids), roles=list(n.roles), records=n.records,
                    community=n.community,
                )
                for n in chart.nodes
            ],
            edges=[EdgeOut.model_validate(e) for e in chart.edges],
            protection=ProtectionOut.of(chart.protection),
            truncated=chart.truncated,
            path=list(chart.path),
            steps=[StepOut.model_validate(s) for s in chart.steps],
        )  # fmt: skip


def _cache(request: Request) -> GraphCache:
    cache: GraphCache = request.app.state.graphs
    return cache


def audited_chart(view: View, chart: Chart, operation: str) -> ChartOut:
    view.consulted(
        operation,
        records={r for e in chart.edges for r in e.records},
        entities=[i for n in chart.nodes for i in n.entity_ids],
        action="combination",
    )
    return ChartOut.of(chart)


Since = Annotated[date | None, Query(alias="from", description="Evidence on or after (ISO).")]
Until = Annotated[date | None, Query(alias="to", description="Evidence on or before (ISO).")]
Types = Annotated[list[str], Query(alias="type", description="Keep only these link types.")]
Grade = Annotated[str, Query(max_length=3, description="Lowest grade kept, e.g. 2B.")]
Agencies = Annotated[list[str], Query(alias="agency", description="Only these agencies.")]


@router.get("/neighbourhood", response_model=ChartOut)
def get_neighbourhood(
    request: Request,
    view: ViewDep,
    entity: Annotated[str, Query(min_length=1, max_length=255)],
    hops: Annotated[int, Query(ge=0, le=3)] = 1,
    group: bool = False,
    since: Since = None,
    until: Until = None,
    types: Types = [],  # noqa: B006 - FastAPI copies a default list per request
    grade: Grade = "",
    agencies: Agencies = [],  # noqa: B006 - as above
) -> ChartOut:
    """An entity (or shared identifier) and what lies within `hops` hops of it."""
    g = _cache(request).graph(view, GraphFilter.asked(since, until, types, grade, agencies))
    return audited_chart(
        view, neighbourhood(g, entity, hops=hops, group=group), "graph.neighbourhood"
    )


@router.get("/path", response_model=ChartOut, responses={404: {"description": "no path"}})
def get_path(
    request: Request,
    view: ViewDep,
    source: Annotated[str, Query(min_length=1, max_length=255)],
    target: Annotated[str, Query(min_length=1, max_length=255)],
    since: Since = None,
    until: Until = None,
    types: Types = [],  # noqa: B006 - FastAPI copies a default list per request
    grade: Grade = "",
    agencies: Agencies = [],  # noqa: B006 - as above
    through_referrers: Annotated[
        bool, Query(description="Also paths through a body that only referred or reported.")
    ] = False,
) -> ChartOut:
    """The shortest, best-evidenced path between two entities, each hop in words; not through
    a body that only referred or reported someone (an NRM first responder, a caller) unless
    `through_referrers`."""
    g = _cache(request).graph(view, GraphFilter.asked(since, until, types, grade, agencies))
    chart = path_chart(g, source, target, through_referrers=through_referrers)
    if chart is None:
        view.consulted("graph.path", outcome="denied", detail={"reason": "no path"})
        raise HTTPException(404, "no path between them in what you may see")
    return audited_chart(view, chart, "graph.path")
