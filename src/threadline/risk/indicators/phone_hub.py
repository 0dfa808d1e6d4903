"""One phone number given by many people, or carried by many adverts.

Rule: for each phone, count the people who gave it (``has_phone``) and the adverts that
carry it (records from `advert_sources`). A controller's number on several workers' forms,
or one booking line on many adult-services adverts, is a classic indicator. Everyone who
gave the number (or whose record's text names it) is flagged; people are weighted by the
grade of the evidence tying them to the number, adverts by their own grade (adverts are
untested claims, graded 2D, so ten adverts count 2.4: the advert thresholds are set so).
A finding the adverts score (at least as high as the people do) is about sexual
exploitation: the adverts are for adult services; otherwise its evidence says its typology.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import finding, is_business, is_person, ramp, tally
from threadline.risk.types import Context, Finding, Indicator

NAME = "phone_hub"
DEFAULTS = {
    "weight": 0.8,
    "threshold": 3,
    "full": 8,
    "advert_threshold": 1.0,
    "advert_full": 2.4,
    "advert_sources": ["osint_adverts"],
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on the people who share a much-used phone number."""
    p = ctx.params(NAME)
    advert_sources = set(p["advert_sources"])
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] != "Phone":
            continue
        holders: dict[int, set[int]] = {}
        from_text: set[int] = set()
        for other, edge in ctx.neighbours(index, ("has_phone", "mentions_phone")):
            if is_person(ctx, other) or is_business(ctx, other):
                holders.setdefault(other, set()).update(ctx.edge_records[edge])
                if ctx.edge_types[edge] == "mentions_phone":
                    from_text.add(other)
        adverts = {
            r
            for r in ctx.graph.vs[index]["records"]
            if r in ctx.records and ctx.records[r].source in advert_sources
        }
        people = tally(ctx, {h: r for h, r in holders.items() if h not in from_text})
        advert_weight = ctx.counted_weight(adverts)
        by_people = ramp(people.weighted, p["threshold"], p["full"])
        by_adverts = ramp(advert_weight, p["advert_threshold"], p["advert_full"])
        score = max(by_people, by_adverts)
        if not score or not holders:
            continue
        caption = ctx.graph.vs[index]["caption"]
        reason = f"the phone {caption} is given by {people.phrase('people')}"
        if adverts:
            reason += (
                f", and carried by {len(adverts)} adverts (counting {advert_weight:.1f} "
                "by their grade)"
            )
        evidence = people.evidence | adverts
        # Adult-services adverts carrying the number make it sexual exploitation's.
        typologies = ("sexual",) if by_adverts >= by_people else ()
        for holder in sorted(holders):
            yield finding(ctx, NAME, holder, score, reason, evidence | holders[holder],
                          [("phone", caption)], typologies=typologies)  # fmt: skip


INDICATOR = Indicator(
    name=NAME,
    title="One phone across many people or adverts",
    rule=(
        "A phone number is given by at least `threshold` people, or carried by at least "
        "`advert_threshold` adverts (records from `advert_sources`), each weighted by evidence "
        "grade; everyone linked to the number is flagged."
    ),
    subjects=("people", "businesses"),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
