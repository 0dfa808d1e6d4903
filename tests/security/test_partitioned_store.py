"""Statements and audit events partitioned on PostgreSQL (one table each on SQLite): a populated
store migrates both ways with its rows and its chain, retention erases across partitions, rows
past the partitions are moved into their own, and an incremental verification of the chain
finds every tampering a full walk finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.doctor import run_checks
from threadline.security import audit, erase_record, transaction, verify_chain
from threadline.security.blocks import verify_incremental
from threadline.security.checkpoint import Key, create_key
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.partitions import (
    AHEAD,
    AUDIT_BLOCK,
    STATEMENT_BLOCK,
    ensure_partitions,
    is_partitioned,
    partitions,
    shortfall,
)


def jump(store: Store, table: str, to: int) -> None:
    """Make the next id of `table` `to` + 1 (PostgreSQL's sequences; SQLite takes max + 1)."""
    if store.embedded:
        return
    with store.connect() as conn:
        conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', {to})")


def held(store: Store) -> dict[str, list[Any]]:
    with store.connect() as conn:
        return {
            "records": conn.execute(sa.select(t.records.c.id).order_by("id")).scalars().all(),
            "statements": conn.execute(
                sa.select(t.statements.c.record_id, t.statements.c.value).order_by("id")
            ).all(),
            "events": conn.execute(
                sa.select(t.audit_events.c.seq, t.audit_events.c.hash).order_by("seq")
            ).all(),
        }


def spread(store: Store, world: Any) -> tuple[Any, list[int]]:
    """Records and audit events on both sides of a partition boundary (on PostgreSQL)."""
    sup = world.user("sup", "met", "supervisor", os=True)
    world.commit()
    jump(store, "records", 1)
    jump(store, "audit_events", 1)
    records = []
    for side, (record_to, event_to) in enumerate(((1, 1), (STATEMENT_BLOCK, AUDIT_BLOCK))):
        if side:
            jump(store, "records", record_to)
            jump(store, "audit_events", event_to)
        made = [world.record(f"r{side}{n}", "met") for n in range(2)]
        world.commit()
        for record in made:
            with store.connect() as conn:
                audit(conn, sup, "consultation", "read", records=[record])
        records += made
    return sup, records


def test_a_populated_store_migrates_down_and_up_with_its_rows_and_chain(
    store: Store, world: Any
) -> None:
    spread(store, world)
    world.conn.commit()
    before = held(store)
    assert len(before["statements"]) >= 4 and len(before["events"]) == 4
    assert store.migrate("0019") == "0019"
    with store.connect() as conn:
        assert not is_partitioned(conn, "statements")
        assert verify_chain(conn).intact
    assert held(store) == before
    assert store.migrate() == store.head()
    with store.connect() as conn:
        assert is_partitioned(conn, "statements") is not store.embedded
        assert is_partitioned(conn, "audit_events") is not store.embedded
        report = verify_chain(conn)
    assert report.intact and report.events == 4
    assert held(store) == before
    if not store.embedded:  # the rows sit in the partitions of their blocks
        with store.connect() as conn:
            late = conn.exec_driver_sql("SELECT count(*) FROM statements_p000001").scalar()
            early = conn.exec_driver_sql("SELECT count(*) FROM audit_events_p000000").scalar()
        assert late == sum(1 for r, _ in before["statements"] if r > STATEMENT_BLOCK)
        assert late > 0 and early == 2
    # New rows still go in after the round trip, and the chain goes on.
    with store.connect() as conn:
        audit(conn, world.users["sup"], "consultation", "read.after")
    with store.connect() as conn:
        report = verify_chain(conn)
    assert report.intact and report.events == 5


def test_retention_erases_records_in_different_partitions(store: Store, world: Any) -> None:
    sup, records = spread(store, world)
    world.conn.commit()
    doomed = [records[0], records[-1]]  # one each side of the boundary
    with transaction(store, sup) as conn:
        for record_id in doomed:
            erase_record(conn, sup, record_id, "Review: no longer necessary")
    with store.connect() as conn:
        left = set(conn.execute(sa.select(t.statements.c.record_id)).scalars())
        assert left == set(records) - set(doomed)
        assert verify_chain(conn).intact


@pytest.mark.parametrize("table", ["statements", "audit_events"])
def test_rows_past_the_partitions_are_moved_into_their_own(
    store: Store, world: Any, table: str
) -> None:
    spread(store, world)
    world.conn.commit()
    far = (AHEAD + 3) * (STATEMENT_BLOCK if table == "statements" else AUDIT_BLOCK)
    jump(store, "records" if table == "statements" else table, far)
    with store.connect() as conn:
        audit(conn, world.users["sup"], "consultation", "read.far")
    world.record("far", "met")
    world.commit()
    with store.connect() as conn:
        lacking = shortfall(conn)
    assert lacking == ([] if store.embedded else [f"{table} has rows beyond its partitions"])
    checks = {c.name: c for c in run_checks(store.url, "sup")}  # audited when it passes
    assert checks["schema"].status == ("ok" if store.embedded else "fail")
    assert ("threadline init" in checks["schema"].action) is not store.embedded
    before = held(store)
    with store.connect() as conn:
        made = ensure_partitions(conn)
        assert shortfall(conn) == []
        if store.embedded:
            assert made == []
        else:
            assert f"{table}_p{AHEAD + 3:06d}" in partitions(conn, table)
            stray = conn.exec_driver_sql(f"SELECT count(*) FROM {table}_default").scalar()
            assert stray == 0
        assert verify_chain(conn).intact
    assert held(store) == before


@pytest.fixture
def key(tmp_path: Path) -> Key:
    return create_key(tmp_path / "audit.key")


def _events(store: Store, world: Any, count: int) -> list[Any]:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    for n in range(count):
        with store.connect() as conn:
            audit(conn, actor, "consultation", f"read.{n}", records=[n])
    with store.connect() as conn:
        return conn.execute(sa.select(t.audit_events).order_by(t.audit_events.c.seq)).all()


def _both(store: Store, key: Key) -> tuple[Any, Any]:
    with store.connect() as conn:
        incremental = verify_incremental(conn, key, block=5)
    with store.connect() as conn:
        return incremental, verify_chain(conn)


def test_an_incremental_verification_rehashes_only_what_changed(
    store: Store, world: Any, key: Key
) -> None:
    rows = _events(store, world, 23)
    first, full = _both(store, key)
    assert first.intact and first.trusted == 0 and first.events == full.events == 23
    second, _ = _both(store, key)
    assert second.intact and second.head_hash == full.head_hash
    # PostgreSQL digests four blocks of five in the server; SQLite walks every time.
    assert second.trusted == (0 if store.embedded else 20)
    with store.connect() as conn:
        conn.execute(
            sa.update(t.audit_events).where(t.audit_events.c.id == rows[7].id).values(purpose="x")
        )
    altered, full = _both(store, key)
    assert [(p.kind, p.event_id) for p in altered.problems] == [("altered", rows[7].id)]
    assert altered.problems == full.problems
    assert altered.trusted == (0 if store.embedded else 5)


def test_an_incremental_verification_refuses_a_forged_block(
    store: Store, world: Any, key: Key
) -> None:
    rows = _events(store, world, 12)
    _both(store, key)
    with store.connect() as conn:
        conn.execute(sa.delete(t.audit_events).where(t.audit_events.c.id == rows[3].id))
        conn.execute(sa.update(t.audit_blocks).values(digest="0" * 64, events=4))
    forged, full = _both(store, key)
    if store.embedded:
        assert forged.problems == full.problems
    else:
        assert [p.kind for p in forged.problems] == ["checkpoint", "deleted"]
        assert forged.problems[1:] == full.problems
    with store.connect() as conn:  # another key's blocks are walked, not trusted
        other = verify_incremental(conn, Key(b"k" * 32), block=5)
    assert other.trusted == 0 and other.problems == full.problems
