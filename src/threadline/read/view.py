"""The View: the one place reads go through, scoped to an actor and audited.

Search, graph queries, reports and exports read through a View (or compose their queries
with `View.clause` and report what they read with `View.consulted`), so that nothing the
actor may not see is ever in an answer, not even as a count, a caption or a marking.

Every read is logged as a consultation. The reads of one kind (operation, outcome and detail)
made in the same second are one event, naming every record and entity they read, when the
first was made and, for more than one, how many there were (``detail.reads``): a burst of
10,000 entity reads costs a few events, not 10,000, and the log stays readable. Events are
held in memory and written in one batch, sealed into the audit chain, when the caller's
transaction commits. A read that finds
nothing the actor may see is logged as denied, whether or not the thing exists, and returns
None or an empty list, exactly as for something that does not exist. Reads never raise for a
denial: raising would roll back the transaction and the denial's audit event with it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from threadline.errors import ValidationError
from threadline.model.grading import stored_grade
from threadline.model.marking import Marking
from threadline.model.protection import Protection, combine, stored_protection
from threadline.read.rows import Entity, Indicator, Link, Mention, Record, Statement
from threadline.security import chain
from threadline.security.actors import Actor, refresh_actor
from threadline.security.audit import OUTCOMES, make_event, purpose_required, restamp
from threadline.security.policy import visible_records_clause
from threadline.store import tables as t
from threadline.store.chunks import CHUNK, chunked
from threadline.store.evidence_ids import evidence_records

__all__ = ["AUDIT_RECORD_LIMIT", "View"]

_GRADE_COLUMNS = tuple(
    t.records.c[name].label(f"g_{name}")
    for name in (
        "grading_scheme",
        "source_evaluation",
        "information_assessment",
        "handling_code",
        "handling_conditions",
        "marking",
    )
)
"""A record's grade and marking, labelled apart from a link's own marking and handling."""


_KEY: sa.BindParameter[Any] = sa.bindparam("key")
"""The one parameter of each prepared View query: the id being read."""


def _protection(row: Any) -> Protection:
    return stored_protection(
        row.g_grading_scheme,
        row.g_source_evaluation,
        row.g_information_assessment,
        row.g_handling_code,
        row.g_handling_conditions,
        row.g_marking,
    )


AUDIT_RECORD_LIMIT = 10_000
"""Most record (or entity) ids a consultation or combination names in one audit event; a bigger
read (a whole-store analysis) is logged with its count instead. Disclosures (exports, profiles)
always name everything they hand over."""

ACTIONS = ("consultation", "combination", "disclosure")
"""What a read can be under DPA 2018 s62: looking, joining records up, or handing them over."""


class _Reads:
    """Reads of one kind (action, operation, outcome, detail) in one second: one event, naming
    every record and entity read (entities in the order first read) and how many reads there
    were."""

    __slots__ = (
        "action", "at_ns", "count", "detail", "entities", "operation", "outcome", "records",
    )  # fmt: skip

    def __init__(
        self,
        action: str,
        operation: str,
        outcome: str,
        detail: Mapping[str, object] | None,
        at_ns: int,
    ) -> None:
        self.action = action
        self.operation, self.outcome, self.at_ns = operation, outcome, at_ns
        self.detail = None if detail is None else dict(detail)
        self.records: set[int] = set()
        self.entities: dict[str, None] = {}
        self.count = 0

    def add(self, records: Iterable[int], entities: Sequence[str]) -> None:
        self.records.update(records)
        self.entities.update(dict.fromkeys(entities))
        self.count += 1


class View:
    """What one actor may read, and nothing else; every read is audited as a consultation."""

    def __init__(
        self, conn: Connection, actor: Actor, *, purpose: str = "", today: date | None = None
    ) -> None:
        """Scope reads on `conn` to `actor` as the store holds them now.

        Raises AccessDenied if the actor has been disabled, and ValidationError if this
        deployment requires a purpose for consultations and none is given.
        """
        if not purpose.strip() and purpose_required("consultation"):
            raise ValidationError("this deployment requires a purpose for each consultation")
        self.conn = conn
        self.actor = refresh_actor(conn, actor)
        """The actor as stored when the View was made: role changes apply to the next View."""
        self.purpose = purpose
        """Why the actor is reading, written into every event."""
        self.clause: ColumnElement[bool] = visible_records_clause(self.actor, today=today)
        """The policy as SQL over ``records``: join it into any further query."""
        self._template = make_event(self.actor, "consultation", "view", purpose=purpose)
        self._prepared: dict[str, sa.Select[Any]] = {}
        self._hold = chain.holder(conn, self._event)
        self._gathering: dict[tuple[str, str, str, str | None, int], _Reads] = {}
        """The reads of the current second, by kind, each to be one event."""
        self._generation = chain.generation(conn)

    def _run(self, name: str, build: Callable[[], sa.Select[Any]], key: object) -> list[Any]:
        """Run the View's query `name` for `key`, building it once per View: a burst of reads
        reuses one statement (and its SQL compilation cache key) instead of rebuilding it."""
        query = self._prepared.get(name)
        if query is None:
            query = self._prepared[name] = build()
        return list(self.conn.execute(query, {"key": key}).all())

    # -- auditing -----------------------------------------------------------------------------

    def consulted(
        self,
        operation: str,
        *,
        records: Iterable[int] = (),
        entities: Sequence[str] = (),
        outcome: str = "allowed",
        detail: Mapping[str, object] | None = None,
        action: str = "consultation",
    ) -> None:
        """Log one read (a consultation, or a combination of records such as an analysis, or
        a disclosure); written with the transaction (see the module docstring)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown audit outcome {outcome!r}")
        if action not in ACTIONS:
            raise ValueError(f"a read is not a {action!r}")
        at_ns = time.time_ns()
        frozen = None if detail is None else json.dumps(dict(detail), sort_keys=True, default=str)
        key = (action, operation, outcome, frozen, at_ns // 1_000_000_000)
        now = chain.generation(self.conn)
        if now != self._generation:  # the reads gathered so far are sealed or gone
            self._gathering.clear()
            self._generation = now
        reads = self._gathering.get(key)
        if reads is None:
            reads = self._gathering[key] = _Reads(action, operation, outcome, detail, at_ns)
            self._hold((reads,))
        reads.add(records, entities)

    def _event(self, args: tuple[Any, ...]) -> dict[str, Any]:
        reads: _Reads = args[0]
        detail = dict(reads.detail or {})
        if reads.count > 1:
            detail["reads"] = reads.count
        records: Iterable[int] = reads.records
        entities = list(reads.entities)
        if len(reads.records) > AUDIT_RECORD_LIMIT:
            detail["records"], records = len(reads.records), ()
        if len(entities) > AUDIT_RECORD_LIMIT:
            detail["entities"], entities = len(entities), []
        template = self._template
        if reads.action != template["action"]:
            template = {**template, "action": reads.action}
        return restamp(
            template,
            reads.operation,
            records=records,
            entities=entities,
            outcome=reads.outcome,
            detail=detail or None,
            at_ns=reads.at_ns,
        )

    def _answer(self, operation: str, records: Iterable[int], entities: Sequence[str]) -> None:
        ids = set(records)
        self.consulted(
            operation, records=ids, entities=entities, outcome="allowed" if ids else "denied"
        )

    def visible(self, ids: Iterable[int]) -> set[int]:
        """Which of `ids` the actor may see (absent ids are simply not returned); not logged:
        the caller logs what it then shows."""
        wanted = sorted({int(i) for i in ids})
        seen: set[int] = set()
        for chunk in chunked(wanted):
            query = sa.select(t.records.c.id).where(t.records.c.id.in_(chunk), self.clause)
            seen.update(int(i) for i in self.conn.execute(query).scalars())
        return seen

    def protection(self, ids: Iterable[int]) -> Protection:
        """The combined marking and handling of the records `ids` that the actor may see: what
        an output showing them holds. Not logged: the caller logs what it shows."""
        wanted = sorted({int(i) for i in ids})
        found: list[Protection] = []
        for chunk in chunked(wanted):
            query = sa.select(*_GRADE_COLUMNS).where(t.records.c.id.in_(chunk), self.clause)
            found.extend(_protection(row) for row in self.conn.execute(query))
        return combine(found)

    # -- records ------------------------------------------------------------------------------

    def _records(self) -> sa.Select[Any]:
        r = t.records
        return (
            sa.select(r, t.agencies.c.code.label("agency_code"), t.sources.c.name.label("source"))
            .join(t.agencies, t.agencies.c.id == r.c.agency_id)
            .join(t.sources, t.sources.c.id == r.c.source_id)
            .where(self.clause)
        )

    @staticmethod
    def _record(row: Any) -> Record:
        return Record(
            id=int(row.id),
            agency=str(row.agency_code),
            source=str(row.source),
            record_key=str(row.record_key),
            location=str(row.location),
            grade=stored_grade(
                row.grading_scheme,
                row.source_evaluation,
                row.information_assessment,
                row.handling_code,
                row.handling_conditions,
            ),
            marking=Marking(row.marking),
            original_marking=row.original_marking,
            retention_group=str(row.retention_group),
            review_date=row.review_date,
            reported_on=row.reported_on,
            raw=dict(row.raw or {}),
            warnings=list(row.warnings or []),
        )

    def record(self, record_id: int) -> Record | None:
        """The record, or None when it does not exist or the actor may not see it."""
        rows = self._run(
            "record", lambda: self._records().where(t.records.c.id == _KEY), int(record_id)
        )
        self.consulted("record.get", records=[record_id], outcome="allowed" if rows else "denied")
        return self._record(rows[0]) if rows else None

    def _filtered(
        self,
        query: sa.Select[Any],
        ids: Iterable[int] | None,
        agency: str | None,
        due_by: date | None,
    ) -> sa.Select[Any]:
        r = t.records.c
        if ids is not None:
            query = query.where(r.id.in_(sorted({int(i) for i in ids})))
        if agency is not None:
            query = query.where(t.agencies.c.code == agency)
        if due_by is not None:
            query = query.where(r.review_date <= due_by)
        return query

    def records(
        self,
        *,
        ids: Iterable[int] | None = None,
        agency: str | None = None,
        due_by: date | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Record]:
        """Visible records by id; with `due_by`, those due for review by then, soonest first."""
        r = t.records.c
        order = (r.review_date, r.id) if due_by is not None else (r.id,)
        wanted = None if ids is None else sorted({int(i) for i in ids})
        if wanted is not None and len(wanted) > CHUNK:  # more ids than one query may carry
            rows = [
                row
                for chunk in chunked(wanted)
                for row in self.conn.execute(self._filtered(self._records(), chunk, agency, due_by))
            ]
            rows.sort(key=lambda row: (row.review_date, row.id) if due_by else row.id)
            rows = rows[offset:][:limit] if limit is not None else rows[offset:]
        else:
            query = self._filtered(self._records(), wanted, agency, due_by)
            rows = list(self.conn.execute(query.order_by(*order).limit(limit).offset(offset)))
        out = [self._record(row) for row in rows]
        self.consulted("records.list", records=[rec.id for rec in out])
        return out

    def count_records(self, *, agency: str | None = None, due_by: date | None = None) -> int:
        """How many records the actor may see (never counting any they may not)."""
        base = (
            sa.select(sa.func.count())
            .select_from(t.records)
            .join(t.agencies, t.agencies.c.id == t.records.c.agency_id)
            .where(self.clause)
        )
        count = int(self.conn.execute(self._filtered(base, None, agency, due_by)).scalar_one())
        self.consulted("records.count", detail={"count": count})
        return count

    # -- mentions and statements --------------------------------------------------------------

    def statements(self, mention_id: str) -> list[Statement]:
        """What visible records say about one mention."""
        s, m = t.statements, t.mentions
        rows = self._run(
            "statements",
            lambda: (
                sa.select(s, m.c.entity_id)
                .join(m, m.c.id == s.c.mention_id)
                .join(t.records, t.records.c.id == s.c.record_id)
                .where(s.c.mention_id == _KEY, self.clause)
                .order_by(s.c.id)
            ),
            mention_id,
        )
        entities = sorted({str(r.entity_id) for r in rows if r.entity_id is not None})
        self._answer("mention.statements", (int(r.record_id) for r in rows), entities)
        return [_statement(row) for row in rows]

    def mentions(self, entity_id: str) -> list[Mention]:
        """The entity's mentions in records the actor may see."""
        m = t.mentions
        rows = self._run(
            "mentions",
            lambda: (
                sa.select(m)
                .join(t.records, t.records.c.id == m.c.record_id)
                .where(m.c.entity_id == _KEY, self.clause)
                .order_by(m.c.id)
            ),
            entity_id,
        )
        self._answer("entity.mentions", (int(r.record_id) for r in rows), [entity_id])
        return [
            Mention(str(r.id), int(r.record_id), r.schema, r.slot, r.role, r.caption, r.entity_id)
            for r in rows
        ]

    def values(self, entity_id: str) -> list[Statement]:
        """Every value held about the entity, each from a record the actor may see."""
        s, m = t.statements, t.mentions
        rows = self._run(
            "values",
            lambda: (
                sa.select(s)
                .join(m, m.c.id == s.c.mention_id)
                .join(t.records, t.records.c.id == s.c.record_id)
                .where(m.c.entity_id == _KEY, self.clause)
                .order_by(s.c.prop, s.c.value, s.c.id)
            ),
            entity_id,
        )
        self._answer("entity.values", (int(r.record_id) for r in rows), [entity_id])
        return [_statement(row) for row in rows]

    # -- entities, links and indicators -------------------------------------------------------

    def entity(self, entity_id: str) -> Entity | None:
        """The entity as far as visible records show it, or None if none of them mention it."""
        m, e = t.mentions, t.entities
        rows = self._run(
            "entity",
            lambda: (
                sa.select(m.c.record_id, m.c.caption, e.c.schema, e.c.stale, *_GRADE_COLUMNS)
                .join(e, e.c.id == m.c.entity_id)
                .join(t.records, t.records.c.id == m.c.record_id)
                .where(m.c.entity_id == _KEY, self.clause)
                .order_by(m.c.id)
            ),
            entity_id,
        )
        records = sorted({int(r.record_id) for r in rows})
        self._answer("entity.get", records, [entity_id])
        if not rows:
            return None
        captions = Counter(r.caption for r in rows if r.caption)
        return Entity(
            id=entity_id,
            schema=str(rows[0].schema),
            caption=captions.most_common(1)[0][0] if captions else "",
            stale=bool(rows[0].stale),
            records=tuple(records),
            protection=combine(_protection(r) for r in rows),
        )

    def links(self, entity_id: str) -> list[Link]:
        """Links to or from the entity that have visible evidence, with that evidence only."""
        lk, ev = t.links, t.link_evidence
        rows = self._run(
            "links",
            lambda: (
                sa.select(lk, ev.c.record_id.label("evidence_id"), *_GRADE_COLUMNS)
                .join(ev, ev.c.link_id == lk.c.id)
                .join(t.records, t.records.c.id == ev.c.record_id)
                .where(sa.or_(lk.c.source_id == _KEY, lk.c.target_id == _KEY), self.clause)
                .order_by(lk.c.id, ev.c.record_id)
            ),
            entity_id,
        )
        grouped: dict[str, list[Any]] = {}
        for row in rows:
            grouped.setdefault(str(row.id), []).append(row)
        links = [
            Link(
                id=link_id,
                schema=group[0].schema,
                source_id=group[0].source_id,
                target_id=group[0].target_id,
                start_date=group[0].start_date,
                end_date=group[0].end_date,
                evidence=tuple(int(r.evidence_id) for r in group),
                protection=combine(_protection(r) for r in group),
            )
            for link_id, group in grouped.items()
        ]
        self._answer("entity.links", (int(r.evidence_id) for r in rows), [entity_id])
        return links

    def indicators(self, entity_id: str) -> list[Indicator]:
        """Risk indicators on the entity whose every evidence record the actor may see."""
        rows = self._run(
            "indicators",
            lambda: (
                sa.select(t.indicators)
                .where(t.indicators.c.entity_id == _KEY)
                .order_by(t.indicators.c.score.desc(), t.indicators.c.id)
            ),
            entity_id,
        )
        named = {int(r.id): evidence_records(r.evidence) for r in rows}
        visible = self.visible(set().union(*named.values()))
        out = [
            Indicator(
                id=int(r.id),
                entity_id=str(r.entity_id),
                name=str(r.name),
                score=float(r.score),
                reason=str(r.reason),
                evidence=tuple(sorted(named[int(r.id)])),
                grade=str(r.grade),
            )
            for r in rows
            if named[int(r.id)] and named[int(r.id)] <= visible
        ]
        used = [record for ind in out for record in ind.evidence]
        self._answer("entity.indicators", used, [entity_id])
        return out


def _statement(row: Any) -> Statement:
    return Statement(
        id=int(row.id),
        record_id=int(row.record_id),
        mention_id=str(row.mention_id),
        schema=str(row.schema),
        prop=str(row.prop),
        value=str(row.value),
        original_value=str(row.original_value),
        kind=str(row.kind),
        origin=str(row.origin),
    )
