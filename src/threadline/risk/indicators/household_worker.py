"""A lone worker kept in a family's home: the sign of domestic servitude.

Rule: at an address, a person named as a victim or potential victim (or the one person a
record speaking of domestic servitude's signs, `premises_signs`, is about: a patient who
"sleeps in the kitchen", whatever role the record gives, unless named as a suspect; the
person the record names as having come with them is not whom it is about: a triage note
that the patient is "not allowed out of the house alone" is about her, not about the man
who brought her to A&E, so a note naming both still describes her) lives
(``lives_at``) with someone the records name as a suspect (or another of `suspect_roles`)
who is not their family (no family link, no shared family name), and no record shows the
victim working anywhere: no ``works_for`` link, no wages paid (``paid_into``). One such
victim is enough: domestic servitude is a single-victim typology. A suspect lives there
too when a record speaking of domestic servitude's signs is reported at the address and
names them its suspect ("Joy keeps a woman in the house to cook and clean", logged at the
house): the house the woman is kept in is theirs, whether or not a record gives it as their
home. How surely they are a
victim is weighted as everywhere (in full from records about exploitation, at
``exploitation.other_roles`` from others; by the grades of the records describing them) and
by the grade of the evidence that they live there; a child counts `child_factor` times
(capped at 1), but only a child a record about exploitation names as a victim (or a record
describes with the signs): every child an NHS safeguarding record is about is a potential
victim, and the adults a child lives with are their family whatever their names say (a
mother who kept her own family name, a step-parent, a name written family-name-first). A
home of more than `max_residents` people on record is not a family's (a crowded house is
another indicator's business). The address is flagged, with the score of
its surest victim; the score is 0 below `threshold`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators import premises_signs
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    companions_of,
    finding,
    is_address,
    is_child,
    is_person,
    linked_people,
    named_as,
    names,
    people_about,
    related,
    roles,
    victim_weights,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "household_worker"
DEFAULTS = {
    "weight": 1.0,
    "threshold": 0.5,
    "max_residents": 6,
    "suspect_roles": ["suspect"],
    "child_age": 18,
    "child_factor": 1.5,
    "employment_links": ["works_for", "paid_into", "employed_by"],
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on homes where a lone, unpaid victim lives with a suspect's family."""
    p = ctx.params(NAME)
    suspect_roles = frozenset(p["suspect_roles"])
    working = tuple(p["employment_links"])
    sp = ctx.params(premises_signs.NAME)
    signs = ctx.words(list(sp["signs"].get("domestic_servitude", ())))
    reported = premises_signs.places_named(ctx, signs, int(sp["max_places"]), sp["link_types"])
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        residents = linked_people(ctx, index, ("lives_at",))
        homed = set(residents)
        for person, told in found_kept(ctx, index, signs, suspect_roles).items():
            residents.setdefault(person, set()).update(told)
        household = dict(residents)
        for keeper, records in keepers_told(ctx, index, signs, suspect_roles).items():
            household.setdefault(keeper, set()).update(records)
        named_here = suspects_named(ctx, reported.get(index, set()), suspect_roles)
        crowded = len(household) > p["max_residents"]
        if crowded or len(household.keys() | named_here.keys()) < 2:
            continue
        sure, named = victim_weights(ctx, residents)
        as_victims = set(sure)
        told_of = described(ctx, residents, signs, suspect_roles)
        for person, (weight, told) in told_of.items():
            if weight > sure.get(person, 0.0) and not roles(ctx, person) & suspect_roles:
                sure[person] = weight
                named |= told
        brought = companions(ctx, told_of)
        for companion, told in brought.items():
            household.setdefault(companion, set()).update(told)
        for keeper, told in named_here.items():
            household.setdefault(keeper, set()).update(told)
        suspects = [
            r
            for r in household
            if r not in sure and (roles(ctx, r) & suspect_roles or r in brought)
        ]
        if not sure or not suspects:
            continue
        best: tuple[float, int] = (0.0, -1)
        for victim, weight in sure.items():
            if ctx.neighbours(victim, working):
                continue
            keepers = [s for s in suspects if not related(ctx, s, victim)]
            if not keepers:
                continue
            score = weight * ctx.evidence_weight(residents[victim])
            if is_child(ctx, victim, named | residents[victim], p["child_age"]):
                if victim not in told_of and not exploited(ctx, victim):
                    continue  # a child at home, on the records: not a worker kept there
                score = min(1.0, score * float(p["child_factor"]))
            best = max(best, (round(score, 4), victim))
        score, victim = best
        if victim < 0 or score < float(p["threshold"]):
            continue
        keepers = [s for s in suspects if not related(ctx, s, victim)]
        child = is_child(ctx, victim, named | residents[victim], p["child_age"])
        reason = (
            f"{names(ctx, [victim])}, {_who(victim in as_victims, child)}, "
            f"{'lives' if victim in homed else 'was found'} here with "
            f"{_keepers(ctx, keepers, brought)} and no record shows them employed or paid "
            f"(weight {score:.2f}"
            + (f", a child counting {float(p['child_factor']):g} times" if child else "")
            + ")"
        )
        evidence = named | residents[victim] | {r for s in keepers for r in household[s]}
        values = [("victim", str(ctx.graph.vs[victim]["caption"])), ("child", str(child))]
        yield finding(ctx, NAME, index, score, reason, evidence, values)


def _keepers(ctx: Context, keepers: list[int], brought: Mapping[int, set[int]]) -> str:
    """Who keeps them, and how the records say so."""
    named = [k for k in keepers if k not in brought]
    parts = [f"{names(ctx, named)} (named as suspects, not their family)"] if named else []
    if len(named) < len(keepers):
        parts.append(
            f"{names(ctx, [k for k in keepers if k in brought])} (who came with them on "
            "records of the signs, not their family)"
        )
    return ", and ".join(parts)


