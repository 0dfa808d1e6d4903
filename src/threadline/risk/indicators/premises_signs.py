"""Reports of a typology's signs at an address: a grow, a brothel, a cuckooed flat.

Rule: each exploitation typology has signs a neighbour, a meter reader or an officer sees at
premises (the Home Office's published indicators; `signs` in the weights file): blacked-out
windows, a bypassed meter or unusual power use and the smell of cannabis at a grow; men
coming and going at all hours at a brothel; heavy foot traffic and a vulnerable tenant who
has lost control of a cuckooed flat; a woman who sleeps in the kitchen of a family home.
An address is flagged when records whose text speaks of one typology's signs place something
there (along `link_types`: the report's location; only a record giving no location is read
as about a home, that of a person it names as a victim or of the one person it names, such as
a patient, whoever the record names as having come with them aside: never a suspect's or a
bystander's, and only a home at the address its free text
names when it names one: a county-lines report whose narrative names the trap flat is not
about the missing child's family home), and
they weigh at least `threshold` when each is weighted by its grade (one report of a
source that is usually reliable is enough, 2C; a report of one not known to be needs
corroborating). The records are counted, each by its grade, as the weights file counts
things: the score reaches 1 at `full` (1.5: two reliable reports, or one and a few weaker
ones). Corroborated as one value (1 - prod(1 - w)) they could never pass 1, and the score
stopped at 0.77 however many reports a house had. A record naming more than `max_places`
addresses is not read as about any one of them. A place gets a finding for each typology
whose signs are reported there, about that typology.

A business is flagged the same way when such records say someone runs something at it (a
``runs`` link the record backs: "Ion Florea controls the women selling sex at Ace Spa &
Massage"): the signs are reported at the business, wherever it trades.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from threadline.model.roles import Role
from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    engaged_by,
    finding,
    is_address,
    is_business,
    is_person,
    named_as,
    people_about,
    ramp,
    roles,
)
from threadline.risk.types import Context, Finding, Indicator
from threadline.values import get_type
from threadline.values.address import address_key, town_of

NAME = "premises_signs"
DEFAULTS = {
    "weight": 1.0,
    "threshold": 0.4,
    "full": 1.5,
    "max_places": 2,
    "link_types": ["seen_at"],
    "supplied_share": 0.5,
    "signs": {
        "criminal": [
            "cannabis grow", "cannabis cultivation", "cannabis farm", "smell of cannabis",
            "blacked out", "meter has been bypassed", "meter bypass", "abstracting electricity",
            "unusual power", "electricity use", "heat signature", "grow lights",
            "foot traffic", "lost control of the flat", "cuckoo", "not local are staying",
        ],
        "sexual": [
            "come and go at all hours", "moved between flats", "adverts for the flat",
            "brothel", "curtains are always closed", "selling sex",
        ],
        "domestic_servitude": [
            "sleeps in the kitchen", "passport is kept by the family",
            "never seen outside except", "cooks and cleans for a family",
            "to cook, clean", "housework for the family", "not allowed out of the house",
        ],
        "labour": [
            "sleep in a caravan", "paid £20 a day", "picked up from town",
            "minibus collects", "crammed into",
        ],
    },
}  # fmt: skip
"""Signs per typology (NRM exploitation types), matched in record text, case-insensitive."""


def places_named(
    ctx: Context, records: set[int], max_places: int, link_types: Sequence[str]
) -> dict[int, set[int]]:
    """Addresses `records` place something at, for records placing things at no more than
    `max_places` addresses, with the records placing something at each. A record's places
    are its locations (links of `link_types` it backs: where the report happened); only a
    record giving no location is read as about a home: that of a person it names as a
    victim, or of the one person it names (a patient's, a caller's)."""
    located: dict[int, set[int]] = {}
    homes: dict[int, set[int]] = {}
    types = set(link_types)
    for edge_id, kind in enumerate(ctx.edge_types):
        if kind in types:
            into = located
        elif kind == "lives_at":
            into = homes
        else:
            continue
        shared = records.intersection(ctx.edge_records[edge_id])
        if not shared:
            continue
        for end in ctx.endpoints[edge_id]:
            if is_address(ctx, end):
                for record in shared:
                    if into is located or _about_resident(ctx, edge_id, record):
                        into.setdefault(record, set()).add(end)
    out: dict[int, set[int]] = {}
    for record in records:
        places = (
            located.get(record)
            or text_places(ctx, record)
            or _homes_told(ctx, record, homes.get(record, set()))
        )
        if len(places) <= max_places:
            for place in places:
                out.setdefault(place, set()).add(record)
    return out


def businesses_run(ctx: Context, records: set[int]) -> dict[int, set[int]]:
    """Businesses `records` say someone runs something at (``runs`` links they back), with
    the records saying so."""
    out: dict[int, set[int]] = {}
    for edge_id, kind in enumerate(ctx.edge_types):
        if kind != "runs":
            continue
        shared = records.intersection(ctx.edge_records[edge_id])
        for end in ctx.endpoints[edge_id] if shared else ():
            if is_business(ctx, end):
                out.setdefault(end, set()).update(shared)
    return out


def _homes_told(ctx: Context, record: int, homes: set[int]) -> set[int]:
    """Of the homes a record without a location is read as about, those its free text does
    not contradict: when the text names where things happened ("people are living at 2
    Mill Street"), only a home at that address (a county-lines report naming the trap flat is
    not about the missing child's family home)."""
    told = ctx.placed_in_text.get(record)
    if not told:
        return homes
    return {h for h in homes if any(same_place(str(ctx.graph.vs[h]["caption"]), t) for t in told)}


def text_places(ctx: Context, record: int) -> set[int]:
    """The addresses of the graph that a record's free text names ("At 40 Ploverley Terrace,
    Spalding the women are moved between flats"): where the report says it happened when no
    column gives its location."""
    told = ctx.placed_in_text.get(record)
    if not told:
        return set()
    index = ctx.addresses_by_key
    return {
        node
        for place in told
        for node in index.get(address_key(place, unit=True), ())
        if same_place(str(ctx.graph.vs[node]["caption"]), place)
    }


SAME_PLACE = 0.8
"""How alike (the address comparator's score) an address of the graph and one a text names
must be to be one place: the same address written differently, or the same building with
the flat given in one only."""


def same_place(known: str, told: str) -> bool:
    """Whether an address of the graph and one a text names are one place: alike to the
    address comparator, and not in different towns when both name one.

    >>> same_place("5 Elderhurst Terrace, Wisbech", "5 Elderhurst Terr, Wisbech PE13 2XY")
    True
    >>> same_place("5 Elderhurst Terrace, Halifax", "5 Elderhurst Terr, Wisbech PE13 2XY")
    False
    """
    if get_type("address").compare(known, told) < SAME_PLACE:
        return False
    a, b = town_of(known), town_of(told)
    return not (a and b and a != b)


OBSERVERS = frozenset({Role.WITNESS.value, Role.SUSPECT.value})
"""Roles in which the one person a record names tells or does what happened somewhere else:
a witness tells what they saw (at a neighbour's flat, a place they were driven to); a suspect
is whom the report is about ("driving women to addresses at night, possible brothel"), and
the address it gives them is where they live, not where the signs were seen. A report of
signs at a suspect's home says where in its location or its text. (A caller or patient
reporting is often the one it happens to: their home counts.)"""


def _about_resident(ctx: Context, edge_id: int, record: int) -> bool:
    """Whether a ``lives_at`` link's person is whom `record` is about: someone named as a
    victim, or the only person the record names (setting aside whoever it names as having
    come with them: :func:`people_about`), unless it names them as its witness or its
    suspect."""
    people = people_about(ctx, record)
    return any(
        is_person(ctx, end)
        and (
            roles(ctx, end) & VICTIM_ROLES or (people == [end] and not _observer(ctx, end, record))
        )
        for end in ctx.endpoints[edge_id]
    )


def _observer(ctx: Context, person: int, record: int) -> bool:
    """Whether `record` names `person` as a witness or a suspect."""
    return named_as(ctx, person, record, OBSERVERS)


def supplied_records(ctx: Context, place: int, records: set[int]) -> set[int]:
    """Of `records` placing signs at address `place`, those about workers another business
    supplied there: every person the record names was found there (a link of the record to
    `place`), does not live there, and is tied to a business as its own (its payroll pays
    them or wages into an account they hold, or they direct or run it: :func:`engaged_by`)
    that does not trade from `place`. What an officer sees of such workers at a farm or a
    warehouse (a minibus collecting them at dawn) is their supplier's exploitation."""
    here = {b for b, _ in ctx.neighbours(place, ("located_at",)) if is_business(ctx, b)}
    found: dict[int, set[int]] = {}
    living: set[int] = set()
    for person, edge in ctx.neighbours(place, ("seen_at", "lives_at")):
        if not is_person(ctx, person):
            continue
        if ctx.edge_types[edge] == "lives_at":
            living.add(person)
        else:
            for record in records.intersection(ctx.edge_records[edge]):
                found.setdefault(record, set()).add(person)
    out: set[int] = set()
    for record, people in found.items():
        named = {n for n in ctx.record_nodes.get(record, ()) if is_person(ctx, n)}
        if (
            named
            and named <= people
            and all(
                person not in living
                and (theirs := engaged_by(ctx.graph, person))
                and not theirs & here
                for person in named
            )
        ):
            out.add(record)
    return out


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on addresses that reports of a typology's signs name: one for each typology
    reported there, about that typology."""
    p = ctx.params(NAME)
    signs: Mapping[str, Sequence[str]] = p["signs"]
    found: dict[int, list[tuple[float, str, set[int], float, int]]] = {}
    for typology in sorted(signs):
        speaking = ctx.words(list(signs[typology]))
        named = places_named(ctx, speaking, int(p["max_places"]), p["link_types"])
        for business, records in businesses_run(ctx, speaking).items():
            named.setdefault(business, set()).update(records)
        for place, records in named.items():
            supplied = supplied_records(ctx, place, records) if is_address(ctx, place) else set()
            weighted = round(
                ctx.counted_weight(records - supplied)
                + ctx.counted_weight(supplied) * float(p["supplied_share"]),
                4,
            )
            score = ramp(weighted, float(p["threshold"]), float(p["full"]))
            if score:
                found.setdefault(place, []).append(
                    (score, typology, records, weighted, len(supplied))
                )
    for place, typologies in sorted(found.items()):
        for score, typology, records, weighted, supplied_count in typologies:
            count = "a record reports" if len(records) == 1 else f"{len(records)} records report"
            reason = (
                f"{count} signs of {typology.replace('_', ' ')} exploitation "
                f"here (weight {weighted:.2f} when each is weighted by its grade"
                + (
                    f"; {supplied_count} about workers another business supplied here count "
                    f"{float(p['supplied_share']):g}"
                    if supplied_count
                    else ""
                )
                + ")"
            )
            values = [("typology", typology), ("records", str(len(records)))]
            yield finding(ctx, NAME, place, score, reason, records, values,
                          typologies=(typology,))  # fmt: skip


INDICATOR = Indicator(
    name=NAME,
    title="Signs of exploitation reported at the premises",
    rule=(
        "Records whose text speaks of one typology's `signs` (a grow, a brothel, a cuckooed "
        "flat, a servant kept at home) place something at an address (`link_types`, or a "
        "victim's home), weighing at least `threshold` by their grades; records placing "
        "things at more than `max_places` addresses are not read as about one."
    ),
    subjects=("premises", "businesses"),
    evaluate=evaluate,
    defaults=DEFAULTS,
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
