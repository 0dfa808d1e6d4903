"""Tombstones of erased records: what stops a later export from loading one again.

An erased record leaves its source and a digest of its key, nothing of its content. The key
is the source system's own reference (a row id, a URN), but a mapping may build it from
values, so only its digest is kept. The digest is of the key as the agency means it: in the
agency, not the source, and with case and spacing set aside, so that the same row written
``NSP-IL-00000021`` or ``nsp-il-00000021``, or loaded again under a renamed mapping (a new
source of the same agency), is still recognised. Tombstones written before that rule (a
digest of the exact key within its source) are still honoured.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import insert_ignore

__all__ = ["agency_had_erasures", "erased_keys", "key_digest", "normal_key", "tombstone"]


def normal_key(record_key: str) -> str:
    """A record key with case and spacing set aside.

    >>> normal_key(" NSP-IL-00000021 "), normal_key("ab  12")
    ('nsp-il-00000021', 'ab 12')
    """
    return " ".join(record_key.split()).casefold()


def key_digest(agency_id: int, record_key: str) -> str:
    """The digest a tombstone keeps of a record's key within its agency.

    >>> key_digest(3, "IL-42") == key_digest(3, "il-42 ") != key_digest(4, "IL-42")
    True
    """
    return hashlib.sha256(f"agency\x1f{agency_id}\x1f{normal_key(record_key)}".encode()).hexdigest()


def _source_digest(source_id: int, record_key: str) -> str:
    """The digest tombstones kept before they were per agency (still honoured)."""
    return hashlib.sha256(f"{source_id}\x1f{record_key}".encode()).hexdigest()


def _agency_of(conn: Connection, source_id: int) -> int:
    return int(
        conn.execute(
            sa.select(t.sources.c.agency_id).where(t.sources.c.id == source_id)
        ).scalar_one()
    )


def tombstone(conn: Connection, source_id: int, record_key: str) -> None:
    """Remember that the record `record_key` of `source_id` (and of its agency) was erased."""
    row = {
        "source_id": source_id,
        "key_digest": key_digest(_agency_of(conn, source_id), record_key),
        "erased_at": datetime.now(UTC),
    }
    conn.execute(insert_ignore(t.erased_records, [row], conn.dialect, ["source_id", "key_digest"]))


def agency_had_erasures(conn: Connection, source_id: int) -> bool:
    """Whether any record of the agency of `source_id` was ever erased (or the look-ups of
    `erased_keys` can be skipped)."""
    s, e = t.sources.c, t.erased_records.c
    agency = sa.select(s.agency_id).where(s.id == source_id).scalar_subquery()
    query = (
        sa.select(e.source_id)
        .join(t.sources, s.id == e.source_id)
        .where(s.agency_id == agency)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def erased_keys(conn: Connection, source_id: int, keys: Iterable[str]) -> set[str]:
    """Those of `keys` whose record was erased from the agency of `source_id` (see the module
    docstring)."""
    agency_id = _agency_of(conn, source_id)
    wanted = list(dict.fromkeys(keys))
    by_digest = {key_digest(agency_id, key): key for key in wanted}
    by_source = {_source_digest(source_id, key): key for key in wanted}
    if not wanted:
        return set()
    s, e = t.sources.c, t.erased_records.c
    found: set[str] = set()
    for digests, mine in ((sorted(by_digest), True), (sorted(by_source), False)):
        names = by_digest if mine else by_source
        for chunk in chunked(digests):
            where = (
                sa.and_(s.agency_id == agency_id, e.key_digest.in_(chunk))
                if mine
                else sa.and_(e.source_id == source_id, e.key_digest.in_(chunk))
            )
            query = sa.select(e.key_digest).join(t.sources, s.id == e.source_id).where(where)
            found.update(names[d] for d in conn.execute(query).scalars())
    return found