def companions(ctx: Context, told_of: Mapping[int, tuple[float, set[int]]]) -> dict[int, set[int]]:
    """Whom a record of the signs names as having come with the person it describes (the
    ``accompanied_by`` link it backs): the man who brings her to A&E and answers every
    question for her keeps her, whether or not a record the reader may see gives the house as
    his home or calls him a suspect. With the records."""
    out: dict[int, set[int]] = {}
    for person, (_weight, told) in told_of.items():
        for other, edge in companions_of(ctx, person):
            shared = told.intersection(ctx.edge_records[edge])
            if shared and is_person(ctx, other):
                out.setdefault(other, set()).update(shared)
    return out


def _who(named_victim: bool, child: bool) -> str:
    """How the records give the person kept: named as a victim, or only described."""
    if named_victim:
        return f"named as a {'child ' if child else ''}victim or potential victim"
    return f"{'a child ' if child else ''}whom records describe with the signs of servitude"


def keepers_told(
    ctx: Context, address: int, signs: set[int], suspect_roles: frozenset[str]
) -> dict[int, set[int]]:
    """People a record speaking of domestic servitude's signs names as its suspect and places
    at `address` (the report's location: "Joy keeps a woman in the house to cook and clean",
    reported at the house): the house the woman is kept in is theirs, whether or not a record
    gives it as their home. With the records."""
    out: dict[int, set[int]] = {}
    for person, edge in ctx.neighbours(address, ("seen_at",)):
        if not is_person(ctx, person):
            continue
        told = {
            r
            for r in signs.intersection(ctx.edge_records[edge])
            if named_as(ctx, person, r, suspect_roles)
        }
        if told:
            out.setdefault(person, set()).update(told)
    return out


def suspects_named(
    ctx: Context, reported: set[int], suspect_roles: frozenset[str]
) -> dict[int, set[int]]:
    """Whom the records placing domestic servitude's signs at an address (`reported`: at its
    location, or at the address its text gives) name as their suspects, in their fields or
    their text: "Yasir Hussain keeps a woman in the house", in a hotline call about 7
    Jasperdale Crescent, keeps her there, though no record gives him the house. Not counted
    among the residents (a house is crowded by whom it houses, and a narrative may name one
    man twice). With the records."""
    out: dict[int, set[int]] = {}
    for record in reported:
        for person in ctx.record_nodes.get(record, ()):
            if is_person(ctx, person) and named_as(ctx, person, record, suspect_roles):
                out.setdefault(person, set()).add(record)
    return out


def exploited(ctx: Context, person: int) -> bool:
    """Whether a record about exploitation names the person as a victim or potential victim.

    Every child an NHS safeguarding record is about is recorded as a potential victim, and
    the adults a child lives with are their family whatever their names (a mother who kept
    her own family name, a step-parent, a name written family-name-first): a child is read
    as kept in a home only on a record about exploitation, or one describing the signs."""
    records = ctx.role_weight(person, VICTIM_ROLES)[1]
    return bool(records & ctx.exploitation_records)


def found_kept(
    ctx: Context, address: int, signs: set[int], suspect_roles: frozenset[str]
) -> dict[int, set[int]]:
    """People a record speaking of domestic servitude's signs found at `address` and is about
    (:func:`about`): the woman an immigration visit finds in the house, whose officer's notes
    say "Tian Wei keeps a woman in the house to cook and clean", lives there, whether or not
    the record gives her a home (a worker kept in a house often has none on record). With
    the records."""
    out: dict[int, set[int]] = {}
    for person, edge in ctx.neighbours(address, ("seen_at",)):
        if not is_person(ctx, person):
            continue
        told = {
            r
            for r in signs.intersection(ctx.edge_records[edge])
            if about(ctx, r, suspect_roles) == [person]
        }
        if told:
            out.setdefault(person, set()).update(told)
    return out


def about(ctx: Context, record: int, suspect_roles: frozenset[str]) -> list[int]:
    """Whom a record speaking of the signs describes: the people it is about
    (:func:`people_about`: whoever came with them aside), less those it names as suspects. "Tian
    Wei keeps a woman in the house to cook and clean", written on the visit that found her,
    describes her, not him."""
    return [p for p in people_about(ctx, record) if not named_as(ctx, p, record, suspect_roles)]


def described(
    ctx: Context, people: Iterable[int], signs: set[int], suspect_roles: frozenset[str]
) -> dict[int, tuple[float, set[int]]]:
    """Of `people`, those a record speaking of domestic servitude's signs is about (the one
    person it describes, :func:`about`: a patient who "sleeps in the kitchen", brought to A&E
    by the man she lives with), however the record gives their role: how surely, by the
    records' grades, and the records."""
    out: dict[int, tuple[float, set[int]]] = {}
    for person in people:
        told = {
            r
            for r in signs.intersection(ctx.graph.vs[person]["records"])
            if about(ctx, r, suspect_roles) == [person]
        }
        if told:
            out[person] = (ctx.evidence_weight(told), told)
    return out


INDICATOR = Indicator(
    name=NAME,
    title="Lone unpaid worker living in a suspect's home",
    rule=(
        "A person named as a victim or potential victim lives at an address with a suspect who "
        "is not their family, and no record shows them employed or paid; scored by how surely "
        "they are a victim and live there (a child `child_factor` times, and only when a record "
        "about exploitation names them a victim or describes the signs), from `threshold`."
    ),
    subjects=("premises",),
    evaluate=evaluate,
    defaults=DEFAULTS,
    typology="domestic_servitude",
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
