"""Resolution review: the queue of uncertain pairs, and analysts' judgements on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from threadline.api.deps import ViewDep
from threadline.api.schemas import ProtectionOut
from threadline.resolve.review import judge, review_queue

__all__ = ["router"]

router = APIRouter(tags=["resolution"])


class ReviewItemOut(BaseModel):
    left: str
    right: str
    left_caption: str
    right_caption: str
    probability: float
    joined: bool
    protection: ProtectionOut


class JudgementIn(BaseModel):
    """An analyst's decision on two entities or mentions they may see."""

    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Literal["same", "different", "unsure"]
    reason: str = Field(default="", max_length=2000)


class JudgementOut(BaseModel):
    id: int
    message: str


@router.get("/review", response_model=list[ReviewItemOut])
def get_review(
    view: ViewDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> list[ReviewItemOut]:
    """The most uncertain unjudged pairs of the latest run that you may see both sides of."""
    return [
        ReviewItemOut(
            left=i.left, right=i.right, left_caption=i.left_caption,
            right_caption=i.right_caption, probability=i.probability, joined=i.joined,
            protection=ProtectionOut.of(i.protection),
        )
        for i in review_queue(view, limit=limit, offset=offset)
    ]  # fmt: skip


@router.post("/judgements", response_model=JudgementOut, status_code=201)
def post_judgement(body: JudgementIn, view: ViewDep) -> JudgementOut:
    """Record a judgement; it beats the model from the next resolution run on."""
    made = judge(view, body.left, body.right, body.verdict, body.reason)
    return JudgementOut(id=made, message="recorded: run `threadline resolve` to apply it")
