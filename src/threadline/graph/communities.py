"""Communities (Leiden) and brokers: the networks inside a component, and who bridges them.

Communities are found with the Leiden algorithm, seeded so that a run is reproducible, on
edges weighted by their evidence (``weight``): links backed by reliable, directly known
records hold a community together more than a single untested call.

Some edges join things without associating them, and are left out when finding
communities (they stay in the graph for paths and timelines): edges of the types in
``IGNORED_TYPES`` (a first responder referring many unrelated people to the NRM), the
co-mentions that merely repeat such a link (the referring organisation is named on every
referral it makes, beside the person and the referral's free text), and edges at
*waypoints*, places only vehicles are seen at (ANPR camera sites, which every passing
vehicle shares). Such nodes end up as communities of their own.

Two implementations of Leiden are used, by size. ``leidenalg`` (the reference
implementation) up to ``LEIDENALG_MAX_NODES`` nodes, which covers any case or query graph;
igraph's own C implementation of the same algorithm above it, because on this machine
leidenalg needs about 17 s for 100,000 nodes and had not finished after five minutes for a
million, where igraph's needs about 1.5 s and 21 s (benchmarks/bench_graph.py). Both
optimise the same quality function (modularity with a resolution parameter) and both are
deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Literal

import igraph as ig
import leidenalg

from threadline.graph._guards import graph_function
from threadline.graph.vocabulary import CO_MENTION

__all__ = [
    "AUTO_RESOLUTION_EDGES",
    "IGNORED_TYPES",
    "LEIDENALG_MAX_NODES",
    "NETWORK_RADIUS",
    "associations",
    "auto_resolution",
    "brokers",
    "carried",
    "communities",
    "network_around",
]

IGNORED_TYPES = frozenset({"referred_by"})
"""Edge types that say who reported or referred someone, not who they associate with."""

LEIDENALG_MAX_NODES = 100_000
"""Largest graph handed to leidenalg by default; bigger ones use igraph's C Leiden."""

AUTO_RESOLUTION_EDGES = 5_000
"""Graphs with up to this many associating edges use the standard resolution (1) when the
resolution is chosen automatically; bigger ones a higher one (``auto_resolution``)."""

Engine = Literal["auto", "leidenalg", "igraph"]


@graph_function
def auto_resolution(g: ig.Graph, *, ignore: frozenset[str] = IGNORED_TYPES) -> float:
    """The resolution to find networks with in a graph of this size.

    Modularity cannot tell apart groups smaller than about sqrt(2m / resolution) edges, m
    being the graph's (Fortunato and Barthelemy's resolution limit): at the standard
    resolution of 1, the graph of a whole region's records (120,000 edges) merges networks
    of a few dozen people with each other and with their neighbours. The resolution
    therefore grows with the number m of edges that associate (those ``communities``
    uses): max(1, sqrt(m / AUTO_RESOLUTION_EDGES)). A case or a town's graph keeps 1; the
    medium synthetic scenario (122,000 edges) gets 4.9, which there doubles the agreement
    of communities with the hidden networks (adjusted Rand index) and keeps nine tenths of
    each network in one community.

    >>> from threadline.graph.build import graph_from_edges
    >>> auto_resolution(graph_from_edges([("a", "b"), ("b", "c")]))
    1.0
    """
    edges = _associations(g, ignore).ecount()
    return round(max(1.0, math.sqrt(edges / AUTO_RESOLUTION_EDGES)), 4)


@graph_function
def communities(
    g: ig.Graph,
    *,
    resolution: float | None = 1.0,
    seed: int = 0,
    weights: str | None = "weight",
    engine: Engine = "auto",
    ignore: frozenset[str] = IGNORED_TYPES,
) -> list[int]:
    """The Leiden community of every node; 0 is the largest community.

    Communities are numbered by size, ties broken by their first node name. Higher
    `resolution` gives smaller communities; None chooses it from the graph's size
    (``auto_resolution``), as an analysis run does. Isolated nodes are communities of their
    own. Edges of the types in `ignore`, and edges at waypoints, are left out (module
    docstring).

    >>> from threadline.graph.build import graph_from_edges
    >>> ring = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")]
    >>> communities(graph_from_edges([*ring, ("c", "x")]))
    [0, 0, 0, 1, 1, 1]
    """
    n = g.vcount()
    if not n:
        return []
    g = _associations(g, ignore)
    if resolution is None:
        resolution = auto_resolution(g, ignore=ignore)
    weight = weights if weights and weights in g.es.attributes() and g.ecount() else None
    use = engine if engine != "auto" else ("leidenalg" if n <= LEIDENALG_MAX_NODES else "igraph")
    if use == "leidenalg":
        partition = leidenalg.find_partition(
            g,
            leidenalg.RBConfigurationVertexPartition,
            weights=weight,
            resolution_parameter=resolution,
            seed=seed,
            n_iterations=2,
        )
        raw = list(partition.membership)
    else:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - seeded, not secret
        try:
            raw = g.community_leiden(
                objective_function="modularity",
                weights=weight,
                resolution=resolution,
                n_iterations=2,
            ).membership
        finally:
            ig.set_random_number_generator(random)
    names: list[str] = g.vs["name"]
    sizes = Counter(raw)
    first: dict[int, str] = {}
    for index, comm in enumerate(raw):
        if comm not in first or names[index] < first[comm]:
            first[comm] = names[index]
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    renumber = {comm: i for i, comm in enumerate(order)}
    return [renumber[c] for c in raw]


