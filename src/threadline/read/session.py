"""Opening the store for one user's reads: a transaction, the user's View, denials audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadline.graph.vocabulary import NodeNotFound
from threadline.read.view import View
from threadline.security.audit import audit, transaction
from threadline.security.identity import resolve_actor
from threadline.store import Store

__all__ = ["reading"]


@contextmanager
def reading(
    db: str | None, user: str | None, operation: str, *, purpose: str = ""
) -> Iterator[View]:
    """Open the store as `user` and yield their View, in one transaction committed at the end.

    A refusal (AccessDenied), or an entity named that nothing the user may see matches, is
    logged in a transaction of its own (the failed one rolls back) and the error raised again.
    """
    with Store(db) as store:
        store.require_current()
        actor = resolve_actor(store, user)
        try:
            with transaction(store, actor) as conn:
                yield View(conn, actor, purpose=purpose)
        except NodeNotFound:
            with store.connect() as conn:
                audit(conn, actor, "consultation", operation, outcome="denied",
                      detail={"reason": "no entity the user may see matches"})  # fmt: skip
            raise
