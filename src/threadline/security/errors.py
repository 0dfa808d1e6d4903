"""Errors of the security layer: each prints as one line and says nothing it may not."""

from __future__ import annotations

from collections.abc import Sequence

from threadline.errors import ThreadlineError

__all__ = ["AccessDenied", "NotFound"]


class NotFound(ThreadlineError):
    """Something named does not exist, or the actor may not know that it does.

    The message is the same for both, so that a refusal never confirms that a record exists.
    """


class AccessDenied(ThreadlineError):
    """The actor may not do this; carries what the audit log must record about the attempt.

    Raising it rolls back the caller's transaction, so `threadline.security.transaction`
    records the denial in a transaction of its own once the rollback is done.
    """

    def __init__(
        self,
        message: str,
        *,
        action: str,
        operation: str,
        records: Sequence[int] = (),
        entities: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.action = action
        """The s62 operation that was refused (consultation, disclosure, administration...)."""
        self.operation = operation
        """What the actor tried, e.g. ``users.add`` or ``retention.review``."""
        self.records = tuple(records)
        """Records the attempt named (ids only, never their content)."""
        self.entities = tuple(entities)
        """Entities the attempt named."""
