"""Reading what a graph is built from: records, entity mentions, statements and links.

Only records the View lets its actor see, and that pass the filter's agency and grade tests,
are evidence; every other row is read only if one of those records backs it. The View's policy
is pushed into the SQL (``record_id IN (SELECT ... WHERE <policy>)``), so that what the actor
may not see is never read at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from followthemoney import model
from sqlalchemy.engine import Connection

from threadline.graph.evidence import weighting_code
from threadline.graph.vocabulary import GraphFilter, RecordInfo
from threadline.model.grading import stored_grade
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["FACT_PROPS", "KEY_PROPS", "VALUE_PROPS", "Loaded", "load", "records_around"]

AnySelect = sa.Select[*tuple[Any, ...]]
"""A SELECT of any columns."""

VALUE_PROPS: dict[str, tuple[str, str]] = {
    "phone": ("phone", "has_phone"),
    "email": ("email", "has_email"),
    "phoneMentioned": ("phone", "mentions_phone"),
    "emailMentioned": ("email", "mentions_email"),
    "vehicleMentioned": ("vrm", "mentions_vehicle"),
    "accountMentioned": ("account", "mentions_account"),
    "ibanMentioned": ("iban", "mentions_account"),
}
"""Property -> (value type, edge type) for values that become value nodes."""

KEY_PROPS: dict[tuple[str, str], str] = {
    ("Vehicle", "registrationNumber"): "vrm",
    ("BankAccount", "accountNumber"): "account",
    ("BankAccount", "iban"): "iban",
}
"""(schema, property) -> value type of the identifier that names a Vehicle or BankAccount
entity's node, so the entity meets every mention of its number."""

FACT_PROPS = frozenset(
    {
        "birthDate",
        "nationality",
        "gender",
        "sector",
        "keywords",
        "summary",
        "status",
        "profession",
        "date",
        "country",
        "type",
    }
)
"""Properties kept on nodes as ``facts`` for profiles and indicators."""

CHUNK = 10_000

AMONG = 5_000
"""Records (or entity ids) per query when a part of the graph is read."""


@dataclass(slots=True)
class Loaded:
    """Rows read for one graph, all backed by admissible records."""

    records: dict[int, RecordInfo] = field(default_factory=dict)
    entities: dict[str, tuple[str, str]] = field(default_factory=dict)
    """entity id -> (schema, stored caption)."""
    mentions: list[tuple[str, int, str, str | None, str, str]] = field(default_factory=list)
    """(entity id, record id, schema, role, caption, slot)."""
    statements: list[tuple[str, int, str, str, str, str]] = field(default_factory=list)
    """(entity id, record id, schema, prop, value, origin)."""
    links: list[tuple[str, str, str | None, str, str, str | None, str | None, int]] = field(
        default_factory=list
    )
    """(link id, schema, type, source id, target id, start, end, evidence record id): one row
    per date the evidence record states for the link (each ANPR read's time), else one with the
    link's own first and last dates."""

    def add(self, other: Loaded) -> None:
        """Take in `other`'s rows (read from other records than these)."""
        self.records.update(other.records)
        self.entities.update(other.entities)
        self.mentions.extend(other.mentions)
        self.statements.extend(other.statements)
        self.links.extend(other.links)


def _scope(view: View, filters: GraphFilter, among: Sequence[int] | None = None) -> AnySelect:
    """``SELECT records.id`` of admissible records: visible to the actor, of the filter's
    agencies (and among the records `among`, when given)."""
    r = t.records
    conditions: list[sa.ColumnElement[bool]] = [view.clause]
    if among is not None:
        conditions.append(r.c.id.in_(among))
    if filters.agencies is not None:
        codes = sorted(filters.agencies)
        conditions.append(
            r.c.agency_id.in_(sa.select(t.agencies.c.id).where(t.agencies.c.code.in_(codes)))
        )
    return sa.select(r.c.id).where(*conditions).correlate(None)


def _rows(conn: Connection, query: AnySelect) -> Iterator[sa.Row[Any]]:
    # On the statement, not the connection: a connection option would outlive this read.
    yield from conn.execute(query.execution_options(yield_per=CHUNK))


