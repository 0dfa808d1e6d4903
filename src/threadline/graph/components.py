"""Connected components: which entities and values are joined by any chain of evidence."""

from __future__ import annotations

import igraph as ig

from threadline.graph._guards import NodeRef, graph_function, node_index

__all__ = ["component_membership", "component_of", "connected_components"]


@graph_function
def component_membership(g: ig.Graph) -> list[int]:
    """The component number of every node; 0 is the largest component.

    Components are numbered by size (largest first), ties broken by their first node name,
    so that the numbering does not depend on the order the store returned rows in.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("c", "d"), ("d", "e")])
    >>> component_membership(g)
    [1, 1, 0, 0, 0]
    """
    if not g.vcount():
        return []
    raw = g.connected_components(mode="weak").membership
    names: list[str] = g.vs["name"]
    sizes: dict[int, int] = {}
    first: dict[int, str] = {}
    for index, comp in enumerate(raw):
        sizes[comp] = sizes.get(comp, 0) + 1
        if comp not in first or names[index] < first[comp]:
            first[comp] = names[index]
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    renumber = {comp: i for i, comp in enumerate(order)}
    return [renumber[c] for c in raw]


@graph_function
def connected_components(g: ig.Graph) -> list[list[str]]:
    """Node names of each connected component, largest first, names sorted.

    >>> from threadline.graph.build import graph_from_edges
    >>> connected_components(graph_from_edges([("a", "b"), ("c", "d"), ("d", "e")]))
    [['c', 'd', 'e'], ['a', 'b']]
    """
    membership = component_membership(g)
    out: list[list[str]] = [[] for _ in range(max(membership, default=-1) + 1)]
    for name, comp in zip(g.vs["name"], membership, strict=True):
        out[comp].append(name)
    return [sorted(c) for c in out]


@graph_function
def component_of(g: ig.Graph, node: NodeRef) -> list[str]:
    """Names of the nodes in the same component as `node` (itself included), sorted.

    >>> from threadline.graph.build import graph_from_edges
    >>> component_of(graph_from_edges([("a", "b"), ("c", "d")]), "d")
    ['c', 'd']
    """
    index = node_index(g, node)
    names: list[str] = g.vs["name"]
    return sorted(names[i] for i in g.subcomponent(index, mode="all"))
