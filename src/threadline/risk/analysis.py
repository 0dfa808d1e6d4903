"""An analysis run: build the graph, measure it, evaluate indicators, rank, and store it all.

``analyse`` stores one ``analysis_runs`` row (with the weights and their digest), the
measures of every entity (``entity_metrics``), every finding (``indicators``, evidence as a
list of record ids) and both rankings (``priorities``). ``rank_premises``,
``rank_businesses`` and ``communities_of`` compute the same things afresh without storing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import igraph as ig
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph._load import Permitted
from threadline.graph.build import build_graph
from threadline.graph.measures import Measures, measure
from threadline.graph.model import ENTITY, GraphFilter
from threadline.risk.plugins import evaluate
from threadline.risk.prioritise import Kind, Priority, prioritise
from threadline.risk.types import Context, Finding, TextSearch
from threadline.risk.weights import Weights, load_weights
from threadline.store import tables as t

__all__ = [
    "AnalysisResult",
    "RunInfo",
    "analyse",
    "communities_of",
    "findings",
    "latest_run",
    "rank_businesses",
    "rank_premises",
    "stored_priorities",
    "text_search",
]

WeightsLike = Weights | str | Path | None


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """Everything one run computed."""

    run_id: str | None
    """The stored run's id (None when not stored)."""
    graph: ig.Graph
    measures: Measures
    findings: list[Finding]
    premises: list[Priority]
    businesses: list[Priority]
    weights: Weights
    seconds: float


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A stored run."""

    id: str
    started_at: datetime
    finished_at: datetime | None
    scope: str
    weights_digest: str
    params: Mapping[str, Any]
    counts: Mapping[str, Any]


def _weights(weights: WeightsLike) -> Weights:
    return weights if isinstance(weights, Weights) else load_weights(weights)


def text_search(conn: Connection, within: Collection[int]) -> TextSearch:
    """A search of records' raw text (case-insensitive), limited to the ids in `within`."""
    allowed = set(within)

    def search(words: Sequence[str]) -> set[int]:
        raw = sa.func.lower(sa.cast(t.records.c.raw, sa.Text))
        condition = sa.or_(*(raw.contains(w.lower(), autoescape=True) for w in words))
        found = conn.execute(sa.select(t.records.c.id).where(condition)).scalars()
        return {int(i) for i in found} & allowed

    return search


def findings(
    conn: Connection, g: ig.Graph, weights: WeightsLike = None, *, as_of: date | None = None
) -> list[Finding]:
    """Evaluate every indicator over a graph built from `conn`."""
    context = Context(g, _weights(weights), as_of or date.today(), text_search(conn, g["records"]))
    return evaluate(context)


