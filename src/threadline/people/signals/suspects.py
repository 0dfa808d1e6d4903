"""Signs that a person may be controlling others: tenancies, directorships, companions, adverts.

The premises indicators already flag the holder of an account taking many wages, the suspect
sharing a phone or address with victims, the recruiter and the driver; these add what only
a person-centred view shows. See docs/people.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    finding,
    is_address,
    is_business,
    is_person,
    names,
    ramp,
    related,
    tally,
    victim_weights,
)
from threadline.risk.types import Context, Finding, Indicator

FLAGGED = ("wage_account", "business_workers", "cash_sector_housed", "victims_share_contact")
"""Premises indicators whose findings on a business make it a flagged business."""


def landlord_of_victims(ctx: Context) -> Iterator[Finding]:
    """People letting or owning several addresses where people named victims live."""
    p = ctx.params("landlord_of_victims")
    held: dict[int, dict[int, set[int]]] = {}
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        residents = {o for o, _ in ctx.neighbours(index, ("lives_at", "seen_at"))
                     if is_person(ctx, o)}  # fmt: skip
        sure, named = victim_weights(ctx, residents)
        if not sure:
            continue
        for owner, edge in ctx.neighbours(index, ("landlord_of", "owns")):
            if is_person(ctx, owner) and owner not in sure:
                held.setdefault(owner, {})[index] = set(ctx.edge_records[edge]) | named
    for person, places in sorted(held.items()):
        count = tally(ctx, places)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        reason = (
            f"lets or owns {count.phrase('addresses')} where people named victims live "
            f"({names(ctx, places, 3)})"
        )
        yield finding(ctx, "landlord_of_victims", person, score, reason, count.evidence)


def director_of_flagged(ctx: Context) -> Iterator[Finding]:
    """Directors of businesses that the premises indicators flag."""
    p = ctx.params("director_of_flagged")
    flagged: dict[str, set[int]] = (
        ctx.graph["flagged_businesses"] if ("flagged_businesses" in ctx.graph.attributes()) else {}
    )
    if not flagged:
        return
    names_of: list[str] = ctx.graph.vs["name"]
    directs: dict[int, dict[int, set[int]]] = {}
    for index in range(ctx.graph.vcount()):
        if not is_business(ctx, index) or names_of[index] not in flagged:
            continue
        for director, edge in ctx.neighbours(index, ("director_of",)):
            if is_person(ctx, director):
                evidence = set(ctx.edge_records[edge]) | flagged[names_of[index]]
                directs.setdefault(director, {})[index] = evidence
    for person, firms in sorted(directs.items()):
        count = tally(ctx, firms)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        reason = f"directs {count.phrase('businesses flagged by the risk indicators')} " + (
            f"({names(ctx, firms, 3)})"
        )
        yield finding(ctx, "director_of_flagged", person, score, reason, count.evidence)


def accompanies_victims(ctx: Context) -> Iterator[Finding]:
    """People who accompanied several people named victims (not their family) to agencies."""
    p = ctx.params("accompanies_victims")
    names_of: list[str] = ctx.graph.vs["name"]
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index):
            continue
        went: dict[int, set[int]] = {}
        for other, edge in ctx.neighbours(index, ("accompanied_by",)):
            if ctx.graph.es[edge]["src"] == names_of[index] or not is_person(ctx, other):
                continue
            if not related(ctx, index, other):
                went.setdefault(other, set()).update(ctx.edge_records[edge])
        if len(went) < p["threshold"]:
            continue
        sure, named = victim_weights(ctx, went)
        count = tally(ctx, {v: went[v] for v in sure}, factor=sure)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        reason = f"accompanied {count.phrase('people named victims')} ({names(ctx, sure)})"
        yield finding(ctx, "accompanies_victims", index, score, reason, count.evidence | named)


def advert_line(ctx: Context) -> Iterator[Finding]:
    """People giving a phone that adverts for sexual services carry."""
    p = ctx.params("advert_line")
    sources = set(p["advert_sources"])
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] != "Phone":
            continue
        adverts = {
            r for r in ctx.graph.vs[index]["records"]
            if r in ctx.records and ctx.records[r].source in sources
        }  # fmt: skip
        if not adverts:
            continue
        weight = sum(ctx.record_weight(r) for r in adverts)
        score = ramp(weight, p["threshold"], p["full"])
        if not score:
            continue
        caption = ctx.graph.vs[index]["caption"]
        for person, edge in ctx.neighbours(index, ("has_phone",)):
            if not is_person(ctx, person):
                continue
            own = set(ctx.edge_records[edge])
            reason = (
                f"gives the phone {caption}, carried by {len(adverts)} adverts "
                f"({weight:.1f} by grade)"
            )
            yield finding(ctx, "advert_line", person, score * ctx.evidence_weight(own), reason,
                          own | adverts, [("phone", caption)])  # fmt: skip


def named_in_referrals(ctx: Context) -> Iterator[Finding]:
    """People named in several victims' referrals (records of `sources`) as someone else, by
    name or by the phone they give (an exploiter's number in the description)."""
    p = ctx.params("named_in_referrals")
    sources = set(p["sources"])
    named: dict[int, dict[int, set[int]]] = {}
    for record, info in ctx.records.items():
        if info.source not in sources:
            continue
        nodes = ctx.record_nodes.get(record, ())
        people = {n: {record} for n in nodes if is_person(ctx, n)}
        referred = [n for n in people if _victim_in(ctx, n, record)]
        for phone in (n for n in nodes if ctx.schema[n] == "Phone"):
            for holder, edge in ctx.neighbours(phone, ("has_phone",)):
                if is_person(ctx, holder) and holder not in people:
                    people[holder] = {record, *ctx.edge_records[edge]}
        for person, evidence in people.items():
            if person in referred or any(related(ctx, person, v) for v in referred):
                continue
            for victim in referred:
                named.setdefault(person, {})[victim] = evidence
    for person, victims in sorted(named.items()):
        count = tally(ctx, victims)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        reason = (
            f"named (or their phone) in the referrals of {count.phrase('people')} "
            f"({names(ctx, victims)})"
        )
        yield finding(ctx, "named_in_referrals", person, score, reason, count.evidence)


def _victim_in(ctx: Context, index: int, record: int) -> bool:
    given = ctx.graph.vs[index]["role_records"]
    return any(record in given.get(role, ()) for role in VICTIM_ROLES)


def _indicator(
    name: str, title: str, rule: str, evaluate: Callable[[Context], Iterable[Finding]]
) -> Indicator:
    return Indicator(name=name, title=title, rule=rule, subjects=("suspects",), evaluate=evaluate)


SIGNALS = (
    _indicator("landlord_of_victims", "Lets or owns addresses housing victims",
               "Is the landlord or owner of at least `threshold` addresses where people "
               "named victims live or were found.", landlord_of_victims),
    _indicator("director_of_flagged", "Directs flagged businesses",
               "Directs at least `threshold` businesses that the premises indicators flag.",
               director_of_flagged),
    _indicator("accompanies_victims", "Accompanies victims",
               "Accompanied at least `threshold` people named victims (not family) to "
               "agencies.", accompanies_victims),
    _indicator("named_in_referrals", "Named in victims' referrals",
               "Named, or their phone, in the referrals (records of `sources`) of at least "
               "`threshold` people (not family) as someone other than the person referred.",
               named_in_referrals),
    _indicator("advert_line", "Phone behind adverts",
               "Gives a phone that adverts carry (weighted by grade: `threshold`).",
               advert_line),
)  # fmt: skip


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's signals."""
    return list(SIGNALS)
