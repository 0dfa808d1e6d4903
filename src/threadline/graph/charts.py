"""Link charts: a part of the graph as nodes and edges a chart can draw.

A chart is cut from a graph that `build_graph` made for one user, so it holds only what they
may see. `neighbourhood` is an entity and what lies within a few hops; `path_chart` the
shortest path between two entities, with each hop in words; `chart_of` any set of nodes (a
saved chart reopened, a network). Shared identifiers (phones, addresses, vehicles, accounts)
are nodes of their own, so that two people sharing a phone meet at it. Every chart states its
protection: the highest marking and most restrictive handling of the evidence it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig

from threadline.graph._guards import graph_function
from threadline.graph.communities import communities
from threadline.graph.evidence import protection_of_records
from threadline.graph.paths import Step, path_steps, shortest_path
from threadline.graph.vocabulary import find_node
from threadline.model.protection import Protection

__all__ = ["Chart", "ChartEdge", "ChartNode", "chart_of", "neighbourhood", "path_chart"]

NODE_LIMIT = 400
"""Most nodes one chart draws: a few hundred stay readable; beyond that the analyst narrows
the filters or expands node by node."""


@dataclass(frozen=True, slots=True)
class ChartNode:
    """One node: an entity (person, business, premises...) or a shared identifier."""

    id: str
    label: str
    kind: str
    """``entity`` or ``value``."""
    schema: str
    """The FtM-style schema (Person, Company, Address...) or the value's type (phone...)."""
    entity_ids: tuple[str, ...]
    roles: tuple[str, ...]
    records: int
    """How many records the user may see name it."""
    community: int | None = None


@dataclass(frozen=True, slots=True)
class ChartEdge:
    """One edge: a link, a shared identifier or a co-mention, with its best grade."""

    id: str
    source: str
    target: str
    type: str
    grade: str
    start: str | None
    end: str | None
    records: tuple[int, ...]
    extracted: bool


@dataclass(frozen=True, slots=True)
class Chart:
    """Nodes and edges to draw, what they hold, and what was left out."""

    nodes: tuple[ChartNode, ...]
    edges: tuple[ChartEdge, ...]
    protection: Protection
    truncated: int = 0
    """Nodes left out to keep the chart within `NODE_LIMIT`."""
    path: tuple[str, ...] = ()
    """For a path chart: the node ids in order."""
    steps: tuple[Step, ...] = field(default=())
    """For a path chart: each hop in words, with its evidence."""


@graph_function
def chart_of(
    g: ig.Graph,
    names: Iterable[str],
    *,
    group: bool = False,
    limit: int = NODE_LIMIT,
    first: Sequence[str] = (),
) -> Chart:
    """The chart of the nodes `names` that `g` holds and the edges among them.

    Nodes in `first` are kept before any other when the chart must be cut to `limit`. With
    `group`, each node carries its community (Leiden, over the whole of `g`).
    """
    index = {name: i for i, name in enumerate(g.vs["name"])} if g.vcount() else {}
    wanted = list(dict.fromkeys(n for n in [*first, *names] if n in index))
    kept, truncated = wanted[:limit], max(0, len(wanted) - limit)
    membership = communities(g, seed=1) if group and g.vcount() else None
    indices = [index[name] for name in kept]
    sub = g.induced_subgraph(indices)
    nodes = tuple(
        _node(g, index[name], None if membership is None else membership[index[name]])
        for name in kept
    )
    edges = tuple(_edge(sub, e) for e in sub.es)
    evidence = {r for e in edges for r in e.records}
    for name in kept:
        evidence.update(g.vs[index[name]]["records"])
    return Chart(nodes, edges, protection_of_records(g, evidence), truncated)


def _node(g: ig.Graph, i: int, community: int | None) -> ChartNode:
    v = g.vs[i]
    return ChartNode(
        id=str(v["name"]),
        label=str(v["caption"]),
        kind=str(v["kind"]),
        schema=str(v["value_type"] or v["schema"]),
        entity_ids=tuple(v["entity_ids"]),
        roles=tuple(v["roles"]),
        records=len(v["records"]),
        community=community,
    )


def _edge(sub: ig.Graph, e: Any) -> ChartEdge:
    source, target = sub.vs[e.source]["name"], sub.vs[e.target]["name"]
    return ChartEdge(
        id=f"{source}|{target}|{e['type']}",
        source=str(e["src"] if e["src"] in (source, target) else source),
        target=str(target if e["src"] == source else source),
        type=str(e["type"]),
        grade=str(e["grade"]),
        start=e["start"],
        end=e["end"],
        records=tuple(e["records"]),
        extracted=bool(e["extracted"]),
    )


@graph_function
def neighbourhood(
    g: ig.Graph, node: str, *, hops: int = 1, group: bool = False, limit: int = NODE_LIMIT
) -> Chart:
    """`node` (an entity id, a value or a caption) and everything within `hops` hops.

    Raises NodeNotFound when nothing the graph holds matches `node`.
    """
    centre = find_node(g, node)
    around = g.neighborhood(centre, order=max(0, min(hops, 3)))
    names: list[str] = g.vs["name"]
    ordered = sorted(around, key=lambda i: (i != centre, -g.degree(i), names[i]))
    return chart_of(g, (names[i] for i in ordered), group=group, limit=limit)


@graph_function
def path_chart(
    g: ig.Graph, source: str, target: str, *, max_hops: int = 8, through_referrers: bool = False
) -> Chart | None:
    """The shortest path between two nodes, weighted by evidence, with each hop in words; or
    None when they are not joined within `max_hops` hops in what the user may see (through a
    body that only referred or reported someone only when `through_referrers`)."""
    path = shortest_path(
        g, source, target, max_hops=max_hops, weighted=True, through_referrers=through_referrers
    )
    if path is None:
        return None
    chart = chart_of(g, path, first=path)
    return Chart(
        chart.nodes,
        chart.edges,
        chart.protection,
        path=tuple(path),
        steps=tuple(path_steps(g, path)),
    )
