"""Incremental person runs: what an earlier run left, and whether to train afresh.

A run after an earlier one reuses that run's model and scoring, scores only the person
mentions that are new or changed since (against all the others), takes the earlier scores for
the rest, and clusters again only what those touch. The result is the one scoring everything
with the same model gives. A run trains afresh when asked (``full=True``), when there is no
earlier model, or when the people have more than doubled since the model was trained.

Each run keeps, in its ``state``, what the next one needs (:func:`run_state`): the store's
fingerprint (nothing new since, nothing to do), the people counted and trained on, the
judgements and working-name joins it applied, and its blocking; its pairs, and each mention's
entity and digest, are kept in their own tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline import __version__
from threadline.resolve.engine import (
    Earlier,
    Judgement,
    PersonResolver,
    ResolutionResult,
    Scoring,
)
from threadline.resolve.engines import Engine
from threadline.resolve.groups import person_table
from threadline.resolve.working_names import WorkingNameJoin
from threadline.store import tables as t

__all__ = [
    "RETRAIN_GROWTH",
    "People",
    "fingerprint",
    "load_scoring",
    "resolve_people",
    "run_state",
    "unchanged_run",
]

RETRAIN_GROWTH = 2.0
"""A run trains the person model afresh when the person mentions have grown by this factor
since the model was trained: a model learnt on a few sources fits many sources less well."""


@dataclass(slots=True)
class People:
    """The person clusters of a run and how they were made."""

    clusters: dict[str, str]
    result: ResolutionResult | None = None
    mode: str = "trained"
    model_run_id: int | None = None
    scoring: Scoring | None = None
    digests: dict[str, str] = field(default_factory=dict)
    trained_people: int = 0
    people: int = 0

    def fresh_count(self) -> int:
        """Person mentions scored again by an incremental run."""
        return self.result.counts.get("fresh", 0) if self.result is not None else 0


def resolve_people(
    conn: Connection,
    run_id: int,
    judgements: list[Judgement],
    *,
    full: bool,
    model_of: int | None,
    engine: Engine | None = None,
    companies: pa.Table | None = None,
) -> People:
    """Resolve the people of the store for run ``run_id`` (see the module's docstring);
    ``companies``: the store's business frame, if the caller has read it."""
    frame = person_table(conn, companies)
    ids = frame.column("record_id").to_pylist()
    if len(ids) < 3:
        return People({i: i for i in ids}, trained_people=len(ids), people=len(ids))
    base = _earlier_run(conn, run_id, model_of)
    if model_of is not None and base is None:
        raise ValueError(f"no resolution run {model_of}")
    scoring = load_scoring(conn, base) if base is not None and base.model else None
    state = (base.state or {}) if base is not None else {}
    trained = int(state.get("trained_people", 0))
    # Another version of Threadline may prepare the same records differently.
    other_version = state.get("version") != __version__
    if model_of is not None:
        if scoring is None:
            raise ValueError(f"run {model_of} kept no model and scoring to score with")
        resolver = PersonResolver.from_model_json(base.model, scoring, engine)
        mode, model_run = "rescored", base.model_run_id
    elif full or scoring is None or other_version or len(ids) > RETRAIN_GROWTH * trained:
        resolver = PersonResolver(engine=engine)
        mode, model_run, trained = "trained", None, len(ids)
    else:
        resolver = PersonResolver.from_model_json(base.model, scoring, engine)
        mode, model_run = "incremental", base.model_run_id
    try:
        if mode == "incremental":
            result = resolver.update(frame, _earlier(conn, base, state), judgements)
            if not result.counts.get("fresh") and not result.counts.get("reclustered"):
                mode = "kept"
        else:
            result = resolver.resolve(frame, judgements)
        digests = resolver.digests()
    finally:
        resolver.close()
    return People(dict(result.clusters), result, mode, model_run, result.scoring, digests,
                   trained, len(ids))  # fmt: skip


def _earlier_run(conn: Connection, before: int, run_id: int | None = None) -> Any:
    """The latest run before run ``before`` (or run ``run_id``), or None."""
    runs = t.resolution_runs
    query = sa.select(runs).where(runs.c.id < before).order_by(runs.c.id.desc()).limit(1)
    if run_id is not None:
        query = sa.select(runs).where(runs.c.id == run_id)
    return conn.execute(query).first()


def load_scoring(conn: Connection, run: Any) -> Scoring | None:
    """The blocking and term frequencies ``run`` scored with (None for a run made before
    they were kept)."""
    if not run.state or run.model_run_id is None:
        return None
    frequencies = conn.execute(
        sa.select(t.resolution_runs.c.term_frequencies).where(
            t.resolution_runs.c.id == run.model_run_id
        )
    ).scalar()
    if not frequencies or "blocking" not in run.state:
        return None
    return Scoring.from_dict(
        {"format": frequencies["format"], "blocking": run.state["blocking"],
         "term_frequencies": frequencies["term_frequencies"]}
    )  # fmt: skip


def _earlier_pairs(conn: Connection, run_id: int) -> pa.Table:
    p = t.resolution_pairs.c
    rows = conn.execute(
        sa.select(p.left_id, p.right_id, p.weight, p.probability).where(p.run_id == run_id)
    ).all()
    return pa.table(
        {
            "left_id": pa.array([r[0] for r in rows], pa.string()),
            "right_id": pa.array([r[1] for r in rows], pa.string()),
            "match_weight": pa.array([r[2] for r in rows], pa.float64()),
            "match_probability": pa.array([r[3] for r in rows], pa.float64()),
        }
    )


def _earlier(conn: Connection, base: Any, state: Mapping[str, Any]) -> Earlier:
    """What the earlier run ``base`` left for an incremental run."""
    m = t.mentions.c
    before = conn.execute(
        sa.select(m.id, m.entity_id, m.resolved_digest).where(
            m.schema == "Person", m.resolved_digest.is_not(None)
        )
    ).all()
    clusters = {mention: entity for mention, entity, _ in before if entity is not None}
    digests = {mention: digest for mention, entity, digest in before if entity is not None}
    # Mentions gone since, and any that lost their entity (its row deleted), left the graph.
    removed = max(int(state.get("people", 0)) - len(clusters), 0)
    judged = [Judgement(a, b, v) for a, b, v in state.get("judgements", [])]
    joins = [WorkingNameJoin.from_dict(j) for j in state.get("working_names", [])]
    return Earlier(clusters, _earlier_pairs(conn, base.id), judged, digests, removed, joins)


def fingerprint(conn: Connection) -> list[int]:
    """Counts and id sums that change whenever a batch is loaded, altered, rolled back or
    erased, or a judgement is given or withdrawn: equal, nothing is new since a run."""
    out: list[int] = []
    for table in (t.records, t.statements, t.judgements):
        out.extend(
            int(v or 0)
            for v in conn.execute(
                sa.select(sa.func.count(), sa.func.sum(table.c.id), sa.func.max(table.c.id))
            ).one()
        )
    mentions = conn.execute(sa.select(sa.func.count()).select_from(t.mentions)).scalar_one()
    withdrawn = conn.execute(
        sa.select(sa.func.count()).where(t.judgements.c.deleted_at.is_not(None))
    ).scalar_one()
    return [*out, int(mentions), int(withdrawn)]


def unchanged_run(conn: Connection, seen: list[int]) -> Any:
    """The latest run when nothing is new in the store since (its fingerprint is ``seen``,
    its version this one), else None."""
    latest = conn.execute(
        sa.select(t.resolution_runs.c.id, t.resolution_runs.c.state, t.resolution_runs.c.counts)
        .order_by(t.resolution_runs.c.id.desc())
        .limit(1)
    ).first()
    state = (latest.state or {}) if latest is not None else {}
    if state.get("fingerprint") == seen and state.get("version") == __version__:
        return latest
    return None


def run_state(
    seen: list[int],
    found: People,
    judgements: Sequence[Judgement],
    conflicts: Sequence[tuple[str, str]],
    scoring: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """What a run keeps for the next one (``scoring``: ``found.scoring`` as a dict)."""
    result = found.result
    state: dict[str, Any] = {
        "version": __version__,
        "fingerprint": seen,
        "people": found.people,
        "trained_people": found.trained_people,
        "judgements": sorted([j.left_id, j.right_id, j.verdict] for j in judgements),
        "conflicts": [list(c) for c in conflicts],
        "working_names": [j.to_dict() for j in result.joins] if result is not None else [],
        "kept_apart": [list(p) for p in result.kept_apart] if result is not None else [],
    }
    if scoring is not None:
        state["blocking"] = scoring["blocking"]
    return state
