"""Preconditions of graph functions, checked once by a decorator instead of in every body."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import igraph as ig

__all__ = ["NodeRef", "graph_function", "node_index"]

P = ParamSpec("P")
R = TypeVar("R")

NodeRef = int | str
"""A node by index, or by anything `find_node` accepts (name, entity id, caption)."""

REQUIRED = ("name", "kind", "schema", "caption", "entity_ids", "records")


def graph_function(
    func: Callable[Concatenate[ig.Graph, P], R],
) -> Callable[Concatenate[ig.Graph, P], R]:
    """Refuse anything but a Threadline graph (an igraph Graph with the standard attributes).

    >>> from threadline.graph.centrality import degree
    >>> degree("not a graph")
    Traceback (most recent call last):
    ...
    TypeError: degree() needs an igraph.Graph made by build_graph, not str
    """

    @functools.wraps(func)
    def wrapper(g: ig.Graph, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if not isinstance(g, ig.Graph):
            raise TypeError(
                f"{func.__name__}() needs an igraph.Graph made by build_graph, "
                f"not {type(g).__name__}"
            )
        missing = [a for a in REQUIRED if a not in g.vs.attributes()] if g.vcount() else []
        if missing:
            raise TypeError(
                f"{func.__name__}() needs the node attributes build_graph sets; "
                f"missing: {', '.join(missing)}"
            )
        return func(g, *args, **kwargs)

    return wrapper


def node_index(g: ig.Graph, ref: NodeRef) -> int:
    """The index of a node given by index or by reference (see `find_node`)."""
    from threadline.graph.vocabulary import NodeNotFound, find_node

    if isinstance(ref, int) and not isinstance(ref, bool):
        if not 0 <= ref < g.vcount():
            raise NodeNotFound(f"no node {ref} in a graph of {g.vcount()} nodes")
        return ref
    return find_node(g, str(ref))
