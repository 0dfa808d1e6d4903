"""The graph's vocabulary: node and edge kinds, filters, record details and node look-up.

A Threadline graph is an undirected ``igraph.Graph`` (see docs/analysis.md):

- **entity nodes**, one per resolved entity (``kind="entity"``), named by the entity id;
- **value nodes** (``kind="value"``) for phones, emails, bank accounts and vehicles, named by
  the value type's node id (``phone:+447700900123``). A Vehicle or BankAccount *entity* is
  named by the node id of its registration or account number instead, so that the entity and
  every record that merely mentions the number meet at one node;
- **edges** for links between entities (their link type), for values an entity holds
  (``has_phone``...) or a record's free text mentions (``mentions_phone``...), and for
  entities named together in one record (``mentioned_with``).

Vertex attributes: ``name``, ``kind``, ``schema``, ``caption``, ``entity_ids``, ``value_type``,
``roles`` (person roles, most frequent first), ``role_records`` (``{role: record ids}``: the
records giving each role), ``records`` (evidence record ids), ``facts``
(``{prop: ((value, record_id), ...)}`` for birthDate, nationality, sector...).

Edge attributes: ``type``, ``schema``, ``src`` (name of the node the link starts from),
``start``, ``end``, ``dates``, ``records``, ``grade`` (best weighting code of the evidence),
``weight`` (corroborated evidence weight), ``marking``, ``handling``, ``conditions``,
``link_ids``, ``extracted``.

Graph attributes: ``records`` (``{record_id: RecordInfo}`` for every record the graph uses),
``exploitation`` (``{record_id: ("labour", ...)}``: NRM exploitation types an Event of the
record names) and ``filters`` (the GraphFilter it was built with).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import igraph as ig

from threadline.errors import ThreadlineError
from threadline.graph.evidence import meets, parse_minimum
from threadline.model.grading import SCHEME_3X5X2, Grade

__all__ = [
    "CO_MENTION",
    "ENTITY",
    "VALUE",
    "VALUE_EDGE_TYPES",
    "GraphFilter",
    "NodeNotFound",
    "RecordInfo",
    "edge_records",
    "find_node",
    "index_names",
    "node_evidence",
    "node_records",
    "other_end",
]

ENTITY = "entity"
VALUE = "value"
CO_MENTION = "mentioned_with"
"""Edge type joining entities that one record names together (a report's subjects)."""

VALUE_EDGE_TYPES: dict[str, str] = {
    "has_phone": "phone",
    "has_email": "email",
    "has_account": "account",
    "has_vehicle": "vrm",
    "mentions_phone": "phone",
    "mentions_email": "email",
    "mentions_account": "account",
    "mentions_vehicle": "vrm",
}
"""Edge types from an entity to a value node, and the value type of the node. ``has_*`` come
from structured fields, ``mentions_*`` from free text (unverified)."""


class NodeNotFound(ThreadlineError):
    """No node, or more than one, matches what the analyst typed."""

    def __init__(self, message: str, ref: str = "") -> None:
        super().__init__(message)
        self.ref = ref
        """What the analyst typed: an id, a value or a caption (so never logged as such)."""


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """What the graph keeps about one evidence record."""

    id: int
    agency: str
    """Code of the originating agency."""
    source: str
    """Name of the source (mapping) it came from, e.g. ``nrm_referrals``."""
    grade: Grade
    """The grade as given (legacy 5x5x5 kept as it was)."""
    code: str
    """Weighting code: the grade read as 3x5x2 source and information (``2B``)."""
    marking: str
    reported_on: date | None
    """The intelligence's own date (when it was reported or happened), if it has one."""
    received_on: date | None = None
    """When the record (this version of it) reached the store: its load or its capture."""

    @property
    def label(self) -> str:
        """How an evidence summary names its grade: the weighting code (``2B``), or a legacy
        grade as given (``B42``), never its reading in its place."""
        return self.code if self.grade.scheme == SCHEME_3X5X2 else self.grade.code


@dataclass(frozen=True, slots=True)
class GraphFilter:
    """What to keep when building a graph. Everything is kept by default.

    Records outside `agencies`, below `min_grade` (e.g. ``"2B"``: source 1-2 and information
    A-B; legacy grades are compared through their weighting code) or not permitted are not
    evidence for anything. Links are kept when their dates (else their evidence's report
    dates) overlap `since`..`until`; nodes when a record naming them was reported in range
    (undated records always pass).

    >>> GraphFilter(min_grade="2b").min_grade
    '2B'
    """

    since: date | None = None
    until: date | None = None
    link_types: frozenset[str] | None = None
    """Keep only edges of these types (link types, ``has_phone``..., ``mentioned_with``)."""
    min_grade: str | None = None
    agencies: frozenset[str] | None = None
    """Keep only evidence from these agencies (codes)."""
    values: bool = True
    """Add value nodes (phones, emails, accounts, vehicles)."""
    extracted: bool = True
    """Use values extracted from free text (unverified)."""
    co_mentions: bool = True
    """Join entities that one record names together."""

    def __post_init__(self) -> None:
        if self.min_grade is not None:
            object.__setattr__(self, "min_grade", parse_minimum(self.min_grade))

    @classmethod
    def asked(
        cls,
        since: date | None,
        until: date | None,
        types: Iterable[str] | None,
        grade: str | None,
        agencies: Iterable[str] | None,
    ) -> GraphFilter:
        """The filter a user asks for in a chart or a command: an empty value filters nothing.

        >>> GraphFilter.asked(None, None, [], "", ["met"]).agencies
        frozenset({'met'})
        """
        return cls(
            since=since,
            until=until,
            link_types=frozenset(types) if types else None,
            min_grade=grade or None,
            agencies=frozenset(agencies) if agencies else None,
        )

    def admits_record(self, info: RecordInfo) -> bool:
        """Whether a record may be evidence under this filter (dates aside)."""
        if self.agencies is not None and info.agency not in self.agencies:
            return False
        return meets(info.code, self.min_grade)

    def in_range(self, low: str | None, high: str | None) -> bool:
        """Whether an ISO date interval (either end may be partial or missing) overlaps."""
        if self.since is None and self.until is None:
            return True
        if low is None and high is None:
            return True
        lo = _pad(low or high or "", "0000-01-01")
        hi = _pad(high or low or "", "9999-12-31")
        if self.since is not None and hi < self.since.isoformat():
            return False
        return not (self.until is not None and lo[:10] > self.until.isoformat())

    def day_in_range(self, day: date | None) -> bool:
        """Whether a report date is in range (undated reports always are)."""
        if day is None or (self.since is None and self.until is None):
            return True
        iso = day.isoformat()
        return self.in_range(iso, iso)

    def allows_type(self, edge_type: str) -> bool:
        """Whether edges of `edge_type` are kept."""
        return self.link_types is None or edge_type in self.link_types


def _pad(text: str, fill: str) -> str:
    """Complete a partial ISO date ("2025", "2025-03") with the start or end of its period."""
    return text if len(text) >= 10 else text + fill[len(text) :]


def node_records(g: ig.Graph, index: int) -> tuple[int, ...]:
    """Evidence record ids of a node."""
    return tuple(g.vs[index]["records"])


def node_evidence(g: ig.Graph) -> list[set[int]]:
    """Every record each node is known from: those naming it and those backing its links.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b")])
    >>> g.es["records"] = [(7,)]
    >>> node_evidence(g)
    [{7}, {7}]
    """
    edges: list[tuple[int, ...]] = g.es["records"] if g.ecount() else []
    return [
        set(records).union(*(edges[e] for e in incident))
        for records, incident in zip(
            g.vs["records"] if g.vcount() else [], g.get_inclist(mode="all"), strict=True
        )
    ]


def edge_records(g: ig.Graph, index: int) -> tuple[int, ...]:
    """Evidence record ids of an edge."""
    return tuple(g.es[index]["records"])


def other_end(edge: ig.Edge, node: int) -> int:
    """The node at the other end of `edge` from `node` (edges are undirected).

    >>> g = ig.Graph(edges=[(0, 1)])
    >>> other_end(g.es[0], 1), other_end(g.es[0], 0)
    (0, 1)
    """
    return int(edge.target if edge.source == node else edge.source)


_INDEXED: dict[int, weakref.ref[ig.Graph]] = {}
"""The graphs whose node names igraph has indexed (`index_names`), by id, each held weakly
(a graph cannot be hashed, and a subgraph or copy of an indexed graph is not indexed)."""


def index_names(g: ig.Graph) -> ig.Graph:
    """Build igraph's index of `g`'s node names, so that `find_node` finds a node by name in
    microseconds instead of scanning every name: about 0.9 s for 1.9 million nodes, once,
    against some 50 ms a look-up. Worth it for a graph that answers many look-ups (the
    server's cached graphs); a command that looks up a node or two is quicker scanning.
    Returns `g`.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = index_names(graph_from_edges([("e1", "e2")]))
    >>> find_node(g, "e2"), _indexed(g), _indexed(g.copy())
    (1, True, False)
    """
    if g.vcount():
        g.vs.find(name=str(g.vs[0]["name"]))  # igraph builds the index on its first use
    key = id(g)

    def forget(_gone: weakref.ref[ig.Graph]) -> None:
        _INDEXED.pop(key, None)

    _INDEXED[key] = weakref.ref(g, forget)
    return g


def _indexed(g: ig.Graph) -> bool:
    held = _INDEXED.get(id(g))
    return held is not None and held() is g


def find_node(g: ig.Graph, ref: str) -> int:
    """The index of the node an analyst means: a node name, an entity id, or a caption.

    A caption must match one node exactly (ignoring case) or, failing that, be part of
    exactly one node's caption. A name is looked up in igraph's index of them when the graph
    has one (`index_names`), else among every node's name.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("e1", "e2")], captions={"e1": "Lan NGUYEN", "e2": "Minh TRAN"})
    >>> find_node(g, "e2"), find_node(g, "lan nguyen"), find_node(g, "tran")
    (1, 0, 1)
    >>> find_node(g, "nobody")
    Traceback (most recent call last):
    ...
    threadline.graph.vocabulary.NodeNotFound: no entity or value matches 'nobody'
    """
    text = ref.strip()
    if not g.vcount():
        raise NodeNotFound(f"no entity or value matches {ref!r}", text)
    if _indexed(g):
        try:
            return int(g.vs.find(name=text).index)
        except ValueError:  # no node of that name: an entity id or a caption, below
            pass
    else:
        names: list[str] = g.vs["name"]
        if text in names:
            return names.index(text)
    for index, ids in enumerate(g.vs["entity_ids"]):
        if text in ids:
            return index
    folded = text.casefold()
    captions: list[str] = [str(c).casefold() for c in g.vs["caption"]]
    exact = [i for i, c in enumerate(captions) if c == folded]
    found = exact or [i for i, c in enumerate(captions) if folded and folded in c]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NodeNotFound(f"no entity or value matches {ref!r}", text)
    shown = ", ".join(f"{g.vs[i]['name']} ({g.vs[i]['caption']})" for i in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise NodeNotFound(f"{ref!r} matches {len(found)} nodes: {shown}{more}; give an id", text)


def attr(g: ig.Graph, index: int, name: str) -> Any:
    """One vertex attribute (a typed accessor for igraph's untyped one)."""
    return g.vs[index][name]
