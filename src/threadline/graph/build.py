"""Building the graph from the store: entity nodes, value nodes, and evidence-backed edges.

See ``threadline.graph.vocabulary`` for the attributes every node and edge carries, and
docs/analysis.md for the rules. Nothing backed only by records the requesting user may not
see (or that the filter leaves out) is in the graph: not a node, an edge, a caption or a fact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig

from threadline.graph.evidence import GradeWeights, corroborated
from threadline.graph.vocabulary import CO_MENTION, ENTITY, VALUE, GraphFilter, RecordInfo
from threadline.model.captions import best_caption, caption_of
from threadline.model.marking import Marking
from threadline.model.protection import combine, protection_of
from threadline.model.roles import ExploitationType, parse_exploitation
from threadline.read.graph_rows import KEY_PROPS, VALUE_PROPS, Loaded, load
from threadline.read.view import View
from threadline.values import get_type

__all__ = ["CO_MENTION_SCHEMATA", "MAX_CO_MENTIONS", "build_graph", "graph_from_edges"]

CO_MENTION_SCHEMATA = frozenset({"Person", "Company", "Organization", "LegalEntity", "Note"})
"""Entities that a record names together are joined by ``mentioned_with``: people and
organisations (a report's subjects), and the record's free text (its Note), so that a
phone found in the text reaches the people the record is about."""

MAX_CO_MENTIONS = 12
"""A record naming more entities than this (a list, a register) adds no co-mention edges:
being on the same list is not an association."""

LINK_TYPE_BY_SCHEMA = {
    "Employment": "works_for",
    "Directorship": "director_of",
    "Ownership": "owns",
    "Family": "family",
    "Associate": "associate",
}
"""Link type for links stored before resolution wrote ``links.type``."""

MIN_WEIGHT = 0.01
"""Floor on edge weights, so that weighted algorithms keep weakly evidenced edges."""


@dataclass(slots=True)
class _Edge:
    src: str
    dst: str
    type: str
    schema: str = ""
    records: set[int] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)
    link_ids: set[str] = field(default_factory=set)


def build_graph(view: View, *, filters: GraphFilter | None = None) -> ig.Graph:
    """Build the graph of everything `view`'s actor may see, as `filters` narrow it.

    Every node, edge, caption and fact rests on records the View admits; the reads are the
    View's, so the caller logs what it shows with ``view.consulted``.
    """
    chosen = filters or GraphFilter()
    return assemble(load(view, chosen), chosen)


def _value_node(kind: str, value: str) -> str | None:
    try:
        return get_type(kind).node_id(value)
    except KeyError:  # pragma: no cover - VALUE_PROPS names registered types only
        return None


def assemble(data: Loaded, filters: GraphFilter, *, shape: bool = False) -> ig.Graph:
    """Turn loaded rows into the graph (see the module docstring). With `shape`, only what
    says which nodes associate with which (names, kinds, schemata, entity ids, records, edge
    types and ends, waypoints): no captions, facts, roles, grades or protections, for finding
    what is near (`threadline.graph.around`)."""
    records = data.records
    by_entity: dict[str, list[tuple[int, str, str | None, str, str]]] = defaultdict(list)
    dated: set[str] = set()
    for entity_id, record_id, schema, role, caption, slot in data.mentions:
        by_entity[entity_id].append((record_id, schema, role, caption, slot))
        if filters.day_in_range(records[record_id].reported_on):
            dated.add(entity_id)

    # Vehicles and bank accounts are named by their number, so mentions of it meet them.
    key_values: dict[str, Counter[str]] = defaultdict(Counter)
    for entity_id, _, schema, prop, value, _ in data.statements:
        kind = KEY_PROPS.get((schema, prop))
        if kind and entity_id in by_entity:
            node = _value_node(kind, value)
            if node:
                key_values[entity_id][node] += 1
    key_of = {e: (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]) for e, c in key_values.items()}
    alias: dict[str, str] = {}
    taken = set(key_of.values())
    for entity_id, counts in sorted(key_values.items()):
        for node in sorted(counts):
            if node not in taken:
                alias.setdefault(node, key_of[entity_id])

    nodes: dict[str, dict[str, Any]] = {}
    for entity_id, mentions in by_entity.items():
        schema = data.entities.get(entity_id, (mentions[0][1], ""))[0]
        name = key_of.get(entity_id, entity_id)
        row = nodes.get(name) or nodes.setdefault(name, _new_node(name, ENTITY, schema, shape))
        row["entity_ids"].add(entity_id)
        row["records"].update(
            m[0] for m in mentions if filters.day_in_range(records[m[0]].reported_on)
        )
        if shape:
            continue
        for record_id, _, role, _, _ in mentions:
            if role:
                row["_roles"][role] += 1
                row["_role_records"][role].add(record_id)
        row["_named"].extend((m[3], m[4]) for m in mentions)

    edges: dict[tuple[str, str, str], _Edge] = {}

    def add_edge(a: str, b: str, kind: str, record: int, **extra: Any) -> None:
        if a == b or not filters.allows_type(kind):
            return
        key = (a, b, kind) if a <= b else (b, a, kind)
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = _Edge(a, b, kind, extra.get("schema", ""))
        edge.records.add(record)
        if extra.get("start"):
            edge.dates.add(extra["start"])
        if extra.get("end"):
            edge.ends.add(extra["end"])
        if extra.get("link_id"):
            edge.link_ids.add(extra["link_id"])

    facts: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    exploitation: dict[int, set[str]] = defaultdict(set)
    for entity_id, record_id, schema, prop, value, origin in data.statements:
        if entity_id not in by_entity or not filters.day_in_range(records[record_id].reported_on):
            continue
        if shape and prop not in VALUE_PROPS:
            continue
        if schema == "Event" and prop == "keywords":
            found = parse_exploitation(value)
            if found is not ExploitationType.UNKNOWN:
                exploitation[record_id].add(found.value)
        name = key_of.get(entity_id, entity_id)
        if prop in VALUE_PROPS and filters.values:
            kind, edge_type = VALUE_PROPS[prop]
            if origin == "extracted" and not filters.extracted:
                continue
            target = _value_node(kind, value)
            if target:
                target = alias.get(target, target)
                if target not in nodes:
                    nodes[target] = _new_node(target, VALUE, _VALUE_SCHEMA[kind], shape,
                                              kind, value)  # fmt: skip
                add_edge(name, target, edge_type, record_id)
        elif (schema, prop) not in KEY_PROPS:
            facts[name][prop].append((value, record_id))

    for link_id, schema, kind, source, target, start, end, record_id in data.links:
        a, b = key_of.get(source, source), key_of.get(target, target)
        if a not in nodes or b not in nodes or nodes[a]["kind"] != ENTITY:
            continue
        if start or end:
            if not filters.in_range(start, end):
                continue
        elif not filters.day_in_range(records[record_id].reported_on):
            continue
        link_type = kind or LINK_TYPE_BY_SCHEMA.get(schema, "link")
        add_edge(a, b, link_type, record_id, schema=schema, start=start, end=end, link_id=link_id)

    if filters.co_mentions:
        named: dict[int, set[str]] = defaultdict(set)
        for entity_id, mentions in by_entity.items():
            for record_id, schema, _, _, _ in mentions:
                if schema in CO_MENTION_SCHEMATA and filters.day_in_range(
                    records[record_id].reported_on
                ):
                    named[record_id].add(key_of.get(entity_id, entity_id))
        for record_id, group in named.items():
            if 1 < len(group) <= MAX_CO_MENTIONS:
                ordered = sorted(group)
                for i, a in enumerate(ordered):
                    for b in ordered[i + 1 :]:
                        add_edge(a, b, CO_MENTION, record_id)

    touched: set[str] = set()
    for edge in edges.values():
        for end in (edge.src, edge.dst):
            touched.add(end)
            if nodes[end]["kind"] == VALUE:
                nodes[end]["records"].update(edge.records)
    if filters.since is not None or filters.until is not None:
        # Out of range: entities no record in range names and no link in range touches.
        for name in [n for n, row in nodes.items() if row["kind"] == ENTITY]:
            if name not in touched and not nodes[name]["entity_ids"] & dated:
                del nodes[name]
    if shape:
        return _shape(nodes, edges)
    g = _to_igraph(nodes, edges, facts, records, filters)
    g["exploitation"] = {r: tuple(sorted(kinds)) for r, kinds in sorted(exploitation.items())}
    return g


_VALUE_SCHEMA = {
    "phone": "Phone",
    "email": "Email",
    "vrm": "Vehicle",
    "account": "BankAccount",
    "iban": "BankAccount",
}


def _new_node(
    name: str, kind: str, schema: str, shape: bool = False, value_type: str = "", value: str = ""
) -> dict[str, Any]:
    """A node's row as `assemble` fills it; with `shape`, only what `_shape` keeps (a network
    check assembles tens of thousands of nodes several times over)."""
    row: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "schema": schema,
        "value_type": value_type,
        "entity_ids": set(),
        "records": set(),
    }
    if shape:
        return row
    caption = get_type(value_type).caption(value) if value_type else ""
    return row | {
        "_roles": Counter(),
        "_role_records": defaultdict(set),
        "_captions": Counter([caption] if caption else []),
        "_named": [],  # an entity node's mentions' (caption, slot)
    }


def _caption(node: Mapping[str, Any]) -> str:
    captions: Counter[str] = node["_captions"]
    if captions:
        return best_caption(captions)
    return caption_of(node["_named"]) or f"{node['schema']} {node['name']}"


def _to_igraph(
    nodes: dict[str, dict[str, Any]],
    edges: dict[tuple[str, str, str], _Edge],
    facts: Mapping[str, Mapping[str, list[tuple[str, int]]]],
    records: dict[int, RecordInfo],
    filters: GraphFilter,
) -> ig.Graph:
    names = sorted(nodes)
    index = {name: i for i, name in enumerate(names)}
    ordered = sorted(edges.values(), key=lambda e: (min(e.src, e.dst), max(e.src, e.dst), e.type))
    g = ig.Graph(n=len(names), edges=[(index[e.src], index[e.dst]) for e in ordered])
    g["records"] = records
    g["filters"] = filters
    rows = [nodes[n] for n in names]
    g.vs["name"] = names
    g.vs["kind"] = [r["kind"] for r in rows]
    g.vs["schema"] = [r["schema"] for r in rows]
    g.vs["caption"] = [_caption(r) for r in rows]
    g.vs["entity_ids"] = [tuple(sorted(r["entity_ids"])) for r in rows]
    g.vs["value_type"] = [r["value_type"] for r in rows]
    g.vs["roles"] = [tuple(k for k, _ in r["_roles"].most_common()) for r in rows]
    g.vs["role_records"] = [
        {role: tuple(sorted(ids)) for role, ids in sorted(r["_role_records"].items())} for r in rows
    ]
    g.vs["records"] = [tuple(sorted(r["records"])) for r in rows]
    g.vs["facts"] = [
        {p: tuple(sorted(set(v))) for p, v in sorted(facts.get(n, {}).items())} for n in names
    ]
    _edge_attributes(g, ordered, records)
    g.vs["waypoint"] = _waypoints(g)
    return g


def _shape(nodes: dict[str, dict[str, Any]], edges: dict[tuple[str, str, str], _Edge]) -> ig.Graph:
    """`_to_igraph`'s nodes and edges, with only the attributes `assemble`'s `shape` keeps."""
    names = sorted(nodes)
    index = {name: i for i, name in enumerate(names)}
    ordered = sorted(edges.values(), key=lambda e: (min(e.src, e.dst), max(e.src, e.dst), e.type))
    g = ig.Graph(n=len(names), edges=[(index[e.src], index[e.dst]) for e in ordered])
    rows = [nodes[n] for n in names]
    g.vs["name"] = names
    g.vs["kind"] = [r["kind"] for r in rows]
    g.vs["schema"] = [r["schema"] for r in rows]
    g.vs["entity_ids"] = [tuple(sorted(r["entity_ids"])) for r in rows]
    g.vs["records"] = [tuple(sorted(r["records"])) for r in rows]
    g.vs["caption"] = [""] * len(rows)
    g.es["type"] = [e.type for e in ordered]
    g.es["src"] = [e.src for e in ordered]
    g.es["records"] = [tuple(sorted(e.records)) for e in ordered]
    g.vs["waypoint"] = _waypoints(g)
    return g


def _waypoints(g: ig.Graph) -> list[bool]:
    """Places only vehicles are seen at (ANPR camera sites): passing one camera is no
    association, so community detection leaves these out."""
    schema: list[str] = g.vs["schema"]
    kinds: list[str] = g.es["type"] if g.ecount() else []
    linked = [False] * g.vcount()
    other = [False] * g.vcount()  # an edge that is no vehicle's sighting
    for (a, b), kind in zip(g.get_edgelist(), kinds, strict=True):
        for here, there in ((a, b), (b, a)):
            if schema[here] == "Address":
                linked[here] = True
                if kind != "seen_at" or schema[there] != "Vehicle":
                    other[here] = True
    return [seen and not elsewhere for seen, elsewhere in zip(linked, other, strict=True)]


def _edge_attributes(g: ig.Graph, ordered: Sequence[_Edge], records: dict[int, RecordInfo]) -> None:
    weights = GradeWeights()
    columns: dict[str, list[Any]] = defaultdict(list)
    for edge in ordered:
        evidence = [records[r] for r in sorted(edge.records)]
        # The strongest evidence's grade as given: a legacy grade keeps its code (``B42``),
        # which weighs as its reading; it is never shown in its reading's place.
        best = min(evidence, key=lambda r: (-weights.weight(r.code), r.code)).label
        protection = combine(protection_of(r.grade, Marking(r.marking)) for r in evidence)
        dates = sorted(edge.dates)
        columns["type"].append(edge.type)
        columns["schema"].append(edge.schema)
        columns["src"].append(edge.src)
        columns["start"].append(dates[0] if dates else None)
        columns["end"].append(max(edge.ends) if edge.ends else (dates[-1] if dates else None))
        columns["dates"].append(tuple(dates))
        columns["records"].append(tuple(r.id for r in evidence))
        columns["grade"].append(best)
        columns["weight"].append(
            max(MIN_WEIGHT, round(corroborated(weights.weight(r.code) for r in evidence), 4))
        )
        columns["marking"].append(protection.marking.value)
        columns["handling"].append(protection.handling)
        columns["conditions"].append(protection.conditions)
        columns["link_ids"].append(tuple(sorted(edge.link_ids)))
        columns["extracted"].append(edge.type.startswith("mentions_"))
    for name in (
        "type", "schema", "src", "start", "end", "dates", "records", "grade", "weight",
        "marking", "handling", "conditions", "link_ids", "extracted",
    ):  # fmt: skip
        g.es[name] = columns[name]


def graph_from_edges(
    edges: Iterable[tuple[str, str] | tuple[str, str, str]],
    *,
    captions: Mapping[str, str] | None = None,
    schemata: Mapping[str, str] | None = None,
    nodes: Iterable[str] = (),
) -> ig.Graph:
    """A graph with every standard attribute from bare edges (for examples and tests).

    Nodes are entities (schema Person unless `schemata` says otherwise) with no evidence;
    edges have type ``associate`` unless a third item names one.

    >>> g = graph_from_edges([("a", "b"), ("b", "c", "lives_at")], schemata={"c": "Address"})
    >>> g.vcount(), g.ecount(), g.es["type"], g.vs["schema"]
    (3, 2, ['associate', 'lives_at'], ['Person', 'Person', 'Address'])
    """
    names: dict[str, dict[str, Any]] = {}
    built: dict[tuple[str, str, str], _Edge] = {}
    for name in nodes:
        names.setdefault(name, {})
    for item in edges:
        a, b = item[0], item[1]
        kind = item[2] if len(item) > 2 else "associate"
        names.setdefault(a, {})
        names.setdefault(b, {})
        built.setdefault((a, b, kind), _Edge(a, b, kind))
    full = {
        name: {
            **_new_node(name, ENTITY, (schemata or {}).get(name, "Person")),
            "entity_ids": {name},
            "_captions": Counter([(captions or {}).get(name, name)]),
        }
        for name in names
    }
    ordered = list(built.values())
    names_sorted = list(names)
    index = {n: i for i, n in enumerate(names_sorted)}
    g = ig.Graph(n=len(names_sorted), edges=[(index[e.src], index[e.dst]) for e in ordered])
    g["records"] = {}
    g["filters"] = GraphFilter()
    g["exploitation"] = {}
    rows = [full[n] for n in names_sorted]
    g.vs["name"] = names_sorted
    g.vs["kind"] = [r["kind"] for r in rows]
    g.vs["schema"] = [r["schema"] for r in rows]
    g.vs["caption"] = [_caption(r) for r in rows]
    g.vs["entity_ids"] = [tuple(sorted(r["entity_ids"])) for r in rows]
    g.vs["value_type"] = [""] * len(rows)
    g.vs["roles"] = [()] * len(rows)
    g.vs["role_records"] = [{} for _ in rows]
    g.vs["records"] = [()] * len(rows)
    g.vs["facts"] = [{} for _ in rows]
    g.vs["waypoint"] = [False] * len(rows)
    for name, default in (
        ("schema", ""), ("start", None), ("end", None), ("dates", ()), ("records", ()),
        ("grade", "1A"), ("weight", 1.0), ("marking", "OFFICIAL"), ("handling", "P"),
        ("conditions", ()), ("link_ids", ()), ("extracted", False),
    ):  # fmt: skip
        g.es[name] = [default] * len(ordered)
    g.es["type"] = [e.type for e in ordered]
    g.es["src"] = [e.src for e in ordered]
    return g
