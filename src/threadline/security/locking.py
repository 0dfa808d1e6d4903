"""Serialising appends to the audit chain: the one place that decides how, on any database.

Every transaction that wrote audit events seals them into the chain as it commits: it takes
the chain's head, links its events after it and moves the head on. Two transactions must not
take the same head, or the chain would fork.

The head is a single row (``audit_chain``), and sealing starts with an ``UPDATE`` of that row:

- on PostgreSQL the update takes the row's lock, held to the end of the transaction, so a
  second sealer waits for the first to commit and then reads the head it left (READ
  COMMITTED re-reads the row after the wait);
- on SQLite any write takes the database's write lock until commit. A ``SELECT`` would not:
  pysqlite runs statements before the first write outside a transaction, so a read-then-append
  could interleave with another process. Writing first closes that gap.

So the same statement serialises both, and no dialect test is needed. Sealing happens only
at commit, so the lock is held for milliseconds: reads and ingest never wait on it, only
other transactions sealing audit events at the same instant.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.database import insert_ignore

__all__ = ["GENESIS", "advance_head", "lock_chain", "utc_stamp", "utc_stamp_ns"]

GENESIS = "0" * 64
"""The previous hash of the first event in a chain."""


def utc_stamp(moment: datetime | None = None) -> str:
    """A UTC time as the audit log writes it: fixed width, so text order is time order.

    >>> utc_stamp(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    '2026-11-25T09:30:00.000000Z'
    """
    now = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    return now.isoformat(timespec="microseconds")[:-6] + "Z"


def utc_stamp_ns(at_ns: int) -> str:
    """`utc_stamp` of a `time.time_ns()` reading, cheaply: a burst of reads stamps thousands.

    >>> utc_stamp_ns(1_795_599_000_123_456_789)
    '2026-11-25T09:30:00.123456Z'
    """
    seconds, nanos = divmod(at_ns, 1_000_000_000)
    return f"{_utc_second(seconds)}.{nanos // 1000:06d}Z"


@functools.lru_cache(maxsize=256)
def _utc_second(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def lock_chain(conn: Connection) -> tuple[int, str]:
    """Lock the chain's head for this transaction and return its sequence number and hash.

    If the head row is missing (an emptied store), it is recreated from the last sealed event.
    """
    head = t.audit_chain
    take = (
        sa.update(head)
        .where(head.c.id == 1)
        .values(sealed_at=utc_stamp())
        .returning(head.c.head_seq, head.c.head_hash)
    )
    row = conn.execute(take).first()
    if row is None:
        events = t.audit_events
        last = conn.execute(
            sa.select(events.c.seq, events.c.hash)
            .where(events.c.seq.is_not(None))
            .order_by(events.c.seq.desc())
            .limit(1)
        ).first()
        start = {
            "id": 1,
            "head_seq": 0 if last is None else int(last.seq),
            "head_hash": GENESIS if last is None else str(last.hash),
            "sealed_at": utc_stamp(),
        }
        conn.execute(insert_ignore(head, [start], conn.dialect, ["id"]))
        row = conn.execute(take).one()
    return int(row.head_seq), str(row.head_hash)


def advance_head(conn: Connection, seq: int, head_hash: str) -> None:
    """Move the head on to the last event just sealed (the row is locked by `lock_chain`)."""
    conn.execute(
        sa.update(t.audit_chain)
        .where(t.audit_chain.c.id == 1)
        .values(head_seq=seq, head_hash=head_hash)
    )
