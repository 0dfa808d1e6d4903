"""How current a user's picture is: a cheap token that changes whenever what they may see might.

A server keeps a user's graph between requests (building one takes seconds on a large store)
only while this token is unchanged. It changes with every load, alteration, rollback, erasure,
resolution run, analysis, judgement, sharing agreement, case membership or attachment and
handling decision, with the user's own roles and clearance, and at midnight (agreements start
and end on dates). It is read in a handful of index lookups, never by scanning intelligence.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["picture_version"]


def _stamp(table: sa.Table, *extra: Any) -> list[Any]:
    return [sa.func.count(), sa.func.max(table.c[next(iter(table.primary_key)).name]), *extra]


def picture_version(view: View) -> tuple[Any, ...]:
    """A token equal for two calls exactly when nothing the user may see can have changed."""
    conn = view.conn
    parts: list[Any] = [date.today().isoformat(), view.actor]
    for table, extra in (
        (t.batches, ()),
        (t.resolution_runs, ()),
        (t.analysis_runs, ()),
        (t.judgements, (sa.func.count(t.judgements.c.deleted_at),)),
        (t.erased_records, ()),
        (t.sharing_agreements, (sa.func.count(t.sharing_agreements.c.valid_to),)),
        (t.retention_reviews, ()),
    ):
        parts.extend(conn.execute(sa.select(*_stamp(table, *extra))).one())
    for column in (
        t.case_members.c.user_id,
        t.case_records.c.record_id,
        t.record_handling.c.record_id,
    ):
        parts.extend(conn.execute(sa.select(sa.func.count(), sa.func.sum(column))).one())
    return tuple(parts)
