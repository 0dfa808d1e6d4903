"""Tombstones of erased records: what stops a later export from loading one again.

An erased record leaves its source and a digest of its key, nothing of its content. The key
is the source system's own reference (a row id, a URN), but a mapping may build it from
values, so only its digest is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.database import insert_ignore

__all__ = ["erased_keys", "key_digest", "tombstone"]


def key_digest(source_id: int, record_key: str) -> str:
    """The digest a tombstone keeps of a record's key within its source.

    >>> key_digest(3, "intel-0042") == key_digest(3, "intel-0042") != key_digest(4, "intel-0042")
    True
    """
    return hashlib.sha256(f"{source_id}\x1f{record_key}".encode()).hexdigest()


def tombstone(conn: Connection, source_id: int, record_key: str) -> None:
    """Remember that the record `record_key` of `source_id` was erased."""
    row = {
        "source_id": source_id,
        "key_digest": key_digest(source_id, record_key),
        "erased_at": datetime.now(UTC),
    }
    conn.execute(insert_ignore(t.erased_records, [row], conn.dialect, ["source_id", "key_digest"]))


def erased_keys(conn: Connection, source_id: int, keys: Iterable[str]) -> set[str]:
    """Those of `keys` whose record was erased from `source_id`."""
    by_digest = {key_digest(source_id, key): key for key in keys}
    if not by_digest:
        return set()
    e = t.erased_records.c
    found: set[str] = set()
    digests = sorted(by_digest)
    for start in range(0, len(digests), 5_000):
        query = sa.select(e.key_digest).where(
            e.source_id == source_id, e.key_digest.in_(digests[start : start + 5_000])
        )
        found.update(by_digest[d] for d in conn.execute(query).scalars())
    return found
