"""Clustering a run: scored pairs, deterministic identifiers and analyst judgements into
people (:func:`.cluster.cluster_graph`), only around what changed when an incremental run
gives the earlier clusters; then adverts joined to a woman's records through her working
name (:mod:`.working_names`), and the run's result."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.cluster import (
    cluster_graph,
    comparable,
    components,
    judgement_conflicts,
    reached,
)
from threadline.resolve.integrity import (
    CONTRADICTION_FIELDS,
    FAMILY_NAMES,
    contradicting_pairs,
    reason_words,
)
from threadline.resolve.one_name import ONE_NAME_SQL, attach_one_name
from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.results import JudgementLike, ResolutionResult, to_judgement
from threadline.resolve.run import PreparedRun
from threadline.resolve.saved_model import model_json
from threadline.resolve.scoring import run_scoring
from threadline.resolve.working_names import WorkingNameJoin, join_working_names

__all__ = ["cluster_checks", "cluster_run", "run_result", "working_names"]


def cluster_run(
    state: ResolverState,
    pairs: pa.Table,
    judgements: Iterable[JudgementLike],
    earlier: Mapping[str, str] | None = None,
    seeds: np.ndarray | None = None,
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Cluster the current run. With ``earlier`` clusters, only the records connected to
    ``seeds`` (row numbers) are clustered again; the others keep their earlier cluster."""
    run = state.run
    if run is None:
        raise RuntimeError("no records: call fit() or predict() first")
    started = time.perf_counter()
    if run.scored is not None and run.scored[0] is pairs:
        left, right = run.scored[1], run.scored[2]
    else:
        left = run.uids(pairs.column("left_id"))
        right = run.uids(pairs.column("right_id"))
    prob = comparable(np.asarray(pairs.column("match_probability"), dtype=np.float64))
    ok = (left >= 0) & (right >= 0)
    left, right, prob = left[ok], right[ok], prob[ok]
    same, different = _judged(run, judgements)
    if state.settings.record_apart:
        different = different + run.record_pairs()
    strong = run.strong_pairs(state.settings.deterministic)
    threshold = state.settings.match_threshold
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
    state.counts["reclustered"] = len(nodes)
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
            comparable(np.asarray(table.column("match_probability"), dtype=np.float64)),
        )

    trusted = _trusted(left, right, prob, state.settings.integrity_trust)

    def contradictions(found: np.ndarray, groups: np.ndarray) -> Any:
        a, b, reasons = contradicting_pairs(
            run.con, nodes[found], groups, families=_families(state)
        )
        kept = ~_is_trusted(trusted, a, b)
        why = [r for r, k in zip(reasons, kept.tolist(), strict=True) if k]
        return position[a[kept]], position[b[kept]], why

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
        max_component=state.settings.max_component,
        veto=state.settings.veto,
        contradictions=contradictions if state.settings.integrity else None,
    )
    found_labels = outcome.labels
    if state.settings.one_name:
        found_labels, joined = attach_one_name(
            found_labels,
            _one_name_rows(run)[nodes],
            (position[left[keep]], position[right[keep]], prob[keep]),
            threshold=threshold,
            veto=state.settings.veto,
            scorer=scorer,
            cannot=sub(different),
            contradictions=contradictions if state.settings.integrity else None,
            max_size=state.settings.max_component,
        )
        state.counts["one_name_joins"] = joined
    labels = np.full(run.size, -1, dtype=np.int64)
    labels[nodes] = found_labels
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
    state.kept_apart = _kept_apart(run, [
        (int(nodes[a]), int(nodes[b]), reason) for a, b, reason in outcome.kept_apart
    ])  # fmt: skip
    state.timings["cluster"] = time.perf_counter() - started
    return clusters, found


_OWN_FIELDS = frozenset({"phone", "national_id", "document_number", "email", "bank_account"})
"""Fields that hold something of one person's own (:data:`.integrity.FAMILY_NAMES`)."""


def _families(state: ResolverState) -> bool:
    """Whether records of one family with different given names count as contradicting:
    only where the run's records can hold something of one person's own that would say
    otherwise (a file of names and addresses alone has nothing to tell a typing slip in a
    first letter from a sister)."""
    run = state.run
    return (
        state.settings.family_names
        and run is not None
        and any(f.name in _OWN_FIELDS for f in run.fields)
    )


def _one_name_rows(run: PreparedRun) -> np.ndarray:
    """Per row number: whether the record gives a given name and nothing else of the
    person's own (:mod:`.one_name`)."""
    rows = run.con.sql(f"SELECT uid - 1 FROM tl_records WHERE {ONE_NAME_SQL}").fetchnumpy()  # noqa: S608 - SQL of our own constants
    out = np.zeros(run.size, dtype=bool)
    out[np.asarray(next(iter(rows.values())), dtype=np.int64)] = True
    return out


