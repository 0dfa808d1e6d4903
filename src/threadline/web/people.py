"""The People page: potential victims (by default those no agency has recognised) and
potential suspects, each with reasons in words, grades and agencies, the action it suggests
and the analyst's confirm or dismiss with a reason. Reads through
`threadline.people.shown` (the View, audited) and states the marking of what it shows."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.api.deps import ViewDep
from threadline.api.graphs import GraphCache
from threadline.graph import GraphFilter
from threadline.people.shown import decide, people_shown, withdraw
from threadline.read.currency import currency
from threadline.security.authorise import WRITE_ROLES
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    view: ViewDep,
    top: Annotated[int, Query(ge=1, le=200)] = 20,
    everyone: Annotated[bool, Query(alias="all")] = False,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Both rankings, computed now over the user's graph (from the server's cache)."""
    cache: GraphCache = request.app.state.graphs
    found = people_shown(view, unrecognised=not everyone, top=top,
                         graph=cache.graph(view, GraphFilter()))  # fmt: skip
    return page(
        request,
        "people.html",
        {
            "victims": found.sides["victim"],
            "suspects": found.sides["suspect"],
            "unrecognised": found.unrecognised,
            "top": top,
            "done": done,
            "can_decide": view.actor.has(*WRITE_ROLES),
            "currency": currency(view),
            "section": "priorities",
            "tab": "people",
        },
        protection=found.protection,
    )


def _back(everyone: bool, done: str) -> RedirectResponse:
    query = "all=true&" if everyone else ""
    return RedirectResponse(f"/people?{query}done={done}", status_code=303)


@router.post("/people/decide")
def decide_form(
    view: ViewDep,
    entity: Annotated[str, Form(min_length=1, max_length=255)],
    side: Annotated[Literal["victim", "suspect"], Form()],
    decision: Annotated[Literal["confirmed", "dismissed"], Form()],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    everyone: Annotated[bool, Form(alias="all")] = False,
) -> Response:
    """Record the analyst's decision, then back to the page."""
    decide(view, entity, side, decision, reason)
    return _back(everyone, decision)


@router.post("/people/withdraw")
def withdraw_form(
    view: ViewDep,
    decision: Annotated[int, Form(ge=1)],
    everyone: Annotated[bool, Form(alias="all")] = False,
) -> Response:
    """Withdraw a decision of the user's agency, then back to the page."""
    withdraw(view, decision)
    return _back(everyone, "withdrawn")
