"""How the network around an entity changed between two dates: the list and the network at
each date, side by side (Cytoscape.js), reached from the entity page.

The page reads the user's graph at each date through their View
(`threadline.graph.network_change.network_change_seen`, audited as a combination of the records
it rests on) and carries the two networks as JSON data in the page, which the chart script
draws; every member is also listed as text, so nothing is only in the picture.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import ViewDep
from threadline.graph.evidence import protection_of_records
from threadline.graph.network_change import network_change_seen
from threadline.graph.vocabulary import NodeNotFound
from threadline.reports.network_changes import change_elements, node_state
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

DEFAULT_DAYS = 365
"""How far back the first date is unless the user says."""

NOT_FOUND = "nothing you may see matches"


def _day(text: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, "a date is YYYY-MM-DD") from None


@router.get("/entities/{entity_id}/changes", response_class=HTMLResponse)
def network_changes_page(
    request: Request,
    entity_id: str,
    view: ViewDep,
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    """The network around `entity_id` at `from` and at `to` (default: a year ago and today)."""
    second = _day(end, date.today())
    first = _day(start, second - timedelta(days=DEFAULT_DAYS))
    if second < first:
        raise HTTPException(422, "the second date is before the first")
    try:
        change, g = network_change_seen(view, first, second, entity_id[:255])
    except NodeNotFound:
        raise HTTPException(404, NOT_FOUND) from None
    held = protection_of_records(g, change.records)
    members = sorted(change.before.members | change.after.members, key=change.caption)
    return page(
        request, "network_changes.html",
        {"entity_id": entity_id, "caption": change.caption(entity_id), "change": change,
         "first": first.isoformat(), "second": second.isoformat(),
         "members": [(change.caption(n), node_state(change, n)) for n in members],
         "links": [(change.caption(a), kind.replace("_", " "), change.caption(b), state)
                   for state, found in (("new", change.new_links), ("gone", change.gone_links))
                   for a, b, kind in found],
         "elements": change_elements(change), "section": "entity"},
        protection=held,
    )  # fmt: skip
