"""Tracking intelligence over time: watches, and alerts when new material touches them.

Watches (`watches`) say what a user or a case wants to be told about; the checks (`check`)
run after each ingest batch and each resolution run over what changed only; alerts (`alerts`)
are read back through the reader's View.
"""

from threadline.tracking.alerts import Alert, list_alerts, mark_read, unread_count
from threadline.tracking.check import (
    after_analysis,
    after_resolution,
    before_resolution,
    check_batch,
)
from threadline.tracking.watches import (
    DEFAULT_DAYS,
    REMIND_DAYS,
    Wanted,
    Watch,
    add_watch,
    add_watches,
    list_watches,
    remove_watch,
)

__all__ = [
    "DEFAULT_DAYS",
    "REMIND_DAYS",
    "Alert",
    "Wanted",
    "Watch",
    "add_watch",
    "add_watches",
    "after_analysis",
    "after_resolution",
    "before_resolution",
    "check_batch",
    "list_alerts",
    "list_watches",
    "mark_read",
    "remove_watch",
    "unread_count",
]