def analyse(
    conn: Connection,
    *,
    weights: WeightsLike = None,
    permitted_records: Permitted = None,
    filters: GraphFilter | None = None,
    seed: int = 0,
    as_of: date | None = None,
    scope: str = "",
    store: bool = True,
) -> AnalysisResult:
    """Run the whole analysis over what `permitted_records` allows; store it unless told not.

    `scope` says whose view the run covers (a username), for the run's record.
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    chosen = _weights(weights)
    g = build_graph(conn, permitted_records=permitted_records, filters=filters)
    measures = measure(g, seed=seed)
    found = findings(conn, g, chosen, as_of=as_of)
    premises = prioritise(g, found, chosen, "premises")
    businesses = prioritise(g, found, chosen, "business")
    run_id: str | None = None
    if store:
        run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        params = {
            "seed": seed,
            "as_of": (as_of or date.today()).isoformat(),
            "filters": _filters_json(filters),
        }
        counts = {
            "nodes": g.vcount(),
            "edges": g.ecount(),
            "records": len(g["records"]),
            "findings": len(found),
            "premises": len(premises),
            "businesses": len(businesses),
        }
        ranked = [*premises, *businesses]
        _store(conn, run_id, started, scope, chosen, params, counts, g, measures, found, ranked)
    return AnalysisResult(
        run_id, g, measures, found, premises, businesses, chosen, time.perf_counter() - clock
    )


def _filters_json(filters: GraphFilter | None) -> dict[str, Any]:
    if filters is None:
        return {}
    out: dict[str, Any] = {}
    for name in ("since", "until", "min_grade", "values", "extracted", "co_mentions"):
        value = getattr(filters, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    for name in ("link_types", "agencies"):
        value = getattr(filters, name)
        out[name] = sorted(value) if value is not None else None
    return out


def _store(
    conn: Connection,
    run_id: str,
    started: datetime,
    scope: str,
    weights: Weights,
    params: Mapping[str, Any],
    counts: Mapping[str, Any],
    g: ig.Graph,
    measures: Measures,
    found: Iterable[Finding],
    ranked: Iterable[Priority],
) -> None:
    conn.execute(
        sa.insert(t.analysis_runs).values(
            id=run_id, started_at=started, scope=scope[:255], weights=dict(weights.data),
            weights_digest=weights.digest, params=dict(params), counts=dict(counts),
        )
    )  # fmt: skip
    metrics: list[dict[str, Any]] = []
    for i in range(g.vcount()):
        if g.vs[i]["kind"] != ENTITY:
            continue
        for entity_id in g.vs[i]["entity_ids"]:
            metrics.append(
                {
                    "run_id": run_id,
                    "entity_id": entity_id,
                    "component": measures.component[i],
                    "community": measures.community[i],
                    "degree": measures.degree[i],
                    "betweenness": measures.betweenness[i],
                    "eigenvector": measures.eigenvector[i],
                    "broker": measures.broker[i],
                }
            )
    _insert(conn, t.entity_metrics, metrics)
    rows = [
        {"run_id": run_id, "entity_id": entity_id, "name": f.indicator, "score": f.score,
         "reason": f.reason, "evidence": list(f.evidence), "grade": f.grade[:64]}
        for f in found
        for entity_id in f.entity_ids
    ]  # fmt: skip
    _insert(conn, t.indicators, rows)
    priorities = [
        {"run_id": run_id, "entity_id": p.entity_id, "kind": p.kind, "rank": p.rank,
         "score": p.score, "reasons": list(p.reasons), "indicators": list(p.indicators),
         "agencies": list(p.agencies), "evidence": list(p.evidence), "grade": p.grade[:64]}
        for p in ranked
    ]  # fmt: skip
    _insert(conn, t.priorities, priorities)
    conn.execute(
        sa.update(t.analysis_runs)
        .where(t.analysis_runs.c.id == run_id)
        .values(finished_at=datetime.now(UTC))
    )


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        conn.execute(sa.insert(table), rows[start : start + 2000])


def _rank(
    conn: Connection, kind: Kind, top: int | None, weights: WeightsLike, permitted: Permitted
) -> list[Priority]:
    chosen = _weights(weights)
    g = build_graph(conn, permitted_records=permitted)
    return prioritise(g, findings(conn, g, chosen), chosen, kind, top=top)


def rank_premises(
    conn: Connection,
    top: int | None = 20,
    *,
    weights: WeightsLike = None,
    permitted_records: Permitted = None,
) -> list[Priority]:
    """Premises ranked for multi-agency visits (computed afresh, not stored)."""
    return _rank(conn, "premises", top, weights, permitted_records)


def rank_businesses(
    conn: Connection,
    top: int | None = 20,
    *,
    weights: WeightsLike = None,
    permitted_records: Permitted = None,
) -> list[Priority]:
    """Businesses ranked for multi-agency visits (computed afresh, not stored)."""
    return _rank(conn, "business", top, weights, permitted_records)


def communities_of(
    conn: Connection,
    *,
    permitted_records: Permitted = None,
    seed: int = 0,
    resolution: float | None = None,
) -> dict[str, int]:
    """The Leiden community of every entity (computed afresh, not stored), at `resolution`
    or one chosen from the graph's size."""
    from threadline.graph.communities import communities

    g = build_graph(conn, permitted_records=permitted_records)
    membership = communities(g, seed=seed, resolution=resolution)
    return {
        entity_id: membership[i]
        for i, ids in enumerate(g.vs["entity_ids"] if g.vcount() else [])
        for entity_id in ids
    }


def latest_run(conn: Connection, *, scope: str | None = None) -> RunInfo | None:
    """The most recent finished run (over `scope`'s view, if given) that is not stale (an
    erasure since made it stale: see `threadline.security.retention`), or None."""
    r = t.analysis_runs.c
    query = sa.select(t.analysis_runs).where(r.finished_at.is_not(None), r.stale_at.is_(None))
    if scope is not None:
        query = query.where(r.scope == scope)
    row = conn.execute(query.order_by(r.started_at.desc(), r.id.desc()).limit(1)).first()
    if row is None:
        return None
    return RunInfo(row.id, row.started_at, row.finished_at, row.scope, row.weights_digest,
                   dict(row.params), dict(row.counts))  # fmt: skip


def stored_priorities(
    conn: Connection,
    run_id: str,
    kind: Kind,
    *,
    top: int | None = None,
    visible: set[int] | None = None,
) -> list[Priority]:
    """A stored ranking; with `visible`, only entries whose every evidence record is in it."""
    p, e = t.priorities.c, t.entities
    rows = conn.execute(
        sa.select(t.priorities, e.c.caption)
        .join(e, e.c.id == p.entity_id)
        .where(p.run_id == run_id, p.kind == kind)
        .order_by(p.rank)
    ).all()
    out: list[Priority] = []
    for row in rows:
        evidence = tuple(int(r) for r in row.evidence)
        if visible is not None and not set(evidence) <= visible:
            continue
        out.append(
            Priority(
                rank=int(row.rank),
                entity_id=str(row.entity_id),
                node=str(row.entity_id),
                caption=str(row.caption),
                kind=kind,
                score=float(row.score),
                reasons=tuple(row.reasons),
                indicators=tuple(row.indicators),
                agencies=tuple(row.agencies),
                evidence=evidence,
                grade=str(row.grade),
            )
        )
        if top is not None and len(out) >= top:
            break
    return out
