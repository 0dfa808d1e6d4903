"""Incremental resolution: a run after an earlier one of the same model and scoring scores
only the pairs with a record new or changed since, takes the earlier scores for the rest, and
clusters again only what those reach (:meth:`PersonResolver.update`)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.blocking import blocked_pairs
from threadline.resolve.clustering_run import cluster_run, run_result
from threadline.resolve.normalise import Records
from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.results import Earlier, JudgementLike, ResolutionResult, to_judgement
from threadline.resolve.scoring import scored_pairs
from threadline.resolve.training import run_model

__all__ = ["digests", "update"]


def update(
    state: ResolverState,
    records: Records,
    earlier: Earlier,
    judgements: Iterable[JudgementLike] = (),
) -> ResolutionResult:
    """Resolve ``records`` after an earlier run of this model and scoring: score only the
    pairs with a record that is new (or changed) since, take the earlier scores for the
    rest, and cluster again only the records that new pairs, lost pairs, changed
    judgements or removed records can reach. The result is what :meth:`PersonResolver.resolve` with
    the same model and scoring gives on the same records, at a fraction of the cost.
    """
    if state.model_settings is None or state.scoring is None:
        raise RuntimeError("update() needs a model loaded with the scoring of its run")
    started = time.perf_counter()
    state.counts = {}
    run = state.open(records)
    model = run_model(state, run)
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
    state.counts.update(fresh=int(fresh.sum()), changed=changed, scored=count)
    floor = state.settings.pair_floor
    scored = scored_pairs(run, model.predict_blocked("tl_update_pairs", floor))
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
        state.settings.match_threshold
    )
    kept = pairs.filter(pa.array(valid & still)).select(list(scored.column_names))
    state.counts["kept"] = kept.num_rows
    merged = pa.concat_tables([kept.cast(scored.schema), scored])
    state.timings["predict"] = time.perf_counter() - tick
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
    clusters, conflicts = cluster_run(state, merged, now_judged, before, seeds)
    return run_result(state, clusters, merged, conflicts, started, now_judged)


def digests(state: ResolverState) -> dict[str, str]:
    """A digest of each record's prepared values in the current run, for a later
    :func:`update` to tell which records changed (see :attr:`Earlier.digests`)."""
    run = state.run
    if run is None:
        raise RuntimeError("no records: call resolve() or predict() first")
    return dict(zip(run.record_ids.to_pylist(), run.digests().to_pylist(), strict=True))
