"""The person resolver: records in, people out, every decision explainable.

One engine serves ``threadline resolve`` (records read from the store) and ``threadline
evaluate er`` (records read from a CSV), so both run exactly the same code.

`PersonResolver` is a facade: each job is a module of functions over the resolver's state
(:mod:`.resolver_state`): training (:mod:`.training`), scoring (:mod:`.scoring`), clustering
(:mod:`.clustering_run`), incremental updates (:mod:`.updating`), explanations
(:mod:`.explain`) and the saved model (:mod:`.saved_model`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa

from threadline.resolve import clustering_run, saved_model, scoring, training, updating
from threadline.resolve.engines import Engine
from threadline.resolve.explain import PairExplanation, explain_pair, explain_pairs
from threadline.resolve.normalise import Records
from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.results import (
    Earlier,
    Judgement,
    JudgementLike,
    ResolutionResult,
    Scoring,
)
from threadline.resolve.settings import ResolverSettings

__all__ = ["Earlier", "Judgement", "PersonResolver", "ResolutionResult", "Scoring"]


class PersonResolver:
    """Resolve person records into people: deterministic identifiers, a Splink model trained
    without labels, constrained clustering, analyst judgements on top.

    >>> import pyarrow as pa
    >>> records = pa.table({
    ...     "record_id": ["a", "b", "c"],
    ...     "full_name": ["Nguyen Thi Lan", "LAN NGUYEN", "John Smith"],
    ...     "date_of_birth": ["1990-09-05", "05/09/1990", "1971-01-02"],
    ...     "document_number": ["X1234567", "X1234567", None],
    ... })
    >>> result = PersonResolver().resolve(records)
    >>> result.clusters["a"] == result.clusters["b"] != result.clusters["c"]
    True
    """

    def __init__(
        self, settings: ResolverSettings | None = None, engine: Engine | None = None
    ) -> None:
        self._state = ResolverState(settings or ResolverSettings(), engine)

    @property
    def settings(self) -> ResolverSettings:
        """Every knob of this resolver, saved with its model."""
        return self._state.settings

    @settings.setter
    def settings(self, settings: ResolverSettings) -> None:
        self._state.settings = settings

    # -- the steps -----------------------------------------------------------------------

    def fit(self, records: Records) -> PersonResolver:
        """Prepare ``records`` and train the model on them (no labels needed)."""
        training.fit(self._state, records)
        return self

    def predict(self, records: Records | None = None) -> pa.Table:
        """Score candidate pairs of ``records`` (default: the records of :meth:`fit`)."""
        return scoring.predict(self._state, records)

    def cluster(self, pairs: pa.Table, judgements: Iterable[JudgementLike] = ()) -> dict[str, str]:
        """Cluster the records of the current run from scored ``pairs`` and judgements."""
        return clustering_run.cluster_run(self._state, pairs, judgements)[0]

    def resolve(
        self, records: Records, judgements: Iterable[JudgementLike] = ()
    ) -> ResolutionResult:
        """Prepare, train (unless a model is loaded), score and cluster ``records``."""
        started = time.perf_counter()
        self._state.counts = {}
        judgements = list(judgements)
        if self._state.model_settings is None:
            self.fit(records)
            pairs = self.predict()
        else:
            pairs = self.predict(records)
        clusters, conflicts = clustering_run.cluster_run(self._state, pairs, judgements)
        return clustering_run.run_result(
            self._state, clusters, pairs, conflicts, started, judgements
        )

    def update(
        self,
        records: Records,
        earlier: Earlier,
        judgements: Iterable[JudgementLike] = (),
    ) -> ResolutionResult:
        """Resolve ``records`` after an earlier run of this model and scoring: score only the
        pairs with a record that is new (or changed) since, take the earlier scores for the
        rest, and cluster again only the records that new pairs, lost pairs, changed
        judgements or removed records can reach. The result is what :meth:`resolve` with the
        same model and scoring gives on the same records, at a fraction of the cost.
        """
        return updating.update(self._state, records, earlier, judgements)

    def digests(self) -> dict[str, str]:
        """A digest of each record's prepared values in the current run, for a later
        :meth:`update` to tell which records changed (see :attr:`Earlier.digests`)."""
        return updating.digests(self._state)

    def scoring(self) -> Scoring:
        """The blocking and term frequencies of the current run."""
        return scoring.run_scoring(self._state)

    # -- explanations --------------------------------------------------------------------

    def explain_pair(self, left_id: str, right_id: str) -> PairExplanation:
        """Why the model scores two records of the current run as it does, field by field."""
        return explain_pair(self._state.run, left_id, right_id)

    def explain_pairs(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], PairExplanation]:
        """:meth:`explain_pair` for many pairs in one scoring pass; a pair with a record not
        in the current run is left out."""
        return explain_pairs(self._state.run, pairs)

    # -- the model -----------------------------------------------------------------------

    def model_json(self) -> str:
        """The trained model and these settings as JSON."""
        return saved_model.model_json(self._state)

    def save_model(self, path: str | Path) -> None:
        """Write the trained model, so that a later run scores exactly the same way."""
        Path(path).write_text(self.model_json(), encoding="utf-8")

    @classmethod
    def load_model(cls, path: str | Path) -> PersonResolver:
        """A resolver with a model saved by :meth:`save_model` (it will not retrain)."""
        return cls.from_model_json(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def from_model_json(
        cls, text: str, scoring: Scoring | None = None, engine: Engine | None = None
    ) -> PersonResolver:
        """A resolver with the model of :meth:`model_json` (it will not retrain); with the
        ``scoring`` of a run, it blocks and weighs names exactly as that run did."""
        settings, model_settings = saved_model.read_model_json(text)
        resolver = cls(settings, engine)
        resolver._state.model_settings = model_settings
        resolver._state.scoring = scoring
        return resolver

    def close(self) -> None:
        """Release the DuckDB database of the current run."""
        self._state.close()

    def __enter__(self) -> PersonResolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
