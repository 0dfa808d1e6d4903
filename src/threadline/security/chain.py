"""The audit hash chain: canonical events, sealing at commit, and verification.

An event is written in two steps. It is inserted (or, for a burst of reads, held in memory)
while the caller's transaction runs, and sealed when that transaction commits: it is then
given its place in the chain (``seq``), the hash of the event before it (``prev_hash``) and
its own ``hash = sha256(canonical JSON of its fields and prev_hash)``. Sealing at commit keeps
the chain's lock short (see `threadline.security.locking`) and puts events in commit order.
Events of a transaction that rolls back vanish with it, except refusals (events whose
outcome is ``denied``): they are kept aside for `threadline.security.audit.transaction` to
write again once the rollback is done (`refusals`), because a refusal happened whether or not
the command then failed.

When ``THREADLINE_AUDIT_ANCHOR`` names a checkpoint file, sealing also commits and then writes
a signed checkpoint of the new head there (`threadline.security.checkpoint`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.security import checkpoint
from threadline.security.locking import GENESIS, advance_head, lock_chain, utc_stamp
from threadline.store import tables as t
from threadline.store.database import bulk_insert, insert_ignore

__all__ = [
    "GENESIS",
    "HASHED_FIELDS",
    "ChainProblem",
    "ChainReport",
    "Walk",
    "append",
    "buffer",
    "canonical",
    "chain_head",
    "event_hash",
    "index_subjects",
    "loose_ends",
    "refusals",
    "verify_chain",
    "walk_chain",
]

HASHED_FIELDS = (
    "occurred_at",
    "user_id",
    "username",
    "agency",
    "action",
    "operation",
    "outcome",
    "purpose",
    "recipients",
    "records",
    "entities",
    "detail",
)
"""The fields an event's hash covers, with its ``prev_hash``. The row id and ``seq`` are not
covered: the chain itself fixes the order, and ids are allocated before sealing."""

UNINDEXED_ACTIONS = frozenset({"collection"})
"""Collection events can name every record of a batch; they are not copied into the subject
index (`index_subjects`), which exists to answer "who looked at this person"."""

MAX_HELD = 20_000
"""Events held in memory before they are written unsealed, to bound a long burst's memory."""


_KEYS = tuple(sorted((*HASHED_FIELDS, "prev_hash")))
_JSON_FIELDS = frozenset({"records", "entities", "detail"})


def _enc(value: Any) -> str:
    """One value in canonical JSON: sorted keys, no spaces, ASCII only."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _object(encoded: Mapping[str, str]) -> bytes:
    """The canonical JSON object whose fields are already encoded (keys in sorted order)."""
    return ("{" + ",".join(f'"{key}":{encoded[key]}' for key in _KEYS) + "}").encode("ascii")


def canonical(event: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes an event's hash is taken over: the event's fields and `prev_hash` as one
    JSON object with sorted keys, no spaces and only ASCII (so the same on every machine).

    >>> canonical({f: "" for f in HASHED_FIELDS} | {"records": [2, 1]}, "ab")[:40]
    b'{"action":"","agency":"","detail":"","en'
    """
    encoded = {name: _enc(event[name]) for name in HASHED_FIELDS}
    encoded["prev_hash"] = _enc(prev_hash)
    return _object(encoded)


def event_hash(event: Mapping[str, Any], prev_hash: str) -> str:
    """The hash that seals `event` after an event whose hash is `prev_hash`."""
    return hashlib.sha256(canonical(event, prev_hash)).hexdigest()


