"""Centrality: who has most connections, who lies between others, who is close to the core.

Betweenness is exact up to ``EXACT_BETWEENNESS_MAX_NODES`` nodes. Above that it is
estimated from shortest paths out of a random sample of source nodes (Brandes and Pich,
2007), scaled up to the whole graph: ``samples`` sources cost ``samples`` breadth-first
searches instead of one per node. The sample is drawn from a seeded generator, so a run is
reproducible. A ``cutoff`` (ignore paths longer than that many hops) can be combined with
either, for a local view.
"""

from __future__ import annotations

import random
import warnings

import igraph as ig

from threadline.graph._guards import graph_function
from threadline.graph.components import component_membership

__all__ = [
    "DEFAULT_SAMPLES",
    "EXACT_BETWEENNESS_MAX_NODES",
    "betweenness",
    "degree",
    "eigenvector",
]

EXACT_BETWEENNESS_MAX_NODES = 5_000
"""Largest graph whose betweenness is computed exactly by default."""

DEFAULT_SAMPLES = 16
"""Source nodes sampled to estimate betweenness on larger graphs (about 1.2 s each on a graph
of a million nodes and five million edges here)."""


@graph_function
def degree(g: ig.Graph) -> list[int]:
    """How many distinct nodes each node is joined to (parallel edges count once).

    >>> from threadline.graph.build import graph_from_edges
    >>> degree(graph_from_edges([("a", "b"), ("a", "b", "family"), ("a", "c")]))
    [2, 1, 1]
    """
    return [len(set(n)) for n in g.get_adjlist(mode="all")]


@graph_function
def betweenness(
    g: ig.Graph,
    *,
    samples: int | None = None,
    cutoff: int | None = None,
    seed: int = 0,
    normalized: bool = True,
) -> list[float]:
    """Betweenness centrality of every node: the share of shortest paths through it.

    With `samples` (default: exact up to EXACT_BETWEENNESS_MAX_NODES nodes, else
    DEFAULT_SAMPLES) only paths from that many randomly chosen sources are counted and the
    result is scaled by n / samples. Values are normalised to 0-1 by the number of pairs.

    >>> from threadline.graph.build import graph_from_edges
    >>> betweenness(graph_from_edges([("a", "b"), ("b", "c")]))
    [0.0, 1.0, 0.0]
    """
    n = g.vcount()
    if n < 3:
        return [0.0] * n
    if samples is None:
        samples = n if n <= EXACT_BETWEENNESS_MAX_NODES else DEFAULT_SAMPLES
    simple = ig.Graph(n=n, edges=g.get_edgelist()).simplify() if g.has_multiple() else g
    if samples >= n:
        raw = simple.betweenness(directed=False, cutoff=cutoff)
        scale = 1.0
    else:
        rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
        sources = sorted(rng.sample(range(n), samples))
        raw = simple.betweenness(directed=False, cutoff=cutoff, sources=sources)
        # igraph counts paths from the sample as the exact measure counts them (each
        # undirected pair once when every node is a source): scale up to all sources.
        scale = n / samples
    pairs = (n - 1) * (n - 2) / 2.0 if normalized else 1.0
    return [round(value * scale / pairs, 9) for value in raw]


@graph_function
def eigenvector(g: ig.Graph, *, weights: str | None = None) -> list[float]:
    """Eigenvector centrality, computed within each component and scaled to 1 in each.

    A component is a separate picture: ranking a node of one network against a node of an
    unconnected one means nothing, so each component's most central node scores 1.

    >>> from threadline.graph.build import graph_from_edges
    >>> [round(x, 2) for x in eigenvector(graph_from_edges([("a", "b"), ("b", "c")]))]
    [0.71, 1.0, 0.71]
    """
    n = g.vcount()
    out = [0.0] * n
    membership = component_membership(g)
    groups: dict[int, list[int]] = {}
    for index, comp in enumerate(membership):
        groups.setdefault(comp, []).append(index)
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = 1.0 if n == 1 else 0.0
            continue
        weight = weights if weights and weights in g.es.attributes() else None
        sub = g.induced_subgraph(members).simplify(
            combine_edges={weight: "max"} if weight else "ignore"
        )
        with warnings.catch_warnings():
            # igraph warns when some values are near zero, as they are for nodes hanging on
            # weakly evidenced edges; each component is connected, which is what it asks for.
            warnings.filterwarnings("ignore", "Some eigenvector centralities", RuntimeWarning)
            values = [abs(float(v)) for v in sub.eigenvector_centrality(weights=weight)]
        top = max(values) or 1.0
        for index, value in zip(members, values, strict=True):
            out[index] = round(value / top, 9)
    return out
