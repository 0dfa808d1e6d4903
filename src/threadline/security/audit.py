"""The DPA 2018 s62 audit log: append events, record refusals, and read the log back safely.

Every collection, alteration, consultation, disclosure, combination and erasure of personal
data, every administrative change and every refusal is an event in ``audit_events``. Events
are appended inside the caller's transaction, so the log and the data always agree, and are
hash-chained when it commits (`threadline.security.chain`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.config import setting
from threadline.errors import ThreadlineError, ValidationError
from threadline.security import chain
from threadline.security.actors import Actor
from threadline.security.errors import AccessDenied
from threadline.security.locking import utc_stamp, utc_stamp_ns
from threadline.store import Store
from threadline.store import tables as t

__all__ = [
    "ACTIONS",
    "OUTCOMES",
    "PURPOSE_ENV",
    "AuditEvent",
    "audit",
    "find_events",
    "log_refusal",
    "make_event",
    "purpose_required",
    "quote",
    "restamp",
    "transaction",
]

ACTIONS = frozenset(
    {
        "collection",
        "alteration",
        "consultation",
        "disclosure",
        "combination",
        "erasure",
        "administration",
    }
)
"""The s62(1) operations, and administration (users, cases, agreements)."""

OUTCOMES = frozenset({"allowed", "denied"})

PURPOSE_ENV = "THREADLINE_REQUIRE_PURPOSE"
"""Which actions need a stated purpose: ``none`` (default), ``disclosure`` or ``all``
(consultation and disclosure). The Data (Use and Access) Act 2025 s82 removes the duty to log a
justification; a deployment may still require one (domain-standards.md §4.2)."""


def purpose_required(action: str) -> bool:
    """Whether this deployment requires a purpose for `action`."""
    required = (setting(PURPOSE_ENV) or "none").strip().lower()
    if required == "all":
        return action in {"consultation", "disclosure"}
    return required == "disclosure" and action == "disclosure"


def _text(value: str, limit: int | None = None) -> str:
    # PostgreSQL text cannot hold NUL; everything else is kept and encoded on output.
    text = value if type(value) is str else str(value)
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text[:limit] if limit and len(text) > limit else text


def _detail(detail: Mapping[str, object] | None) -> dict[str, Any]:
    if not detail:
        return {}
    # A JSON round trip makes the hashed value the stored value, whatever was passed.
    return dict(json.loads(json.dumps(dict(detail), default=str, allow_nan=False)))


def make_event(
    actor: Actor | None,
    action: str,
    operation: str,
    *,
    records: Sequence[int] = (),
    entities: Sequence[str] = (),
    purpose: str = "",
    recipients: str = "",
    outcome: str = "allowed",
    detail: Mapping[str, object] | None = None,
    username: str = "",
    agency: str = "",
) -> dict[str, Any]:
    """Validate and normalise one event's fields, as they will be stored and hashed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    if outcome == "allowed":
        if action == "disclosure" and not recipients.strip():
            raise ValidationError("a disclosure must name its recipients")
        if not purpose.strip() and purpose_required(action):
            raise ValidationError(f"this deployment requires a purpose for each {action}")
    return {
        "occurred_at": utc_stamp(),
        "user_id": None if actor is None else actor.user_id,
        "username": _text(actor.username if actor else username, 128),
        "agency": _text(actor.agency if actor else agency, 64),
        "action": action,
        "operation": _text(operation, 64),
        "outcome": outcome,
        "purpose": _text(purpose),
        "recipients": _text(recipients),
        "records": [int(r) for r in records],
        "entities": [_text(e, 255) for e in entities],
        "detail": _detail(detail),
    }


