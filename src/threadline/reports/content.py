"""What a problem profile holds, gathered as the reader may see it.

`gather` reads through the acting user's View only: it narrows the View to a case, builds
the reader's graph (``threadline.graph.build_graph``, dates filtered), cuts it to an area, and
counts and describes what is left: headline figures, potential victims and suspects, networks
and their profiles, ranked premises and businesses from the reader's latest analysis, who knows
what, intelligence gaps, where premises are, and the methodology. Nothing the reader may not
see is in any of it, not even as a count; its protection is the combination of the protection
of every record it rests on (``threadline.model.protection.combine``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import igraph as ig

from threadline.errors import ThreadlineError
from threadline.geo import AreaScope, resolve_area
from threadline.graph.build import build_graph
from threadline.graph.evidence import protection_of_records
from threadline.graph.profiles import category
from threadline.graph.vocabulary import ENTITY, VALUE, GraphFilter
from threadline.model.protection import Protection, combine
from threadline.read import View
from threadline.read.cases import narrow_to_case
from threadline.read.currency import Currency, currency
from threadline.read.places import places
from threadline.read.rankings import RunInfo, latest_run, stored_priorities
from threadline.reports.gaps import Gaps, find_gaps
from threadline.reports.history import Changes, changes_since
from threadline.reports.methodology import Methodology, methodology
from threadline.reports.networks import Networks, find_networks
from threadline.reports.people import People, count_people
from threadline.reports.scope import ProfileScope
from threadline.risk.analysis import member_risk
from threadline.risk.prioritise import Kind, Priority

__all__ = ["STAGES", "Profile", "gather", "not_found"]

STAGES = ("graph", "people", "networks", "rankings", "gaps", "places")
"""The stages of gathering, in order, as the progress bar names them."""

RANKED = 20
"""Premises and businesses listed from the reader's latest ranking."""


def not_found(case: str) -> ThreadlineError:
    """The one answer for a case that does not exist and a case the reader may not see."""
    return ThreadlineError(f"no open case {case!r} that you are a member of")


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything a problem profile shows (see the module docstring)."""

    scope: ProfileScope
    scope_words: str
    area: AreaScope | None
    produced_by: str
    agency: str
    produced_at: datetime
    reference: str
    currency: Currency
    """How current the material is: when loaded, resolved and analysed, and what is behind."""
    headline: dict[str, int]
    changes: Changes
    people: People
    networks: Networks
    premises: tuple[Priority, ...]
    businesses: tuple[Priority, ...]
    run: RunInfo | None
    gaps: Gaps
    districts: dict[str, int]
    """Premises of the profile by postcode district, as the reader's records place them."""
    points: tuple[tuple[float, float, str, str], ...]
    """(latitude, longitude, label, kind) of the places the reader's records give coordinates:
    premises, and camera sites where vehicles were seen (kind "event": not premises)."""
    kinds: tuple[tuple[str, int], ...]
    """Members of the profile by kind (people, premises, businesses, ...)."""
    agencies: tuple[tuple[str, int], ...]
    """Agency -> records the profile rests on."""
    methodology: Methodology
    records: frozenset[int]
    entities: tuple[str, ...]
    protection: Protection


Step = Callable[[str], None]


def _area_nodes(view: View, g: ig.Graph, area: AreaScope) -> list[int]:
    """Premises, people and businesses the reader's records place in `area`, with their
    neighbours, and what the people among them use (phones, vehicles, accounts, businesses);
    never a node the records place outside it (a victim's other address elsewhere)."""
    if not g.vcount():
        return []
    ids = {e for ids in g.vs["entity_ids"] for e in ids}
    known = places(view, ids)

    def placed(v: ig.Vertex) -> set[bool]:
        """Whether each postcode the records give the node is in the area."""
        return {
            area.contains(p.postcode)
            for e in v["entity_ids"]
            if (p := known.get(e)) is not None and p.postcode
        }

    where = [placed(v) for v in g.vs]
    seeds = {v.index for v in g.vs if v["kind"] == ENTITY and True in where[v.index]}
    outside = {i for i, found in enumerate(where) if found and True not in found}
    chosen = set(seeds)
    for i in seeds:
        chosen.update(n for n in g.neighbors(i) if n not in outside)
    for i in list(chosen):
        if g.vs[i]["schema"] == "Person":
            chosen.update(
                n for n in g.neighbors(i) if g.vs[n]["schema"] != "Person" and n not in outside
            )
    return sorted(chosen)


def _scoped(view: View, scope: ProfileScope) -> tuple[ig.Graph, AreaScope | None]:
    if scope.case is not None and not narrow_to_case(view, scope.case):
        raise not_found(scope.case)
    area = resolve_area(view.conn, scope.area) if scope.area is not None else None
    g = build_graph(view, filters=GraphFilter(since=scope.since, until=scope.until))
    if area is not None:
        records = g["records"]
        exploitation = g["exploitation"]
        g = g.induced_subgraph(_area_nodes(view, g, area))
        g["records"], g["exploitation"] = records, exploitation
    return g, area


