"""Match review: the queue page by page, and two records side by side to judge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.api.deps import ViewDep
from threadline.api.explainers import Explainers
from threadline.model.protection import combine
from threadline.read import View
from threadline.read.resolution import (
    entity_name,
    latest_run,
    pair_score,
    protection_of_mentions,
)
from threadline.resolve.explain_store import PairExplainer, summarise
from threadline.resolve.judgements import VERDICTS
from threadline.resolve.review import anchor, judge, review_queue
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PAGE = 20


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    view: ViewDep,
    n: Annotated[int, Query(ge=1, le=500)] = 1,
    done: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    items = review_queue(view, limit=PAGE, offset=(n - 1) * PAGE)
    held = combine(i.protection for i in items) if items else None
    return page(
        request, "review.html",
        {"items": items, "n": n, "page_size": PAGE, "done": done, "section": "review"},
        protection=held,
    )  # fmt: skip


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    view: ViewDep,
    a: Annotated[str, Query(min_length=1, max_length=255)],
    b: Annotated[str, Query(min_length=1, max_length=255)],
    back: Annotated[int, Query(ge=0, le=500)] = 0,
) -> Response:
    left, right = anchor(view, a, "resolve.compare"), anchor(view, b, "resolve.compare")
    run = latest_run(view)
    score = None if run is None else pair_score(view, run.id, left, right)
    sides = [(left, view.statements(left)), (right, view.statements(right))]
    return page(
        request, "compare.html",
        {"sides": sides, "score": score, "left": left, "right": right, "back": back,
         "verdicts": VERDICTS, "section": "review"},
        protection=protection_of_mentions(view, (left, right)),
    )  # fmt: skip


def _explainer(
    request: Request, view: View, a: str, b: str
) -> tuple[str, str, PairExplainer | None]:
    """The two mentions asked about (the user must see both), and the explainer of the latest
    run's model (None when no run has a model)."""
    left, right = anchor(view, a, "resolve.compare"), anchor(view, b, "resolve.compare")
    run = latest_run(view)
    if run is None or not run.model:
        return left, right, None
    explainers: Explainers = request.app.state.explainers
    return left, right, explainers.for_run(view.conn, run)


@router.get("/compare/explain", response_class=HTMLResponse)
def compare_explain(
    request: Request,
    view: ViewDep,
    a: Annotated[str, Query(min_length=1, max_length=255)],
    b: Annotated[str, Query(min_length=1, max_length=255)],
) -> Response:
    """The model's field-by-field reasons, as a fragment the compare page loads."""
    left, right, explainer = _explainer(request, view, a, b)
    explanation, summary = None, None
    if explainer is not None:
        explanation = explainer.explain(left, right)
        if explanation is not None:
            summary = summarise(explanation, lambda mention: entity_name(view, mention))
    view.consulted("resolve.compare.explain", entities=[left, right], action="combination")
    return page(
        request, "explain_fragment.html", {"explanation": explanation, "summary": summary},
        protection=protection_of_mentions(view, (left, right)),
    )  # fmt: skip


@router.get("/review/why", response_class=HTMLResponse)
def review_why(
    request: Request,
    view: ViewDep,
    a: Annotated[str, Query(min_length=1, max_length=255)],
    b: Annotated[str, Query(min_length=1, max_length=255)],
) -> Response:
    """One pair's summary (the strongest evidence for and against), as a fragment each row of
    the queue loads: the page is not held up while the model scores."""
    left, right, explainer = _explainer(request, view, a, b)
    summary = None
    if explainer is not None:
        summary = explainer.summary(left, right, lambda mention: entity_name(view, mention))
    view.consulted("resolve.review.why", entities=[left, right], action="combination")
    return page(
        request, "why_fragment.html", {"summary": summary},
        protection=protection_of_mentions(view, (left, right)),
    )  # fmt: skip


@router.post("/judge")
def judge_form(
    view: ViewDep,
    left: Annotated[str, Form(min_length=1, max_length=255)],
    right: Annotated[str, Form(min_length=1, max_length=255)],
    verdict: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[int, Form(ge=0, le=500)] = 0,
) -> Response:
    made = judge(view, left, right, verdict, reason)
    target = f"/review?n={back}&done={made}" if back else f"/review?done={made}"
    return RedirectResponse(target, status_code=303)
