"""Who is asking: the command line's user, what they may see, and the audit of what they saw.

Commands act as a user (``--user``, else $THREADLINE_USER, else the local account), see only
the records the access policy lets that user see, and log what they consulted (DPA 2018 s62).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph.model import NodeNotFound
from threadline.security import (
    Actor,
    audit,
    resolve_actor,
    visible_record_ids,
    visible_records_clause,
)
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["AUDIT_RECORD_LIMIT", "Session", "session"]

AUDIT_RECORD_LIMIT = 10_000
"""Most record ids named in one audit event; a bigger consultation (a whole-store analysis)
is logged with its count and scope instead."""


@dataclass(slots=True)
class Session:
    """A command's connection, user and permission."""

    conn: Connection
    actor: Actor

    def permitted(self) -> Callable[[Connection], sa.Select[Any]]:
        """The records the user may see, as build_graph takes them."""
        clause = visible_records_clause(self.actor)
        return lambda _conn: sa.select(t.records.c.id).where(clause)

    def visible(self, ids: Iterable[int]) -> set[int]:
        """Which of `ids` the user may see."""
        return visible_record_ids(self.conn, self.actor, ids)

    def consulted(
        self,
        operation: str,
        *,
        records: Iterable[int] = (),
        entities: Iterable[str] = (),
        detail: dict[str, object] | None = None,
        action: str = "consultation",
    ) -> None:
        """Log what the user was shown."""
        ids = sorted(set(records))
        names = sorted(set(entities))
        extra = dict(detail or {})
        if len(ids) > AUDIT_RECORD_LIMIT:
            extra["records"] = len(ids)
            ids = []
        if len(names) > AUDIT_RECORD_LIMIT:
            extra["entities"] = len(names)
            names = []
        audit(
            self.conn,
            self.actor,
            action,
            operation,
            records=ids,
            entities=names,
            outcome="allowed" if ids or names or extra else "denied",
            detail=extra,
        )


@contextmanager
def session(db: str | None, user: str | None, operation: str) -> Iterator[Session]:
    """Open the store as `user`, in one transaction committed at the end.

    When nothing the user may see matches what they asked for, the refusal is logged (in a
    transaction of its own: the failed one rolls back) and the error raised again.
    """
    with Store(db) as store:
        store.require_current()
        actor = resolve_actor(store, user)
        try:
            with store.connect() as conn:
                yield Session(conn, actor)
        except NodeNotFound:
            with store.connect() as conn:
                audit(conn, actor, "consultation", operation, outcome="denied",
                      detail={"reason": "no entity the user may see matches"})  # fmt: skip
            raise
