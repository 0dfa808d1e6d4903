"""A cash-intensive business in a high-risk sector whose staff are housed together.

Rule: a business in one of the weights file's `sectors` (hand car washes, nail bars,
agriculture, construction, food processing: matched on its sector or licence type, its SIC
code or its name) with at least `threshold` of its staff (``works_for``) living at one
address. Staff are weighted by the grade of the evidence that they work there and live
there. The business and the shared address are flagged. Staff whose pay another
business's payroll return records (and this one's does not) were supplied, and are housed,
by that business: they count `supplied_share` for this business (in full for the address,
which houses them whoever pays them).
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    finding,
    is_business,
    names,
    ramp,
    sector_of,
    tally,
)
from threadline.risk.indicators.business_workers import (
    PAID_ELSEWHERE,
    housed_together,
    supplied_staff,
    workers,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "cash_sector_housed"
DEFAULTS = {"weight": 0.8, "threshold": 2, "full": 5, "supplied_share": 0.5}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on high-risk businesses whose staff live together, and on that address."""
    p = ctx.params(NAME)
    for index in range(ctx.graph.vcount()):
        if not is_business(ctx, index):
            continue
        staff = workers(ctx, index)
        if len(staff) < p["threshold"]:
            continue
        sector = sector_of(ctx, index)
        if sector is None:
            continue
        address, housed = housed_together(ctx, staff)
        supplied = supplied_staff(ctx, index, housed, float(p["supplied_share"]))
        count = tally(ctx, housed)
        own = tally(ctx, housed, factor=supplied, factor_note=PAID_ELSEWHERE)
        home_score = ramp(count.weighted, p["threshold"], p["full"])
        if not home_score:
            continue
        name, matched = sector
        where = ctx.graph.vs[address]["caption"]
        business = ctx.graph.vs[index]["caption"]
        label = name.replace("_", " ")
        values = [("sector", name), ("address", where)]
        score = ramp(own.weighted, p["threshold"], p["full"])
        if score:
            reason = (
                f"a {label} business ({matched!r}) with {own.phrase('staff')} living at "
                f"{where} ({names(ctx, housed)})"
            )
            yield finding(ctx, NAME, index, score, reason, own.evidence, values)
        reason = f"home of staff of {business}, a {label} business: {count.phrase('staff')}"
        yield finding(ctx, NAME, address, home_score, reason, count.evidence, values)


INDICATOR = Indicator(
    name=NAME,
    title="High-risk cash business with staff housed together",
    rule=(
        "A business in a high-risk, cash-intensive sector (weights file `sectors`) has at "
        "least `threshold` staff (weighted by evidence grade) living at one address; the "
        "business and the address are flagged."
    ),
    subjects=("businesses", "premises"),
    evaluate=evaluate,
    defaults=DEFAULTS,
    typology="labour",
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
