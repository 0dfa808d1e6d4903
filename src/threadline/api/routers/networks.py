"""Networks: the graph's communities profiled, and which agency holds evidence on which."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.priorities import MEMBER_FIELDS, networks
from threadline.api.schemas import FromLibrary, ProtectionOut
from threadline.graph import GraphFilter

__all__ = ["router"]

router = APIRouter(prefix="/graph", tags=["graph"])


class MemberOut(FromLibrary):
    node: str
    label: str
    entity_id: str | None


class NetworkOut(BaseModel):
    community: int
    size: int
    records: int
    first: str | None
    last: str | None
    exploitation: dict[str, int]
    members: dict[str, list[MemberOut]]
    """victims, suspects, associates, other_people, premises, businesses, vehicles, phones,
    emails, accounts."""
    agencies: dict[str, dict[str, int]]
    """Who knows what in this network: agency -> member category -> how many."""


class CommunitiesOut(BaseModel):
    """The largest networks you may see, and who knows what across them."""

    networks: list[NetworkOut]
    found: int
    knows: dict[str, dict[int, int]]
    """Agency -> network -> how many of its members the agency holds evidence on."""
    protection: ProtectionOut


@router.get("/communities", response_model=CommunitiesOut)
def get_communities(
    request: Request,
    view: ViewDep,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    min_size: Annotated[int, Query(ge=1, le=1000)] = 3,
) -> CommunitiesOut:
    """Network profiles (Leiden communities of your graph, largest first): members by role,
    premises, businesses, vehicles, phones; the agencies holding evidence on each."""
    cache: GraphCache = request.app.state.graphs
    found = networks(view, cache.graph(view, GraphFilter()), top=top, min_size=min_size)
    return CommunitiesOut(
        networks=[
            NetworkOut(
                community=n.profile.community, size=n.profile.size, records=n.profile.records,
                first=n.profile.first, last=n.profile.last,
                exploitation=dict(n.profile.exploitation),
                members={
                    key: [MemberOut.model_validate(m) for m in n.members[key]]
                    for key, _ in MEMBER_FIELDS
                },
                agencies=n.profile.agencies,
            )
            for n in found.networks
        ],
        found=found.found,
        knows=found.knows,
        protection=ProtectionOut.of(found.protection),
    )  # fmt: skip
