"""The server's settings: one object, read from the environment once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from threadline.config import setting, setting_flag
from threadline.errors import ValidationError
from threadline.security.sessions import IDLE

__all__ = ["WORKERS", "Settings"]

WORKERS = ("inline", "none")
"""Where background jobs run (see `Settings.worker`)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How the workbench and API run."""

    database: str | None = None
    """The store's URL (None: $THREADLINE_DATABASE_URL, else the embedded default)."""
    idle: timedelta = IDLE
    """A browser session unused this long must sign in again."""
    secure_cookies: bool = False
    """Send the session cookie only over HTTPS: set THREADLINE_SECURE_COOKIES=1 behind TLS."""
    worker: str = "inline"
    """Who runs background jobs: ``inline``, a thread of this server (one analyst, or one
    server process), or ``none``, when `threadline worker` processes run them (a team on
    PostgreSQL with several web workers). Set by THREADLINE_WORKER."""

    @classmethod
    def from_env(cls, database: str | None = None) -> Settings:
        """Settings from the environment, with `database` (if given) as the store."""
        minutes = (setting("THREADLINE_IDLE_MINUTES") or "").strip()
        worker = (setting("THREADLINE_WORKER") or "").strip().lower() or "inline"
        if worker not in WORKERS:
            raise ValidationError(f"THREADLINE_WORKER={worker!r}: expected inline or none")
        return cls(
            database=database,
            idle=timedelta(minutes=int(minutes)) if minutes.isdigit() else IDLE,
            secure_cookies=setting_flag("THREADLINE_SECURE_COOKIES", False),
            worker=worker,
        )
