"""Who may change the store: loading, resolving and judging are analysts' work."""

from __future__ import annotations

from threadline.errors import ThreadlineError
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import log_refusal
from threadline.security.identity import resolve_actor
from threadline.store import Store

__all__ = ["WRITE_ROLES", "acting_analyst"]

WRITE_ROLES = (UserRole.ANALYST, UserRole.SUPERVISOR)
"""Roles that may load, undo loads, resolve and judge; viewers and administrators may not."""


def acting_analyst(store: Store, username: str | None, operation: str) -> Actor:
    """The acting user, if they may do `operation`; otherwise the refusal is logged and a
    one-line error raised."""
    actor = resolve_actor(store, username)
    if actor.has(*WRITE_ROLES):
        return actor
    with store.connect() as conn:
        log_refusal(
            conn,
            user_id=actor.user_id,
            username=actor.username,
            agency=actor.agency,
            operation=operation,
            reason="needs the analyst or supervisor role",
        )
    raise ThreadlineError(f"permission denied: {operation} needs the analyst or supervisor role")
