"""Forgetting what was derived from records that are going (a rolled-back load, an erasure).

Judgements and resolution pairs about their mentions go, and so do indicators and ranked
entries whose evidence cites them (their reasons may quote the records' values). Every
analysis run is marked stale with the reason: its communities and scores were computed with
the records in the graph, so none can be trusted until the analysis is run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.evidence import evidence_records

__all__ = ["forget_derived"]

CHUNK = 5000


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def forget_derived(
    conn: Connection, records: Collection[int], mentions: Collection[str], reason: str
) -> Counter[str]:
    """Delete what cites `records` or their `mentions` (see the module docstring); how many
    of each kind went, and how many runs were marked stale."""
    gone: Counter[str] = Counter()
    wanted = sorted(set(mentions))
    j, pairs = t.judgements.c, t.resolution_pairs.c
    for chunk in _chunks(wanted):
        gone["judgements"] += conn.execute(
            sa.delete(t.judgements).where(sa.or_(j.left_id.in_(chunk), j.right_id.in_(chunk)))
        ).rowcount
        gone["resolution_pairs"] += conn.execute(
            sa.delete(t.resolution_pairs).where(
                sa.or_(pairs.left_id.in_(chunk), pairs.right_id.in_(chunk))
            )
        ).rowcount
    cited = set(records)
    for table, name in ((t.indicators, "indicators"), (t.priorities, "priorities")):
        rows = conn.execute(sa.select(table.c.id, table.c.evidence)).all()
        doomed = [int(r.id) for r in rows if cited & evidence_records(r.evidence)]
        for start in range(0, len(doomed), CHUNK):
            conn.execute(sa.delete(table).where(table.c.id.in_(doomed[start : start + CHUNK])))
        gone[name] = len(doomed)
    runs = t.analysis_runs.c
    gone["analyses_stale"] = conn.execute(
        sa.update(t.analysis_runs)
        .where(runs.stale_at.is_(None))
        .values(stale_at=datetime.now(UTC), stale_reason=reason[:255])
    ).rowcount
    return gone
