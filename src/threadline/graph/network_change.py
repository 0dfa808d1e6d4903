"""How one network changed between two dates: who joined and left, which links and premises
are new or gone.

A network is read twice from the same user's graph: as it stood at the first date (only
evidence reported or dated on or before it) and at the second. At the second date it is the
network around the anchor, the entity the analyst named: everything within
`threadline.graph.communities.NETWORK_RADIUS` associating steps of it
(`threadline.graph.communities.network_around`, the one definition watches read too); at the
first, the network around the anchor then, together with every member of the later network
already linked to the anchor through members of it (so that a member present all along, by a
path a little longer then, is never reported as joining). For a case it is everything the
case's records show. The difference is stated in members, links and premises, each with the
records it rests on, so that a command or a page can state its protection and the audit log
what was shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import igraph as ig

from threadline.graph.build import build_graph
from threadline.graph.communities import network_around
from threadline.graph.profiles import category
from threadline.graph.vocabulary import GraphFilter, NodeNotFound, find_node
from threadline.read.view import View

__all__ = [
    "NetworkChange",
    "NetworkState",
    "change_entities",
    "network_change",
    "network_change_seen",
    "network_state",
]

Link = tuple[str, str, str]
"""(node, node, link type), the two nodes in name order."""


@dataclass(frozen=True, slots=True)
class NetworkState:
    """A network as it stood at one date."""

    day: date
    members: frozenset[str]
    """Node names (entity and value nodes)."""
    links: frozenset[Link]
    captions: dict[str, str]
    categories: dict[str, str]
    """Each member's profile category ("people", "premises", "phones"...)."""
    records: frozenset[int]
    """The records behind its members and links."""


@dataclass(frozen=True, slots=True)
class NetworkChange:
    """What changed between `before` and `after`."""

    before: NetworkState
    after: NetworkState

    @property
    def joined(self) -> tuple[str, ...]:
        return tuple(sorted(self.after.members - self.before.members))

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(sorted(self.before.members - self.after.members))

    @property
    def new_links(self) -> tuple[Link, ...]:
        return tuple(sorted(self.after.links - self.before.links))

    @property
    def gone_links(self) -> tuple[Link, ...]:
        return tuple(sorted(self.before.links - self.after.links))

    def of(self, names: tuple[str, ...], kind: str) -> tuple[str, ...]:
        """Those of `names` in profile category `kind` (e.g. "premises")."""
        shown = {**self.before.categories, **self.after.categories}
        return tuple(n for n in names if shown.get(n) == kind)

    def caption(self, name: str) -> str:
        return self.after.captions.get(name) or self.before.captions.get(name) or name

    @property
    def records(self) -> frozenset[int]:
        return self.before.records | self.after.records


def network_state(
    g: ig.Graph, day: date, anchor: str | None, later: frozenset[str] = frozenset()
) -> NetworkState:
    """The network of `g` (a graph built with evidence up to `day`): the network around
    `anchor` (`network_around`; an entity id, value or caption `find_node` accepts), with the
    nodes of `later` linked to the anchor through nodes of `later`; or the whole graph when
    `anchor` is None.
    An anchor not yet in the graph at that date gives an empty network."""
    if anchor is None:
        chosen = list(range(g.vcount()))
    else:
        try:
            at = find_node(g, anchor)
        except NodeNotFound:
            chosen = []
        else:
            chosen = network_around(g, at)
            chosen += sorted(_reached(g, at, later) - set(chosen))
    inside = set(chosen)
    names: list[str] = g.vs["name"] if g.vcount() else []
    links = {
        (*sorted((names[e.source], names[e.target])), str(e["type"])): e["records"]
        for e in g.es
        if e.source in inside and e.target in inside
    }
    records = {r for i in chosen for r in g.vs[i]["records"]}
    records |= {r for held in links.values() for r in held}
    return NetworkState(
        day=day,
        members=frozenset(names[i] for i in chosen),
        links=frozenset((a, b, kind) for a, b, kind in links),
        captions={names[i]: str(g.vs[i]["caption"]) for i in chosen},
        categories={names[i]: category(g.vs[i]["schema"], g.vs[i]["value_type"]) for i in chosen},
        records=frozenset(records),
    )


def _reached(g: ig.Graph, start: int, allowed: frozenset[str]) -> set[int]:
    """Nodes named in `allowed` that `start` reaches through nodes named in `allowed`."""
    names: list[str] = g.vs["name"]
    seen, todo = {start}, [start]
    while todo:
        for nxt in g.neighbors(todo.pop()):
            if nxt not in seen and names[nxt] in allowed:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def network_change(
    graph_at: Callable[[date], ig.Graph], start: date, end: date, anchor: str | None
) -> NetworkChange:
    """The network of `anchor` (or the whole graph) at `start` and at `end`, where
    `graph_at(day)` builds the reader's graph of evidence up to `day`.

    Raises NodeNotFound when the anchor is in neither network (nothing the reader may see
    names it by the second date).
    """
    if end < start:
        raise ValueError("the second date is before the first")
    after = network_state(graph_at(end), end, anchor)
    if anchor is not None and not after.members:
        raise NodeNotFound(f"no entity or value matches {anchor!r} by {end}", anchor)
    before = network_state(graph_at(start), start, anchor, after.members)
    return NetworkChange(before, after)


def network_change_seen(
    view: View,
    start: date,
    end: date,
    anchor: str | None,
    *,
    detail: Mapping[str, object] | None = None,
) -> tuple[NetworkChange, ig.Graph]:
    """`network_change` over `view`'s graphs at each date, logged as a combination of the
    records it rests on (with `detail`); the change and the graph at `end`."""
    graphs: dict[date, ig.Graph] = {}

    def graph_at(day: date) -> ig.Graph:
        graphs[day] = build_graph(view, filters=GraphFilter(until=day))
        return graphs[day]

    change = network_change(graph_at, start, end, anchor)
    g = graphs[end]
    view.consulted("graph.network_changes", records=change.records,
                   entities=change_entities(change, g), action="combination",
                   detail=detail)  # fmt: skip
    return change, g


def change_entities(change: NetworkChange, g: ig.Graph) -> list[str]:
    """The entities of the network's members at the second date (`g`, the graph then)."""
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    return sorted({e for n in change.after.members if n in index
                   for e in g.vs[index[n]]["entity_ids"]})  # fmt: skip
