"""The audit log: appended in the caller's transaction, hash-chained at commit, verifiable,
readable by user, entity and time, and safe to print whatever its text fields hold."""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.errors import ValidationError
from threadline.read import View
from threadline.security import (
    AccessDenied,
    audit,
    chain,
    find_events,
    transaction,
    verify_chain,
)
from threadline.security.actors import Actor
from threadline.security.audit import make_event, restamp
from threadline.security.chain import GENESIS, event_hash
from threadline.store import Store
from threadline.store import tables as t


def events(store: Store) -> list[Any]:
    with store.connect() as conn:
        return conn.execute(sa.select(t.audit_events).order_by(t.audit_events.c.seq)).all()


def test_events_are_sealed_into_a_chain_when_the_transaction_commits(
    store: Store, world: Any
) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    with store.connect() as conn:
        first = audit(conn, actor, "collection", "ingest.batch", records=[1, 2], detail={"b": 1})
        View(conn, actor, purpose="triage").record(1)
        second = audit(conn, actor, "combination", "resolve.run", entities=["e-1"])
        row = conn.execute(sa.select(t.audit_events).where(t.audit_events.c.id == first)).one()
        assert row.seq is None, "sealed only at commit"
    rows = events(store)
    assert [r.operation for r in rows] == ["ingest.batch", "record.get", "resolve.run"]
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].id == first and rows[2].id == second
    assert rows[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert all(event_hash(r._mapping, r.prev_hash) == r.hash for r in rows)
    assert rows[1].purpose == "triage" and rows[1].outcome == "denied"  # record 1 is absent
    with store.connect() as conn:
        report = verify_chain(conn)
    assert report.intact and report.events == 3 and report.head_hash == rows[-1].hash


def test_a_rolled_back_transaction_leaves_no_events(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    with pytest.raises(RuntimeError), store.connect() as conn:
        audit(conn, actor, "alteration", "x")
        View(conn, actor).records()
        raise RuntimeError
    assert events(store) == []


def test_a_refusal_is_logged_even_though_its_transaction_rolls_back(
    store: Store, world: Any
) -> None:
    actor = world.user("ana", "met", "viewer")
    world.commit()
    with pytest.raises(AccessDenied), transaction(store, actor) as conn:
        audit(conn, actor, "alteration", "work.before.refusal")
        raise AccessDenied("no", action="disclosure", operation="export", records=[7])
    (row,) = events(store)
    assert (row.operation, row.outcome, row.records, row.username) == (
        "export", "denied", [7], "ana",
    )  # fmt: skip


def _five_events(store: Store, world: Any) -> list[Any]:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    for n in range(5):
        with store.connect() as conn:
            audit(conn, actor, "consultation", f"read.{n}", records=[n])
    return events(store)


def _tamper(store: Store, *sql: str, **params: Any) -> list[Any]:
    with store.connect() as conn:
        for statement in sql:
            conn.execute(sa.text(statement), params)
        return list(verify_chain(conn).problems)


def test_verify_names_an_altered_event(store: Store, world: Any) -> None:
    rows = _five_events(store, world)
    problems = _tamper(
        store, "UPDATE audit_events SET username = 'mallory' WHERE id = :id", id=rows[2].id
    )
    assert [(p.kind, p.event_id) for p in problems] == [("altered", rows[2].id)]


def test_verify_names_where_an_event_was_deleted(store: Store, world: Any) -> None:
    rows = _five_events(store, world)
    problems = _tamper(store, "DELETE FROM audit_events WHERE id = :id", id=rows[2].id)
    assert [(p.kind, p.event_id) for p in problems] == [("deleted", rows[3].id)]
    assert f"event {rows[1].id} and event {rows[3].id}" in problems[0].message


def test_verify_names_reordered_events(store: Store, world: Any) -> None:
    rows = _five_events(store, world)
    a, b = rows[1], rows[2]
    problems = _tamper(
        store,
        "UPDATE audit_events SET seq = -1 WHERE id = :a",
        "UPDATE audit_events SET seq = :sa WHERE id = :b",
        "UPDATE audit_events SET seq = :sb WHERE id = :a",
        a=a.id, b=b.id, sa=a.seq, sb=b.seq,
    )  # fmt: skip
    assert {p.kind for p in problems} == {"reordered"}
    assert {p.event_id for p in problems} >= {a.id, b.id}


def test_verify_notices_events_deleted_from_the_end(store: Store, world: Any) -> None:
    rows = _five_events(store, world)
    problems = _tamper(store, "DELETE FROM audit_events WHERE id = :id", id=rows[-1].id)
    assert [p.kind for p in problems] == ["truncated"]


def test_verify_notices_events_written_around_the_chain(store: Store, world: Any) -> None:
    _five_events(store, world)
    problems = _tamper(
        store,
        "INSERT INTO audit_events (occurred_at, username, agency, action, operation, outcome, "
        "purpose, recipients, records, entities, detail, prev_hash, hash) VALUES "
        "('2026-01-01T00:00:00.000000Z', 'x', 'x', 'consultation', 'forged', 'allowed', '', '', "
        "'[]', '[]', '{}', '', 'forged')",
    )
    assert [p.kind for p in problems] == ["unsealed"]


def test_a_missing_head_row_is_rebuilt_from_the_last_event(store: Store, world: Any) -> None:
    rows = _five_events(store, world)
    with store.connect() as conn:
        conn.execute(sa.delete(t.audit_chain))
        audit(conn, world.users["ana"], "consultation", "after")
    with store.connect() as conn:
        assert verify_chain(conn).intact
    assert events(store)[-1].prev_hash == rows[-1].hash


def test_concurrent_writers_keep_one_unbroken_chain(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(8):
                with store.connect() as conn:
                    audit(conn, actor, "consultation", f"t{n}.{i}")
                    View(conn, actor).record(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.connect() as conn:
        report = verify_chain(conn)
    assert report.intact and report.events == 4 * 8 * 2


def test_text_fields_cannot_forge_lines_or_escape_the_terminal(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    nasty = 'ok"\n#99 2026-01-01 admin@met erasure allowed\x1b[2J\r\u202e\u2028\x00'
    with store.connect() as conn:
        audit(
            conn, actor, "disclosure", "export.csv", purpose=nasty, recipients=nasty,
            entities=[nasty], detail={"z": nasty, "a": {"y": 2.5, "b": [1, "é", None]}},
        )  # fmt: skip
    with store.connect() as conn:
        (event,) = find_events(conn)
        assert verify_chain(conn).intact, "the burst encoding and the canonical one agree"
    for text in (event.line(), event.as_json()):
        assert "\n" not in text and "\r" not in text and "\x1b" not in text
        assert "\u202e" not in text and "\u2028" not in text
        assert all(ch.isprintable() for ch in text)
    assert json.loads(event.as_json())["purpose"] == nasty.replace("\x00", "\ufffd")


def test_find_events_answers_who_looked_at_this_person(store: Store, world: Any) -> None:
    ana = world.user("ana", "met", "analyst")
    bob = world.user("bob", "met", "analyst")
    world.record("r1", "met")
    world.commit()
    with store.connect() as conn:
        View(conn, ana).values("e-r1")  # names the entity
    with store.connect() as conn:
        View(conn, bob).record(world.records["r1"])  # names a record that mentions it
        View(conn, bob).record(10**6)  # another record altogether
        audit(conn, bob, "collection", "ingest.batch", records=[world.records["r1"]])
    with store.connect() as conn:
        looked = find_events(conn, entity="e-r1")
        assert [(e.username, e.operation) for e in looked] == [
            ("ana", "entity.values"), ("bob", "record.get"),
        ]  # fmt: skip
        assert {e.username for e in find_events(conn, username="bob")} == {"bob"}
        assert len(find_events(conn, username="bob")) == 3
        assert find_events(conn, since="2999-01-01") == []
        assert len(find_events(conn, since=looked[0].occurred_at[:10])) == 4


def test_purpose_and_recipients_rules(
    store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    with store.connect() as conn:
        with pytest.raises(ValidationError, match="recipients"):
            audit(conn, actor, "disclosure", "export")
        monkeypatch.setenv("THREADLINE_REQUIRE_PURPOSE", "all")
        with pytest.raises(ValidationError, match="purpose"):
            View(conn, actor)
        View(conn, actor, purpose="Op Aurora").records()
        with pytest.raises(ValueError, match="unknown audit action"):
            audit(conn, actor, "peek", "x")


def test_long_bursts_and_rolled_back_savepoints_keep_the_chain_whole(
    store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadline.security import chain

    actor = world.user("ana", "met", "analyst")
    world.commit()
    monkeypatch.setattr(chain, "MAX_HELD", 3)  # write held events early, seal them at commit
    with store.connect() as conn:
        early = conn.begin_nested()  # open before the connection's first event
        audit(conn, actor, "alteration", "undone early")
        early.rollback()
        view = View(conn, actor)
        for n in range(10):  # reads of different kinds: one event each
            view.consulted("record.get", records=[n], detail={"n": n})
        savepoint = conn.begin_nested()
        audit(conn, actor, "alteration", "undone")
        savepoint.rollback()
        audit(conn, actor, "alteration", "kept")
    rows = events(store)
    assert [r.operation for r in rows] == ["record.get"] * 10 + ["kept"]
    assert [r.seq for r in rows] == list(range(1, 12))
    with store.connect() as conn:
        assert verify_chain(conn).intact


def test_reads_of_one_kind_in_one_second_are_one_event(store: Store, world: Any) -> None:
    """A burst of reads is a few events: each names every record and entity its reads touched
    and counts them; a savepoint, a commit or another kind of read starts a new one."""
    actor = world.user("ana", "met", "analyst")
    world.commit()
    with store.engine.connect() as conn:  # one connection, two transactions
        view = View(conn, actor, purpose="triage")
        for n in range(300):
            view.consulted("record.get", records=[n % 7])
            view.consulted("values", entities=[f"e-{n % 3}"])
        view.consulted("values", entities=["e-x"], outcome="denied")
        savepoint = conn.begin_nested()
        view.consulted("record.get", records=[99])
        savepoint.rollback()
        conn.commit()
        view.record(8)  # no such record: denied
        conn.commit()
    rows = events(store)
    gathered = {(r.operation, r.outcome): r for r in rows[:-1]}
    assert sum(r.detail.get("reads", 1) for r in rows) == 602, "every read counted once"
    if len(rows) == 4:  # the burst stayed within one second
        assert gathered[("record.get", "allowed")].records == list(range(7))
        assert gathered[("record.get", "allowed")].detail == {"reads": 300}
        assert gathered[("values", "allowed")].entities == ["e-0", "e-1", "e-2"]
        assert gathered[("values", "denied")].entities == ["e-x"]
    assert 99 not in {r for row in rows for r in row.records}, "rolled back with its savepoint"
    assert (rows[-1].records, rows[-1].outcome) == ([8], "denied"), "a new transaction, a new event"
    assert all(r.purpose == "triage" for r in rows)
    with store.connect() as conn:
        assert verify_chain(conn).intact


def test_the_fast_seal_hashes_what_verify_recomputes() -> None:
    """`_chain` (the burst path) must give the bytes `canonical` gives, for any text."""
    texts = st.text(max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(operation=texts, purpose=texts, entities=st.lists(texts, max_size=3),
           records=st.lists(st.integers(0, 10**12), max_size=3),
           detail=st.dictionaries(texts, st.integers() | texts, max_size=2))  # fmt: skip
    def check(
        operation: str, purpose: str, entities: list[str], records: list[int], detail: Any
    ) -> None:
        actor = Actor(7, "ana\u202e", 1, 'met"', frozenset({"analyst"}), True)
        template = make_event(actor, "consultation", "view", purpose=purpose)
        event = restamp(template, operation, records=records, entities=entities, detail=detail)
        entries = [chain._Entry(event)]
        chain._chain(entries, 41, GENESIS)
        assert event["seq"] == 42
        assert event["hash"] == event_hash(event, GENESIS)

    check()


def test_the_subject_index_catches_up_when_the_log_is_searched(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    for entity in ("e-1", "e-2", "e-1"):
        with store.connect() as conn:
            View(conn, actor).values(entity)
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.audit_subjects)).scalar() == 0
        assert [e.entities for e in find_events(conn, entity="e-1")] == [["e-1"], ["e-1"]]
        assert chain.index_subjects(conn) == 0, "already up to date"
    with store.connect() as conn:
        View(conn, actor).values("e-1")
    with store.connect() as conn:
        assert len(find_events(conn, entity="e-1")) == 3
        indexed = conn.execute(sa.select(t.audit_index.c.indexed_seq)).scalar_one()
        head = conn.execute(sa.select(t.audit_chain.c.head_seq)).scalar_one()
        assert indexed == head
