"""Paths between two entities, and the ego network around one.

Paths run over every kind of edge: a shared phone is a path of two hops (person - phone -
person), a report naming two people together is one hop (``mentioned_with``). A path does not
pass through a body that merely referred or reported someone (the organisation an NRM referral
names as referring the victim, a caller to a hotline): two networks whose victims were referred
by one charity are not connected by it. Ask with ``through_referrers=True`` for such paths too;
a referrer at either end of a path is always allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import igraph as ig

from threadline.graph._guards import NodeRef, graph_function, node_index
from threadline.graph.evidence import GradeWeights
from threadline.graph.vocabulary import CO_MENTION, VALUE_EDGE_TYPES
from threadline.model.links import link_types

__all__ = [
    "REFERRING_LINKS",
    "REPORTING_ROLES",
    "Step",
    "all_paths",
    "edge_label",
    "edge_types",
    "ego_network",
    "path_steps",
    "referrers",
    "shortest_path",
]


REFERRING_LINKS = frozenset({"referred_by"})
"""Links whose far end only referred or reported the near end (it associates with nobody)."""

REPORTING_ROLES = frozenset({"reporting_person"})
"""Roles of someone who only reported: a node with no other role is a referrer."""


def referrers(g: ig.Graph) -> set[int]:
    """Nodes that only referred or reported someone: the far end of a referral link, or a node
    whose every role is a reporting one.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("pv", "charity", "referred_by"), ("pv", "x")])
    >>> [g.vs[i]["name"] for i in sorted(referrers(g))]
    ['charity']
    """
    out: set[int] = set()
    if g.ecount():
        src = g.es["src"] if "src" in g.es.attributes() else [None] * g.ecount()
        names: list[str] = g.vs["name"]
        for edge, kind, start in zip(g.es, g.es["type"], src, strict=True):
            if kind in REFERRING_LINKS:
                near = edge.source if start is None or names[edge.source] == start else edge.target
                out.add(edge.target if near == edge.source else edge.source)
    if "roles" in g.vs.attributes():
        for index, roles in enumerate(g.vs["roles"]):
            if roles and set(roles) <= REPORTING_ROLES:
                out.add(index)
    return out


def _without_referrers(g: ig.Graph, keep: tuple[int, int], through: bool) -> ig.Graph:
    """`g`, or (unless `through`) a copy whose referrers other than `keep` have no edges."""
    if through:
        return g
    banned = referrers(g) - set(keep)
    if not banned:
        return g
    h = g.copy()
    h.delete_edges(h.es.select(_incident=banned))
    return h


@cache
def _labels() -> dict[str, str]:
    labels = {name: spec.label for name, spec in link_types().items()}
    for kind in VALUE_EDGE_TYPES:
        verb, _, what = kind.partition("_")
        labels[kind] = f"{'has' if verb == 'has' else 'mentions'} {what}"
    labels[CO_MENTION] = "is named in a record with"
    return labels


def edge_types() -> dict[str, str]:
    """Every edge type a graph can hold, with its words (for filters and legends)."""
    return dict(sorted(_labels().items()))


def edge_label(edge_type: str) -> str:
    """An edge type in words, for sentences.

    >>> edge_label("lives_at"), edge_label("has_phone"), edge_label("mentioned_with")
    ('lives at', 'has phone', 'is named in a record with')
    """
    return _labels().get(edge_type, edge_type.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a path, with what links the two nodes and the evidence for it."""

    source: str
    target: str
    sentence: str
    """E.g. "Lan NGUYEN lives at 4 Mill Street"; several edge types are joined by "; "."""
    types: tuple[str, ...]
    grade: str
    """Best weighting code of the evidence."""
    records: tuple[int, ...]
    agencies: tuple[str, ...]