def load(
    view: View, filters: GraphFilter, among: Collection[int] | None = None, *, shape: bool = False
) -> Loaded:
    """Read every row the graph needs (see the module docstring for what is admitted); with
    `among`, only the rows those records back (a part of the graph: `build_around`), read
    a chunk of records at a time. With `shape`, only what `assemble`'s `shape` reads under a
    filter of no dates: no facts, and each link with its own first and last dates rather
    than those each record states (which only a date range reads)."""
    if shape and (filters.since is not None or filters.until is not None):
        raise ValueError("the shape of a graph is read without a date range")
    if among is None:
        out = _load(view, filters, None, shape)
        wanted = {mention[0] for mention in out.mentions}
        e = t.entities
        for row in _rows(view.conn, sa.select(e.c.id, e.c.schema, e.c.caption).order_by(e.c.id)):
            if row.id in wanted:
                out.entities[str(row.id)] = (str(row.schema), str(row.caption or ""))
        return out
    out = Loaded()
    for chunk in chunked(sorted(set(among)), AMONG):
        out.add(_load(view, filters, chunk, shape))
    e = t.entities
    for ids in chunked(sorted({mention[0] for mention in out.mentions}), AMONG):
        query = sa.select(e.c.id, e.c.schema, e.c.caption).where(e.c.id.in_(ids))
        for entity_id, schema, caption in view.conn.execute(query):
            out.entities[str(entity_id)] = (str(schema), str(caption or ""))
    return out


def _load(
    view: View, filters: GraphFilter, among: Sequence[int] | None, shape: bool = False
) -> Loaded:
    """`load`'s rows but the entities', of the records `among` (or all)."""
    out = Loaded()
    conn = view.conn
    scope = _scope(view, filters, among)

    def within(query: AnySelect, column: sa.ColumnElement[Any]) -> AnySelect:
        return query.where(column.in_(scope))

    r, a, s = t.records, t.agencies, t.sources
    query: AnySelect = (
        sa.select(
            r.c.id,
            a.c.code,
            s.c.name,
            r.c.grading_scheme,
            r.c.source_evaluation,
            r.c.information_assessment,
            r.c.handling_code,
            r.c.handling_conditions,
            r.c.marking,
            r.c.reported_on,
            r.c.created_at,
        )
        .join(a, a.c.id == r.c.agency_id)
        .join(s, s.c.id == r.c.source_id)
        .order_by(r.c.id)
    )
    for row in _rows(conn, within(query, r.c.id)):
        grade = stored_grade(
            row.grading_scheme,
            row.source_evaluation,
            row.information_assessment,
            row.handling_code,
            row.handling_conditions,
        )
        info = RecordInfo(
            id=int(row.id),
            agency=str(row.code),
            source=str(row.name),
            grade=grade,
            code=weighting_code(grade.scheme, grade.source, grade.information),
            marking=str(row.marking),
            reported_on=row.reported_on,
            received_on=row.created_at.date() if row.created_at is not None else None,
        )
        if filters.admits_record(info):
            out.records[info.id] = info
    records = out.records

    m = t.mentions
    query = (
        sa.select(m.c.entity_id, m.c.record_id, m.c.schema, m.c.role, m.c.caption, m.c.slot)
        .where(m.c.entity_id.is_not(None))
        .order_by(m.c.entity_id, m.c.record_id, m.c.id)
    )
    for row in _rows(conn, within(query, m.c.record_id)):
        if int(row.record_id) in records:
            out.mentions.append(
                (
                    str(row.entity_id),
                    int(row.record_id),
                    row.schema,
                    row.role,
                    row.caption or "",
                    str(row.slot),
                )
            )

    st = t.statements
    props = set(VALUE_PROPS) | {p for _, p in KEY_PROPS} | (set() if shape else FACT_PROPS)
    query = (
        sa.select(m.c.entity_id, st.c.record_id, st.c.schema, st.c.prop, st.c.value, st.c.origin)
        .join(m, m.c.id == st.c.mention_id)
        .where(m.c.entity_id.is_not(None))
        .order_by(st.c.id)
    )
    if among is None:
        query = query.where(st.c.prop.in_(sorted(props)))
    # else the properties are picked here: asked for in SQL, they lead SQLite's planner to
    # the property index (every such statement of the store) instead of the records'
    for row in _rows(conn, within(query, st.c.record_id)):
        if int(row.record_id) in records and row.prop in props:
            out.statements.append(
                (
                    str(row.entity_id),
                    int(row.record_id),
                    row.schema,
                    row.prop,
                    row.value,
                    row.origin,
                )
            )

    own = {} if shape else _record_dates(conn, within, records.keys(), among is not None)
    lk, ev = t.links, t.link_evidence
    query = (
        sa.select(
            lk.c.id,
            lk.c.schema,
            lk.c.type,
            lk.c.source_id,
            lk.c.target_id,
            lk.c.start_date,
            lk.c.end_date,
            ev.c.record_id,
        )
        .join(ev, ev.c.link_id == lk.c.id)
        .order_by(lk.c.id, ev.c.record_id)
    )
    for row in _rows(conn, within(query, ev.c.record_id)):
        record_id = int(row.record_id)
        if record_id not in records:
            continue
        link = (str(row.id), str(row.schema), row.type, str(row.source_id), str(row.target_id))
        stated = own.get((record_id, *link[1:]))
        if stated:
            out.links.extend((*link, day, None, record_id) for day in sorted(stated))
        else:
            out.links.append((*link, row.start_date, row.end_date, record_id))
    return out


