"""Priorities: premises and businesses ranked for multi-agency visits, where premises are, and
starting the analysis that ranks them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.priorities import premises_map, ranking
from threadline.api.routers.jobs import JobOut, start_job
from threadline.api.schemas import FromLibrary, ProtectionOut
from threadline.graph import GraphFilter
from threadline.read.rankings import RunInfo

__all__ = ["RunOut", "Typology", "router"]

router = APIRouter(tags=["priorities"])


class RunOut(BaseModel):
    """A stored analysis run: when it was made, with which weights, over how much."""

    id: str
    started_at: datetime
    finished_at: datetime | None
    weights_digest: str
    counts: dict[str, Any]

    @classmethod
    def of(cls, run: RunInfo | None) -> RunOut | None:
        if run is None:
            return None
        return cls(id=run.id, started_at=run.started_at, finished_at=run.finished_at,
                   weights_digest=run.weights_digest, counts=dict(run.counts))  # fmt: skip


class PriorityOut(FromLibrary):
    rank: int
    entity_id: str
    caption: str
    kind: str
    score: float
    reasons: list[str]
    indicators: list[str]
    agencies: list[str]
    evidence: list[int]
    grade: str


class PrioritiesOut(BaseModel):
    """One kind's ranking from your latest stored analysis run (run is null when you have
    none: start one with POST /priorities/runs)."""

    kind: Literal["premises", "business"]
    typology: str | None = None
    """The exploitation type ranked for (null: across every type)."""
    run: RunOut | None
    entries: list[PriorityOut]
    protection: ProtectionOut


class PointOut(FromLibrary):
    entity_id: str
    label: str
    latitude: float
    longitude: float
    postcode: str | None
    camera: bool
    rank: int | None


class DistrictOut(BaseModel):
    district: str
    premises: list[str]
    ranked: int


class MapOut(BaseModel):
    """Premises with coordinates (and ANPR camera sites, marked), the rest by district."""

    points: list[PointOut]
    districts: list[DistrictOut]
    premises: int
    located: int
    unplaced: int
    cameras: int
    run: RunOut | None
    protection: ProtectionOut


Typology = Literal["labour", "sexual", "criminal", "domestic_servitude", "organ_harvesting"]
"""The exploitation types a ranking may be asked for (`threadline.read.rankings.TYPOLOGIES`)."""


@router.get("/priorities", response_model=PrioritiesOut)
def get_priorities(
    view: ViewDep,
    kind: Literal["premises", "business"] = "premises",
    top: Annotated[int, Query(ge=1, le=500)] = 20,
    typology: Typology | None = None,
) -> PrioritiesOut:
    """Premises or businesses ranked for multi-agency visits by your latest stored analysis,
    with reasons, agencies and evidence grades; an entry only when you may see all of its
    evidence. With `typology`, the ranking for that exploitation type: only findings about
    it, and those about no one type, count."""
    found = ranking(view, kind, top=top, typology=typology)
    return PrioritiesOut(
        kind=kind,
        typology=typology,
        run=RunOut.of(found.run),
        entries=[PriorityOut.model_validate(p) for p in found.entries],
        protection=ProtectionOut.of(found.protection),
    )


@router.post("/priorities/runs", response_model=JobOut, status_code=202)
def post_run(view: ViewDep) -> JobOut:
    """Start an analysis of what you may see, stored as a run (needs the analyst or supervisor
    role). It runs as a job: follow it at /jobs/{id}; its result names the run."""
    return start_job(view, "analyse")


@router.get("/premises/map", response_model=MapOut)
def get_premises_map(request: Request, view: ViewDep) -> MapOut:
    """Where the premises you may see are: coordinates when a record gives them (nothing is
    guessed), otherwise their postcode district."""
    cache: GraphCache = request.app.state.graphs
    found = premises_map(view, cache.graph(view, GraphFilter()))
    return MapOut(
        points=[PointOut.model_validate(p) for p in found.points],
        districts=[
            DistrictOut(district=d.district, premises=[e for e, _ in d.premises], ranked=d.ranked)
            for d in found.districts
        ],
        premises=found.premises,
        located=found.located,
        unplaced=found.unplaced,
        cameras=found.cameras,
        run=RunOut.of(found.run),
        protection=ProtectionOut.of(found.protection),
    )
