"""Issue 15, an anchored audit chain: each finding, reproduced on both databases.

- Deleting the newest events with the head row, or the whole log, passed `audit verify`;
  checked against a signed checkpoint kept outside the database, it no longer does, nor does
  a tail re-hashed after an edit, and a checkpoint that was tampered with is itself reported.
- A refusal followed by a failure left no event; every refusal is now kept.
- An event must name what the command showed (records, entities).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.read import View
from threadline.security import blocks, transaction
from threadline.security.anchor import checkpoint_of, verify_anchor
from threadline.security.audit import audit
from threadline.security.chain import GENESIS, event_hash, verify_chain
from threadline.security.checkpoint import (
    ANCHOR_ENV,
    KEY_FILE_ENV,
    AnchorError,
    Key,
    create_key,
    load_key,
    read,
)
from threadline.store import Store
from threadline.store import tables as t

RUNNER = CliRunner()


@pytest.fixture
def key(tmp_path: Path) -> Key:
    return create_key(tmp_path / "audit.key")


@pytest.fixture
def anchored(tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Anchoring configured as a deployment does: every seal appends a checkpoint here."""
    path = tmp_path / "checkpoints"
    monkeypatch.setenv(ANCHOR_ENV, str(path))
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "audit.key"))
    return path


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


def _kinds(store: Store, path: Path, key: Key) -> tuple[list[str], list[str]]:
    """The kinds of problem the chain alone, and the chain against its checkpoints, report."""
    with store.connect() as conn:
        alone = [p.kind for p in verify_chain(conn).problems]
        return alone, [p.kind for p in verify_anchor(conn, path, key).problems]


def _sql(store: Store, *statements: str, **params: Any) -> None:
    with store.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement), params)


# -- checkpoints written at every seal --------------------------------------------------------


def test_every_seal_appends_a_signed_checkpoint_of_the_committed_head(
    store: Store, world: Any, anchored: Path, key: Key
) -> None:
    rows = _log(store, world, 3)
    with pytest.raises(RuntimeError), store.connect() as conn:
        audit(conn, world.users["ana"], "consultation", "rolled.back")
        raise RuntimeError
    with store.connect() as conn:  # a transaction without events seals nothing
        conn.execute(sa.select(1))
    lines = list(read(anchored, key))
    assert [(x.checkpoint.seq, x.checkpoint.hash) for x in lines if x.checkpoint] == [
        (r.seq, r.hash) for r in rows
    ]
    assert all(x.checkpoint and x.checkpoint.events == x.checkpoint.seq for x in lines)
    assert _kinds(store, anchored, key) == ([], [])