def _json(value: Any) -> str:
    """`_enc(value)` for a JSON column, with shortcuts for what a burst of reads writes."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    if isinstance(value, list):
        if all(type(v) is int for v in value):
            return "[" + ",".join(map(str, value)) + "]"
        if all(type(v) is str and _plain(v) for v in value):
            return '["' + '","'.join(value) + '"]'
    return _enc(value)


def _plain(text: str) -> bool:
    """Whether JSON writes `text` as it stands between quotes (ASCII, printable, no quote or
    backslash): true of entity ids, operations and names, so they skip `json.dumps`."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _chain(entries: list[_Entry], seq: int, head: str) -> tuple[int, str]:
    """Give each entry its place, previous hash and hash, from the head (`seq`, `head`).

    Builds the same bytes as `canonical` (keys in the order of `_KEYS`), faster for a burst:
    the fields a burst shares (who, why, which action) are encoded once per distinct value
    as the three fixed runs of the object, and each event's JSON columns once for both its
    hash and its row (kept in ``entry.json``).
    """
    memo: dict[tuple[Any, ...], tuple[str, str, str]] = {}
    words: dict[str, str] = {}

    def word(value: str) -> str:
        text = words.get(value)
        if text is None:
            text = words[value] = f'"{value}"' if _plain(value) else _enc(value)
        return text

    sha256 = hashlib.sha256
    for entry in entries:
        e = entry.event
        shared = (e["action"], e["agency"], e["purpose"], e["recipients"], e["user_id"],
                  e["username"])  # fmt: skip
        runs = memo.get(shared)
        if runs is None:
            action, agency, purpose, recipients, user_id, username = map(_enc, shared)
            runs = memo[shared] = (
                f'{{"action":{action},"agency":{agency},"detail":',
                f'"purpose":{purpose},"recipients":{recipients},"records":',
                f'"user_id":{user_id},"username":{username}}}',
            )
        records, entities, detail = _json(e["records"]), _json(e["entities"]), _json(e["detail"])
        text = (
            f'{runs[0]}{detail},"entities":{entities},"occurred_at":"{e["occurred_at"]}",'
            f'"operation":{word(e["operation"])},"outcome":{word(e["outcome"])},'
            f'"prev_hash":"{head}",{runs[1]}{records},{runs[2]}'
        )
        seq += 1
        e["seq"], e["prev_hash"] = seq, head
        head = e["hash"] = sha256(text.encode("ascii")).hexdigest()
        entry.json = (records, entities, detail)
    return seq, head


# -- writing ----------------------------------------------------------------------------------


Maker = Callable[[tuple[Any, ...]], dict[str, Any]]
"""Builds an event from what a burst read recorded (see `holder`)."""


@dataclass(slots=True)
class _Entry:
    event: dict[str, Any]
    """The event's fields; empty until `made` is turned into them."""
    event_id: int | None = None
    """Set once the event is in the table (unsealed); None while it is held in memory."""
    json: tuple[str, str, str] = ("[]", "[]", "{}")
    """The event's records, entities and detail as stored, set when it is sealed."""
    made: tuple[Maker, tuple[Any, ...]] | None = None
    """For a burst read: how to build the event, deferred to the commit."""

    def build(self) -> dict[str, Any]:
        if self.made is not None:
            maker, args = self.made
            self.event, self.made = maker(args), None
        return self.event


@dataclass(slots=True)
class _Pending:
    entries: list[_Entry] = field(default_factory=list)
    held: int = 0
    savepoints: list[int] = field(default_factory=list)
    """How many entries there were when each open savepoint began (savepoints nest)."""
    generation: int = 0
    """Moves on whenever held entries may no longer be added to: a savepoint begins or ends,
    held events are written, the transaction commits or rolls back (see `generation`)."""
    refused: list[dict[str, Any]] = field(default_factory=list)
    """Refusals of a transaction that rolled back, until `refusals` takes them or the
    connection begins another transaction."""


_PENDING: weakref.WeakKeyDictionary[Connection, _Pending] = weakref.WeakKeyDictionary()
"""Events of each connection's open transaction, in the order they happened."""


def _pending(conn: Connection) -> _Pending:
    state = _PENDING.get(conn)
    if state is None:
        state = _Pending(savepoints=[0] * _open_savepoints(conn))
        _PENDING[conn] = state
        sa.event.listen(conn, "begin", _begin)
        sa.event.listen(conn, "commit", _seal)
        sa.event.listen(conn, "rollback", _discard)
        sa.event.listen(conn, "savepoint", _savepoint)
        sa.event.listen(conn, "rollback_savepoint", _rollback_savepoint)
        sa.event.listen(conn, "release_savepoint", _release_savepoint)
    return state


def _open_savepoints(conn: Connection) -> int:
    """How many savepoints are open on `conn` (events written now belong to all of them)."""
    depth, nested = 0, conn.get_nested_transaction()
    while nested is not None:
        depth += 1
        nested = getattr(nested, "_previous_nested", None)
    return depth


def _savepoint(conn: Connection, _name: str | None) -> None:
    state = _PENDING[conn]
    state.generation += 1
    state.savepoints.append(len(state.entries))


