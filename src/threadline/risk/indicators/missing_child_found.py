"""An address where a child who goes missing again and again is found.

Rule: a child (under `child_age` on the date of the record) named in at least `min_episodes`
records whose text reports them missing (`missing_words`) is a repeat missing child
(episodes counted, not weighed: a missing report is rarely in doubt). An address a missing
episode names that is not the child's own home (no ``lives_at`` link), nor the home the same
record gives another person it names (the man the child was found with), is where they were
found: a trap house, a cuckooed flat, a brothel. The address is flagged when the episodes
naming it weigh at least `threshold` (one reliable police record is enough); a record naming
more than `max_places` addresses is not read as placing the child at any one. Children found
at one address add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import age_on, finding, is_address, is_person, names, ramp
from threadline.risk.types import Context, Finding, Indicator

NAME = "missing_child_found"
DEFAULTS = {
    "weight": 1.0,
    "min_episodes": 2,
    "threshold": 0.5,
    "full": 1.5,
    "child_age": 18,
    "max_places": 2,
    "missing_words": ["reported missing", "missing from home", "missing person", "went missing"],
}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on addresses where repeatedly missing children were found."""
    p = ctx.params(NAME)
    missing = ctx.words(p["missing_words"])
    if not missing:
        return
    found: dict[int, dict[int, set[int]]] = {}
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index):
            continue
        episodes: set[int] = set()
        for record in set(ctx.graph.vs[index]["records"]) & missing:
            age = age_on(ctx, index, ctx.records[record].reported_on or ctx.as_of)
            if age is not None and age < p["child_age"]:
                episodes.add(record)
        if len(episodes) < p["min_episodes"]:
            continue
        homes = {a for a, _ in ctx.neighbours(index, ("lives_at",))}
        for record in episodes:
            named = ctx.record_nodes.get(record, ())
            places = [n for n in named if is_address(ctx, n)]
            if len(places) > p["max_places"]:
                continue
            for place in set(places) - homes - _homes_of_others(ctx, index, named, record):
                found.setdefault(place, {}).setdefault(index, set()).add(record)
    for place, children in sorted(found.items()):
        weighted = sum(ctx.evidence_weight(records) for records in children.values())
        score = ramp(weighted, p["threshold"], p["full"])
        if not score:
            continue
        evidence = set().union(*children.values())
        who = (
            "a repeatedly missing child was"
            if len(children) == 1
            else f"{len(children)} repeatedly missing children were"
        )
        reason = (
            f"{who} found here "
            f"({names(ctx, children)}; {len(evidence)} missing-person records, weight "
            f"{weighted:.2f} when each is weighted by its grade)"
        )
        values = [("children", str(len(children)))]
        yield finding(ctx, NAME, place, score, reason, evidence, values)


def _homes_of_others(ctx: Context, child: int, named: Iterable[int], record: int) -> set[int]:
    """The addresses `record` gives as the homes of the other people it names (a log about
    the man a child was found with gives his address): not where the child was found."""
    out: set[int] = set()
    for node in named:
        if node != child and is_person(ctx, node):
            for home, edge in ctx.neighbours(node, ("lives_at",)):
                if record in ctx.edge_records[edge]:
                    out.add(home)
    return out


INDICATOR = Indicator(
    name=NAME,
    title="Repeatedly missing child found at the premises",
    rule=(
        "A child reported missing in at least `min_episodes` records was found at an address "
        "that is not their home (named in a missing episode), the episodes there weighing at "
        "least `threshold` by grade."
    ),
    subjects=("premises",),
    evaluate=evaluate,
    defaults=DEFAULTS,
    typology="criminal",
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
