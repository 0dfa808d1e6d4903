"""Keeping the search keys of stated names (``name_keys``) beside the statements.

Whatever writes statements writes their keys with :func:`index_names` in the same
transaction; the keys go with their records and mentions (the foreign keys cascade), so a
rolled-back load or an erased record leaves none behind. :func:`rebuild_name_keys` makes
them again from the statements (a store migrated from before they existed).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import bulk_insert
from threadline.values.name_keys import NAME_PROPS, name_keys

__all__ = ["index_names", "rebuild_name_keys"]

CHUNK = 20_000

COLUMNS = ("key", "record_id", "mention_id")


def index_names(conn: Connection, stated: Iterable[tuple[int, str, str, str]]) -> int:
    """Write the keys of every name in `stated` ((record id, mention id, property, value)
    rows; values of other properties are skipped); how many keys were written."""
    rows: set[tuple[str, int, str]] = set()
    for record_id, mention_id, prop, value in stated:
        if prop in NAME_PROPS and value:
            rows.update((key, int(record_id), mention_id) for key in name_keys(value))
    ordered = sorted(rows)
    for chunk in chunked(ordered, CHUNK):
        bulk_insert(conn, t.name_keys, COLUMNS, chunk)
    return len(ordered)


def rebuild_name_keys(conn: Connection) -> int:
    """Make every name's keys again from the statements; how many were written."""
    conn.execute(sa.delete(t.name_keys))
    s = t.statements.c
    query = (
        sa.select(s.record_id, s.mention_id, s.prop, s.value)
        .where(s.prop.in_(sorted(NAME_PROPS)))
        .order_by(s.record_id, s.mention_id)
    )
    written = 0
    batch: list[tuple[int, str, str, str]] = []
    for row in conn.execute(query).all():
        here = (int(row.record_id), str(row.mention_id))
        if len(batch) >= CHUNK and batch[-1][:2] != here:  # a mention's keys in one batch
            written += index_names(conn, batch)
            batch = []
        batch.append((*here, str(row.prop), str(row.value)))
    return written + index_names(conn, batch)
