"""Many unrelated adults linked to one residential address (multiple occupancy).

Rule: count the adults living at an address (``lives_at``), treating people joined by a
family link in the records as one household. Shared surnames are not taken as family:
strangers share Nguyen, Ali or Smith. People of unknown age count as adults and the reason
says how many. Each household counts the weight of its best-evidenced member, so the
threshold (default 5: a recruiter rule of thumb flags an address used more than 4 times) is
met by people on reliable records, not by a handful of untested calls.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    age_on,
    finding,
    households,
    is_address,
    is_person,
    linked_people,
    ramp,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "crowded_address"
DEFAULTS = {"weight": 1.0, "threshold": 5, "full": 10, "adult_age": 18}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on addresses where many unrelated adults live."""
    p = ctx.params(NAME)
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        residents = linked_people(ctx, index, ("lives_at",))
        if len(residents) < p["threshold"]:
            continue
        ages = {r: age_on(ctx, r, ctx.as_of) for r in residents}
        adults = [r for r, age in ages.items() if age is None or age >= p["adult_age"]]
        groups = households(ctx, adults)
        weight = {r: ctx.evidence_weight(residents[r]) for r in adults}
        weighted = sum(max(weight[m] for m in h) for h in groups)
        score = ramp(weighted, p["threshold"], p["full"])
        if not score:
            continue
        unknown = sum(1 for r in adults if ages[r] is None)
        related = len(adults) - len(groups)
        evidence = set().union(*(residents[r] for r in adults))
        weak = sum(1 for r in adults if weight[r] < 0.5)
        reason = (
            f"{len(groups)} unrelated adults live here ({weighted:.1f} when each is "
            "weighted by the grade of its evidence"
            + (f"; {weak} rest only on weak evidence" if weak else "")
            + ")"
            + (f"; {unknown} of unknown age counted as adults" if unknown else "")
            + (f"; {related} more are family of another resident" if related else "")
        )
        business = [o for o, _ in ctx.neighbours(index, ("located_at",)) if not is_person(ctx, o)]
        if business:
            reason += f"; it is also the premises of {ctx.graph.vs[business[0]]['caption']}"
        yield finding(ctx, NAME, index, score, reason, evidence, [("adults", str(len(groups)))])


INDICATOR = Indicator(
    name=NAME,
    title="Many unrelated adults at one address",
    rule=(
        "At least `threshold` unrelated adults (households joined by family links count once; "
        "unknown ages count as adults) live at one address, weighted by evidence grade; the "
        "score reaches 1 at `full`."
    ),
    subjects=("premises",),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
