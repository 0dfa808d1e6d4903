"""A vehicle moving several people between places at unusual hours.

Rule: a vehicle read by ANPR (``seen_at`` links whose times are kept, e.g.
``2026-06-30T02:27:11``) at least `min_reads` times at night (from `night_from` to before
`night_to` o'clock) at `min_places` or more places, and linked to at least `threshold`
people: its users (``uses_vehicle``, ``owns``) and the people named in records that name it
(a report of workers collected in that van, a call naming its registration). People are
weighted by the grade of the records tying them to the vehicle; ANPR reads themselves are
technical records (1A). The vehicle and the people are flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import finding, is_person, names, ramp, tally
from threadline.risk.types import Context, Finding, Indicator

NAME = "night_vehicle"
DEFAULTS = {
    "weight": 0.8,
    "night_from": 22,
    "night_to": 6,
    "min_reads": 3,
    "min_places": 2,
    "threshold": 2,
    "full": 5,
}
USER_LINKS = ("uses_vehicle", "owns", "has_vehicle", "mentions_vehicle")


def _hour(when: str) -> int | None:
    """The hour of an ISO date-time, or None for a bare date."""
    if len(when) >= 13 and when[10] in "T ":
        digits = when[11:13]
        return int(digits) if digits.isdigit() else None
    return None


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on vehicles read at night at several places, and on the people they move."""
    p = ctx.params(NAME)
    start, end = int(p["night_from"]), int(p["night_to"])

    def at_night(hour: int) -> bool:
        return hour >= start or hour < end if start > end else start <= hour < end

    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] != "Vehicle":
            continue
        reads: list[str] = []
        places: set[int] = set()
        read_records: set[int] = set()
        for place, edge in ctx.neighbours(index, ("seen_at",)):
            night = [d for d in ctx.graph.es[edge]["dates"] if (h := _hour(d)) is not None
                     and at_night(h)]  # fmt: skip
            if night:
                reads.extend(night)
                places.add(place)
                read_records.update(ctx.edge_records[edge])
        if len(reads) < p["min_reads"] or len(places) < p["min_places"]:
            continue
        naming = set(ctx.graph.vs[index]["records"])
        people: dict[int, set[int]] = {}
        for other, edge in ctx.neighbours(index, USER_LINKS):
            naming.update(ctx.edge_records[edge])
            if is_person(ctx, other):
                people.setdefault(other, set()).update(ctx.edge_records[edge])
        for record in naming:
            for other in ctx.record_nodes.get(record, ()):
                if is_person(ctx, other):
                    people.setdefault(other, set()).add(record)
        count = tally(ctx, people)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        caption = ctx.graph.vs[index]["caption"]
        hours = f"{start:02d}:00-{end:02d}:00"
        reason = (
            f"the vehicle {caption} was read {len(reads)} times between {hours} at "
            f"{len(places)} places ({names(ctx, places, 3)}), and is linked to "
            f"{count.phrase('people')} ({names(ctx, people)})"
        )
        evidence = read_records | count.evidence
        values = [("vehicle", caption), ("night reads", str(len(reads)))]
        if ctx.entities(index):
            yield finding(ctx, NAME, index, score, reason, evidence, values)
        for person in sorted(people):
            yield finding(ctx, NAME, person, score, reason, evidence, values)


INDICATOR = Indicator(
    name=NAME,
    title="Vehicle moving people at unusual hours",
    rule=(
        "A vehicle is read at least `min_reads` times at night (`night_from` to `night_to`) "
        "at `min_places` or more places, and at least `threshold` people (weighted by "
        "evidence grade) use it or are named with it; the vehicle and the people are flagged."
    ),
    subjects=("vehicles", "people"),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
