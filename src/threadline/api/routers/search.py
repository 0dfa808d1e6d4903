"""Search, and reading one record as its agency wrote it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from threadline.api.deps import ViewDep
from threadline.read.records import show_record
from threadline.read.search import search

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.get("/search")
def get_search(
    view: ViewDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")],
    kind: Annotated[str | None, Query(max_length=32, description="Person, Address...")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """Names (fuzzy, any order, any script), dates of birth and identifiers in any common
    format: ranked hits with what matched and why, the agencies holding each and its best
    grade. Only what you may see is searched or counted. `total` counts the hits on every
    page; with `at_least` true it is a floor: the name is so common in the store that only the
    holders in the most recent records were compared."""
    return search(view, q, kind=kind, limit=limit, offset=offset).as_dict()


@router.get("/records/{key}", responses={404: {"description": "none you may see"}})
def get_record(view: ViewDep, key: Annotated[str, Path(max_length=255)]) -> dict[str, Any]:
    """One record as its agency wrote it (narrative included), with its grade, handling,
    marking, provenance and the entities its mentions resolved to."""
    found = show_record(view, int(key) if key.isdigit() else key)
    if found is None:
        raise HTTPException(404, "nothing you may see matches")
    return found.as_dict()
