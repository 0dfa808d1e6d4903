"""The latest resolution run's model, kept scored between requests to explain pairs at once."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.engine import Connection

from threadline.resolve.explain_store import PairExplainer

__all__ = ["Explainers"]


class Explainers:
    """One `PairExplainer` for the latest run; a newer run replaces it."""

    def __init__(self) -> None:
        self._current: PairExplainer | None = None
        self._lock = threading.Lock()

    def for_run(self, conn: Connection, run: Any) -> PairExplainer:
        """The explainer of `run`, scoring the store once if it is new."""
        with self._lock:
            if self._current is not None and self._current.run_id == int(run.id):
                return self._current
            if self._current is not None:
                self._current.close()
            self._current = PairExplainer(conn, run)
            return self._current

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None
