"""Forgetting what was derived from records that are going (a rolled-back load, an erasure).

Judgements and resolution pairs about their mentions go, and so do indicators and ranked
entries whose evidence cites them (their reasons may quote the records' values). Resolution
runs forget them too: the working-name joins that name one of their mentions, and every
term-frequency entry whose value is one the records gave (the next run scores such a value
with the average frequency: a small cost, and nothing of the record is kept). The measures of
entities that no longer exist go. Every analysis run is marked stale with the reason: its
communities and scores were computed with the records in the graph, so none can be trusted
until the analysis is run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.evidence_ids import evidence_records

__all__ = ["forget_derived"]


def loose(value: str) -> str:
    """A value with case, accents' spacing and punctuation set aside, to recognise it in
    whatever form resolution prepared it.

    >>> loose("+44 7700-900123"), loose("NGUYEN Thi"), loose("B")
    ('447700900123', 'nguyenthi', '')
    """
    text = "".join(ch for ch in value.casefold() if ch.isalnum())
    return text if len(text) > 1 else ""


def forget_derived(
    conn: Connection,
    records: Collection[int],
    mentions: Collection[str],
    reason: str,
    values: Collection[str] = (),
) -> Counter[str]:
    """Delete what cites `records`, their `mentions` or the `values` they state (see the
    module docstring); how many of each kind went, and how many runs were marked stale."""
    gone: Counter[str] = Counter()
    wanted = sorted(set(mentions))
    j, pairs = t.judgements.c, t.resolution_pairs.c
    for chunk in chunked(wanted):
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
        for part in chunked(doomed):
            conn.execute(sa.delete(table).where(table.c.id.in_(part)))
        gone[name] = len(doomed)
    gone.update(_forget_in_resolution_runs(conn, set(mentions), {loose(v) for v in values} - {""}))
    still = sa.select(t.entities.c.id)
    gone["entity_metrics"] = conn.execute(
        sa.delete(t.entity_metrics).where(t.entity_metrics.c.entity_id.not_in(still))
    ).rowcount
    runs = t.analysis_runs.c
    gone["analyses_stale"] = conn.execute(
        sa.update(t.analysis_runs)
        .where(runs.stale_at.is_(None))
        .values(stale_at=datetime.now(UTC), stale_reason=reason[:255])
    ).rowcount
    return gone


def _forget_in_resolution_runs(
    conn: Connection, mentions: set[str], values: set[str]
) -> Counter[str]:
    """Drop working-name joins naming `mentions`, and term-frequency entries of `values`, from
    every resolution run's stored state."""
    gone: Counter[str] = Counter()
    r = t.resolution_runs.c
    for run in conn.execute(sa.select(r.id, r.state, r.term_frequencies)).all():
        state, tables = dict(run.state or {}), dict(run.term_frequencies or {})
        joins = list(state.get("working_names") or [])
        kept = [j for j in joins if not mentions & _named(j)]
        changed = len(kept) != len(joins)
        gone["working_name_joins"] += len(joins) - len(kept)
        frequencies = dict(tables.get("term_frequencies") or {})
        for column, table in frequencies.items():
            pairs = list(zip(table.get("values", []), table.get("tf", []), strict=False))
            left = [(v, f) for v, f in pairs if loose(str(v)) not in values]
            if len(left) != len(pairs):
                frequencies[column] = {**table, "values": [v for v, _ in left],
                                       "tf": [f for _, f in left]}  # fmt: skip
                gone["term_frequencies"] += len(pairs) - len(left)
                changed = True
        if changed:
            state["working_names"] = kept
            tables["term_frequencies"] = frequencies
            conn.execute(
                sa.update(t.resolution_runs)
                .where(r.id == run.id)
                .values(state=state or None, term_frequencies=tables or None)
            )
    return gone


def _named(join: object) -> set[str]:
    """Every mention id a stored working-name join names."""
    if not isinstance(join, dict):
        return set()
    named = {str(join.get("record", "")), str(join.get("gives", ""))}
    named.update(str(a) for a in join.get("adverts", []) or [])
    return named - {""}