def carried(full: ig.Graph, membership: list[int], g: ig.Graph) -> list[int]:
    """The communities of `full` (its `membership`) carried to `g`, a narrower graph of the
    same store (built with a filter): each node keeps the number of its namesake in `full`,
    so that a filter narrows a network and never renumbers it. A node `full` lacks gets a
    number of its own after every number of `full`.

    >>> from threadline.graph.build import graph_from_edges
    >>> full = graph_from_edges([("a", "b"), ("b", "c"), ("x", "y")])
    >>> narrow = graph_from_edges([("y", "x"), ("z", "q")])
    >>> carried(full, [0, 0, 0, 1, 1], narrow)
    [1, 1, 2, 3]
    """
    if len(membership) != full.vcount():
        raise ValueError("membership must give a community for every node of the full graph")
    of = dict(zip(full.vs["name"] if full.vcount() else [], membership, strict=True))
    fresh = max(membership, default=-1) + 1
    out: list[int] = []
    for name in g.vs["name"] if g.vcount() else []:
        if name not in of:
            of[name] = fresh
            fresh += 1
        out.append(of[name])
    return out


NETWORK_RADIUS = 3
"""How many associating steps from its anchor a network reaches (`network_around`)."""


@graph_function
def network_around(
    g: ig.Graph, at: int, *, radius: int = NETWORK_RADIUS, linked: ig.Graph | None = None
) -> list[int]:
    """The network around node `at`: the nodes within `radius` steps of it over the edges
    that associate (those `communities` reads, `associations`: not a referral, not at a
    waypoint, not a co-mention that only repeats a referral), in node order. `linked` is
    `associations(g)` when the caller holds it already (reading many anchors' networks).

    It depends on nothing further than `radius` steps away: a change beyond that (a new
    record, a merge, an erasure) cannot alter it, which a community found over the whole
    graph cannot promise (Leiden's quality function reads the whole graph's weight, so one
    batch anywhere may regroup a community anywhere). Over the medium scenario's graph it
    recovers the true networks as the whole graph's Leiden community of the anchor (at
    resolution 1) did: 94% of a network's members against 98%, in 98 members against 123
    (docs/tracking.md).

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    >>> network_around(g, 0, radius=2), network_around(g, 4, radius=1)
    ([0, 1, 2], [3, 4])
    """
    edges = associations(g) if linked is None else linked
    return sorted(edges.neighborhood(at, order=radius))


def associations(g: ig.Graph, ignore: frozenset[str] = IGNORED_TYPES) -> ig.Graph:
    """`g` without the edges that associate nothing (same nodes, same order): the edges of
    the types in `ignore`, edges at waypoints and co-mentions that only repeat a referral
    (module docstring)."""
    return _associations(g, ignore)


def _associations(g: ig.Graph, ignore: frozenset[str]) -> ig.Graph:
    """`g` without the edges that associate nothing (same nodes, same order)."""
    if not g.ecount():
        return g
    waypoints = g.vs["waypoint"] if "waypoint" in g.vs.attributes() else [False] * g.vcount()
    types = g.es["type"] if "type" in g.es.attributes() else [""] * g.ecount()
    records = g.es["records"] if "records" in g.es.attributes() else [()] * g.ecount()
    sources = g.es["src"] if "src" in g.es.attributes() else [None] * g.ecount()
    names: list[str] = g.vs["name"]
    ends = g.get_edgelist()
    # Records in which a node is only the far end of an ignored link (the organisation an
    # NRM referral names as referring the person): its co-mentions there associate nothing.
    referrer: dict[int, set[int]] = {}
    for (a, b), kind, recs, src in zip(ends, types, records, sources, strict=True):
        if kind in ignore:
            far = b if names[a] == src else a
            referrer.setdefault(far, set()).update(recs)
    drop = [
        e
        for e, ((a, b), kind) in enumerate(zip(ends, types, strict=True))
        if kind in ignore
        or waypoints[a]
        or waypoints[b]
        or (kind == CO_MENTION and (_echoes(records[e], referrer.get(a))
                                     or _echoes(records[e], referrer.get(b))))
    ]  # fmt: skip
    if not drop:
        return g
    kept = g.copy()
    kept.delete_edges(drop)
    return kept


def _echoes(records: tuple[int, ...], ignored: set[int] | None) -> bool:
    """Whether a co-mention rests only on records where one end is the far end of an
    ignored link: an NRM referral names the organisation referring the person, which
    associates the organisation with nobody the referral names."""
    return ignored is not None and bool(records) and set(records) <= ignored


@graph_function
def brokers(g: ig.Graph, membership: list[int], *, min_communities: int = 2) -> list[float]:
    """How strongly each node bridges communities: its participation coefficient.

    For a node whose neighbours fall in communities c with k_c of its k neighbours, the
    score is 1 - sum((k_c / k) ** 2): 0 when every neighbour is in one community, near 1
    when they are spread over many. Nodes touching fewer than `min_communities`
    communities (their own included) score 0: they are not brokers.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    >>> brokers(g, [0, 0, 0, 1, 1])
    [0.0, 0.0, 0.5, 0.5, 0.0]
    """
    if len(membership) != g.vcount():
        raise ValueError("membership must give a community for every node")
    out: list[float] = []
    for index, neighbours in enumerate(g.get_adjlist(mode="all")):
        if not neighbours:
            out.append(0.0)
            continue
        counts = Counter(membership[n] for n in set(neighbours))
        touched = set(counts) | {membership[index]}
        if len(touched) < min_communities:
            out.append(0.0)
            continue
        k = sum(counts.values())
        out.append(round(1.0 - sum((c / k) ** 2 for c in counts.values()), 6))
    return out