@graph_function
def shortest_path(
    g: ig.Graph,
    source: NodeRef,
    target: NodeRef,
    *,
    max_hops: int | None = None,
    weighted: bool = False,
    through_referrers: bool = False,
) -> list[str] | None:
    """Node names on a shortest path from `source` to `target`, or None if there is none.

    With `weighted`, each hop costs 1 / weight, so a path over well-evidenced links beats
    an equally short one over a single untested report. A path longer than `max_hops` hops
    counts as none.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("b", "c"), ("c", "d")])
    >>> shortest_path(g, "a", "d"), shortest_path(g, "a", "d", max_hops=2)
    (['a', 'b', 'c', 'd'], None)
    >>> r = graph_from_edges([("v1", "charity", "referred_by"), ("v2", "charity", "referred_by")])
    >>> shortest_path(r, "v1", "v2"), shortest_path(r, "v1", "v2", through_referrers=True)
    (None, ['v1', 'charity', 'v2'])
    """
    s, t = node_index(g, source), node_index(g, target)
    g = _without_referrers(g, (s, t), through_referrers)
    if t not in g.subcomponent(s):  # unreachable: igraph would warn, not answer
        return None
    weights = [1.0 / max(w, 1e-6) for w in g.es["weight"]] if weighted and g.ecount() else None
    path = g.get_shortest_path(s, t, weights=weights, output="vpath")
    if not path or (max_hops is not None and len(path) - 1 > max_hops):
        return None
    names: list[str] = g.vs["name"]
    return [names[i] for i in path]


@graph_function
def all_paths(
    g: ig.Graph,
    source: NodeRef,
    target: NodeRef,
    *,
    max_hops: int = 4,
    limit: int = 1000,
    through_referrers: bool = False,
) -> list[list[str]]:
    """Every simple path of at most `max_hops` hops, shortest first (at most `limit`); through
    a referrer (:func:`referrers`) only when `through_referrers`.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("b", "d"), ("a", "c"), ("c", "e"), ("e", "d")])
    >>> all_paths(g, "a", "d")
    [['a', 'b', 'd'], ['a', 'c', 'e', 'd']]
    >>> all_paths(g, "a", "d", max_hops=2)
    [['a', 'b', 'd']]
    """
    s, t = node_index(g, source), node_index(g, target)
    if s == t:
        return [[g.vs[s]["name"]]]
    g = _without_referrers(g, (s, t), through_referrers)
    raw = g.get_all_simple_paths(s, to=t, maxlen=max_hops, max_results=limit)
    names: list[str] = g.vs["name"]
    found = {tuple(names[i] for i in path) for path in raw}
    return [list(p) for p in sorted(found, key=lambda p: (len(p), p))]


@graph_function
def ego_network(
    g: ig.Graph, node: NodeRef, *, hops: int = 2, types: frozenset[str] | None = None
) -> ig.Graph:
    """The nodes within `hops` hops of `node` and the edges among them, as a new graph.

    With `types`, only edges of those types are followed and kept.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("a", "x", "family")])
    >>> ego_network(g, "a", hops=2).vs["name"]
    ['a', 'b', 'c', 'x']
    >>> ego_network(g, "a", hops=2, types=frozenset({"family"})).vs["name"]
    ['a', 'x']
    """
    index = node_index(g, node)
    base = g
    if types is not None:
        base = g.subgraph_edges(
            [e.index for e in g.es if e["type"] in types], delete_vertices=False
        )
    members = sorted(base.neighborhood(index, order=hops))
    return base.induced_subgraph(members)


@graph_function
def path_steps(g: ig.Graph, path: list[str]) -> list[Step]:
    """Each hop of a path in words, with its evidence.

    >>> from threadline.graph.build import graph_from_edges
    >>> captions = {"lan": "Lan", "mill": "4 Mill St"}
    >>> g = graph_from_edges([("lan", "mill", "lives_at")], captions=captions)
    >>> path_steps(g, ["mill", "lan"])[0].sentence
    'Lan lives at 4 Mill St'
    """
    names: list[str] = g.vs["name"]
    index = {name: i for i, name in enumerate(names)}
    records = g["records"]
    weights = GradeWeights()
    steps: list[Step] = []
    for a, b in pairwise(path):
        ia, ib = index[a], index[b]
        edges = list(g.es.select(_between=([ia], [ib])))
        parts: list[str] = []
        evidence: set[int] = set()
        codes: list[str] = []
        for edge in sorted(edges, key=lambda e: e["type"]):
            src = edge["src"] if edge["src"] in (a, b) else a
            dst = b if src == a else a
            parts.append(
                f"{g.vs[index[src]]['caption']} {edge_label(edge['type'])} "
                f"{g.vs[index[dst]]['caption']}"
            )
            evidence.update(edge["records"])
            codes.append(edge["grade"])
        agencies = sorted({records[r].agency for r in evidence if r in records})
        steps.append(
            Step(
                source=a,
                target=b,
                sentence="; ".join(parts),
                types=tuple(sorted(e["type"] for e in edges)),
                grade=min(codes, key=lambda c: (-weights.weight(c), c), default=""),
                records=tuple(sorted(evidence)),
                agencies=tuple(agencies),
            )
        )
    return steps