def _rollback_savepoint(conn: Connection, _name: str | None, _context: object) -> None:
    """Events since the savepoint go with it, as their rows (if written) already have, but
    for refusals: they stay, to be written again when the transaction commits."""
    state = _PENDING[conn]
    state.generation += 1
    if state.savepoints:
        start = state.savepoints.pop()
        dropped = state.entries[start:]
        state.entries[start:] = [_Entry(event) for event in _refused(dropped)]
        state.held = sum(1 for e in state.entries if e.event_id is None)


def _refused(entries: list[_Entry]) -> list[dict[str, Any]]:
    """The refusals among `entries`, as events to write again (their rows, if any, are gone)."""
    return [dict(event) for event in (e.build() for e in entries) if event["outcome"] == "denied"]


def refusals(conn: Connection) -> list[dict[str, Any]]:
    """Take the refusals of `conn`'s transaction that just rolled back, to write them again
    in a transaction of their own (`threadline.security.audit.transaction` does)."""
    state = _PENDING.get(conn)
    if state is None:
        return []
    taken, state.refused = state.refused, []
    return taken


def _release_savepoint(conn: Connection, _name: str | None, _context: object) -> None:
    state = _PENDING[conn]
    state.generation += 1
    if state.savepoints:
        state.savepoints.pop()


def append(conn: Connection, event: dict[str, Any]) -> int:
    """Insert `event` now, unsealed, and return its id; it is sealed when `conn` commits."""
    state = _pending(conn)
    insert = sa.insert(t.audit_events).values(_placeholder(event)).returning(t.audit_events.c.id)
    event_id = int(conn.execute(insert).scalar_one())
    state.entries.append(_Entry(event, event_id))
    return event_id


def buffer(conn: Connection, event: dict[str, Any]) -> None:
    """Hold `event` in memory and write it, sealed, when `conn` commits (for read bursts)."""
    state = _pending(conn)
    state.entries.append(_Entry(event))
    state.held += 1
    if state.held >= MAX_HELD:
        _write_held(conn, state)


def holder(conn: Connection, maker: Maker) -> Callable[[tuple[Any, ...]], None]:
    """A cheaper `buffer` for a View, which logs every one of many reads.

    The View hands over a small tuple (what was read, when) and `maker` turns it into the
    event at commit: a read pays for an append, not for building and formatting an event.
    """
    state = _pending(conn)

    def hold(args: tuple[Any, ...]) -> None:
        state.entries.append(_Entry({}, made=(maker, args)))
        state.held += 1
        if state.held >= MAX_HELD:
            _write_held(conn, state)

    return hold


def generation(conn: Connection) -> int:
    """Where `conn`'s held events stand: while it is unchanged, an entry handed to a `holder`
    has not been built yet, so what it will record may still grow (a View gathers the reads
    of one second into one event this way)."""
    return _pending(conn).generation


def _placeholder(event: Mapping[str, Any]) -> dict[str, Any]:
    return {**event, "prev_hash": "", "hash": f"unsealed-{uuid.uuid4().hex}", "seq": None}


def _write_held(conn: Connection, state: _Pending) -> None:
    state.generation += 1
    held = [entry for entry in state.entries if entry.event_id is None]
    if not held:
        return
    insert = sa.insert(t.audit_events).returning(t.audit_events.c.id, sort_by_parameter_order=True)
    ids = conn.execute(insert, [_placeholder(entry.build()) for entry in held]).scalars().all()
    for entry, event_id in zip(held, ids, strict=True):
        entry.event_id = int(event_id)
    state.held = 0


def _begin(conn: Connection) -> None:
    state = _PENDING.get(conn)
    if state is not None:
        state.refused.clear()


def _discard(conn: Connection) -> None:
    state = _PENDING.get(conn)
    if state is not None:
        state.generation += 1
        state.refused = _refused(state.entries)
        state.entries.clear()
        state.held = 0
        state.savepoints.clear()


def _seal(conn: Connection) -> None:
    """Link this transaction's events into the chain; runs as the transaction commits."""
    state = _PENDING.get(conn)
    if state is None or not state.entries:
        return
    anchoring = checkpoint.configured()  # a key that cannot be used stops the commit
    state.generation += 1
    entries, state.entries, state.held = state.entries, [], 0
    state.savepoints.clear()
    for entry in entries:
        entry.build()
    seq, head = _chain(entries, *lock_chain(conn))
    _store_sealed(conn, entries)
    advance_head(conn, seq, head)
    if anchoring is not None:
        _commit_now(conn)
        anchoring.write(seq, head, utc_stamp())


