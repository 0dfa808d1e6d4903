"""All the per-node measures of one analysis run, computed together."""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig

from threadline.graph._guards import graph_function
from threadline.graph.centrality import betweenness, degree, eigenvector
from threadline.graph.communities import brokers, communities
from threadline.graph.components import component_membership

__all__ = ["Measures", "measure"]


@dataclass(frozen=True, slots=True)
class Measures:
    """Per-node lists, in node order."""

    component: list[int]
    community: list[int]
    degree: list[int]
    betweenness: list[float]
    eigenvector: list[float]
    broker: list[float]


@graph_function
def measure(
    g: ig.Graph, *, seed: int = 0, resolution: float | None = None, samples: int | None = None
) -> Measures:
    """Components, Leiden communities, degree, betweenness, eigenvector and broker scores.

    Communities use `resolution`, or one chosen from the graph's size (``auto_resolution``).

    >>> from threadline.graph.build import graph_from_edges
    >>> m = measure(graph_from_edges([("a", "b"), ("b", "c")]))
    >>> m.component, m.degree, m.betweenness
    ([0, 0, 0], [1, 2, 1], [0.0, 1.0, 0.0])
    """
    community = communities(g, seed=seed, resolution=resolution)
    return Measures(
        component=component_membership(g),
        community=community,
        degree=degree(g),
        betweenness=betweenness(g, samples=samples, seed=seed),
        eigenvector=eigenvector(g, weights="weight"),
        broker=brokers(g, community),
    )
