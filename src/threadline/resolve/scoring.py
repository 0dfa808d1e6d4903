"""Scoring a run: candidate pairs blocked and scored by the person model, as a table of
record ids with their match weight and probability; and the scoring a later run reuses."""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.normalise import Records
from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.results import Scoring
from threadline.resolve.run import PreparedRun
from threadline.resolve.training import run_model

__all__ = ["predict", "run_scoring", "scored_pairs"]


def predict(state: ResolverState, records: Records | None = None) -> pa.Table:
    """Score candidate pairs of ``records`` (default: the records of the current run)."""
    if state.model_settings is None:
        raise RuntimeError("no model: call fit() or load_model() first")
    run = state.run if records is None else state.open(records)
    if run is None:
        raise RuntimeError("no records: pass records to predict()")
    model = run_model(state, run)
    started = time.perf_counter()
    pairs = scored_pairs(run, model.predict(run.plan, state.settings.pair_floor))
    state.timings["predict"] = time.perf_counter() - started
    return pairs


def scored_pairs(run: PreparedRun, scored: pa.Table) -> pa.Table:
    """Splink's scored pairs (``uid_l``, ``uid_r``) as record ids of ``run``."""
    left = pc.subtract(scored.column("uid_l"), 1)
    right = pc.subtract(scored.column("uid_r"), 1)
    pairs = pa.table(
        {
            "left_id": pc.take(run.record_ids, left),
            "right_id": pc.take(run.record_ids, right),
            "match_weight": scored.column("match_weight"),
            "match_probability": scored.column("match_probability"),
        }
    )
    # cluster() on this very table can skip mapping record ids back to row numbers.
    run.scored = (pairs, np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64))
    return pairs


def run_scoring(state: ResolverState) -> Scoring:
    """The blocking and term frequencies of the current run."""
    run = state.run
    if run is None or run.model is None:
        raise RuntimeError("no scored records: call resolve() or predict() first")
    return Scoring(run.plan, run.excluded, run.model.term_frequency_tables())