def _commit_now(conn: Connection) -> None:
    """Commit the transaction being sealed, so that its checkpoint names a committed head.

    This runs in SQLAlchemy's ``commit`` event, which comes before the database's COMMIT and
    has no counterpart after it; the COMMIT that follows finds nothing left to do. A checkpoint
    written before the COMMIT would name a head that never existed if the COMMIT then failed,
    and every verification after would report the log rewritten.
    """
    try:
        conn.connection.commit()
    except conn.dialect.loaded_dbapi.Error as exc:
        raise sa.exc.OperationalError("COMMIT", None, exc) from exc


def _store_sealed(conn: Connection, entries: list[_Entry]) -> None:
    events = t.audit_events
    written = [e for e in entries if e.event_id is not None]
    if written:
        conn.execute(
            sa.update(events)
            .where(events.c.id == sa.bindparam("event_id"))
            .values(
                seq=sa.bindparam("seq"),
                prev_hash=sa.bindparam("prev_hash"),
                hash=sa.bindparam("hash"),
            ),
            [
                {
                    "event_id": e.event_id,
                    "seq": e.event["seq"],
                    "prev_hash": e.event["prev_hash"],
                    "hash": e.event["hash"],
                }
                for e in written
            ],
        )
    held = [_row(e) for e in entries if e.event_id is None]
    bulk_insert(conn, events, EVENT_COLUMNS, held)


EVENT_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash", "seq")


def _row(entry: _Entry) -> tuple[Any, ...]:
    event = entry.event
    records, entities, detail = entry.json
    return (
        event["occurred_at"], event["user_id"], event["username"], event["agency"],
        event["action"], event["operation"], event["outcome"], event["purpose"],
        event["recipients"], records, entities, detail, event["prev_hash"], event["hash"],
        event["seq"],
    )  # fmt: skip


def _subjects(seq: int, records: list[int], entities: list[str]) -> Iterator[tuple[Any, ...]]:
    """Index rows for an event: its entities, or its records when it names no entity (the
    records behind an entity are found through the entity; see `find_events`)."""
    if entities:
        for entity_id in entities:
            yield (seq, None, entity_id)
        return
    for record_id in records:
        yield (seq, record_id, None)


INDEX_PAGE = 5_000
"""Events read at a time while the subject index catches up."""


def index_subjects(conn: Connection) -> int:
    """Bring the subject index (``audit_subjects``) up to the last sealed event.

    Sealing does not index, so that a burst of reads pays only for its events; a search of
    the log by subject calls this first. It holds the index's own one-row lock (not the
    chain's), so sealing never waits for it. Returns how many events it indexed.
    """
    mark = t.audit_index
    take = (
        sa.update(mark)
        .where(mark.c.id == 1)
        .values(indexed_seq=mark.c.indexed_seq)
        .returning(mark.c.indexed_seq)
    )
    done = conn.execute(take).scalar()
    if done is None:  # an emptied store: start again from the beginning
        conn.execute(insert_ignore(mark, [{"id": 1, "indexed_seq": 0}], conn.dialect, ["id"]))
        done = conn.execute(take).scalar_one()
    events, indexed, last = t.audit_events, 0, int(done)
    page = (
        sa.select(events.c.seq, events.c.action, events.c.records, events.c.entities)
        .where(events.c.seq > sa.bindparam("after"))
        .order_by(events.c.seq)
        .limit(INDEX_PAGE)
    )
    while rows := conn.execute(page, {"after": last}).all():
        subjects = [
            row
            for seq, action, records, entities in rows
            if action not in UNINDEXED_ACTIONS
            for row in _subjects(int(seq), records, entities)
        ]
        bulk_insert(conn, t.audit_subjects, ("event_seq", "record_id", "entity_id"), subjects)
        indexed, last = indexed + len(rows), int(rows[-1].seq)
    if indexed:
        conn.execute(sa.update(mark).where(mark.c.id == 1).values(indexed_seq=last))
    return indexed


