"""The person resolver: records in, people out, every decision explainable.

One engine serves ``threadline resolve`` (records read from the store) and ``threadline
evaluate er`` (records read from a CSV), so both run exactly the same code.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.blocking import BlockingPlan, add_keys, plan_blocking
from threadline.resolve.cluster import cluster_graph
from threadline.resolve.comparisons import PERSON_FIELDS
from threadline.resolve.explain import PairExplanation, build_explanation
from threadline.resolve.model import SplinkModel, fields_for
from threadline.resolve.normalise import Records, connect, prepare_in
from threadline.resolve.settings import IDENTIFIER_KEYS, ResolverSettings

__all__ = ["Judgement", "PersonResolver", "ResolutionResult"]

Verdict = Literal["same", "different", "unsure"]
MODEL_FORMAT = "threadline.person-resolver/1"


@dataclass(frozen=True, slots=True)
class Judgement:
    """An analyst's decision on a pair of records. It always beats the model."""

    left_id: str
    right_id: str
    verdict: Verdict
    """"same" forces a merge; "different" forbids one, even through other records; "unsure"
    leaves the pair to the model."""


JudgementLike = Judgement | tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class ResolutionResult:
    """What a resolution run produced."""

    clusters: dict[str, str]
    """Record id -> cluster id (the smallest record id in the cluster)."""
    pairs: pa.Table
    """Scored candidate pairs: ``left_id``, ``right_id``, ``match_weight``,
    ``match_probability`` (pairs below the settings' ``pair_floor`` are left out)."""
    model_json: str
    """The trained model and settings, as :meth:`PersonResolver.save_model` writes them."""
    seconds: float
    """Wall-clock time of the run."""
    conflicts: tuple[tuple[str, str], ...] = ()
    """"Different" judgements that "same" judgements overrode, for an analyst to settle."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (prepare, train, predict, cluster)."""


def _judgement(item: JudgementLike) -> Judgement:
    if isinstance(item, Judgement):
        return item
    left, right, verdict = item
    if verdict not in ("same", "different", "unsure"):
        raise ValueError(f"unknown verdict {verdict!r}")
    return Judgement(str(left), str(right), verdict)  # type: ignore[arg-type]


