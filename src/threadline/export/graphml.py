"""GraphML for Gephi, networkx, yEd and Cytoscape, written node by node.

Attributes use only the types Gephi reads (string, int, double, boolean); lists are joined
with "; ". The graph is undirected (associations hold both ways); each edge's ``source`` is
the entity its link starts from and ``directed`` says whether the link has a direction. The
marking heads the file (a comment) and is held as graph attributes (``marking``,
``protection``, ``title``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from threadline.export.content import Content, LinkRow, NodeRow
from threadline.export.hookspecs import hookimpl
from threadline.export.types import Exporter, text
from threadline.progress import Advance

__all__ = ["GRAPHML", "register_exporters", "write_graphml"]

GRAPH_KEYS = ("marking", "protection", "title", "scope", "produced_by", "produced_at",
              "recipient", "purpose", "currency")  # fmt: skip

NODE_KEYS: tuple[tuple[str, str], ...] = (
    ("label", "string"), ("kind", "string"), ("schema", "string"), ("entity_ids", "string"),
    ("roles", "string"), ("agencies", "string"), ("sources", "string"), ("records", "string"),
    ("evidence_count", "int"), ("grade", "string"), ("first_seen", "string"),
    ("last_seen", "string"), ("marking", "string"), ("handling", "string"),
    ("community", "int"),
)  # fmt: skip
"""Node attributes and their GraphML types (facts add string attributes ``fact_<prop>``)."""

EDGE_KEYS: tuple[tuple[str, str], ...] = (
    ("label", "string"), ("type", "string"), ("schema", "string"), ("start", "string"),
    ("end", "string"), ("weight", "double"), ("grade", "string"), ("agencies", "string"),
    ("records", "string"), ("evidence_count", "int"), ("marking", "string"),
    ("handling", "string"), ("directed", "boolean"),
)  # fmt: skip


def _attr(value: str) -> str:
    return quoteattr(text(value))


def _data(key: str, value: object) -> str:
    shown = ("true" if value else "false") if isinstance(value, bool) else escape(text(value))
    return f'<data key="{key}">{shown}</data>'


def _handling(row: NodeRow | LinkRow) -> str:
    return row.protection.words().split(", handling ", 1)[1]


def _node(row: NodeRow, facts: dict[str, str]) -> str:
    values: dict[str, object] = {
        "label": row.label, "kind": row.kind, "schema": row.schema,
        "entity_ids": "; ".join(row.entity_ids), "roles": "; ".join(row.roles),
        "agencies": "; ".join(row.agencies),
        "sources": "; ".join(sorted({e.source for e in row.evidence})),
        "records": "; ".join(str(e.record) for e in row.evidence),
        "evidence_count": len(row.evidence), "grade": row.grade,
        "first_seen": row.first_seen.isoformat() if row.first_seen else "",
        "last_seen": row.last_seen.isoformat() if row.last_seen else "",
        "marking": row.protection.marking.value, "handling": _handling(row),
    }  # fmt: skip
    if row.community is not None:
        values["community"] = row.community
    parts = [_data(f"n_{k}", v) for k, v in values.items() if v != ""]
    for prop, found in row.facts.items():
        parts.append(_data(facts[prop], "; ".join(sorted({v for v, _ in found}))))
    return f"<node id={_attr(row.id)}>{''.join(parts)}</node>\n"


def _edge(row: LinkRow) -> str:
    values: dict[str, object] = {
        "label": row.label, "type": row.type, "schema": row.schema, "start": row.start or "",
        "end": row.end or "", "weight": row.weight, "grade": row.grade,
        "agencies": "; ".join(row.agencies),
        "records": "; ".join(str(e.record) for e in row.evidence),
        "evidence_count": len(row.evidence), "marking": row.protection.marking.value,
        "handling": _handling(row), "directed": row.directed,
    }  # fmt: skip
    parts = "".join(_data(f"e_{k}", v) for k, v in values.items() if v != "")
    return (
        f"<edge id={_attr(row.id)} source={_attr(row.source)} "
        f"target={_attr(row.target)}>{parts}</edge>\n"
    )


def chunks(content: Content, advance: Advance) -> Iterator[str]:
    """The GraphML document, a line at a time."""
    words = content.protection.words()
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f"<!-- {escape(text(words)).replace('--', '- -')} -->\n"
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for key in GRAPH_KEYS:
        yield f'<key id="g_{key}" for="graph" attr.name="{key}" attr.type="string"/>\n'
    for key, kind in NODE_KEYS:
        yield f'<key id="n_{key}" for="node" attr.name="{key}" attr.type="{kind}"/>\n'
    props = sorted({p for f in content.graph.vs["facts"] for p in f}) if (
        content.node_count
    ) else []  # fmt: skip
    facts = {prop: f"f_{i}" for i, prop in enumerate(props)}
    for prop, key in facts.items():
        yield f'<key id="{key}" for="node" attr.name={_attr("fact_" + prop)} attr.type="string"/>\n'
    for key, kind in EDGE_KEYS:
        yield f'<key id="e_{key}" for="edge" attr.name="{key}" attr.type="{kind}"/>\n'
    yield '<graph id="threadline" edgedefault="undirected">\n'
    graph = {
        "marking": content.protection.marking.value, "protection": words,
        "title": content.title(), "scope": content.scope.words(),
        "produced_by": content.produced_by, "produced_at": content.produced_at.isoformat(),
        "recipient": content.recipient, "purpose": content.purpose,
        "currency": content.currency,
    }  # fmt: skip
    yield "".join(_data(f"g_{k}", v) for k, v in graph.items()) + "\n"
    for row in content.nodes():
        yield _node(row, facts)
        advance("rows", 1)
    for link in content.links():
        yield _edge(link)
        advance("rows", 1)
    yield "</graph>\n</graphml>\n"


def write_graphml(content: Content, out: BinaryIO, advance: Advance) -> None:
    """Write `content` as GraphML (see the module docstring)."""
    for chunk in chunks(content, advance):
        out.write(chunk.encode("utf-8"))


GRAPHML = Exporter(
    name="graphml",
    suffix=".graphml",
    media_type="application/graphml+xml",
    description="GraphML for Gephi and networkx: node and edge attributes, marking in the "
    "graph's attributes",
    write=write_graphml,
)


@hookimpl
def register_exporters() -> list[Exporter]:
    """The GraphML exporter."""
    return [GRAPHML]