# -- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One place where the stored log is not the log that was written."""

    event_id: int | None
    kind: str
    """``altered``, ``deleted``, ``reordered``, ``unsealed`` or ``truncated``."""
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What `verify_chain` found."""

    events: int
    head_hash: str
    problems: tuple[ChainProblem, ...]
    head_seq: int = 0
    """The last event's place in the chain (0 for an empty log)."""
    trusted: int = 0
    """Events not rehashed, because a signed digest showed them unchanged since a walk found
    them intact (an incremental verification: `threadline.security.blocks`)."""

    @property
    def intact(self) -> bool:
        """Whether the log is exactly as it was written."""
        return not self.problems


def verify_chain(conn: Connection) -> ChainReport:
    """Walk the chain in order and say where an event was altered, deleted or reordered.

    A deleted last event cannot be told from a log that ended there, except by the chain's
    head row (checked here) or a checkpoint kept outside the database
    (`threadline.security.anchor`). The head row is read before the walk, so events that
    other transactions seal meanwhile are walked but never taken for a cut.
    """
    head = chain_head(conn)
    walk = walk_chain(conn, 0, GENESIS, head)
    problems = [*walk.problems, *loose_ends(conn, head, walk.at_head)]
    return ChainReport(walk.events, walk.last_hash, tuple(problems), walk.last_seq)


@dataclass(frozen=True, slots=True)
class Walk:
    """What `walk_chain` found over one stretch of the chain."""

    events: int
    last_seq: int
    last_hash: str
    problems: tuple[ChainProblem, ...]
    at_head: str | None
    """The hash of the event at the head row's place, if the walk passed it."""


def chain_head(conn: Connection) -> tuple[int, str] | None:
    """The chain's head row (its place and hash), read before a walk."""
    row = conn.execute(
        sa.select(t.audit_chain.c.head_seq, t.audit_chain.c.head_hash)
        .where(t.audit_chain.c.id == 1)
    ).first()  # fmt: skip
    return None if row is None else (int(row.head_seq), str(row.head_hash))


def walk_chain(conn: Connection, after: int, prev_hash: str, head: tuple[int, str] | None) -> Walk:
    """Rehash every sealed event after place `after` in order, the first of them expected to
    follow an event whose hash is `prev_hash`."""
    events = t.audit_events
    problems: list[ChainProblem] = []
    columns = [events.c.id, events.c.seq, events.c.prev_hash, events.c.hash]
    columns += [events.c[name] for name in HASHED_FIELDS]
    query = sa.select(*columns).where(events.c.seq > after).order_by(events.c.seq)
    prev_id, seq, count, at_head = None, after, 0, None
    for row in conn.execute(query.execution_options(yield_per=2000)):
        count += 1
        event = dict(row._mapping)
        if event_hash(event, row.prev_hash) != row.hash:
            problems.append(
                ChainProblem(row.id, "altered", f"event {row.id} was altered after it was written")
            )
        if row.prev_hash != prev_hash:
            problems.append(_break(conn, row.id, row.prev_hash, prev_id))
        prev_hash, prev_id, seq = row.hash, row.id, int(row.seq)
        if head is not None and seq == head[0]:
            at_head = row.hash
    return Walk(count, seq, prev_hash, tuple(problems), at_head)


def loose_ends(
    conn: Connection, head: tuple[int, str] | None, at_head: str | None
) -> list[ChainProblem]:
    """Events committed outside the chain, and a head row naming an event that is gone
    (`at_head`: the hash found at the head's place, or None)."""
    events = t.audit_events
    problems = [
        ChainProblem(event_id, "unsealed", f"event {event_id} was committed outside the chain")
        for event_id in conn.execute(sa.select(events.c.id).where(events.c.seq.is_(None)))
        .scalars()
    ]  # fmt: skip
    if head is not None and head[0] > 0 and at_head != head[1]:
        problems.append(
            ChainProblem(
                None,
                "truncated",
                "the chain's head names an event that is not in the log: "
                "events at the end were deleted",
            )
        )
    return problems


def _break(conn: Connection, event_id: int, prev_hash: str, prev_id: int | None) -> ChainProblem:
    after = "the start of the log" if prev_id is None else f"event {prev_id}"
    found = conn.execute(
        sa.select(t.audit_events.c.id).where(t.audit_events.c.hash == prev_hash)
    ).scalar()
    if found is not None:
        return ChainProblem(
            event_id,
            "reordered",
            f"event {event_id} is out of order: it was written after event {found}, "
            f"but now follows {after}",
        )
    return ChainProblem(
        event_id,
        "deleted",
        f"an event was deleted between {after} and event {event_id}",
    )
