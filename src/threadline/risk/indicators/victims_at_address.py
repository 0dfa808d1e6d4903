"""Several potential victims living at, or found at, one address.

Rule: take the people who live at an address (``lives_at``) or were found there
(``seen_at``: the location of an enforcement visit or of a police report) and whom the
records name as victims or potential victims. How surely each is a victim is the
corroborated weight of the records naming them so, in full for a record about exploitation
(an NRM referral, police intelligence on modern slavery, an NHS referral for exploitation:
the weights file's ``exploitation`` section) and at ``exploitation.other_roles`` for any
other (every NHS safeguarding patient is recorded as a potential victim, of self-neglect as
much as of forced labour). Each also counts the grade of the evidence tying them to the
address; people joined by a family link count once. Flag the address when they weigh at
least `threshold`. Two people referred to the NRM at one house is rare outside exploitation.

A victim only found here (``seen_at``, not living here) whose pay another business's payroll
return records, and no business located here, was supplied to work here by that business:
they count `supplied_share` here, as a referred worker counts at their labour user in
`business_workers`. A farm where an agency's workers are found picking is where they were
found, not where their exploiter houses and pays them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    finding,
    households,
    is_address,
    is_business,
    linked_people,
    names,
    payers,
    ramp,
    tally,
    victim_weights,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "victims_at_address"
DEFAULTS = {
    "weight": 1.0,
    "threshold": 2,
    "full": 4,
    "link_types": ["lives_at", "seen_at"],
    "supplied_share": 0.5,
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on addresses where several potential victims live or were found."""
    p = ctx.params(NAME)
    types = tuple(p["link_types"])
    share = ctx.weights.exploitation.other_roles
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        ties = linked_people(ctx, index, types)
        if len(ties) < p["threshold"]:
            continue
        sure, named = victim_weights(ctx, ties)
        if len(sure) < p["threshold"]:
            continue
        supplied = _supplied(ctx, index, sure)
        factor = {
            v: w * (float(p["supplied_share"]) if v in supplied else 1.0) for v, w in sure.items()
        }
        count = tally(ctx, {v: ties[v] for v in sure}, factor=factor)
        groups = households(ctx, list(sure))
        weighted = sum(max(count.weights[m] for m in group) for group in groups)
        score = ramp(weighted, p["threshold"], p["full"])
        if not score:
            continue
        about = sum(1 for v in sure if _about(ctx, v))
        kin = len(sure) - len(groups)
        reason = (
            f"{len(groups)} victims or potential victims live or were found here "
            f"({weighted:.1f} when each is weighted by the grade of the evidence that they are "
            f"victims and that they are linked here; {about} named as victims in records about "
            f"exploitation count in full, the others {share:g}) ({names(ctx, sure)})"
            + (f"; {kin} more are family of another and not counted" if kin else "")
            + (
                f"; {len(supplied)} found working here are paid by another business, which "
                f"supplied them, and count {float(p['supplied_share']):g}"
                if supplied
                else ""
            )
        )
        values = [("victims", str(len(groups)))]
        yield finding(ctx, NAME, index, score, reason, count.evidence | named, values)


def _supplied(ctx: Context, address: int, victims: Iterable[int]) -> set[int]:
    """Of `victims`, those only found at `address` (not living there) whose pay another
    business's payroll return records, none of the businesses located there."""
    here = {b for b, _ in ctx.neighbours(address, ("located_at",)) if is_business(ctx, b)}
    living = {r for r, _ in ctx.neighbours(address, ("lives_at",))}
    return {
        v for v in victims if v not in living and (paying := payers(ctx, v)) and not paying & here
    }


def _about(ctx: Context, person: int) -> bool:
    """Whether a record about exploitation names the person as a victim."""
    given = ctx.graph.vs[person]["role_records"]
    return any(r in ctx.exploitation_records for role in VICTIM_ROLES for r in given.get(role, ()))


INDICATOR = Indicator(
    name=NAME,
    title="Several victims living at one address",
    rule=(
        "At least `threshold` people named as victims or potential victims live or were found "
        "at one address (along `link_types`), each weighted by the grade of the evidence that "
        "they are victims (in full from records about exploitation, at "
        "`exploitation.other_roles` from others) and that they are linked there; family count "
        "once; one only found working there whom another business pays counts "
        "`supplied_share`."
    ),
    subjects=("premises",),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
