"""Timelines: what the records say about an entity or a network, in date order; and what
changed since a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import igraph as ig

from threadline.graph._guards import NodeRef, graph_function, node_index
from threadline.graph.paths import edge_label
from threadline.graph.vocabulary import RecordInfo, node_evidence

__all__ = ["Changes", "Clock", "Event", "changes_since", "timeline"]


@dataclass(frozen=True, slots=True)
class Event:
    """One dated thing: a record naming the entities, or a dated link (a sighting)."""

    when: str
    """ISO date or date-time; "" when undated (undated events come last)."""
    kind: str
    """``record`` or ``link``."""
    what: str
    nodes: tuple[str, ...]
    records: tuple[int, ...]
    agencies: tuple[str, ...]
    grade: str


def _indices(g: ig.Graph, nodes: NodeRef | Iterable[NodeRef]) -> list[int]:
    if isinstance(nodes, int | str):
        return [node_index(g, nodes)]
    return sorted({node_index(g, n) for n in nodes})


def _record_event(g: ig.Graph, info: RecordInfo, members: list[int]) -> Event:
    names = sorted(g.vs[i]["caption"] for i in members)
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return Event(
        when=info.reported_on.isoformat() if info.reported_on else "",
        kind="record",
        what=f"{info.agency} {info.source} record {info.id} ({info.grade.code}) names {shown}",
        nodes=tuple(sorted(g.vs[i]["name"] for i in members)),
        records=(info.id,),
        agencies=(info.agency,),
        grade=info.code,
    )


@graph_function
def timeline(g: ig.Graph, nodes: NodeRef | Iterable[NodeRef]) -> list[Event]:
    """Records naming the nodes and their links, oldest first.

    A link is placed at each of its own dates (an ANPR read's time) or, if it has none, at
    the report dates of its evidence.

    Give one node for an entity's timeline, or a community's nodes for a network's.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("van", "cam", "seen_at")])
    >>> g.es["dates"] = [("2026-06-30T02:27:11", "2026-06-29T23:05:00")]
    >>> [(e.when, e.what) for e in timeline(g, "van")]
    [('2026-06-29T23:05:00', 'van was seen at cam'), ('2026-06-30T02:27:11', 'van was seen at cam')]
    """
    chosen = _indices(g, nodes)
    wanted = set(chosen)
    records = g["records"]
    by_record: dict[int, list[int]] = {}
    for index in chosen:
        for record in g.vs[index]["records"]:
            by_record.setdefault(record, []).append(index)
    events = [
        _record_event(g, records[r], members) for r, members in by_record.items() if r in records
    ]
    names: list[str] = g.vs["name"]
    captions: list[str] = g.vs["caption"]
    seen: set[int] = set()
    for index in chosen:
        for edge_id in g.incident(index, mode="all"):
            if edge_id in seen:
                continue
            seen.add(edge_id)
            edge = g.es[edge_id]
            a, b = edge.tuple
            src, dst = (a, b) if names[a] == edge["src"] else (b, a)
            agencies = tuple(sorted({records[r].agency for r in edge["records"] if r in records}))
            # A link without dates of its own is placed at the report dates of its evidence.
            whens = edge["dates"] or sorted(
                {
                    info.reported_on.isoformat()
                    for r in edge["records"]
                    if (info := records.get(r)) is not None and info.reported_on is not None
                }
            )
            for when in whens:
                events.append(
                    Event(
                        when=when,
                        kind="link",
                        what=f"{captions[src]} {edge_label(edge['type'])} {captions[dst]}",
                        nodes=tuple(sorted({names[src], names[dst]} & {names[i] for i in wanted}))
                        or (names[src], names[dst]),
                        records=tuple(edge["records"]),
                        agencies=agencies,
                        grade=edge["grade"],
                    )
                )
    return sorted(events, key=lambda e: (e.when == "", e.when, e.kind, e.what, e.records))


Clock = Literal["received", "reported"]
"""Which date says when something is new: when the material reached the store (``received``:
what an analyst returning after a partner's load wants), or the intelligence's own date
(``reported``: what happened in the world, whenever it was loaded)."""


def _day_of(info: RecordInfo, clock: Clock) -> date | None:
    return info.received_on if clock == "received" else info.reported_on


@dataclass(frozen=True, slots=True)
class Changes:
    """What the graph learned on or after `since`, by `clock`."""

    since: date
    clock: Clock
    new_nodes: tuple[str, ...]
    """Nodes first known (named, or linked) from a record dated on or after `since`."""
    updated_nodes: tuple[str, ...]
    """Nodes known before, with records dated since."""
    new_edges: tuple[tuple[str, str, str], ...]
    """(node, node, type) whose earliest evidence is dated on or after `since` (by report: the
    link's own date too, such as a sighting's)."""
    records: tuple[int, ...]
    """Records dated on or after `since`."""


@graph_function
def changes_since(g: ig.Graph, since: date, clock: Clock = "received") -> Changes:
    """New and updated nodes and new edges since a date (undated evidence never counts): by
    default what reached the store since then, else (``clock="reported"``) what the
    intelligence itself dates since then.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges([("a", "b")])
    >>> g.es["dates"] = [("2026-02-01",)]
    >>> changes_since(g, date(2026, 1, 1), "reported").new_edges
    (('a', 'b', 'associate'),)
    """
    records: dict[int, RecordInfo] = g["records"]
    day = since.isoformat()

    def dated(r: int) -> date | None:
        info = records.get(r)
        return None if info is None else _day_of(info, clock)

    recent = {r for r in records if (d := dated(r)) is not None and d >= since}
    new_nodes: list[str] = []
    updated: list[str] = []
    evidence = node_evidence(g)
    for vertex in g.vs:
        days = [d for r in evidence[vertex.index] if (d := dated(r)) is not None]
        if not days or max(days) < since:
            continue
        (new_nodes if min(days) >= since else updated).append(vertex["name"])
    names: list[str] = g.vs["name"]
    new_edges: list[tuple[str, str, str]] = []
    for edge in g.es:
        dates = list(edge["dates"]) if clock == "reported" else []
        dates += [d.isoformat() for r in edge["records"] if (d := dated(r)) is not None]
        if dates and min(d[:10] for d in dates) >= day:
            a, b = sorted((names[edge.source], names[edge.target]))
            new_edges.append((a, b, edge["type"]))
    return Changes(
        since=since,
        clock=clock,
        new_nodes=tuple(sorted(new_nodes)),
        updated_nodes=tuple(sorted(updated)),
        new_edges=tuple(sorted(new_edges)),
        records=tuple(sorted(recent)),
    )