LinkKey = tuple[int, str, str | None, str, str]
"""(record id, schema, type, source entity id, target entity id)."""


def _record_dates(
    conn: Connection,
    within: Callable[[AnySelect, sa.ColumnElement[Any]], AnySelect],
    records: AbstractSet[int],
    part: bool = False,
) -> dict[LinkKey, set[str]]:
    """The start dates each record states for its links, as resolution joined their ends.

    A link's stored dates are the first and last of all its evidence: a vehicle read by one
    camera on ten nights is one link. The graph places each read at its own time instead.
    """
    lm, st, end = t.mentions, t.statements, t.mentions.alias("link_end")
    edges = [s.name for s in model.schemata.values() if s.edge]
    dated = sa.select(st.c.mention_id).where(st.c.prop == "startDate")
    if part:  # a few records: their own dated statements, not every one in the store
        dated = within(dated, st.c.record_id)
    query = (
        sa.select(lm.c.id, lm.c.record_id, lm.c.schema, lm.c.slot, st.c.prop, st.c.value,
                  end.c.entity_id)
        .join(st, st.c.mention_id == lm.c.id)
        .outerjoin(end, end.c.id == st.c.value)
        .where(lm.c.schema.in_(edges), lm.c.id.in_(dated))
        .order_by(lm.c.id)
    )  # fmt: skip
    out: dict[LinkKey, set[str]] = {}

    def keep(record_id: int, schema_name: str, slot: str, props: dict[str, list[Any]]) -> None:
        schema = model.get(schema_name)
        if schema is None or record_id not in records:
            return
        sources = props.get(str(schema.edge_source), [])
        targets = props.get(str(schema.edge_target), [])
        if not sources or not targets or sources[0][1] is None or targets[0][1] is None:
            return
        parts = slot.split("-")
        kind = parts[1] if len(parts) == 3 else None
        key = (record_id, schema_name, kind, str(sources[0][1]), str(targets[0][1]))
        out.setdefault(key, set()).update(v for v, _ in props.get("startDate", []) if v)

    current: tuple[str, int, str, str] | None = None
    props: dict[str, list[Any]] = {}
    for row in _rows(conn, within(query, lm.c.record_id)):
        if current is None or row.id != current[0]:
            if current is not None:
                keep(*current[1:], props)
            current, props = (str(row.id), int(row.record_id), str(row.schema), str(row.slot)), {}
        props.setdefault(row.prop, []).append((row.value, row.entity_id))
    if current is not None:
        keep(*current[1:], props)
    return out


def records_around(view: View, entities: Collection[str], values: Collection[str]) -> set[int]:
    """The records the actor may see that mention one of `entities`, are evidence of a link
    at one of them, or state one of `values` as a value node's or an identifying key's
    property: every record that a node of those entities or values, or an edge at one, rests
    on (a co-mention's record names both its ends; a link's evidence need not)."""
    r, m, st = t.records, t.mentions.c, t.statements.c
    lk, ev = t.links.c, t.link_evidence.c
    props = sorted(set(VALUE_PROPS) | {p for _, p in KEY_PROPS})
    found: set[int] = set()
    for chunk in chunked(sorted(entities), AMONG):
        query = (
            sa.select(m.record_id).distinct()
            .join(r, r.c.id == m.record_id)
            .where(m.entity_id.in_(chunk), view.clause)
        )  # fmt: skip
        found.update(int(i) for i in view.conn.execute(query).scalars())
        for end in (lk.source_id, lk.target_id):
            query = (
                sa.select(ev.record_id).distinct()
                .join(t.links, lk.id == ev.link_id)
                .join(r, r.c.id == ev.record_id)
                .where(end.in_(chunk), view.clause)
            )  # fmt: skip
            found.update(int(i) for i in view.conn.execute(query).scalars())
    for chunk in chunked(sorted(values), AMONG):
        query = (
            sa.select(st.record_id).distinct()
            .join(r, r.c.id == st.record_id)
            .where(st.prop.in_(props), st.value.in_(chunk), view.clause)
        )  # fmt: skip
        found.update(int(i) for i in view.conn.execute(query).scalars())
    return found
