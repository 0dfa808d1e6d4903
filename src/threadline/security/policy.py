"""The access policy: which records an actor may see, as one SQL condition over ``records``.

A record is visible to an active user when its marking allows (OFFICIAL-SENSITIVE needs the
user's clearance) and one of these holds:

1. **own agency**: the record's agency is the user's, and the user holds a reading role;
2. **sharing agreement**: an agreement in force today lets the record's agency share with the
   user's, its scope covers the record's source, the user holds a reading role, and the record
   may leave its agency for the user's: handling P (or legacy 1); or, under an agreement that
   allows conditioned material, legacy 2-3, or C whose conditions the handling rules read as
   shareable with conditions or with the user's agency by name;
3. **case**: the record is attached to an open case the user is a member of (any role), and
   the record may leave its agency for the user's, or the user is in that agency.

What C conditions allow is read at ingest by the handling rules (`threadline.security.handling`)
and stored in ``record_handling`` (with ``record_recipients`` for named agencies), so the test
here is a look-up by key, not text matching. A C record the rules have not read, or whose
conditions keep it home (originating agency only, sanitise first, or a condition no rule
recognises), never leaves its agency; nor do legacy 5x5x5 handling 4 and 5. Administration is
not need-to-know: the administrator role reads nothing by itself. Disabled users see nothing,
checked against the store at query time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from threadline.model.marking import Marking
from threadline.security.actors import Actor
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = [
    "may_leave",
    "sight",
    "visible_record_ids",
    "visible_records_clause",
]

"""Ids per query in `visible_record_ids` (SQLite allows 32,766 parameters)."""


def _permitted_handling() -> ColumnElement[bool]:
    """Handling that lets a record go wherever an agreement reaches: P, or legacy 1."""
    r = t.records.c
    return sa.or_(
        sa.and_(r.grading_scheme == "3x5x2", r.handling_code == "P"),
        sa.and_(r.grading_scheme == "5x5x5", r.handling_code == "1"),
    )


def _released_with_conditions(agency: str) -> ColumnElement[bool]:
    """Conditioned material that may go to `agency` (a code): legacy 2-3, or C whose stored
    restriction releases it to any conditioned recipient or to `agency` by name."""
    r, h, to = t.records.c, t.record_handling.c, t.record_recipients.c
    named = sa.exists().where(to.record_id == h.record_id, to.agency == agency)
    return sa.or_(
        sa.and_(r.grading_scheme == "5x5x5", r.handling_code.in_(("2", "3"))),
        sa.and_(
            r.grading_scheme == "3x5x2",
            r.handling_code == "C",
            sa.exists()
            .where(
                h.record_id == r.id,
                sa.or_(h.release == "conditioned", sa.and_(h.release == "named", named)),
            )
            .correlate(t.records),  # not a query's own record_handling: this record's row
        ),
    )


def may_leave(agency: str) -> ColumnElement[bool]:
    """Records whose handling lets them reach users of `agency` (a code) outside their own:
    P and legacy 1, or conditioned material released to it. Everything else (legacy 4-5, C
    kept home or not yet read by the rules) stays in its agency."""
    return sa.or_(_permitted_handling(), _released_with_conditions(agency))


def visible_records_clause(actor: Actor, *, today: date | None = None) -> ColumnElement[bool]:
    """A condition over ``records`` true exactly for the records `actor` may see.

    Use it in every query that reads records or anything backed by them (mentions,
    statements, link evidence): ``select(records).where(visible_records_clause(actor))``.
    `today` fixes the date sharing agreements are judged on (default: today).
    """
    day = today or date.today()
    r = t.records.c
    paths: list[ColumnElement[bool]] = []
    leaves = may_leave(actor.agency)
    if actor.reads:
        paths.append(r.agency_id == actor.agency_id)
        sh = t.sharing_agreements.c
        source_name = (
            sa.select(t.sources.c.name)
            .where(t.sources.c.id == r.source_id)
            .correlate(t.records)  # two levels down: auto-correlation reaches one only
            .scalar_subquery()
        )
        paths.append(
            sa.and_(
                leaves,
                sa.exists().where(
                    sh.from_agency_id == r.agency_id,
                    sh.to_agency_id == actor.agency_id,
                    sh.valid_from <= day,
                    sa.or_(sh.valid_to.is_(None), sh.valid_to >= day),
                    sa.or_(sh.scope == "all", sh.scope == source_name),
                    sa.or_(_permitted_handling(), sh.conditions_allowed == sa.true()),
                ),
            )
        )
    if actor.roles:
        cr, cm, cases = t.case_records.c, t.case_members.c, t.cases.c
        paths.append(
            sa.and_(
                sa.or_(r.agency_id == actor.agency_id, leaves),
                sa.exists().where(
                    cr.record_id == r.id,
                    cm.case_id == cr.case_id,
                    cm.user_id == actor.user_id,
                    cases.id == cr.case_id,
                    cases.closed_at.is_(None),
                ),
            )
        )
    if not paths:
        return sa.false()
    active = sa.exists().where(t.users.c.id == actor.user_id, t.users.c.disabled == sa.false())
    conditions = [active, sa.or_(*paths)]
    if not actor.os_cleared:
        conditions.append(r.marking == Marking.OFFICIAL.value)
    return sa.and_(*conditions)


Sight = tuple[int, str, bool, bool, bool, frozenset[int]]
"""What `visible_records_clause` reads of an actor (see `sight`)."""


def sight(conn: Connection, actor: Actor) -> Sight:
    """Everything of `actor` that `visible_records_clause` depends on: their agency, whether
    their roles read, whether they hold any role, their clearance, and the open cases they are
    members of. Two active actors with the same sight see the same records on the same day, so
    what is built from what one of them may see (a graph, its networks) is what the other may
    see. Keep it in step with the clause: a new condition there is a new part here."""
    cm, cases = t.case_members.c, t.cases.c
    member_of = conn.execute(
        sa.select(cm.case_id)
        .join(t.cases, cases.id == cm.case_id)
        .where(cm.user_id == actor.user_id, cases.closed_at.is_(None))
    ).scalars()
    return (actor.agency_id, actor.agency, actor.reads, bool(actor.roles), actor.os_cleared,
            frozenset(int(c) for c in member_of))  # fmt: skip


def visible_record_ids(conn: Connection, actor: Actor, ids: Iterable[int]) -> set[int]:
    """Which of `ids` the actor may see (absent ids are simply not returned)."""
    wanted = sorted({int(i) for i in ids})
    clause = visible_records_clause(actor)
    seen: set[int] = set()
    for chunk in chunked(wanted):
        query = sa.select(t.records.c.id).where(t.records.c.id.in_(chunk), clause)
        seen.update(int(i) for i in conn.execute(query).scalars())
    return seen
