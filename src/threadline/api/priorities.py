"""What the Priorities, Networks and Map pages and their API answers show, read and audited.

Each function takes the acting user's View (and, for the graph, the user's graph from the
server's cache, built through that View), logs what it shows as one consultation, and returns
it with the protection of everything shown. The pages and the API render the same answers.

- `ranking`: premises or businesses ranked by the user's latest stored analysis run.
- `networks`: network profiles (communities) and who knows what (agency by network).
- `premises_map`: premises with coordinates for the map, the rest by postcode district.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import igraph as ig

from threadline.graph.communities import communities
from threadline.graph.evidence import protection_of_records
from threadline.graph.profiles import CATEGORIES, NetworkProfile, network_profiles
from threadline.graph.vocabulary import ENTITY
from threadline.model.protection import Protection, combine
from threadline.read import View
from threadline.read.places import Place, places
from threadline.read.rankings import RunInfo, latest_run, stored_priorities
from threadline.risk.analysis import member_risk
from threadline.risk.prioritise import Kind, Priority

__all__ = [
    "MEMBER_FIELDS",
    "District",
    "MapPoint",
    "Member",
    "Network",
    "Networks",
    "PremisesMap",
    "Ranking",
    "networks",
    "premises_map",
    "ranking",
]


# -- rankings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranking:
    """One kind's ranking from the user's latest stored run (none when they have no run)."""

    kind: Kind
    run: RunInfo | None
    entries: list[Priority]
    protection: Protection
    typology: str | None = None
    """The exploitation type it ranks for; None: across every type."""


def ranking(
    view: View, kind: Kind, *, top: int | None = 20, typology: str | None = None
) -> Ranking:
    """The user's latest stored ranking of `kind` (across every exploitation type, or for
    `typology`), each entry only when they may see all of its evidence (see
    `threadline.read.rankings`); audited as `analyse.KIND`."""
    run = latest_run(view)
    entries = (
        [] if run is None else stored_priorities(view, run.id, kind, top=top, typology=typology)
    )
    shown = {r for p in entries for r in p.evidence}
    view.consulted(
        f"analyse.{kind}",
        records=shown,
        entities=[p.entity_id for p in entries],
        detail={"run": None if run is None else run.id, "typology": typology},
    )
    return Ranking(kind, run, entries, view.protection(shown), typology)


# -- networks ---------------------------------------------------------------------------------

MEMBER_FIELDS = (
    ("victims", "Victims"), ("suspects", "Suspects"), ("associates", "Associates"),
    ("other_people", "Other people"), ("premises", "Premises"), ("businesses", "Businesses"),
    ("vehicles", "Vehicles"), ("phones", "Phones"), ("emails", "Emails"),
    ("accounts", "Accounts"),
)  # fmt: skip
"""A profile's member lists, in the order shown, with their headings."""


@dataclass(frozen=True, slots=True)
class Member:
    """A network member: its graph node, caption and entity (None for a shared value such as
    a phone number no entity owns)."""

    node: str
    label: str
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class Network:
    """A profile with its members captioned."""

    profile: NetworkProfile
    members: dict[str, list[Member]]
    """Field of `MEMBER_FIELDS` -> members, in the profile's order."""
    categories: tuple[str, ...]
    """The member categories any agency holds evidence on, for this network's matrix."""


@dataclass(frozen=True, slots=True)
class Networks:
    """The largest networks the user may see, and who knows what."""

    networks: list[Network]
    found: int
    """How many communities have at least the minimum size (more than shown, if capped)."""
    agencies: list[str]
    knows: dict[str, dict[int, int]]
    """Who knows what: agency -> network -> how many of its members the agency holds
    evidence on."""
    protection: Protection
    min_size: int


def _member(g: ig.Graph, index: dict[str, int], name: str) -> Member:
    v = g.vs[index[name]]
    return Member(name, str(v["caption"] or name), name if v["kind"] == ENTITY else None)


