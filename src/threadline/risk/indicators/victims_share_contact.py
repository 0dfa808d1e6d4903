"""Several potential victims sharing a phone or an address with one suspect.

Rule: for each phone (people who gave it, ``has_phone``) and each address (people living
there, ``lives_at``), take each person the records name as a suspect (or another of
`suspect_roles`) and count the victims and potential victims sharing it with them who are
not their family: joined by a family link, or sharing a family name (a household's own
domestic incident is not exploitation by a third party; set `count_relatives` to count
them, e.g. for domestic servitude within families). If at least `threshold` remain,
weighted by the grade of the evidence tying each to the phone or address and by how surely
each is a victim (in full when a record about exploitation names them so, at the weights
file's ``exploitation.other_roles`` when only others do: an NHS patient is recorded as a
potential victim whatever the concern), flag the suspect, and the address itself. A person
named both as victim and as suspect counts as a victim: victim-offender overlap is the rule
in criminal exploitation, not a controller.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    OUTSIDE_EXPLOITATION,
    VICTIM_ROLES,
    finding,
    is_address,
    is_person,
    names,
    ramp,
    related,
    roles,
    tally,
    victim_weights,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "victims_share_contact"
DEFAULTS = {
    "weight": 1.0,
    "threshold": 3,
    "full": 6,
    "suspect_roles": ["suspect", "associate"],
    "count_relatives": False,
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on suspects (and addresses) sharing a contact point with several victims."""
    p = ctx.params(NAME)
    suspect_roles = frozenset(p["suspect_roles"])
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] == "Phone":
            via, what = ("has_phone",), "phone"
        elif is_address(ctx, index):
            via, what = ("lives_at",), "address"
        else:
            continue
        victims: dict[int, set[int]] = {}
        suspects: dict[int, set[int]] = {}
        for other, edge in ctx.neighbours(index, via):
            if not is_person(ctx, other):
                continue
            held = roles(ctx, other)
            if held & VICTIM_ROLES:
                victims.setdefault(other, set()).update(ctx.edge_records[edge])
            elif held & suspect_roles:
                suspects.setdefault(other, set()).update(ctx.edge_records[edge])
        if not suspects or len(victims) < p["threshold"]:
            continue
        sure, _ = victim_weights(ctx, victims)
        caption = ctx.graph.vs[index]["caption"]
        best: tuple[float, int] = (0.0, 0)
        flagged: set[int] = set()
        evidence: set[int] = set()
        for suspect, records in sorted(suspects.items()):
            others = {
                v: r
                for v, r in victims.items()
                if p["count_relatives"] or not related(ctx, suspect, v)
            }
            count = tally(ctx, others, factor=sure, factor_note=OUTSIDE_EXPLOITATION)
            score = ramp(count.weighted, p["threshold"], p["full"])
            if not score:
                continue
            kin = len(victims) - len(others)
            reason = (
                f"shares the {what} {caption} with "
                f"{count.phrase('victims or potential victims')} ({names(ctx, others)})"
                + (f"; {kin} more are their family and not counted" if kin else "")
            )
            yield finding(
                ctx, NAME, suspect, score, reason, count.evidence | records, [(what, caption)]
            )
            flagged.add(suspect)
            evidence |= count.evidence | records
            best = max(best, (score, count.raw))
        if what == "address" and flagged:
            reason = (
                f"{best[1]} victims or potential victims live here with "
                f"{len(flagged)} suspects who are not their family ({names(ctx, flagged)}), "
                "each weighted by the grade of its evidence"
            )
            yield finding(ctx, NAME, index, best[0], reason, evidence, [("address", caption)])


INDICATOR = Indicator(
    name=NAME,
    title="Victims sharing a phone or address with a suspect",
    rule=(
        "At least `threshold` victims or potential victims who are not their family "
        "(weighted by evidence grade, and by `exploitation.other_roles` when no record about "
        "exploitation names them victims) give the same phone or live at the same address as a "
        "person named as a suspect (or one of `suspect_roles`); the suspect and the address "
        "are flagged."
    ),
    subjects=("people", "premises"),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
