"""A child exploited at the premises or by the business.

Rule: a person under `child_age` on the date of a record about exploitation that names them
as a victim or potential victim (an NRM referral, police intelligence on modern slavery)
lives, works or was found at an address, or works for a business (along `link_types`). The
premises or business is flagged with the score of its surest child: how surely they are a
victim times the grade of the evidence tying them there. Children weigh more than adults in
every typology; this indicator adds that weight to the ranking, whoever else is there.

A home the child shares only with their family (a family link or a shared family name: a
county-lines child's parents' house) does not count: it shows where the child lives, not
where they are exploited, as a lone worker's family is set apart in `household_worker`. A
home where someone not their family lives counts; so does one where no one else is on
record, unless the child is reported missing in at least `min_episodes` records (their
`missing_words`): someone reports a child missing from the home they live in, and a child who
goes missing again and again is exploited where they are found (`missing_child_found`), not
at the home they go missing from, whose family the records may simply not name. Where they
were found or work counts whoever is there; but a child only found working at a site (found
there, not living there, or working for the business) whose pay another business's payroll
return records, none of them trading from the site, was supplied there by that business:
they count `supplied_share` there, as `victims_at_address` and `business_workers` count a
supplied worker (their exploiter is the business that supplies them).
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    finding,
    is_address,
    is_business,
    is_child,
    is_person,
    linked_people,
    names,
    payers,
    related,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "child_victim"
DEFAULTS = {
    "weight": 0.5,
    "child_age": 18,
    "threshold": 0.4,
    "link_types": ["lives_at", "seen_at", "works_for"],
    "min_episodes": 2,
    "supplied_share": 0.5,
    "missing_words": ["reported missing", "missing from home", "missing person", "went missing"],
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on premises and businesses where children named as victims are."""
    p = ctx.params(NAME)
    types = tuple(p["link_types"])
    about = ctx.exploitation_records
    missing = ctx.words(p["missing_words"])
    for index in range(ctx.graph.vcount()):
        if not (is_address(ctx, index) or is_business(ctx, index)):
            continue
        children: dict[int, tuple[float, set[int]]] = {}
        for other, edge in ctx.neighbours(index, types):
            if not is_person(ctx, other):
                continue
            given: dict[str, tuple[int, ...]] = ctx.graph.vs[other]["role_records"]
            naming = {r for role in VICTIM_ROLES for r in given.get(role, ()) if r in about}
            if not naming or not is_child(ctx, other, naming, p["child_age"]):
                continue
            runs_away = len(missing.intersection(ctx.graph.vs[other]["records"]))
            if ctx.edge_types[edge] == "lives_at" and not _kept_at(
                ctx, index, other, missing_from=runs_away >= int(p["min_episodes"])
            ):
                continue
            weight, records = ctx.role_weight(other, VICTIM_ROLES)
            tie = set(ctx.edge_records[edge])
            if _supplied(ctx, index, other, ctx.edge_types[edge]):
                weight *= float(p["supplied_share"])
            score = round(weight * ctx.evidence_weight(tie), 4)
            if score > children.get(other, (0.0, set()))[0]:
                children[other] = (score, set(records) | tie)
        if not children:
            continue
        score = max(s for s, _ in children.values())
        if score < p["threshold"]:
            continue
        evidence = set().union(*(r for _, r in children.values()))
        who = "a child" if len(children) == 1 else f"{len(children)} children"
        are = "is" if len(children) == 1 else "are"
        reason = (
            f"{who} named as a victim in records about exploitation {are} "
            f"linked here ({names(ctx, children)}; the surest has weight {score:.2f} by the grade "
            "of the evidence that they are victims and are linked here)"
        )
        values = [("children", str(len(children)))]
        yield finding(ctx, NAME, index, score, reason, evidence, values)


def _supplied(ctx: Context, site: int, child: int, link: str) -> bool:
    """Whether `child`, found at or working for `site` (`link`), was supplied there by another
    business: their pay is on another business's payroll return (:func:`payers`), they do not
    live at the site, and no business paying them trades from it (or, for a business, it is
    not one of them)."""
    if link == "lives_at":
        return False
    paying = payers(ctx, child)
    if not paying:
        return False
    if is_business(ctx, site):
        return site not in paying
    here = {b for b, _ in ctx.neighbours(site, ("located_at",)) if is_business(ctx, b)}
    living = {r for r, _ in ctx.neighbours(site, ("lives_at",))}
    return child not in living and not paying & here


def _kept_at(ctx: Context, home: int, child: int, *, missing_from: bool) -> bool:
    """Whether `home` is other than the child's family's: someone not their family lives
    there too, or no one else is on record there and the child is not one who goes missing
    from it (`missing_from`: reported missing again and again)."""
    others = [p for p in linked_people(ctx, home, ("lives_at",)) if p != child]
    if not others:
        return not missing_from
    return any(not related(ctx, person, child) for person in others)


INDICATOR = Indicator(
    name=NAME,
    title="Child victim at the premises or business",
    rule=(
        "A child (under `child_age` when a record about exploitation names them a victim) "
        "lives (not only with their family, nor alone on record when reported missing in "
        "`min_episodes` records), works or was found here (`link_types`; one only found "
        "working here whom another business pays counts `supplied_share`); scored by the "
        "surest child, from `threshold`."
    ),
    subjects=("premises", "businesses"),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