def networks(view: View, g: ig.Graph, *, top: int = 10, min_size: int = 3) -> Networks:
    """Network profiles of `g` (the user's graph), riskiest first, as `threadline graph
    communities` shows them (Leiden with seed 0 and the resolution chosen by size); audited as
    `graph.communities`."""
    membership = communities(g, seed=0, resolution=None) if g.vcount() else []
    profiles = (
        network_profiles(g, membership, min_size=min_size, scores=member_risk(view, g))
        if g.vcount()
        else []
    )
    shown = profiles[:top]
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    out: list[Network] = []
    names: set[str] = set()
    for p in shown:
        members = {key: [_member(g, index, n) for n in getattr(p, key)] for key, _ in MEMBER_FIELDS}
        names.update(m.node for group in members.values() for m in group)
        used = [c for c in CATEGORIES if any(c in row for row in p.agencies.values())]
        out.append(Network(p, members, tuple(used)))
    used_records = {r for n in names for r in g.vs[index[n]]["records"]}
    knows: dict[str, dict[int, int]] = defaultdict(dict)
    for p in shown:
        for agency, row in p.agencies.items():
            knows[agency][p.community] = sum(row.values())
    view.consulted(
        "graph.communities",
        records=used_records,
        entities=sorted({i for n in names for i in g.vs[index[n]]["entity_ids"]}),
        detail={"communities": len(shown)},
    )
    return Networks(
        networks=out,
        found=len(profiles),
        agencies=sorted(knows),
        knows={a: dict(sorted(row.items())) for a, row in sorted(knows.items())},
        protection=protection_of_records(g, used_records),
        min_size=min_size,
    )


# -- the map ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A place with coordinates: a premises, or an ANPR camera site (where vehicles were seen,
    which is not a premises)."""

    entity_id: str
    label: str
    latitude: float
    longitude: float
    postcode: str | None
    camera: bool
    rank: int | None
    """Its rank in the user's latest premises ranking, if it has one."""


@dataclass(frozen=True, slots=True)
class District:
    """Premises without coordinates in one postcode district."""

    district: str
    premises: list[tuple[str, str]]
    """(entity id, caption) of each, by caption."""
    ranked: int
    """How many of them the user's latest ranking lists."""


@dataclass(frozen=True, slots=True)
class PremisesMap:
    """Where the user's premises are: on the map if coordinates are known, else by district."""

    points: list[MapPoint]
    districts: list[District]
    premises: int
    """Premises the user may see (addresses that are not only camera sites)."""
    located: int
    """Of those, how many have coordinates."""
    unplaced: int
    """Premises with neither coordinates nor a postcode."""
    cameras: int
    """Camera sites with coordinates (on the map, marked apart from premises)."""
    run: RunInfo | None
    protection: Protection = field(default_factory=lambda: combine([]))


def premises_map(view: View, g: ig.Graph) -> PremisesMap:
    """Every Address the user's graph holds, placed as far as their records say; audited as
    `premises.map`. Nothing is placed by guesswork: no coordinates, no point."""
    addresses = [
        v for v in g.vs if v["kind"] == ENTITY and v["schema"] == "Address" and v["entity_ids"]
    ] if g.vcount() else []  # fmt: skip
    known = places(view, {e for v in addresses for e in v["entity_ids"]})
    run = latest_run(view)
    ranked = (
        {} if run is None
        else {p.entity_id: p.rank for p in stored_priorities(view, run.id, "premises")}
    )  # fmt: skip
    points: list[MapPoint] = []
    by_district: dict[str, list[tuple[str, str]]] = defaultdict(list)
    shown: set[int] = set()
    entities: list[str] = []
    counts: Counter[str] = Counter()
    for v in addresses:
        where = [known[e] for e in v["entity_ids"] if e in known]
        located = next((p for p in where if p.located), None)
        code = next((p for p in where if p.district), None)
        camera = bool(v["waypoint"])
        counts["cameras" if camera else "premises"] += 1
        name, label = str(v["name"]), str(v["caption"] or v["name"])
        if located is not None:
            assert located.latitude is not None and located.longitude is not None
            points.append(
                MapPoint(name, label, located.latitude, located.longitude, located.postcode,
                         camera, ranked.get(name))
            )  # fmt: skip
            counts["located_cameras" if camera else "located"] += 1
            _note(located, v["records"], shown, entities)
        elif camera:
            continue
        elif code is not None and code.district:
            by_district[code.district].append((name, label))
            _note(code, v["records"], shown, entities)
        else:
            counts["unplaced"] += 1
    districts = [
        District(d, sorted(items, key=lambda x: (x[1], x[0])), sum(e in ranked for e, _ in items))
        for d, items in sorted(by_district.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    view.consulted(
        "premises.map",
        records=shown,
        entities=entities,
        detail={"points": len(points), "districts": len(districts)},
    )
    return PremisesMap(
        points=sorted(points, key=lambda p: (p.camera, p.rank or 10**9, p.label)),
        districts=districts,
        premises=counts["premises"],
        located=counts["located"],
        unplaced=counts["unplaced"],
        cameras=counts["located_cameras"],
        run=run,
        protection=view.protection(shown),
    )


def _note(place: Place, records: tuple[int, ...], shown: set[int], entities: list[str]) -> None:
    """Count a listed place as shown: the records placing it and those behind its caption."""
    shown.update(place.records)
    shown.update(records)
    entities.append(place.entity_id)
