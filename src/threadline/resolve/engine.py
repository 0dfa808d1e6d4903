"""The person resolver: records in, people out, every decision explainable.

One engine serves ``threadline resolve`` (records read from the store) and ``threadline
evaluate er`` (records read from a CSV), so both run exactly the same code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.blocking import blocked_pairs
from threadline.resolve.cluster import cluster_graph, judgement_conflicts, reached
from threadline.resolve.comparisons import PERSON_FIELDS
from threadline.resolve.explain import PairExplanation, build_explanation
from threadline.resolve.normalise import Records
from threadline.resolve.results import (
    Earlier,
    Judgement,
    JudgementLike,
    ResolutionResult,
    Scoring,
    to_judgement,
)
from threadline.resolve.run import PreparedRun
from threadline.resolve.settings import ResolverSettings
from threadline.resolve.splink_model import SplinkModel
from threadline.resolve.working_names import WorkingNameJoin, join_working_names

__all__ = ["Earlier", "Judgement", "PersonResolver", "ResolutionResult", "Scoring"]

MODEL_FORMAT = "threadline.person-resolver/1"


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
        self._scoring: Scoring | None = None
        self._run: PreparedRun | None = None
        self._timings: dict[str, float] = {}
        self._counts: dict[str, int] = {}

    # -- the steps -----------------------------------------------------------------------

    def _open(self, records: Records) -> PreparedRun:
        if self._run is not None:
            self._run.close()
        started = time.perf_counter()
        self._run = PreparedRun(records, self.settings, self._scoring)
        self._timings = {"prepare": time.perf_counter() - started}
        return self._run

    def fit(self, records: Records) -> PersonResolver:
        """Prepare ``records`` and train the model on them (no labels needed)."""
        self._scoring = None
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
        model = self._model(run)
        started = time.perf_counter()
        pairs = self._pairs(run, model.predict(run.plan, self.settings.pair_floor))
        self._timings["predict"] = time.perf_counter() - started
        return pairs

    def _model(self, run: PreparedRun) -> SplinkModel:
        if run.model is None:
            settings = dict(self._model_settings or {})
            settings["blocking_rules_to_generate_predictions"] = run.plan.splink_rules()
            # A loaded model compares the fields it was trained on, whatever this data holds.
            names = {c["output_column_name"] for c in settings["comparisons"]}
            run.fields = tuple(f for f in PERSON_FIELDS if f.name in names)
            run.model = SplinkModel(run.con, "tl_records", settings, run.fields)
            if self._scoring is not None:
                run.model.frozen_tf = self._scoring.term_frequencies
        return run.model

    @staticmethod
    def _pairs(run: PreparedRun, scored: pa.Table) -> pa.Table:
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

    def cluster(self, pairs: pa.Table, judgements: Iterable[JudgementLike] = ()) -> dict[str, str]:
        """Cluster the records of the current run from scored ``pairs`` and judgements."""
        return self._cluster(pairs, judgements)[0]

    def _cluster(
        self,
        pairs: pa.Table,
        judgements: Iterable[JudgementLike],
        earlier: Mapping[str, str] | None = None,
        seeds: np.ndarray | None = None,
    ) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
        """Cluster the current run. With ``earlier`` clusters, only the records connected to
        ``seeds`` (row numbers) are clustered again; the others keep their earlier cluster."""
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
        left, right, prob = left[ok], right[ok], prob[ok]
        same, different = self._judged(run, judgements)
        if self.settings.record_apart:
            different = different + run.record_pairs()
        strong = run.strong_pairs(self.settings.deterministic)
        threshold = self.settings.match_threshold
        if earlier is None or seeds is None:
            nodes = np.arange(run.size, dtype=np.int64)
        else:
            # Clusters are decided component by component (groups joined by pairs at or
            # above the threshold), so those no seed reaches come out as they did before.
            strong_pair = prob >= threshold
            edges_a = np.concatenate(
                [left[strong_pair], strong[0], np.array([a for a, _ in same], dtype=np.int64)]
            )
            edges_b = np.concatenate(
                [right[strong_pair], strong[1], np.array([b for _, b in same], dtype=np.int64)]
            )
            nodes = np.flatnonzero(reached(run.size, edges_a, edges_b, seeds)).astype(np.int64)
        self._counts["reclustered"] = len(nodes)
        position = np.full(run.size, -1, dtype=np.int64)
        position[nodes] = np.arange(len(nodes))

        def inside(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.asarray((position[a] >= 0) & (position[b] >= 0))

        def sub(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return [(int(position[a]), int(position[b])) for a, b in items
                    if position[a] >= 0 and position[b] >= 0]  # fmt: skip

        model = run.model

        def scorer(found: np.ndarray, groups: np.ndarray) -> Any:
            if model is None:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, np.zeros(0)
            table = model.score_within(nodes[found] + 1, groups)
            return (
                position[np.asarray(table.column("uid_l"), dtype=np.int64) - 1],
                position[np.asarray(table.column("uid_r"), dtype=np.int64) - 1],
                np.asarray(table.column("match_probability"), dtype=np.float64),
            )

        keep = inside(left, right)
        strong_keep = inside(strong[0], strong[1])
        outcome = cluster_graph(
            len(nodes),
            position[left[keep]],
            position[right[keep]],
            prob[keep],
            threshold=threshold,
            forced=sub(same),
            cannot=sub(different),
            strong=(position[strong[0][strong_keep]], position[strong[1][strong_keep]]),
            scorer=scorer,
            max_component=self.settings.max_component,
            veto=self.settings.veto,
        )
        labels = np.full(run.size, -1, dtype=np.int64)
        labels[nodes] = outcome.labels
        ids = run.record_ids
        conflicts = outcome.conflicts
        if len(nodes) < run.size and earlier is not None:
            # The others keep their earlier clusters, under labels of their own.
            rest = np.flatnonzero(labels < 0)
            before = pa.array([earlier[i] for i in pc.take(ids, rest).to_pylist()], pa.string())
            offset = int(outcome.labels.max()) + 1 if len(nodes) else 0
            labels[rest] = offset + np.asarray(pc.dictionary_encode(before).indices, dtype=np.int64)
            conflicts = judgement_conflicts(run.size, same, different, strong)
        labelled = pa.table({"record_id": ids, "label": labels})
        heads = labelled.group_by("label").aggregate([("record_id", "min")])
        joined = labelled.join(heads, "label")
        clusters = dict(
            zip(
                joined.column("record_id").to_pylist(),
                joined.column("record_id_min").to_pylist(),
                strict=True,
            )
        )
        found = tuple((ids[a].as_py(), ids[b].as_py()) for a, b in conflicts)
        self._timings["cluster"] = time.perf_counter() - started
        return clusters, found

    @staticmethod
    def _judged(
        run: PreparedRun, judgements: Iterable[JudgementLike]
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        items = [to_judgement(j) for j in judgements]
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
        self._counts = {}
        judgements = list(judgements)
        if self._model_settings is None:
            self.fit(records)
            pairs = self.predict()
        else:
            pairs = self.predict(records)
        clusters, conflicts = self._cluster(pairs, judgements)
        return self._result(clusters, pairs, conflicts, started, judgements)

    def _working_names(
        self, clusters: dict[str, str], judgements: Iterable[JudgementLike]
    ) -> tuple[dict[str, str], tuple[WorkingNameJoin, ...]]:
        """Join clusters of adverts to the woman's records (:mod:`.working_names`)."""
        run = self._run
        if run is None:
            raise RuntimeError("no records: call fit() or predict() first")
        con = run.con
        adverts = "surname IS NULL AND dob_y IS NULL AND born_about IS NOT NULL"
        if not con.sql(f"SELECT 1 FROM tl_records WHERE {adverts} LIMIT 1").fetchall():  # noqa: S608 - SQL of our own constants
            return clusters, ()  # no adverts, nothing to join
        con.register(
            "tl_labels_v",
            pa.table({"record_id": list(clusters), "label": list(clusters.values())}),
        )
        rows = (
            con.sql(
                f"""WITH lab AS (SELECT * FROM tl_labels_v),
                lines AS (SELECT DISTINCT phone FROM tl_records
                    WHERE photo_group IS NOT NULL AND phone IS NOT NULL),
                wanted AS (
                    SELECT DISTINCT label FROM tl_records JOIN lab USING (record_id)
                    WHERE phone IN (SELECT phone FROM lines) OR ({adverts})
                        OR list_has_any(ctx_phones, (SELECT list(phone) FROM lines)))
                SELECT r.record_id, r.given, r.surname, r.dob_y, r.born_about, r.phone,
                    r.aliases, r.photo_group, r.ctx_phones
                FROM tl_records r JOIN lab USING (record_id)
                WHERE lab.label IN (SELECT label FROM wanted) OR r.photo_group IS NOT NULL
                ORDER BY r.uid"""  # noqa: S608 - SQL of our own constants
            )
            .to_arrow_table()
            .to_pylist()
        )
        con.unregister("tl_labels_v")
        different = [
            (j.left_id, j.right_id)
            for j in map(to_judgement, judgements)
            if j.verdict == "different"
        ]
        return join_working_names(rows, clusters, different)

    def _result(
        self,
        clusters: dict[str, str],
        pairs: pa.Table,
        conflicts: tuple[tuple[str, str], ...],
        started: float,
        judgements: Iterable[JudgementLike] = (),
    ) -> ResolutionResult:
        tick = time.perf_counter()
        clusters, joins = self._working_names(clusters, judgements)
        self._counts["working_name_joins"] = len(joins)
        self._timings["cluster"] = self._timings.get("cluster", 0.0) + time.perf_counter() - tick
        return ResolutionResult(
            clusters,
            pairs,
            self.model_json(),
            time.perf_counter() - started,
            conflicts,
            dict(self._timings),
            self.scoring(),
            dict(self._counts),
            joins,
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
        if self._model_settings is None or self._scoring is None:
            raise RuntimeError("update() needs a model loaded with the scoring of its run")
        started = time.perf_counter()
        self._counts = {}
        run = self._open(records)
        model = self._model(run)
        tick = time.perf_counter()
        ids = run.record_ids
        known = pa.array(list(earlier.clusters), pa.string())
        fresh = ~np.asarray(pc.is_in(ids, value_set=known))
        changed = 0
        if earlier.digests:
            was = pa.array([earlier.digests.get(i) for i in ids.to_pylist()], pa.string())
            differ = np.asarray(pc.fill_null(pc.not_equal(was, run.digests()), False))
            changed = int((differ & ~fresh).sum())
            fresh |= differ
        removed = earlier.removed + len(known) - int(np.asarray(pc.is_in(known, ids)).sum())
        # Candidate pairs as the whole run would block them: those with a fresh record are
        # scored, the others were scored before.
        con = run.con
        con.execute("CREATE OR REPLACE TEMP TABLE tl_fresh AS SELECT uid FROM tl_records LIMIT 0")
        con.register("tl_fresh_v", pa.table({"uid": np.flatnonzero(fresh) + 1}))
        con.execute("INSERT INTO tl_fresh SELECT uid FROM tl_fresh_v")
        con.unregister("tl_fresh_v")
        blocked_pairs(con, "tl_records", run.plan, "tl_update_pairs")
        old_only = (
            "join_key_l NOT IN (SELECT uid FROM tl_fresh) "
            "AND join_key_r NOT IN (SELECT uid FROM tl_fresh)"
        )
        old = con.sql(
            "SELECT join_key_l - 1 AS a, join_key_r - 1 AS b "  # noqa: S608 - SQL of our own constants
            f"FROM tl_update_pairs WHERE {old_only}"
        ).fetchnumpy()
        con.execute(f"DELETE FROM tl_update_pairs WHERE {old_only}")  # noqa: S608 - SQL of our own constants
        con.execute("DROP TABLE tl_fresh")
        count = int(con.sql("SELECT count(*) FROM tl_update_pairs").fetchall()[0][0])
        self._counts.update(fresh=int(fresh.sum()), changed=changed, scored=count)
        floor = self.settings.pair_floor
        scored = self._pairs(run, model.predict_blocked("tl_update_pairs", floor))
        # The earlier scores of pairs the run still blocks; a lost pair (a block grown past
        # its cap) changes the clusters around it.
        pairs = earlier.pairs
        a = run.uids(pairs.column("left_id"))
        b = run.uids(pairs.column("right_id"))
        valid = (a >= 0) & (b >= 0)
        valid[valid] &= ~fresh[a[valid]] & ~fresh[b[valid]]
        size = max(run.size, 1)
        code = np.minimum(a, b) * size + np.maximum(a, b)
        still = np.isin(code, np.asarray(old["a"], dtype=np.int64) * size + old["b"])
        lost = valid & ~still
        lost &= np.asarray(pairs.column("match_probability"), dtype=np.float64) >= (
            self.settings.match_threshold
        )
        kept = pairs.filter(pa.array(valid & still)).select(list(scored.column_names))
        self._counts["kept"] = kept.num_rows
        merged = pa.concat_tables([kept.cast(scored.schema), scored])
        self._timings["predict"] = time.perf_counter() - tick
        # What changed since: fresh records, lost pairs, judgements given or withdrawn.
        now_judged = [to_judgement(j) for j in judgements]
        judged_then, judged_now = (
            {(min(j.left_id, j.right_id), max(j.left_id, j.right_id), j.verdict) for j in items}
            for items in (map(to_judgement, earlier.judgements), now_judged)
        )
        touched = [x for j in judged_then ^ judged_now if j[2] != "unsure" for x in j[:2]]
        seeds = np.concatenate(
            [
                np.flatnonzero(fresh),
                a[lost],
                b[lost],
                run.uids(pa.array(touched, pa.string())),
            ]
        ).astype(np.int64)
        seeds = seeds[seeds >= 0]
        if removed or changed:
            # A record that left (or changed) may have held apart, or together, records it
            # no longer reaches: cluster everything again (with the earlier scores).
            seeds = np.arange(run.size, dtype=np.int64)
        # The earlier joins of adverts to a woman's records are undone: the clusters are made
        # as a run from scratch makes them, and the joins made again after.
        before: Mapping[str, str] = earlier.clusters
        if earlier.joins:
            before = dict(earlier.clusters)
            for join in earlier.joins:
                for record in join.adverts:
                    before[record] = f"\0adverts:{min(join.adverts)}"
        clusters, conflicts = self._cluster(merged, now_judged, before, seeds)
        return self._result(clusters, merged, conflicts, started, now_judged)

    def digests(self) -> dict[str, str]:
        """A digest of each record's prepared values in the current run, for a later
        :meth:`update` to tell which records changed (see :attr:`Earlier.digests`)."""
        run = self._run
        if run is None:
            raise RuntimeError("no records: call resolve() or predict() first")
        return dict(zip(run.record_ids.to_pylist(), run.digests().to_pylist(), strict=True))

    def scoring(self) -> Scoring:
        """The blocking and term frequencies of the current run."""
        run = self._run
        if run is None or run.model is None:
            raise RuntimeError("no scored records: call resolve() or predict() first")
        return Scoring(run.plan, run.excluded, run.model.term_frequency_tables())

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
    def from_model_json(cls, text: str, scoring: Scoring | None = None) -> PersonResolver:
        """A resolver with the model of :meth:`model_json` (it will not retrain); with the
        ``scoring`` of a run, it blocks and weighs names exactly as that run did."""
        document = json.loads(text)
        if document.get("format") != MODEL_FORMAT:
            raise ValueError("not a Threadline person-resolver model")
        resolver = cls(ResolverSettings.from_dict(document["settings"]))
        resolver._model_settings = document["splink"]
        resolver._scoring = scoring
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