def _judged(
    run: PreparedRun, judgements: Iterable[JudgementLike]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """ "Same" and "different" judgements as pairs of row numbers of ``run``."""
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


def working_names(
    state: ResolverState, clusters: dict[str, str], judgements: Iterable[JudgementLike]
) -> tuple[dict[str, str], tuple[WorkingNameJoin, ...]]:
    """Join clusters of adverts to the woman's records (:mod:`.working_names`)."""
    run = state.run
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
        (j.left_id, j.right_id) for j in map(to_judgement, judgements) if j.verdict == "different"
    ]
    return join_working_names(rows, clusters, different)


def run_result(
    state: ResolverState,
    clusters: dict[str, str],
    pairs: pa.Table,
    conflicts: tuple[tuple[str, str], ...],
    started: float,
    judgements: Iterable[JudgementLike] = (),
) -> ResolutionResult:
    """What the run gives: ``clusters`` with adverts joined through working names, its
    ``pairs``, model, scoring, timings and counts (``started``: when it began)."""
    tick = time.perf_counter()
    clusters, joins = working_names(state, clusters, judgements)
    state.counts["working_name_joins"] = len(joins)
    state.counts |= cluster_checks(state, clusters, judgements, pairs)
    state.timings["cluster"] = state.timings.get("cluster", 0.0) + time.perf_counter() - tick
    return ResolutionResult(
        clusters,
        pairs,
        model_json(state),
        time.perf_counter() - started,
        conflicts,
        dict(state.timings),
        run_scoring(state),
        dict(state.counts),
        joins,
        tuple(state.kept_apart),
    )


def cluster_checks(
    state: ResolverState,
    clusters: Mapping[str, str],
    judgements: Iterable[JudgementLike] = (),
    pairs: pa.Table | None = None,
) -> dict[str, int]:
    """``contradictions``: how many clusters hold two records that contradict each other
    (:mod:`.integrity`), leaving out records an analyst judged the same and pairs the model
    itself scores at or above ``integrity_trust``; ``largest_cluster``: the records of the
    largest cluster."""
    run = state.run
    if run is None or not clusters:
        return {"contradictions": 0, "largest_cluster": 0}
    ids = run.record_ids
    heads = pa.array([clusters.get(i) for i in ids.to_pylist()], pa.string())
    labels = np.asarray(pc.dictionary_encode(heads).indices.fill_null(-1), dtype=np.int64)
    sizes = np.bincount(labels[labels >= 0])
    multi = np.flatnonzero((labels >= 0) & (sizes[np.maximum(labels, 0)] > 1))
    left, right, _ = contradicting_pairs(
        run.con, multi.astype(np.int64), labels[multi], families=_families(state)
    )
    if pairs is not None and pairs.num_rows:
        trusted = _trusted(
            run.uids(pairs.column("left_id")), run.uids(pairs.column("right_id")),
            np.asarray(pairs.column("match_probability"), dtype=np.float64),
            state.settings.integrity_trust,
        )  # fmt: skip
        kept = ~_is_trusted(trusted, left, right)
        left, right = left[kept], right[kept]
    same, _ = _judged(run, judgements)
    judged = components(
        run.size,
        np.array([a for a, _ in same], dtype=np.int64),
        np.array([b for _, b in same], dtype=np.int64),
    )
    bad = {int(labels[a]) for a, b in zip(left.tolist(), right.tolist(), strict=True)
           if judged[a] != judged[b]}  # fmt: skip
    return {"contradictions": len(bad), "largest_cluster": int(sizes.max()) if len(sizes) else 0}


def _kept_apart(run: PreparedRun, pairs: list[tuple[int, int, str]]) -> list[tuple[str, str, str]]:
    """Kept-apart pairs (row numbers) as record ids, with the contradiction in words."""
    if not pairs:
        return []
    wanted = sorted({x for a, b, _ in pairs for x in (a, b)})
    columns = ", ".join((*CONTRADICTION_FIELDS, FAMILY_NAMES))
    run.con.register("tl_apart_v", pa.table({"uid": np.array(wanted, dtype=np.int64) + 1}))
    try:
        rows = (
            run.con.sql(
                f"SELECT uid - 1 AS row, record_id, {columns} FROM tl_records "  # noqa: S608 - SQL of our own constants
                "WHERE uid IN (SELECT uid FROM tl_apart_v)"
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        run.con.unregister("tl_apart_v")
    by_row = {int(r["row"]): r for r in rows}
    return [
        (by_row[a]["record_id"], by_row[b]["record_id"], reason_words(reason, by_row[a], by_row[b]))
        for a, b, reason in pairs
    ]


def _trusted(
    left: np.ndarray, right: np.ndarray, prob: np.ndarray, level: float | None
) -> np.ndarray:
    """Sorted keys of the pairs (row numbers) scored at or above ``level`` (none without)."""
    sure = prob >= (level if level is not None else np.inf)
    a, b = np.minimum(left[sure], right[sure]), np.maximum(left[sure], right[sure])
    return np.unique(a.astype(np.int64) * (1 << 32) + b.astype(np.int64))


def _is_trusted(trusted: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b = np.minimum(left, right), np.maximum(left, right)
    return np.isin(a.astype(np.int64) * (1 << 32) + b.astype(np.int64), trusted)
