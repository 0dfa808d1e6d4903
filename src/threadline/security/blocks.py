"""Incremental verification of the audit chain: what a full walk found intact is not rehashed
again while the database shows it unchanged.

A full walk rehashes every event in Python (about 11,000 events a second on this machine):
hours for a national log. After a walk finds the chain intact, each full stretch of
`BLOCK_EVENTS` places is kept in ``audit_blocks``: its first and last place, the hash before
it and its last hash, and a digest of every column of every event in it computed by the
database (`threadline.store.database.row_digest`, some 25 times faster than the walk),
signed with the checkpoint key (`threadline.security.checkpoint`), which the database never
holds. The next verification recomputes each stretch's digest: where it is unchanged and its
signature holds, the stretch is exactly what was found intact; the first stretch that differs,
and everything after it, is walked event by event, so an edit is named as precisely as a full
walk names it.

What this keeps: any change to a stored event (a field, its hash, its place), an event added
or taken away, changes its stretch's digest, and a forged or edited block is refused by its
signature; so the incremental verification finds every tampering the full walk finds. Its
strength rests on the key, as the checkpoints' does: without a key nothing is kept and every
verification walks the whole chain. SQLite has no digest functions: there it always walks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.security.chain import (
    GENESIS,
    ChainProblem,
    ChainReport,
    chain_head,
    loose_ends,
    walk_chain,
)
from threadline.security.checkpoint import Key
from threadline.security.locking import utc_stamp
from threadline.store import tables as t
from threadline.store.database import row_digest

__all__ = ["BLOCK_EVENTS", "Block", "verify_incremental"]

BLOCK_EVENTS = 100_000
"""Places of the chain per block: a changed block costs at most this many events' walk."""


@dataclass(frozen=True, slots=True)
class Block:
    """One stretch of the chain found intact, as kept in ``audit_blocks``."""

    first_seq: int
    last_seq: int
    events: int
    prev_hash: str
    last_hash: str
    digest: str
    key: str
    verified_at: str

    def payload(self) -> bytes:
        """What the signature covers: every field, as canonical JSON."""
        fields = {"digest": self.digest, "events": self.events, "first_seq": self.first_seq,
                  "key": self.key, "last_hash": self.last_hash, "last_seq": self.last_seq,
                  "prev_hash": self.prev_hash, "verified_at": self.verified_at}  # fmt: skip
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii")


def _stored(conn: Connection) -> list[tuple[Block, str]]:
    b = t.audit_blocks.c
    rows = conn.execute(sa.select(t.audit_blocks).order_by(b.first_seq)).all()
    return [
        (
            Block(int(r.first_seq), int(r.last_seq), int(r.events), str(r.prev_hash),
                  str(r.last_hash), str(r.digest), str(r.key), str(r.verified_at)),
            str(r.mac),
        )
        for r in rows
    ]  # fmt: skip


def verify_incremental(conn: Connection, key: Key, *, block: int | None = None) -> ChainReport:
    """Verify the chain as `verify_chain` does, taking the blocks kept by earlier runs that
    still hold as verified (see the module docstring), and keep new blocks of `block` places
    (default `BLOCK_EVENTS`) for what this run walks, if it finds the whole chain intact."""
    head = chain_head(conn)
    problems: list[ChainProblem] = []
    after, prev_hash, trusted = 0, GENESIS, 0
    for kept, mac in _stored(conn):
        if kept.first_seq != after + 1 or kept.prev_hash != prev_hash or kept.key != key.id:
            break
        if mac != key.mac(kept.payload()):
            problems.append(
                ChainProblem(
                    None,
                    "checkpoint",
                    f"the verified block from seq {kept.first_seq} to {kept.last_seq} has a "
                    "signature that does not verify: it was altered or forged",
                )
            )
            break
        digest = row_digest(conn, t.audit_events, t.audit_events.c.seq, kept.first_seq,
                            kept.last_seq)  # fmt: skip
        if digest != (kept.events, kept.digest):
            break  # changed since it was verified: walked below, event by event
        after, prev_hash, trusted = kept.last_seq, kept.last_hash, trusted + kept.events
    walk = walk_chain(conn, after, prev_hash, head)
    at_head = walk.at_head
    if head is not None and 0 < head[0] <= after:
        at_head = _hash_at(conn, head[0])
    problems += [*walk.problems, *loose_ends(conn, head, at_head)]
    b = t.audit_blocks.c
    conn.execute(sa.delete(t.audit_blocks).where(b.first_seq > after))
    if not problems:
        _keep(conn, key, after, walk.last_seq, block or BLOCK_EVENTS)
    report_hash = walk.last_hash if walk.events else prev_hash
    return ChainReport(
        trusted + walk.events, report_hash, tuple(problems), max(after, walk.last_seq), trusted
    )


def _hash_at(conn: Connection, seq: int) -> str | None:
    events = t.audit_events.c
    found = conn.execute(sa.select(events.hash).where(events.seq == seq)).scalar()
    return None if found is None else str(found)


def _keep(conn: Connection, key: Key, after: int, last: int, block: int) -> None:
    """Keep a signed block for each full stretch of `block` places from `after` + 1 to
    `last`, all walked and found intact just now."""
    events = t.audit_events.c
    blocks: list[dict[str, Any]] = []
    start = after + 1
    while start + block - 1 <= last:
        end = start + block - 1
        digest = row_digest(conn, t.audit_events, events.seq, start, end)
        if digest is None:
            return  # this database cannot digest: every verification walks
        ends = dict(
            conn.execute(sa.select(events.seq, events.prev_hash).where(events.seq == start)).all()
        )
        last_hash = _hash_at(conn, end)
        if start not in ends or last_hash is None or digest[0] != block:
            return
        kept = Block(start, end, digest[0], str(ends[start]), last_hash, digest[1], key.id,
                     utc_stamp())  # fmt: skip
        blocks.append(
            {
                "first_seq": kept.first_seq, "last_seq": kept.last_seq, "events": kept.events,
                "prev_hash": kept.prev_hash, "last_hash": kept.last_hash,
                "digest": kept.digest, "key": kept.key, "mac": key.mac(kept.payload()),
                "verified_at": kept.verified_at,
            }
        )  # fmt: skip
        start = end + 1
    if blocks:
        conn.execute(sa.insert(t.audit_blocks), blocks)