def test_a_key_that_cannot_be_used_stops_the_commit(
    store: Store, world: Any, anchored: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    monkeypatch.setenv(KEY_FILE_ENV, str(anchored.parent / "missing.key"))
    with pytest.raises(AnchorError, match="no such key file"), store.connect() as conn:
        audit(conn, actor, "alteration", "unanchored")
    open_key = anchored.parent / "open.key"
    open_key.write_text(key.secret.hex(), encoding="ascii")
    open_key.chmod(0o644)
    monkeypatch.setenv(KEY_FILE_ENV, str(open_key))
    with pytest.raises(AnchorError, match="may be read by others"), store.connect() as conn:
        audit(conn, actor, "alteration", "unanchored")
    assert _rows(store) == [] and not anchored.exists()


def test_a_checkpoint_that_cannot_be_written_is_an_error_after_the_commit(
    store: Store, world: Any, anchored: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.user("ana", "met", "analyst")
    world.commit()
    monkeypatch.setenv(ANCHOR_ENV, str(anchored.parent / "no-such-folder" / "checkpoints"))
    failed = pytest.raises(AnchorError, match="cannot write the audit checkpoint")
    with failed, store.connect() as conn:
        audit(conn, actor, "alteration", "committed")
    assert [r.operation for r in _rows(store)] == ["committed"], "the data was committed"
    monkeypatch.setenv(ANCHOR_ENV, str(anchored))
    rows = _log(store, world, 1)
    assert _kinds(store, anchored, key) == ([], [])
    assert rows[-1].seq == 2


# -- what the anchor detects ------------------------------------------------------------------


def test_newest_events_deleted_with_the_head_row(
    store: Store, world: Any, anchored: Path, key: Key
) -> None:
    rows = _log(store, world)
    _sql(store, "DELETE FROM audit_events WHERE seq >= :seq", "DELETE FROM audit_chain",
         seq=rows[3].seq)  # fmt: skip
    alone, against = _kinds(store, anchored, key)
    assert alone == [], "the finding: the chain alone cannot tell"
    assert against == ["truncated"]
    with store.connect() as conn:
        (problem,) = verify_anchor(conn, anchored, key).problems
    assert f"ends at seq {rows[2].seq}, but seq {rows[4].seq} was anchored" in problem.message
    assert "newest 2 event(s) were deleted" in problem.message


def test_the_whole_log_deleted_and_a_new_chain_started(
    store: Store, world: Any, anchored: Path, key: Key
) -> None:
    _log(store, world)
    _sql(store, "DELETE FROM audit_events", "DELETE FROM audit_chain")
    assert _kinds(store, anchored, key) == ([], ["deleted"])
    with store.connect() as conn:
        (problem,) = verify_anchor(conn, anchored, key).problems
    assert "the whole log was deleted" in problem.message and "5 were anchored" in problem.message

    _log(store, world, 2)  # a new chain: seq 1 and 2 again, from the genesis hash
    assert _rows(store)[0].prev_hash == GENESIS
    alone, against = _kinds(store, anchored, key)
    assert alone == []
    assert against == ["rewritten", "truncated"]


def test_a_tail_rehashed_consistently_after_an_edit(
    store: Store, world: Any, anchored: Path, key: Key
) -> None:
    rows = _log(store, world)
    _rewrite(store, rows[2].seq, username="mallory")
    alone, against = _kinds(store, anchored, key)
    assert alone == [], "the finding: a consistent rewrite passes the chain alone"
    assert against == ["rewritten"]
    with store.connect() as conn:
        (problem,) = verify_anchor(conn, anchored, key).problems
    assert f"rewritten from seq {rows[2].seq} on" in problem.message


def test_an_event_deleted_from_the_middle_is_counted(
    store: Store, world: Any, anchored: Path, key: Key
) -> None:
    rows = _log(store, world)
    _sql(store, "DELETE FROM audit_events WHERE seq = :seq", seq=rows[1].seq)
    alone, against = _kinds(store, anchored, key)
    assert alone == ["deleted"]
    assert against == ["deleted", "deleted"]  # the anchored event at seq 2, and the count


def test_checkpoints_that_are_not_genuine_are_reported(
    store: Store, world: Any, anchored: Path, key: Key, tmp_path: Path
) -> None:
    _log(store, world, 2)
    lines = anchored.read_text(encoding="ascii").splitlines()
    forged = json.loads(lines[-1]) | {"seq": 1}
    other = create_key(tmp_path / "other.key")
    with store.connect() as conn:
        foreign = checkpoint_of(verify_chain(conn), other).signed(other)
    anchored.write_text(
        "\n".join([lines[0], json.dumps(forged), foreign, "not json", ""]), encoding="ascii"
    )
    with store.connect() as conn:
        report = verify_anchor(conn, anchored, key)
    assert [p.kind for p in report.problems] == ["checkpoint"] * 3
    messages = [p.message for p in report.problems]
    assert "line 2 has a signature that does not verify" in messages[0]
    assert f"line 3 was signed with another key ({other.id}, not {key.id})" in messages[1]
    assert "line 4 is not a checkpoint" in messages[2]
    assert report.checkpoints == 1

    anchored.write_text(foreign + "\n", encoding="ascii")
    with store.connect() as conn:
        kinds = [p.kind for p in verify_anchor(conn, anchored, key).problems]
    assert kinds == ["checkpoint", "unanchored"]


def _rewrite(store: Store, seq: int, **changes: Any) -> None:
    """Edit the event at `seq` and recompute every hash after it and the head row: what
    anyone who may write to the database can do."""
    events = t.audit_events
    with store.connect() as conn:
        prev = conn.execute(sa.select(events.c.hash).where(events.c.seq == seq - 1)).scalar()
        prev = prev or GENESIS
        later = conn.execute(sa.select(events).where(events.c.seq >= seq).order_by(events.c.seq))
        for row in later.all():
            edit = changes if row.seq == seq else {}
            new = event_hash({**row._mapping, **edit}, prev)
            conn.execute(
                sa.update(events)
                .where(events.c.id == row.id)
                .values(**edit, prev_hash=prev, hash=new)
            )
            prev = new
        conn.execute(sa.update(t.audit_chain).values(head_hash=prev))


# -- the commands -----------------------------------------------------------------------------


def _cli(url: str, *args: str, code: int = 0) -> Any:
    result = RUNNER.invoke(app, [*args, "--db", url, "--user", "ana"])
    assert result.exit_code == code, (result.output, result.exception)
    return result


def test_key_anchor_and_verify_commands(
    store: Store, store_url: str, world: Any, tmp_path: Path
) -> None:
    key_path, checkpoints = tmp_path / "k", tmp_path / "anchor.log"
    made = RUNNER.invoke(app, ["audit", "key", "--out", str(key_path)])
    assert made.exit_code == 0 and load_key(key_path).id in made.output
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    again = RUNNER.invoke(app, ["audit", "key", "--out", str(key_path)])
    assert "never overwritten" in str(again.exception)

    rows = _log(store, world)
    keyed = ["--key-file", str(key_path)]
    printed = _cli(store_url, "audit", "anchor", *keyed).output
    assert json.loads(printed)["seq"] == rows[-1].seq
    wrote = _cli(store_url, "audit", "anchor", "--out", str(checkpoints), *keyed).output
    assert f"Checkpoint of seq {rows[-1].seq + 1} ({rows[-1].seq + 1} events)" in wrote
    ok = _cli(store_url, "audit", "verify", "--anchor", str(checkpoints), *keyed).output
    assert "Audit log intact" in ok and "Anchored: all 1 checkpoint(s)" in ok

    _sql(store, "DELETE FROM audit_events WHERE seq >= :seq", "DELETE FROM audit_chain",
         seq=rows[-1].seq)  # fmt: skip
    plain = _cli(store_url, "audit", "verify").output
    assert "Audit log intact" in plain, "the finding: without the anchor it looks intact"
    bad = _cli(store_url, "audit", "verify", "--anchor", str(checkpoints), *keyed, code=1).output
    assert f"anchor: truncated: the log ends at seq {rows[-1].seq}, but seq" in bad
    assert "Audit log NOT intact: 1 problem(s)" in bad
    # That verification was logged at the anchored seq: the cut log has grown over the mark.
    as_json = _cli(store_url, "audit", "verify", "--anchor", str(checkpoints), *keyed, "--json",
                   code=1).output  # fmt: skip
    assert [p["kind"] for p in json.loads(as_json)["anchor"]["problems"]] == ["rewritten"]

    with store.connect() as conn:  # a broken chain is not anchored
        conn.execute(sa.update(t.audit_events).where(t.audit_events.c.seq == 1).values(agency="x"))
    refused = _cli(store_url, "audit", "anchor", "--out", str(checkpoints), *keyed, code=1)
    assert "no checkpoint written" in refused.output
    assert len(checkpoints.read_text(encoding="ascii").splitlines()) == 1


def test_verify_reads_the_configured_checkpoint_file(
    store: Store, store_url: str, world: Any, anchored: Path, key: Key
) -> None:
    _log(store, world, 2)
    ok = _cli(store_url, "audit", "verify").output
    assert "Anchored: all 2 checkpoint(s)" in ok
    lines = anchored.read_text(encoding="ascii").splitlines()
    anchored.write_text("\n".join([lines[0].replace('"seq":1', '"seq":2'), *lines[1:]]) + "\n")
    bad = _cli(store_url, "audit", "verify", code=1).output
    assert f"anchor: checkpoint: {anchored} line 1 has a signature that does not verify" in bad


def test_verify_incremental_rehashes_what_is_new_and_needs_the_key(
    store: Store, store_url: str, world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_EVENTS", 2)
    key_path = tmp_path / "k"
    create_key(key_path)
    _log(store, world, 6)
    keyed = ["--incremental", "--key-file", str(key_path)]
    first = json.loads(_cli(store_url, "audit", "verify", *keyed, "--json").output)
    assert first["intact"] and first["rehashed"] == first["events"] == 6
    second = json.loads(_cli(store_url, "audit", "verify", *keyed, "--json").output)
    # PostgreSQL digests the three blocks the first run kept (the verifications' own events
    # follow them); SQLite has no digest functions and walks the whole chain every time.
    assert second["intact"] and second["events"] == 7
    assert second["rehashed"] == (7 if store.embedded else 1)
    said = _cli(store_url, "audit", "verify", *keyed).output
    assert ("unchanged since found intact" in said) is not store.embedded
    refused = RUNNER.invoke(app, ["audit", "verify", "--incremental", "--db", store_url])
    assert refused.exit_code != 0 and "no checkpoint key" in str(refused.exception)


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
