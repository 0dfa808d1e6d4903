"""People: potential victims (especially those no agency has recognised) and potential
suspects, ranked with reasons, and analysts' decisions on them (docs/people.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from threadline.api.deps import RowId, ViewDep
from threadline.api.graphs import GraphCache
from threadline.api.schemas import FromLibrary, ProtectionOut
from threadline.graph import GraphFilter
from threadline.people.assess import Side
from threadline.people.shown import decide, people_shown, withdraw

__all__ = ["router"]

router = APIRouter(tags=["people"])


class DecisionOut(FromLibrary):
    id: int
    decision: str
    reason: str
    username: str
    at: datetime


class PersonOut(FromLibrary):
    """One person ranked as a potential victim or suspect: never a finding."""

    rank: int
    entity_id: str
    caption: str
    side: str
    role: str
    score: float
    unrecognised: bool
    child: bool
    reasons: list[str]
    signals: list[str]
    agencies: list[str]
    evidence: list[int]
    grade: str
    action: str
    network: int | None
    decision: DecisionOut | None


class PeopleOut(BaseModel):
    """The people rankings you may see, computed now through your View."""

    victims: list[PersonOut] | None
    suspects: list[PersonOut] | None
    unrecognised: bool
    weights_digest: str
    protection: ProtectionOut


class DecisionIn(BaseModel):
    """An analyst's decision on a person's assessment, with why."""

    side: Literal["victim", "suspect"]
    decision: Literal["confirmed", "dismissed"]
    reason: str = Field(min_length=1, max_length=2000)


class DecisionMade(BaseModel):
    id: int


@router.get("/people", response_model=PeopleOut)
def get_people(
    request: Request,
    view: ViewDep,
    role: Literal["victim", "suspect"] | None = None,
    unrecognised: bool = False,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> PeopleOut:
    """Potential victims and potential suspects among what you may see, each with reasons
    (grades and agencies), the action it suggests and your agency's decision on it; with
    `unrecognised`, only the potential victims no record names a victim and no NRM referral
    covers."""
    cache: GraphCache = request.app.state.graphs
    sides: tuple[Side, ...] = (role,) if role else ("victim", "suspect")
    found = people_shown(view, sides=sides, unrecognised=unrecognised, top=top,
                         graph=cache.graph(view, GraphFilter()))  # fmt: skip

    def side(name: str) -> list[PersonOut] | None:
        ranked = found.sides.get(name)
        return None if ranked is None else [PersonOut.model_validate(p) for p in ranked]

    return PeopleOut(
        victims=side("victim"),
        suspects=side("suspect"),
        unrecognised=unrecognised,
        weights_digest=found.weights_digest,
        protection=ProtectionOut.of(found.protection),
    )


@router.post("/people/{entity_id}/decisions", response_model=DecisionMade, status_code=201)
def post_decision(entity_id: str, body: DecisionIn, view: ViewDep) -> DecisionMade:
    """Confirm or dismiss a person's assessment, with a reason (analyst or supervisor; the
    person must be among what you may see). Kept across runs and shown to your agency."""
    return DecisionMade(id=decide(view, entity_id, body.side, body.decision, body.reason))


@router.delete("/people/decisions/{decision_id}", status_code=204)
def delete_decision(decision_id: RowId, view: ViewDep) -> Response:
    """Withdraw a decision of your agency (kept, marked withdrawn)."""
    withdraw(view, decision_id)
    return Response(status_code=204)
