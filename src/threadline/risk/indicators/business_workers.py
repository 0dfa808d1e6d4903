"""A business whose workers have NRM referrals or share an address.

Rule: for each business, its workers are the people who work for it (``works_for``). Flag
it when at least `nrm_threshold` of them were referred to the National Referral Mechanism
(named in a record of `nrm_sources`, or with a ``referred_by`` link), or when at least
`shared_threshold` of them live at one address. Workers are weighted by the grade of the
evidence that they work there, and (for referrals) of the referral. A referred worker whose
pay another business's payroll return records (and this one's does not) was supplied to
this business by that one, its labour user: they count `supplied_share` here, in full at
the business that pays them; so do such workers housed together (their supplier houses
them). Only a finding with a referred worker is about victims
(``prioritisation.victim_indicators``): staff housed together are a pattern that
exploitation shares with a family firm. Staff housed together at a business in a high-risk
sector are left to `cash_sector_housed`, which counts them for it (when its weight is not
0): one fact counts once for a business. A finding with referred workers is about the
exploitation types their records name, labour when they name none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    finding,
    is_address,
    is_business,
    is_person,
    names,
    payers,
    ramp,
    sector_of,
    tally,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "business_workers"
DEFAULTS = {
    "weight": 1.0,
    "nrm_threshold": 1,
    "nrm_full": 3,
    "shared_threshold": 3,
    "shared_full": 6,
    "nrm_sources": ["nrm_referrals"],
    "supplied_share": 0.5,
}


def workers(ctx: Context, business: int) -> dict[int, set[int]]:
    """People working for a business, with the records saying so."""
    out: dict[int, set[int]] = {}
    for other, edge in ctx.neighbours(business, ("works_for",)):
        if is_person(ctx, other):
            out.setdefault(other, set()).update(ctx.edge_records[edge])
    return out


def housed_together(ctx: Context, staff: dict[int, set[int]]) -> tuple[int, dict[int, set[int]]]:
    """The address where most of `staff` live, and those living there with the evidence."""
    by_address: dict[int, dict[int, set[int]]] = {}
    for person, records in staff.items():
        for address, edge in ctx.neighbours(person, ("lives_at",)):
            if is_address(ctx, address):
                by_address.setdefault(address, {})[person] = records | set(ctx.edge_records[edge])
    if not by_address:
        return -1, {}
    address = max(by_address, key=lambda a: (len(by_address[a]), -a))
    return address, by_address[address]


PAID_ELSEWHERE = "paid by another business"
"""How a worker counted at `supplied_share` is described in reasons."""


def supplied_staff(
    ctx: Context, business: int, staff: Iterable[int], share: float
) -> dict[int, float]:
    """Of `staff` working for `business`, those whose pay another business's payroll return
    records (and its own does not): that business supplied them, and houses them. Each
    counts `share` here."""
    return {
        person: share
        for person in staff
        if (paying := payers(ctx, person)) and business not in paying
    }


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on businesses with referred workers or workers housed together."""
    p = ctx.params(NAME)
    nrm_sources = set(p["nrm_sources"])
    for index in range(ctx.graph.vcount()):
        if not is_business(ctx, index):
            continue
        staff = workers(ctx, index)
        if not staff:
            continue
        referred: dict[int, set[int]] = {}
        for person, records in staff.items():
            referrals = {
                r
                for r in ctx.graph.vs[person]["records"]
                if r in ctx.records and ctx.records[r].source in nrm_sources
            }
            for _, edge in ctx.neighbours(person, ("referred_by",)):
                referrals.update(ctx.edge_records[edge])
            if referrals:
                referred[person] = records | referrals
        supplied = supplied_staff(ctx, index, staff, float(p["supplied_share"]))
        address, housed = (-1, {}) if _housed_elsewhere(ctx, index) else housed_together(ctx, staff)
        nrm = tally(ctx, referred, factor=supplied, factor_note=PAID_ELSEWHERE)
        shared = tally(ctx, housed, factor=supplied, factor_note=PAID_ELSEWHERE)
        score = max(
            ramp(nrm.weighted, p["nrm_threshold"], p["nrm_full"]),
            ramp(shared.weighted, p["shared_threshold"], p["shared_full"]),
        )
        if not score:
            continue
        parts: list[str] = []
        values: list[tuple[str, str]] = []
        if referred:
            parts.append(
                f"{nrm.phrase('of its workers')} were referred to the NRM ({names(ctx, referred)})"
            )
            values.append(("referred workers", str(len(referred))))
        if len(housed) > 1:
            where = ctx.graph.vs[address]["caption"]
            parts.append(f"{shared.phrase('of its workers')} live at {where}")
            values.append(("address", where))
        yield finding(
            ctx, NAME, index, score, "; ".join(parts), nrm.evidence | shared.evidence, values,
            about_victims=bool(referred), typologies=_referred_for(ctx, referred),
        )  # fmt: skip


def _housed_elsewhere(ctx: Context, business: int) -> bool:
    """Whether the business's staff housed together are `cash_sector_housed`'s to count: it is
    in a high-risk sector and that indicator is on. One fact counts once for a business."""
    return ctx.weights.weight("cash_sector_housed") > 0 and sector_of(ctx, business) is not None


def _referred_for(ctx: Context, referred: dict[int, set[int]]) -> tuple[str, ...]:
    """The typologies of a finding with referred workers: the NRM exploitation types their
    records name, labour when they name none (workers exploited at work); none (the
    evidence's types, :func:`threadline.risk.types.typed`) without a referred worker."""
    if not referred:
        return ()
    named = ctx.named_types
    kinds = {kind for records in referred.values() for r in records for kind in named.get(r, ())}
    return tuple(sorted(kinds)) or ("labour",)


INDICATOR = Indicator(
    name=NAME,
    title="Business whose workers are referred or housed together",
    rule=(
        "At least `nrm_threshold` of a business's workers have an NRM referral, or at least "
        "`shared_threshold` live at one address (left to `cash_sector_housed` for a business "
        "in a high-risk sector), weighted by evidence grade."
    ),
    subjects=("businesses",),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
