"""Opening the store for one user's reads: a transaction, the user's View, denials audited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph.vocabulary import NodeNotFound
from threadline.read.view import View
from threadline.security.audit import audit, transaction
from threadline.security.identity import resolve_actor
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["reading"]


@contextmanager
def reading(
    db: str | None, user: str | None, operation: str, *, purpose: str = ""
) -> Iterator[View]:
    """Open the store as `user` and yield their View, in one transaction committed at the end.

    A refusal (AccessDenied), or an entity named that nothing the user may see matches, is
    logged in a transaction of its own (the failed one rolls back) and the error raised again.
    The refusal names the entity when what was typed is an entity's id; a caption or a value
    typed instead is personal data, and is not logged.
    """
    with Store(db) as store:
        store.require_current()
        actor = resolve_actor(store, user)
        try:
            with transaction(store, actor) as conn:
                yield View(conn, actor, purpose=purpose)
        except NodeNotFound as missing:
            with store.connect() as conn:
                audit(conn, actor, "consultation", operation, outcome="denied",
                      entities=_entity_ids(conn, [missing.ref]),
                      detail={"reason": "no entity the user may see matches"})  # fmt: skip
            raise


def _entity_ids(conn: Connection, refs: Sequence[str]) -> list[str]:
    """Those of `refs` that are entity ids."""
    named = [ref for ref in refs if ref]
    if not named:
        return []
    query = sa.select(t.entities.c.id).where(t.entities.c.id.in_(named)).order_by(t.entities.c.id)
    return [str(found) for found in conn.execute(query).scalars()]
