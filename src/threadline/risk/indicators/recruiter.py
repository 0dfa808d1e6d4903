"""A recruiter: the first offender linked to many victims.

Rule: for each victim or potential victim, find the people (not themselves victims) linked to
them by `link_types` (recruited by, accompanied by, associate, exploited by, named in one
record with), and take the one whose link is the earliest on record (its date, else the
report date of its first evidence). A person who is that first link, or is named outright
by a ``recruited_by`` link, for at least `threshold` victims is flagged. Victims are
weighted by the grade of the evidence for the link.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    finding,
    is_person,
    names,
    ramp,
    roles,
    tally,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "recruiter"
DEFAULTS = {
    "weight": 0.8,
    "threshold": 3,
    "full": 6,
    "link_types": ["recruited_by", "accompanied_by", "associate", "exploited_by", "mentioned_with"],
}


def _first_date(ctx: Context, edge: int) -> str:
    dates = [d[:10] for d in ctx.graph.es[edge]["dates"]]
    dates += [
        info.reported_on.isoformat()
        for r in ctx.edge_records[edge]
        if (info := ctx.records.get(r)) is not None and info.reported_on is not None
    ]
    return min(dates) if dates else "9999-12-31"


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on people who are the first offender linked to many victims."""
    p = ctx.params(NAME)
    types = tuple(p["link_types"])
    recruited: dict[int, dict[int, set[int]]] = {}
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index) or not roles(ctx, index) & VICTIM_ROLES:
            continue
        links: dict[int, tuple[str, set[int]]] = {}
        for other, edge in ctx.neighbours(index, types):
            if not is_person(ctx, other) or roles(ctx, other) & VICTIM_ROLES:
                continue
            first = _first_date(ctx, edge)
            if ctx.edge_types[edge] == "recruited_by":
                first = "0000-00-00"  # named outright: always first
            known = links.get(other)
            records = set(ctx.edge_records[edge])
            if known is None or first < known[0]:
                links[other] = (first, records | (known[1] if known else set()))
            else:
                known[1].update(records)
        if not links:
            continue
        earliest = min(first for first, _ in links.values())
        for other, (first, records) in links.items():
            if first == earliest or first == "0000-00-00":
                recruited.setdefault(other, {})[index] = records
    for person, victims in sorted(recruited.items()):
        if len(victims) < p["threshold"]:
            continue
        count = tally(ctx, victims)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        reason = (
            f"the first person linked on record to {count.phrase('victims or potential victims')}"
            f" ({names(ctx, victims)})"
        )
        yield finding(ctx, NAME, person, score, reason, count.evidence,
                      [("victims", str(len(victims)))])  # fmt: skip


INDICATOR = Indicator(
    name=NAME,
    title="Recruiter first linked to many victims",
    rule=(
        "A person (not a victim) is the earliest-dated link of at least `threshold` victims "
        "along `link_types`, or is named by their ``recruited_by`` links, weighted by evidence "
        "grade."
    ),
    subjects=("people",),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
