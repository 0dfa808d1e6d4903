"""Communities (Leiden) and brokers: the networks inside a component, and who bridges them.

Communities are found with the Leiden algorithm, seeded so that a run is reproducible, on
edges weighted by their evidence (``weight``): links backed by reliable, directly known
records hold a community together more than a single untested call.

Some edges join things without associating them, and are left out when finding
communities (they stay in the graph for paths and timelines): edges of the types in
``IGNORED_TYPES`` (a first responder referring many unrelated people to the NRM), and edges
at *waypoints*, places only vehicles are seen at (ANPR camera sites, which every passing
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

import random
from collections import Counter
from typing import Literal

import igraph as ig
import leidenalg

from threadline.graph._guards import graph_function

__all__ = ["IGNORED_TYPES", "LEIDENALG_MAX_NODES", "brokers", "communities"]

IGNORED_TYPES = frozenset({"referred_by"})
"""Edge types that say who reported or referred someone, not who they associate with."""

LEIDENALG_MAX_NODES = 100_000
"""Largest graph handed to leidenalg by default; bigger ones use igraph's C Leiden."""

Engine = Literal["auto", "leidenalg", "igraph"]


@graph_function
def communities(
    g: ig.Graph,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    weights: str | None = "weight",
    engine: Engine = "auto",
    ignore: frozenset[str] = IGNORED_TYPES,
) -> list[int]:
    """The Leiden community of every node; 0 is the largest community.

    Communities are numbered by size, ties broken by their first node name. Higher
    `resolution` gives smaller communities. Isolated nodes are communities of their own.
    Edges of the types in `ignore`, and edges at waypoints, are left out (module docstring).

    >>> from threadline.graph.build import graph_from_edges
    >>> ring = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")]
    >>> communities(graph_from_edges([*ring, ("c", "x")]))
    [0, 0, 0, 1, 1, 1]
    """
    n = g.vcount()
    if not n:
        return []
    g = _associations(g, ignore)
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


def _associations(g: ig.Graph, ignore: frozenset[str]) -> ig.Graph:
    """`g` without the edges that associate nothing (same nodes, same order)."""
    if not g.ecount():
        return g
    waypoints = g.vs["waypoint"] if "waypoint" in g.vs.attributes() else [False] * g.vcount()
    types = g.es["type"] if "type" in g.es.attributes() else [""] * g.ecount()
    drop = [
        e
        for e, ((a, b), kind) in enumerate(zip(g.get_edgelist(), types, strict=True))
        if kind in ignore or waypoints[a] or waypoints[b]
    ]
    if not drop:
        return g
    kept = g.copy()
    kept.delete_edges(drop)
    return kept


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
