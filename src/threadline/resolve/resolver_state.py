"""What a person resolver holds between its steps, shared by its components.

`PersonResolver` is a facade over functions that each take this state first: training
(:mod:`.training`), scoring (:mod:`.scoring`), clustering (:mod:`.clustering_run`),
incremental updates (:mod:`.updating`) and the saved model (:mod:`.saved_model`).
"""

from __future__ import annotations

import time
from typing import Any

from threadline.resolve.engines import DuckDBEngine, Engine
from threadline.resolve.normalise import Records
from threadline.resolve.results import Scoring
from threadline.resolve.run import PreparedRun
from threadline.resolve.settings import ResolverSettings

__all__ = ["ResolverState"]


class ResolverState:
    """A resolver's settings, its model, the scoring it was given, and its current run."""

    def __init__(self, settings: ResolverSettings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine: Engine = engine or DuckDBEngine()
        """Where blocking, training and scoring run (:mod:`.engines`)."""
        self.model_settings: dict[str, Any] | None = None
        """The trained Splink model's settings: None until trained or loaded."""
        self.scoring: Scoring | None = None
        """The blocking and term frequencies of an earlier run to score with exactly as it
        did, or None (the current run's own)."""
        self.run: PreparedRun | None = None
        """The records of the current run, prepared in a DuckDB database of their own."""
        self.timings: dict[str, float] = {}
        """Seconds per stage of the current run."""
        self.counts: dict[str, int] = {}
        self.kept_apart: list[tuple[str, str, str]] = []
        """Contradicting records the last clustering kept apart, with the reason in words."""
        """What an incremental run did (see :attr:`ResolutionResult.counts`)."""

    def open(self, records: Records) -> PreparedRun:
        """Prepare ``records`` as the current run (closing the one before)."""
        if self.run is not None:
            self.run.close()
        started = time.perf_counter()
        self.run = PreparedRun(records, self.settings, self.scoring)
        self.timings = {"prepare": time.perf_counter() - started}
        return self.run

    def close(self) -> None:
        """Release the DuckDB database of the current run."""
        if self.run is not None:
            self.run.close()
            self.run = None
