"""Repeat missing-child episodes linked to county-lines phones.

Rule: a child (under `child_age` on the date of the record, by the birth dates on record)
named in at least `threshold` records whose text reports them missing (`missing_words`),
and linked to a *county-lines phone*. A phone is linked when the child gave it, or it is
named in an episode, or it belongs to someone or something joined to the child (an
associate, a companion, the text of any record naming the child). It is a county-lines
phone when a record speaking of county lines (`county_lines_words`) names it, or a person
the records name as a suspect gave it. Episodes are weighted by their grade. The child and
the people who gave those phones are flagged; the places the child was found are reached
through the ranking.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import age_on, finding, is_person, names, ramp, roles
from threadline.risk.types import Context, Finding, Indicator

NAME = "missing_county_lines"
DEFAULTS = {
    "weight": 1.0,
    "threshold": 2,
    "full": 4,
    "child_age": 18,
    "missing_words": ["reported missing", "missing from home", "missing person", "went missing"],
    "county_lines_words": ["county line", "deal line", "drug line", "line phone", "running lines"],
}
PHONE_LINKS = ("has_phone", "mentions_phone")
ASSOCIATIONS = ("associate", "accompanied_by", "family", "mentioned_with", "recruited_by",
                "exploited_by")  # fmt: skip
"""Links that join a child to people (and the text of records) whose phones count."""


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on children repeatedly missing, and on the holders of the phones involved."""
    p = ctx.params(NAME)
    missing = ctx.words(p["missing_words"])
    if not missing:
        return
    county = ctx.words(p["county_lines_words"])
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index):
            continue
        episodes: set[int] = set()
        for record in set(ctx.graph.vs[index]["records"]) & missing:
            day = ctx.records[record].reported_on or ctx.as_of
            age = age_on(ctx, index, day)
            if age is not None and age < p["child_age"]:
                episodes.add(record)
        weighted = ctx.counted_weight(episodes)
        score = ramp(weighted, p["threshold"], p["full"])
        if not score:
            continue
        named = {n for r in episodes for n in ctx.record_nodes.get(r, ()) if n != index}
        joined = {n for n, _ in ctx.neighbours(index, ASSOCIATIONS)}
        phones: dict[int, set[int]] = {}
        for holder in {index, *named, *joined}:
            for phone, edge in ctx.neighbours(holder, PHONE_LINKS):
                if ctx.schema[phone] == "Phone":
                    phones.setdefault(phone, set()).update(ctx.edge_records[edge])
        linked: dict[int, set[int]] = {}
        for phone, records in phones.items():
            speaking = set(ctx.graph.vs[phone]["records"]) & county
            givers = {h for h, _ in ctx.neighbours(phone, ("has_phone",))}
            if speaking or any("suspect" in roles(ctx, h) for h in givers if is_person(ctx, h)):
                linked[phone] = records | speaking
        if not linked:
            continue
        evidence = episodes.union(*linked.values())
        story = (
            f"reported missing as a child in {len(episodes)} records ({weighted:.1f} when each "
            "is weighted by its grade)"
        )
        reason = f"{story}; linked to county-lines phones {names(ctx, linked)}"
        values = [("episodes", str(len(episodes)))] + [
            ("phone", str(ctx.graph.vs[ph]["caption"])) for ph in sorted(linked)
        ]
        yield finding(ctx, NAME, index, score, reason, evidence, values)
        child = ctx.graph.vs[index]["caption"]
        for phone in sorted(linked):
            for holder, edge in ctx.neighbours(phone, ("has_phone",)):
                if holder != index and is_person(ctx, holder):
                    yield finding(
                        ctx, NAME, holder, score,
                        f"gave the county-lines phone {ctx.graph.vs[phone]['caption']}, linked "
                        f"to {child}, {story}",
                        evidence | set(ctx.edge_records[edge]), values,
                    )  # fmt: skip


INDICATOR = Indicator(
    name=NAME,
    title="Repeat missing child linked to county-lines phones",
    rule=(
        "A child is reported missing in at least `threshold` records (weighted by grade) and a "
        "phone linked to those episodes is a county-lines phone (named in a record about "
        "county lines, or held by a suspect in an episode); the child and the phones' holders "
        "are flagged."
    ),
    subjects=("people",),
    evaluate=evaluate,
    defaults=DEFAULTS,
    typology="criminal",
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