def restamp(
    template: Mapping[str, Any],
    operation: str,
    *,
    records: Iterable[int] = (),
    entities: Sequence[str] = (),
    outcome: str = "allowed",
    detail: Mapping[str, object] | None = None,
    at_ns: int | None = None,
) -> dict[str, Any]:
    """A new event like `template` (from `make_event`) for another operation.

    The cheap path for bursts: who, why and the action were validated once, in the template.
    `at_ns` is when it happened (`time.time_ns()`), if not now.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    event = dict(template)
    event["occurred_at"] = utc_stamp() if at_ns is None else utc_stamp_ns(at_ns)
    event["operation"] = _text(operation, 64)
    event["outcome"] = outcome
    event["records"] = sorted({int(r) for r in records})
    event["entities"] = [_text(e, 255) for e in entities]
    event["detail"] = _detail(detail)
    return event


def audit(
    conn: Connection,
    actor: Actor,
    action: str,
    operation: str,
    *,
    records: Sequence[int] = (),
    entities: Sequence[str] = (),
    purpose: str = "",
    recipients: str = "",
    outcome: str = "allowed",
    detail: Mapping[str, object] | None = None,
) -> int:
    """Append an event within the caller's transaction and return its id.

    `action` is the s62 operation (collection, alteration, consultation, disclosure,
    combination, erasure) or administration; `operation` says what was done (``ingest.batch``,
    ``entity.view``...). Name records and entities by id, never by their values. The event is
    sealed into the hash chain when the transaction commits, and vanishes if it rolls back.
    """
    event = make_event(
        actor,
        action,
        operation,
        records=records,
        entities=entities,
        purpose=purpose,
        recipients=recipients,
        outcome=outcome,
        detail=detail,
    )
    return chain.append(conn, event)


def log_refusal(
    conn: Connection,
    *,
    user_id: int | None,
    username: str,
    agency: str,
    operation: str,
    reason: str,
) -> None:
    """Record that someone who is not an active user tried to act (unknown or disabled)."""
    event = make_event(
        None,
        "administration",
        operation,
        outcome="denied",
        detail={"reason": reason},
        username=username,
        agency=agency,
    )
    event["user_id"] = user_id
    chain.append(conn, event)


@contextmanager
def transaction(store: Store, actor: Actor) -> Iterator[Connection]:
    """A transaction acting as `actor` in which every refusal is still audited.

    Any error raised inside rolls the transaction back, and its events with it. The refusals
    among them (reads a View logged as denied) and, for an AccessDenied, the refusal itself
    are then written in a transaction of their own, and the error re-raised: a refusal
    happened whether or not the command went on to fail.
    """
    conn: Connection | None = None
    try:
        with store.connect() as conn:
            yield conn
    except Exception as error:
        refused = chain.refusals(conn) if conn is not None else []
        if isinstance(error, AccessDenied):
            refused.append(_refusal(actor, error))
        if refused:
            with store.connect() as again:
                for event in refused:
                    chain.append(again, event)
        raise


def _refusal(actor: Actor, denied: AccessDenied) -> dict[str, Any]:
    return make_event(
        actor,
        denied.action,
        denied.operation,
        records=denied.records,
        entities=denied.entities,
        outcome="denied",
        detail={"reason": str(denied)},
    )


# -- reading the log --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One event as stored."""

    id: int
    seq: int | None
    occurred_at: str
    user_id: int | None
    username: str
    agency: str
    action: str
    operation: str
    outcome: str
    purpose: str
    recipients: str
    records: list[int]
    entities: list[str]
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def as_json(self) -> str:
        """The event as one line of ASCII JSON: nothing in it can break a log line."""
        return json.dumps(asdict(self), ensure_ascii=True, sort_keys=True)

    def line(self) -> str:
        """The event as one line of text, every free-text field quoted and escaped."""
        parts = [
            f"#{self.id}",
            self.occurred_at,
            f"{quote(self.username)}@{quote(self.agency)}",
            f"{self.action}/{quote(self.operation)}",
            self.outcome,
        ]
        if self.records:
            parts.append("records=" + ",".join(str(r) for r in self.records))
        if self.entities:
            parts.append("entities=" + ",".join(quote(e) for e in self.entities))
        if self.purpose:
            parts.append(f"purpose={quote(self.purpose)}")
        if self.recipients:
            parts.append(f"recipients={quote(self.recipients)}")
        if self.detail:
            parts.append("detail=" + json.dumps(self.detail, ensure_ascii=True, sort_keys=True))
        return " ".join(parts)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def quote(text: str) -> str:
    """`text` in double quotes with control, format and separator characters escaped.

    Names in other scripts stay readable; nothing can end a line, move the cursor or reverse
    the text direction of the terminal reading the log.

    >>> print(quote('Nguyễn\\n#99 forged\\u202e'))
    "Nguyễn\\n#99 forged\\u202e"
    """
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in _UNSAFE:
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _since(value: str | date | datetime) -> str:
    if isinstance(value, datetime):
        return utc_stamp(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return value.isoformat()
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ThreadlineError(
            f"--since {value!r} is not a date or time: use e.g. 2026-11-25 or 2026-11-25T09:00"
        ) from None
    if len(value.strip()) == 10:
        return parsed.date().isoformat()
    return utc_stamp(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def find_events(
    conn: Connection,
    *,
    username: str | None = None,
    agency: str | None = None,
    entity: str | None = None,
    record: int | None = None,
    since: str | date | datetime | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """The latest `limit` events matching every filter given, oldest first.

    `agency` keeps the events of that agency's users (a supervisor oversees their own staff).

    `entity` finds events that named the entity, and events that named a record which now
    mentions it: "who looked at this person". `record` finds events that named the record,
    and events that named an entity the record now mentions. Collection events (which can
    name every record of a batch) are not indexed by subject: find them by user or time.
    """
    events = t.audit_events
    query = sa.select(events)
    if username is not None:
        query = query.where(events.c.username == username)
    if agency is not None:
        query = query.where(events.c.agency == agency)
    if since is not None:
        query = query.where(events.c.occurred_at >= _since(since))
    subjects, m = t.audit_subjects.c, t.mentions.c
    if entity is not None or record is not None:
        chain.index_subjects(conn)
    if entity is not None:
        mentioned = sa.select(m.record_id).where(m.entity_id == entity)
        query = query.where(
            events.c.seq.in_(
                sa.select(subjects.event_seq).where(
                    sa.or_(subjects.entity_id == entity, subjects.record_id.in_(mentioned))
                )
            )
        )
    if record is not None:
        entities = sa.select(m.entity_id).where(m.record_id == record, m.entity_id.is_not(None))
        query = query.where(
            events.c.seq.in_(
                sa.select(subjects.event_seq).where(
                    sa.or_(subjects.record_id == record, subjects.entity_id.in_(entities))
                )
            )
        )
    order = sa.nulls_first(events.c.seq.desc())
    rows = conn.execute(query.order_by(order, events.c.id.desc()).limit(limit)).all()
    return [_event(row) for row in reversed(rows)]


def _event(row: sa.Row[Any]) -> AuditEvent:
    m = row._mapping
    return AuditEvent(
        id=int(m["id"]),
        seq=None if m["seq"] is None else int(m["seq"]),
        occurred_at=str(m["occurred_at"]),
        user_id=None if m["user_id"] is None else int(m["user_id"]),
        username=str(m["username"]),
        agency=str(m["agency"]),
        action=str(m["action"]),
        operation=str(m["operation"]),
        outcome=str(m["outcome"]),
        purpose=str(m["purpose"]),
        recipients=str(m["recipients"]),
        records=[int(r) for r in m["records"]],
        entities=[str(e) for e in m["entities"]],
        detail=dict(m["detail"]),
        prev_hash=str(m["prev_hash"]),
        hash=str(m["hash"]),
    )
