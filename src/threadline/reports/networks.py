"""The networks of a profile: each described as an analyst would, with a small link chart.

Networks are the communities of the reader's graph (Leiden with seed 0 and the resolution
chosen by size, as ``threadline graph communities`` finds them), profiled by
``threadline.graph.profiles`` and ranked by the risk findings on their members. For each
of the riskiest, a profile lists its people by role, its
premises, businesses, vehicles and phones (captioned from what the reader may see), the
agencies holding evidence on it, and the nodes and links of a small chart (the best connected
members when there are more than a chart can show legibly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import igraph as ig

from threadline.graph.communities import communities
from threadline.graph.profiles import MemberRisk, NetworkProfile, category, network_profiles
from threadline.graph.vocabulary import VALUE
from threadline.reports.people import NOT_RECORDED

__all__ = ["CHART_LIMIT", "MEMBER_HEADINGS", "NetworkSection", "Networks", "find_networks"]

CHART_LIMIT = 40
"""Most nodes drawn in one network's link chart: beyond this the labels no longer read."""

MEMBER_HEADINGS = (
    ("victims", "Potential victims"), ("suspects", "Suspects"), ("associates", "Associates"),
    ("other_people", "Other people"), ("premises", "Premises"), ("businesses", "Businesses"),
    ("vehicles", "Vehicles"), ("phones", "Phones"), ("emails", "Emails"),
    ("accounts", "Accounts"),
)  # fmt: skip
"""A profile's member lists, in the order shown, with their headings."""

_CHART_CATEGORY = {
    "people": "person", "premises": "address", "businesses": "organisation",
    "vehicles": "vehicle", "phones": "phone", "accounts": "account", "emails": "other",
}  # fmt: skip
"""A profile category as a link chart draws it."""


@dataclass(frozen=True, slots=True)
class NetworkSection:
    """One network as a profile shows it."""

    number: int
    """The community's number in the reader's graph (``export --network N`` for --all)."""
    profile: NetworkProfile
    members: tuple[tuple[str, tuple[str, ...]], ...]
    """(heading, captions) for each member list that is not empty."""
    type: str
    """Its commonest exploitation type, or "not recorded"."""
    agencies: tuple[tuple[str, int], ...]
    """Agency -> how many members it holds evidence on."""
    single_source: bool
    """Whether one agency alone holds evidence on it."""
    chart_nodes: tuple[tuple[str, str, str], ...]
    """(node name, caption, chart category) of the nodes drawn."""
    chart_edges: tuple[tuple[str, str], ...]
    shown: int
    """How many of its members the chart draws (all, or the best connected `CHART_LIMIT`)."""


@dataclass(frozen=True, slots=True)
class Networks:
    """The networks of a profile: those shown, how many there are, and who knows what."""

    sections: tuple[NetworkSection, ...]
    found: int
    by_type: tuple[tuple[str, int], ...]
    """Exploitation type -> how many networks it is the commonest type of."""
    agencies: tuple[str, ...]
    single_source: tuple[int, ...]
    """The numbers of every network (shown or not) that one agency alone holds evidence on."""
    records: frozenset[int]
    """Every record behind what the sections show."""


def _caption(g: ig.Graph, index: int) -> str:
    v = g.vs[index]
    return str(v["caption"] or v["name"])


def _chart(g: ig.Graph, members: Sequence[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """The members to draw (the best connected, at most CHART_LIMIT) and their links. A
    record's free text (a Note) is not drawn: it is a record, not a member."""
    inside = set(members)
    degree = {i: sum(1 for n in g.neighbors(i) if n in inside) for i in members}
    drawn = sorted(members, key=lambda i: (-degree[i], _caption(g, i)))[:CHART_LIMIT]
    kept = set(drawn)
    edges = sorted({(min(a, b), max(a, b)) for a, b in g.get_edgelist() if a in kept and b in kept})
    return drawn, edges


def find_networks(
    g: ig.Graph,
    *,
    top: int = 6,
    min_size: int = 3,
    scores: MemberRisk | Mapping[str, float] | None = None,
) -> Networks:
    """The networks of `g` (module docstring), the `top` riskiest profiled (by the members'
    risk `scores`; the largest without them)."""
    membership = communities(g, seed=0, resolution=None) if g.vcount() else []
    profiles = (
        network_profiles(g, membership, min_size=min_size, scores=scores) if g.vcount() else []
    )
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    types: dict[str, int] = {}
    for p in profiles:
        kind = p.exploitation[0][0] if p.exploitation else NOT_RECORDED
        types[kind] = types.get(kind, 0) + 1
    sections = []
    records: set[int] = set()
    agencies: set[str] = set()
    for p in profiles[:top]:
        members = tuple(
            (heading, tuple(sorted(_caption(g, index[n]) for n in getattr(p, key))))
            for key, heading in MEMBER_HEADINGS
            if getattr(p, key)
        )
        nodes = [i for i, c in enumerate(membership) if c == p.community]
        drawn, edges = _chart(g, [i for i in nodes if g.vs[i]["schema"] != "Note"])
        for i in drawn:
            records.update(g.vs[i]["records"])
        for e in g.es.select(_within=set(drawn)):
            records.update(e["records"])
        for i in nodes:
            records.update(g.vs[i]["records"])
        counts = tuple(sorted(((a, sum(row.values())) for a, row in p.agencies.items()),
                              key=lambda kv: (-kv[1], kv[0])))  # fmt: skip
        agencies.update(p.agencies)
        sections.append(
            NetworkSection(
                number=p.community,
                profile=p,
                members=members,
                type=p.exploitation[0][0] if p.exploitation else NOT_RECORDED,
                agencies=counts,
                single_source=len(p.agencies) <= 1,
                chart_nodes=tuple(
                    (str(g.vs[i]["name"]), _caption(g, i), _category(g, i)) for i in drawn
                ),
                chart_edges=tuple((str(g.vs[a]["name"]), str(g.vs[b]["name"])) for a, b in edges),
                shown=len(drawn),
            )
        )
    return Networks(
        sections=tuple(sections),
        found=len(profiles),
        by_type=tuple(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        agencies=tuple(sorted(agencies)),
        single_source=tuple(p.community for p in profiles if len(p.agencies) <= 1),
        records=frozenset(records),
    )


def _category(g: ig.Graph, index: int) -> str:
    v = g.vs[index]
    kind = category(v["schema"], v["value_type"] if v["kind"] == VALUE else "")
    return _CHART_CATEGORY.get(kind, "other")