def _records(g: ig.Graph) -> frozenset[int]:
    used: set[int] = set()
    for rs in g.vs["records"] if g.vcount() else []:
        used.update(rs)
    for rs in g.es["records"] if g.ecount() else []:
        used.update(rs)
    return frozenset(used)


def _ranked(
    view: View, run: RunInfo | None, kind: Kind, scoped: set[str] | None
) -> tuple[Priority, ...]:
    """The reader's latest ranking of `kind`, cut to the profile's entities and ranked again
    1, 2, ... among themselves."""
    if run is None:
        return ()
    entries = stored_priorities(view, run.id, kind)
    kept = [p for p in entries if scoped is None or p.entity_id in scoped][:RANKED]
    return tuple(replace(p, rank=n) for n, p in enumerate(kept, start=1))


def _kinds(g: ig.Graph) -> Counter[str]:
    return Counter(
        category(v["schema"], v["value_type"] if v["kind"] == VALUE else "") for v in g.vs
    )


def gather(
    view: View,
    scope: ProfileScope,
    *,
    reference: str,
    step: Step | None = None,
    produced_at: datetime | None = None,
) -> Profile:
    """The problem profile of `scope` as `view`'s actor may see it (module docstring).

    Raises ThreadlineError for a case the reader is not a member of (exactly as for one that
    does not exist) and for an area not recognised.
    """
    advance = step or (lambda label: None)
    g, area = _scoped(view, scope)
    advance("graph")
    nodes = range(g.vcount())
    records = _records(g)
    people = count_people(g, nodes)
    advance("people")
    found = find_networks(g, scores=member_risk(view, g))
    advance("networks")
    entities = sorted({e for ids in (g.vs["entity_ids"] if g.vcount() else []) for e in ids})
    run = latest_run(view)
    scoped = (
        None if scope.everything and scope.since is None and scope.until is None else set(entities)
    )
    premises = _ranked(view, run, "premises", scoped)
    businesses = _ranked(view, run, "business", scoped)
    advance("rankings")
    gaps = find_gaps(view, g, nodes, records, found.single_source)
    advance("gaps")
    addresses = [v for v in g.vs if v["kind"] == ENTITY and v["schema"] == "Address"]
    where = places(view, {e for v in addresses for e in v["entity_ids"]})
    districts: Counter[str] = Counter()
    points: list[tuple[float, float, str, str]] = []
    for v in addresses:
        known = [where[e] for e in v["entity_ids"] if e in where]
        located = next((p for p in known if p.located), None)
        district = next((p.district for p in known if p.district), None)
        camera = bool(v["waypoint"])
        if district and not camera:
            districts[district] += 1
        if located is not None and located.latitude is not None and located.longitude is not None:
            points.append((located.latitude, located.longitude, str(v["caption"] or v["name"]),
                           "event" if camera else "premises"))  # fmt: skip
    advance("places")
    ranked_records = {r for p in (*premises, *businesses) for r in p.evidence}
    info = g["records"]
    kinds = _kinds(g)
    headline = {
        "records": len(records),
        "agencies": len({info[r].agency for r in records if r in info}),
        "potential victims": people.victims,
        "of whom children": dict(people.by_age).get("child", 0),
        "suspects": people.suspects,
        "networks": found.found,
        "premises": kinds["premises"] - sum(1 for v in addresses if v["waypoint"]),
        "businesses": kinds["businesses"],
        "vehicles": kinds["vehicles"],
        "phones": kinds["phones"],
        "ranked premises": len(premises),
        "ranked businesses": len(businesses),
    }
    agencies = Counter(info[r].agency for r in records if r in info)
    return Profile(
        scope=scope,
        scope_words=scope.words(area.label if area is not None else ""),
        area=area,
        produced_by=view.actor.username,
        agency=view.actor.agency,
        produced_at=produced_at or datetime.now(UTC),
        reference=reference,
        currency=currency(view),
        headline=headline,
        changes=changes_since(view, scope.key(), headline),
        people=people,
        networks=found,
        premises=premises,
        businesses=businesses,
        run=run,
        gaps=gaps,
        districts=dict(sorted(districts.items(), key=lambda kv: (-kv[1], kv[0]))),
        points=tuple(sorted(points)),
        kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        agencies=tuple(sorted(agencies.items(), key=lambda kv: (-kv[1], kv[0]))),
        methodology=methodology(view, run),
        records=records | frozenset(ranked_records),
        entities=tuple(entities),
        protection=_protection(view, g, records, ranked_records),
    )


def _protection(
    view: View, g: ig.Graph, records: Iterable[int], ranked: Iterable[int]
) -> Protection:
    """The highest marking, most restrictive handling and every condition of what is shown."""
    return combine([protection_of_records(g, records), view.protection(ranked)])
