"""The part of a user's graph around some entities: what the networks around them rest on,
read without reading the rest of the store.

A network is everything within `NETWORK_RADIUS` associating steps of its anchor
(`threadline.graph.communities.network_around`), so it rests only on the records that touch a
node that near: `build_around` reads those, step by step, through the user's View, and
assembles them as `build_graph` assembles the whole store (the same rows, the same rules),
but only the graph's shape: what says which nodes associate with which.
Each step reads, for what the part read so far puts within reach of an anchor:

- every record mentioning an entity within the radius, or evidence of a link at one (a
  link's evidence need not mention its ends): its node, its records and its edges are then
  the store's; and the waypoints next to one, for whether a place is a waypoint depends on
  all its edges;
- the records mentioning the far ends of links at an entity one step nearer (they are
  within the radius, and nodes only through their own mentions);
- every record stating a phone, e-mail, account or vehicle that an entity two steps nearer
  states, or the number of a vehicle or account one step nearer (the entity node its
  mentions meet): that value node's every edge.

When a step reads nothing new, the nodes within the radius, and every edge between them, are
as the whole store's graph has them, and so is every anchor's network (and the identifier
sharers a network watch adds, three steps out at most); what lies beyond is partial, and is
not to be read as the store's. The tests check it network for network against the whole
graph, and so did the medium scenario's 100 benchmark networks.
"""

from __future__ import annotations

from collections.abc import Iterable

import igraph as ig

from threadline.graph.build import assemble
from threadline.graph.communities import NETWORK_RADIUS, associations
from threadline.graph.vocabulary import GraphFilter
from threadline.read.graph_rows import KEY_PROPS, VALUE_PROPS, Loaded, load, records_around
from threadline.read.view import View

__all__ = ["build_around"]


def build_around(view: View, anchors: Iterable[str], *, radius: int = NETWORK_RADIUS) -> ig.Graph:
    """The graph of what `view`'s actor may see, read only as far as the networks around
    `anchors` (entity ids) need: exact within `radius` steps of each anchor (module
    docstring). It is the graph's shape (`assemble`'s `shape`: which nodes associate with
    which, and the records behind each node and edge; no captions, facts, grades or dates),
    all that a network's members are read from: what each step assembles to find what is
    near is the answer once a step reads nothing new. The reads are the View's, so the
    caller logs what it shows."""
    filters = GraphFilter()
    starts = set(anchors)
    data, read = Loaded(), set[int]()
    entities, values = set(starts), set[str]()
    asked_entities, asked_values = set[str](), set[str]()
    g = assemble(data, filters, shape=True)
    while True:
        fresh = records_around(view, entities - asked_entities, values - asked_values) - read
        asked_entities |= entities
        asked_values |= values
        if not fresh:
            return g  # assembled from every record read
        data.add(load(view, filters, fresh, shape=True))
        read |= fresh
        g = assemble(data, filters, shape=True)
        nearer, near, entities = _within(g, starts, radius)
        # a link's ends are nodes only through their own mentions: read those too
        entities |= {end for link in data.links if near.intersection(link[3:5])
                     for end in link[3:5]}  # fmt: skip
        values = {
            value for entity, _, schema, prop, value, _ in data.statements
            if (entity in nearer and prop in VALUE_PROPS) or (
                entity in near and (schema, prop) in KEY_PROPS)
        }  # fmt: skip


def _within(g: ig.Graph, starts: set[str], radius: int) -> tuple[set[str], ...]:
    """The entities of the nodes within `radius` - 2, `radius` - 1 and `radius` associating
    steps of the nodes holding `starts` (the last with the waypoints next to them): those
    whose values' nodes, whose vehicle's or account's number and links, and whose own
    records a network of that radius rests on."""
    if not g.vcount():
        return set(), set(), set()
    ids: list[tuple[str, ...]] = g.vs["entity_ids"]
    at = [i for i, held in enumerate(ids) if starts.intersection(held)]
    linked = associations(g)
    out: list[set[str]] = []
    for steps in (radius - 2, radius - 1, radius):
        if steps < 0:
            out.append(set())
            continue
        near = {n for seen in linked.neighborhood(at, order=steps) for n in seen}
        if steps == radius:
            waypoint: list[bool] = g.vs["waypoint"]
            near |= {n for i in list(near) for n in g.neighbors(i) if waypoint[n]}
        out.append({entity for i in near for entity in ids[i]})
    return tuple(out)
