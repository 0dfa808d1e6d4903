"""Reviewing resolution as one analyst: the queue of uncertain pairs, and judging them.

Everything here reads through the analyst's View: a pair is in their queue only when they may
see both sides, and they may judge only mentions they may see (anything else is "not found",
as for something that does not exist, and the refusal is audited). Judgements are recorded by
`threadline.resolve.judgements` and apply at the next resolution run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadline.model.protection import Protection
from threadline.read.resolution import (
    captions,
    judged_pairs,
    latest_run,
    mention_visible,
    protection_of_mentions,
    uncertain_pairs,
)
from threadline.read.view import View
from threadline.resolve.judgements import record_judgement
from threadline.security.authorise import WRITE_ROLES
from threadline.security.errors import AccessDenied

__all__ = ["ReviewItem", "anchor", "judge", "review_queue"]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One pair of mentions for an analyst to judge."""

    left: str
    right: str
    left_caption: str
    right_caption: str
    probability: float
    joined: bool
    """Whether the latest run put them in one entity."""
    protection: Protection


def anchor(view: View, ident: str, operation: str = "resolve.judge") -> str:
    """A mention id for `ident`: a mention id as given, or the first visible mention of an
    entity. Raises AccessDenied ("not found") for anything the user may not see."""
    mentions = view.mentions(ident)
    if mentions:
        return mentions[0].id
    if mention_visible(view, ident):
        return ident
    raise AccessDenied(
        f"not found: {ident!r} (an entity id or a mention id you may see)",
        action="combination",
        operation=operation,
        entities=[ident],
    )


def judge(view: View, left: str, right: str, verdict: str, reason: str = "") -> int:
    """Record the analyst's judgement on two entities or mentions they may see; its id."""
    if not view.actor.has(*WRITE_ROLES):
        raise AccessDenied(
            "permission denied: judging a match needs the analyst or supervisor role",
            action="combination",
            operation="resolve.judge",
        )
    a, b = anchor(view, left), anchor(view, right)
    return record_judgement(view.conn, view.actor, a, b, verdict, reason.strip())


def review_queue(view: View, *, limit: int = 20, offset: int = 0) -> list[ReviewItem]:
    """The latest run's most uncertain pairs that nobody has judged and the user may see both
    sides of, most uncertain first; `offset` pages through them."""
    run: Any = latest_run(view)
    if run is None:
        return []
    judged = judged_pairs(view)
    wanted = limit + offset
    out: list[ReviewItem] = []
    for left, right, probability, joined in uncertain_pairs(view, run.id, wanted * 5):
        if frozenset((left, right)) in judged:
            continue
        shown = captions(view, (left, right))
        if shown is None:
            continue
        out.append(
            ReviewItem(
                left, right, shown[0], shown[1], float(probability), bool(joined),
                protection_of_mentions(view, (left, right)),
            )
        )  # fmt: skip
        if len(out) >= wanted:
            break
    return out[offset:]
