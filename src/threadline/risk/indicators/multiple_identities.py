"""One resolved person with several identities: dates of birth or nationalities that differ.

Rule: a person's dates of birth are grouped so that typing slips stay together: a date joins
a group when, against any date in it, at most one of year, month and day differs (a swapped
day and month, a wrong day, a year off by one), and a 1 January date (how agencies record an
unknown birthday) is compared by its year only. Two or more groups are two identities.
Nationalities
(with the issuing countries of passports and ID cards the person holds; residence permits
are left out) that differ are another sign, weaker on its own as dual nationals exist
(`nationality_share`). The score is the corroborated evidence weight of the second-best
supported identity: an alternative date of birth on one untested, hearsay report (2C)
scores 0.42. A date of birth that makes the person younger than `min_age` on the date of the
record giving it is left out when another date makes them older: it is a baby's or a young
child's (a mother's safeguarding record giving her newborn's date, two records of parent and
child joined), not a second identity of the adult.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from threadline.graph.evidence import corroborated
from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import finding, is_person, parse_day
from threadline.risk.types import Context, Finding, Indicator

NAME = "multiple_identities"
DEFAULTS = {"weight": 0.6, "nationality_share": 0.5, "min_age": 10}

Day = tuple[int, int | None, int | None]


def same_identity(a: Day, b: Day) -> bool:
    """Whether two (partial) birth dates can be one person's, allowing one slip.

    >>> same_identity((1990, 3, 4), (1990, 4, 3)), same_identity((1990, 3, 4), (1991, 3, 4))
    (True, True)
    >>> same_identity((1990, 3, 4), (1986, 11, 20)), same_identity((1990, 1, 1), (1990, 6, 9))
    (False, True)
    """
    if (a[1], a[2]) == (1, 1) or (b[1], b[2]) == (1, 1):
        return abs(a[0] - b[0]) <= 1
    if a[1] is not None and a[2] is not None and (a[1], a[2]) == (b[2], b[1]):
        return a[0] == b[0]
    differ = sum(1 for x, y in zip(a, b, strict=True) if x is not None and y is not None and x != y)
    return differ <= 1


def _groups(values: dict[Day, set[int]], ctx: Context) -> list[tuple[list[Day], set[int]]]:
    """Dates joined by chains of slips (single linkage), best supported group first."""
    days = sorted(values, key=_show)
    parent = list(range(len(days)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(days):
        for j in range(i + 1, len(days)):
            if same_identity(a, days[j]):
                parent[root(j)] = root(i)
    grouped: dict[int, list[Day]] = {}
    for i, day in enumerate(days):
        grouped.setdefault(root(i), []).append(day)
    groups = [(members, set().union(*(values[d] for d in members))) for members in grouped.values()]
    return sorted(groups, key=lambda g: (-ctx.evidence_weight(g[1]), _show(g[0][0])))


def _show(day: Day) -> str:
    return "-".join(f"{part:02d}" if i else str(part) for i, part in enumerate(day) if part)


def _age(day: Day, on: date) -> float:
    """Age on a date of someone born on a (partial) day, in years."""
    born = date(day[0], day[1] or 7, min(day[2] or 1, 28))
    return (on - born).days / 365.25


def without_children(
    births: dict[Day, set[int]], ctx: Context, min_age: float
) -> dict[Day, set[int]]:
    """The dates of birth less those that make the person a young child on the date of every
    record giving them, when another date makes them older than that."""

    def child(day: Day) -> bool:
        dates = [ctx.records[r].reported_on or ctx.as_of for r in births[day] if r in ctx.records]
        return all(_age(day, on) < min_age for on in dates or [ctx.as_of])

    kept = {day: records for day, records in births.items() if not child(day)}
    return kept if kept else births


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on people with two or more identities."""
    share = float(ctx.params(NAME)["nationality_share"])
    min_age = float(ctx.params(NAME)["min_age"])
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index):
            continue
        facts = ctx.graph.vs[index]["facts"]
        births: dict[Day, set[int]] = {}
        for value, record in facts.get("birthDate", ()):
            parsed = parse_day(value)
            if parsed:
                births.setdefault(parsed, set()).add(record)
        countries: dict[str, set[int]] = {}
        for value, record in facts.get("nationality", ()):
            if len(value) == 2 and value.isalpha():
                countries.setdefault(value.upper(), set()).add(record)
        for document, edge in ctx.neighbours(index, ("holds_document",)):
            doc = ctx.graph.vs[document]["facts"]
            if {t for t, _ in doc.get("type", ())} & {"brp", "residence_permit"}:
                continue
            for value, record in doc.get("country", ()):
                if len(value) == 2 and value.isalpha():
                    countries.setdefault(value.upper(), set()).update({record})
                    countries[value.upper()].update(ctx.edge_records[edge])
        births = without_children(births, ctx, min_age) if len(births) > 1 else births
        groups = _groups(births, ctx) if len(births) > 1 else []
        dob_score = ctx.evidence_weight(groups[1][1]) if len(groups) > 1 else 0.0
        ranked = sorted(countries, key=lambda c: (-ctx.evidence_weight(countries[c]), c))
        nat_score = ctx.evidence_weight(countries[ranked[1]]) * share if len(ranked) > 1 else 0.0
        score = max(dob_score, nat_score)
        if score <= 0:
            continue
        parts: list[str] = []
        evidence: set[int] = set()
        if len(groups) > 1:
            shown = "; ".join(
                f"{', '.join(_show(d) for d in members)} in {len(records)} records "
                f"(weight {corroborated(ctx.record_weight(r) for r in records):.2f})"
                for members, records in groups
            )
            parts.append(f"{len(groups)} dates of birth that are not slips of one another: {shown}")
            evidence.update(*(records for _, records in groups))
        if len(ranked) > 1:
            parts.append(
                f"{len(ranked)} nationalities or document countries ({', '.join(ranked)}), "
                f"counted at {share:g} as dual nationality is possible"
            )
            evidence.update(*countries.values())
        reason = "; ".join(parts) + (
            f"; scored by the evidence weight of the second identity ({score:.2f})"
        )
        values = [("dates of birth", str(len(groups))), ("nationalities", ",".join(ranked))]
        yield finding(ctx, NAME, index, score, reason, evidence, values)


INDICATOR = Indicator(
    name=NAME,
    title="One person, several identities",
    rule=(
        "A resolved person has dates of birth that are not typing slips of one another, or "
        "several nationalities (counted at `nationality_share`); scored by the evidence weight "
        "of the second identity."
    ),
    subjects=("people",),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
