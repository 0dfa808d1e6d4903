"""The person model of a run: trained on its records without labels, or built from the
settings of a model trained before (:mod:`.saved_model`)."""

from __future__ import annotations

import time

from threadline.resolve.comparisons import PERSON_FIELDS
from threadline.resolve.normalise import Records
from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.run import PreparedRun
from threadline.resolve.splink_model import SplinkModel, starting_settings

__all__ = ["fit", "run_model"]


def fit(state: ResolverState, records: Records) -> None:
    """Prepare ``records`` and train the model on them (no labels needed)."""
    state.scoring = None
    run = state.open(records)
    started = time.perf_counter()
    run.model = state.engine.model(run, starting_settings(run.fields, run.plan))
    run.model.train(state.settings)
    state.model_settings = run.model.settings
    state.timings["train"] = time.perf_counter() - started


def run_model(state: ResolverState, run: PreparedRun) -> SplinkModel:
    """The model ``run`` scores with: the one trained on it, else one built from the
    resolver's model settings (and the term frequencies of the scoring it was given)."""
    if run.model is None:
        settings = dict(state.model_settings or {})
        settings["blocking_rules_to_generate_predictions"] = run.plan.splink_rules()
        # A loaded model compares the fields it was trained on, whatever this data holds.
        names = {c["output_column_name"] for c in settings["comparisons"]}
        run.fields = tuple(f for f in PERSON_FIELDS if f.name in names)
        run.model = state.engine.model(run, settings)
        if state.scoring is not None:
            run.model.frozen_tf = state.scoring.term_frequencies
    return run.model
