"""The search page (one box for names, dates of birth and identifiers) and the record viewer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from threadline.api.deps import ViewDep
from threadline.errors import ValidationError
from threadline.read.records import show_record
from threadline.read.search import search
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PAGE = 20
KINDS = ("Person", "Company", "Address", "Vehicle", "BankAccount", "UserAccount")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    view: ViewDep,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    n: Annotated[int, Query(ge=1, le=5000)] = 1,
) -> Response:
    results, error = None, ""
    if q.strip():
        try:
            results = search(view, q, kind=kind or None, limit=PAGE, offset=(n - 1) * PAGE)
        except ValidationError as invalid:
            error = str(invalid)
    return page(
        request, "search.html",
        {"q": q, "kind": kind, "kinds": KINDS, "results": results, "n": n, "error": error,
         "section": "search"},
        protection=None if results is None or not results.hits else results.protection,
    )  # fmt: skip


@router.get("/records/{key}", response_class=HTMLResponse)
def record_page(
    request: Request, view: ViewDep, key: Annotated[str, Path(max_length=255)]
) -> Response:
    found = show_record(view, int(key) if key.isdigit() else key)
    if found is None:
        raise HTTPException(404, "nothing you may see matches")
    return page(
        request, "record.html", {"r": found, "section": "search"}, protection=found.protection
    )