class _Run:
    """Records of one run, prepared in their own DuckDB database."""

    def __init__(self, records: Records, settings: ResolverSettings) -> None:
        self.tmp = tempfile.mkdtemp(prefix="threadline-resolve-")
        self.con = connect(settings.threads, settings.memory_limit)
        # Close the database and remove its spill directory when the run is dropped, even if
        # nobody calls close().
        self._finalizer = weakref.finalize(self, _release, self.con, self.tmp)
        self.con.execute("SET temp_directory = ?", [self.tmp])
        prepare_in(self.con, records, "tl_prepared")
        size = self.con.sql("SELECT count(*) FROM tl_prepared").fetchall()[0][0]
        budget = max(settings.min_pair_budget, int(settings.max_pairs_per_record * size))
        self.plan: BlockingPlan = plan_blocking(
            self.con, "tl_prepared", budget, settings.max_block_size
        )
        add_keys(self.con, "tl_prepared", "tl_records", self.plan)
        self.con.execute("DROP TABLE tl_prepared")
        ids = self.con.sql("SELECT uid, record_id FROM tl_records ORDER BY uid").to_arrow_table()
        self.record_ids: pa.ChunkedArray = ids.column("record_id")
        self.size = ids.num_rows
        if pc.count_distinct(self.record_ids).as_py() != self.size:
            raise ValueError("record_id values must be unique")
        self.fields = fields_for(self.con, "tl_records")
        self.model: SplinkModel | None = None
        self.scored: tuple[pa.Table, np.ndarray, np.ndarray] | None = None

    def uids(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Row numbers (uid - 1) of record ids; -1 for ids not in this run."""
        found = pc.index_in(ids, value_set=self.record_ids)
        return np.asarray(found.fill_null(-1), dtype=np.int64)

    def strong_pairs(self, identifiers: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (as row numbers) sharing a deterministic identifier: each to its key's first."""
        lefts, rights = [], []
        for name in identifiers:
            key = IDENTIFIER_KEYS[name]
            edges = self.con.sql(
                f"SELECT uid - 1 AS a, min(uid) OVER (PARTITION BY {key}) - 1 AS b "  # noqa: S608 - SQL of our own constants; values are bound
                f"FROM tl_records WHERE {key} IS NOT NULL"
            ).fetchnumpy()
            keep = edges["a"] != edges["b"]
            lefts.append(np.asarray(edges["a"][keep], dtype=np.int64))
            rights.append(np.asarray(edges["b"][keep], dtype=np.int64))
        if not lefts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(lefts), np.concatenate(rights)

    def record_pairs(self) -> list[tuple[int, int]]:
        """Pairs (as row numbers) of person records from one source record."""
        found = self.con.sql(
            "SELECT a.uid - 1, b.uid - 1 FROM tl_records a JOIN tl_records b "
            "ON a.record = b.record AND a.uid < b.uid"
        ).fetchall()
        return [(int(a), int(b)) for a, b in found]

    def close(self) -> None:
        self._finalizer()


def _release(con: Any, path: str) -> None:
    con.close()
    shutil.rmtree(path, ignore_errors=True)


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

    def __init__(self, settings: ResolverSettings | None = None) -> None:
        self.settings = settings or ResolverSettings()
        self._model_settings: dict[str, Any] | None = None
        self._run: _Run | None = None
        self._timings: dict[str, float] = {}

    # -- the steps -----------------------------------------------------------------------

    def _open(self, records: Records) -> _Run:
        if self._run is not None:
            self._run.close()
        started = time.perf_counter()
        self._run = _Run(records, self.settings)
        self._timings = {"prepare": time.perf_counter() - started}
        return self._run

    def fit(self, records: Records) -> PersonResolver:
        """Prepare ``records`` and train the model on them (no labels needed)."""
        run = self._open(records)
        started = time.perf_counter()
        run.model = SplinkModel.untrained(run.con, "tl_records", run.fields, run.plan)
        run.model.train(self.settings)
        self._model_settings = run.model.settings
        self._timings["train"] = time.perf_counter() - started
        return self

    def predict(self, records: Records | None = None) -> pa.Table:
        """Score candidate pairs of ``records`` (default: the records of :meth:`fit`)."""
        if self._model_settings is None:
            raise RuntimeError("no model: call fit() or load_model() first")
        run = self._run if records is None else self._open(records)
        if run is None:
            raise RuntimeError("no records: pass records to predict()")
        if run.model is None:
            settings = dict(self._model_settings)
            settings["blocking_rules_to_generate_predictions"] = run.plan.splink_rules()
            # A loaded model compares the fields it was trained on, whatever this data holds.
            names = {c["output_column_name"] for c in settings["comparisons"]}
            run.fields = tuple(f for f in PERSON_FIELDS if f.name in names)
            run.model = SplinkModel(run.con, "tl_records", settings, run.fields)
        started = time.perf_counter()
        scored = run.model.predict(run.plan, self.settings.pair_floor)
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
        self._timings["predict"] = time.perf_counter() - started
        return pairs

    def cluster(self, pairs: pa.Table, judgements: Iterable[JudgementLike] = ()) -> dict[str, str]:
        """Cluster the records of the current run from scored ``pairs`` and judgements."""
        return self._cluster(pairs, judgements)[0]

    def _cluster(
        self, pairs: pa.Table, judgements: Iterable[JudgementLike]
    ) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
        run = self._run
        if run is None:
            raise RuntimeError("no records: call fit() or predict() first")
        started = time.perf_counter()
        if run.scored is not None and run.scored[0] is pairs:
            left, right = run.scored[1], run.scored[2]
        else:
            left = run.uids(pairs.column("left_id"))
            right = run.uids(pairs.column("right_id"))
        prob = np.asarray(pairs.column("match_probability"), dtype=np.float64)
        ok = (left >= 0) & (right >= 0)
        same, different = self._judged(run, judgements)
        if self.settings.record_apart:
            different = different + run.record_pairs()
        model = run.model

        def scorer(nodes: np.ndarray, groups: np.ndarray) -> Any:
            if model is None:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, np.zeros(0)
            table = model.score_within(nodes + 1, groups)
            return (
                np.asarray(table.column("uid_l"), dtype=np.int64) - 1,
                np.asarray(table.column("uid_r"), dtype=np.int64) - 1,
                np.asarray(table.column("match_probability"), dtype=np.float64),
            )

        outcome = cluster_graph(
            run.size,
            left[ok],
            right[ok],
            prob[ok],
            threshold=self.settings.match_threshold,
            forced=same,
            cannot=different,
            strong=run.strong_pairs(self.settings.deterministic),
            scorer=scorer,
            max_component=self.settings.max_component,
            veto=self.settings.veto,
        )
        labelled = pa.table({"record_id": run.record_ids, "label": outcome.labels})
        heads = labelled.group_by("label").aggregate([("record_id", "min")])
        joined = labelled.join(heads, "label")
        clusters = dict(
            zip(
                joined.column("record_id").to_pylist(),
                joined.column("record_id_min").to_pylist(),
                strict=True,
            )
        )
        ids = run.record_ids
        conflicts = tuple((ids[a].as_py(), ids[b].as_py()) for a, b in outcome.conflicts)
        self._timings["cluster"] = time.perf_counter() - started
        return clusters, conflicts

    @staticmethod
    def _judged(
        run: _Run, judgements: Iterable[JudgementLike]
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        items = [_judgement(j) for j in judgements]
        items = [j for j in items if j.verdict != "unsure"]
        if not items:
            return [], []
        left = run.uids(pa.array([j.left_id for j in items], pa.string()))
        right = run.uids(pa.array([j.right_id for j in items], pa.string()))
        same: list[tuple[int, int]] = []
        different: list[tuple[int, int]] = []
        for j, a, b in zip(items, left.tolist(), right.tolist(), strict=True):
            if a < 0 or b < 0 or a == b:
                continue
            (same if j.verdict == "same" else different).append((a, b))
        return same, different

    def resolve(
        self, records: Records, judgements: Iterable[JudgementLike] = ()
    ) -> ResolutionResult:
        """Prepare, train (unless a model is loaded), score and cluster ``records``."""
        started = time.perf_counter()
        if self._model_settings is None:
            self.fit(records)
            pairs = self.predict()
        else:
            pairs = self.predict(records)
        clusters, conflicts = self._cluster(pairs, judgements)
        return ResolutionResult(
            clusters,
            pairs,
            self.model_json(),
            time.perf_counter() - started,
            conflicts,
            dict(self._timings),
        )

    # -- explanations --------------------------------------------------------------------

    def explain_pair(self, left_id: str, right_id: str) -> PairExplanation:
        """Why the model scores two records of the current run as it does, field by field."""
        run = self._run
        if run is None or run.model is None:
            raise RuntimeError("no scored records: call resolve() or predict() first")
        found = run.uids(pa.array([left_id, right_id], pa.string())).tolist()
        if min(found) < 0:
            missing = [i for i, f in zip((left_id, right_id), found, strict=True) if f < 0]
            raise KeyError(f"record not in this run: {', '.join(missing)}")
        row = run.model.explain(found[0] + 1, found[1] + 1, ["given_raw", "surname_raw"])
        if row["uid_l"] != found[0] + 1:
            row = _swap_sides(row)
        return build_explanation(left_id, right_id, row, run.fields, run.model.prior)

    # -- the model -----------------------------------------------------------------------

    def model_json(self) -> str:
        """The trained model and these settings as JSON."""
        if self._model_settings is None:
            raise RuntimeError("no model: call fit() or load_model() first")
        document = {
            "format": MODEL_FORMAT,
            "settings": self.settings.to_dict(),
            "splink": self._model_settings,
        }
        return json.dumps(document, indent=2, sort_keys=True, default=str)

    def save_model(self, path: str | Path) -> None:
        """Write the trained model, so that a later run scores exactly the same way."""
        Path(path).write_text(self.model_json(), encoding="utf-8")

    @classmethod
    def load_model(cls, path: str | Path) -> PersonResolver:
        """A resolver with a model saved by :meth:`save_model` (it will not retrain)."""
        return cls.from_model_json(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def from_model_json(cls, text: str) -> PersonResolver:
        """A resolver with the model of :meth:`model_json` (it will not retrain)."""
        document = json.loads(text)
        if document.get("format") != MODEL_FORMAT:
            raise ValueError("not a Threadline person-resolver model")
        resolver = cls(ResolverSettings.from_dict(document["settings"]))
        resolver._model_settings = document["splink"]
        return resolver

    def close(self) -> None:
        """Release the DuckDB database of the current run."""
        if self._run is not None:
            self._run.close()
            self._run = None

    def __enter__(self) -> PersonResolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _swap_sides(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_l"):
            out[key[:-2] + "_r"] = value
        elif key.endswith("_r"):
            out[key[:-2] + "_l"] = value
        else:
            out[key] = value
    return out
