"""An analysis run: build the graph, measure it, evaluate indicators, rank, and store it all.

``analyse`` stores one ``analysis_runs`` row (with the weights and their digest), the
measures of every entity (``entity_metrics``), every finding (``indicators``, evidence as a
list of record ids) and both rankings (``priorities``), across every exploitation type
(``typology`` null) and for each type a finding is about. ``rank_premises``,
``rank_businesses`` and ``communities_of`` compute the same things afresh without storing.
Each takes the View of the user it runs for: it sees only what they may see. Stored runs are
read back through `threadline.read.rankings`.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import igraph as ig
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph.build import build_graph
from threadline.graph.measures import Measures, measure
from threadline.graph.profiles import MemberRisk
from threadline.graph.vocabulary import ENTITY, GraphFilter
from threadline.read.text import text_places, text_search
from threadline.read.view import View
from threadline.risk.plugins import evaluate
from threadline.risk.prioritise import Kind, Priority, prioritise
from threadline.risk.types import Context, Finding
from threadline.risk.weights import Weights, load_weights
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.tracking.check import after_analysis

__all__ = [
    "AnalysisResult",
    "analyse",
    "communities_of",
    "findings",
    "member_risk",
    "member_scores",
    "rank_businesses",
    "rank_premises",
    "risk_of",
    "scores_of",
    "typologies_of",
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
    by_typology: Mapping[str, Mapping[Kind, list[Priority]]] = field(default_factory=dict)
    """Each exploitation type its findings are about -> premises and businesses ranked for
    that type (:func:`typologies_of`; ``prioritise(..., typology=...)``)."""


def typologies_of(found: Iterable[Finding]) -> list[str]:
    """The exploitation types some finding is about, sorted: the typologies an analysis ranks
    for."""
    return sorted({t for f in found for t in f.typologies})


def _weights(weights: WeightsLike) -> Weights:
    return weights if isinstance(weights, Weights) else load_weights(weights)


def findings(
    view: View, g: ig.Graph, weights: WeightsLike = None, *, as_of: date | None = None
) -> list[Finding]:
    """Evaluate every indicator over a graph built from `view`."""
    context = Context(
        g,
        _weights(weights),
        as_of or date.today(),
        text_search(view, g["records"]),
        text_places(view, g["records"]),
    )
    return evaluate(context)


def member_scores(
    view: View, g: ig.Graph, weights: WeightsLike = None, *, as_of: date | None = None
) -> dict[str, float]:
    """Each node's risk score: the sum over indicators of its strongest finding's score times
    the indicator's weight (nodes without findings are left out)."""
    chosen = _weights(weights)
    return scores_of(findings(view, g, chosen, as_of=as_of), chosen)


def scores_of(found: Iterable[Finding], weights: Weights) -> dict[str, float]:
    """Each node's risk score from `found`, as :func:`member_scores` gives it."""
    best: dict[tuple[str, str], float] = {}
    for f in found:
        key = (f.node, f.indicator)
        best[key] = max(best.get(key, 0.0), weights.weight(f.indicator) * f.score)
    out: dict[str, float] = {}
    for (node, _), value in best.items():
        out[node] = round(out.get(node, 0.0) + value, 4)
    return out


def member_risk(
    view: View, g: ig.Graph, weights: WeightsLike = None, *, as_of: date | None = None
) -> MemberRisk:
    """What network profiles rank networks by (``threadline.graph.profiles``): each node's
    score (:func:`member_scores`) and which nodes have a finding about victims."""
    chosen = _weights(weights)
    return risk_of(findings(view, g, chosen, as_of=as_of), chosen)


def risk_of(found: Iterable[Finding], weights: Weights) -> MemberRisk:
    """:func:`member_risk` from `found`: a finding is about victims when its indicator is one
    of the weights' ``prioritisation.victim_indicators`` and it rests on victims, as when
    premises are ranked."""
    found = list(found)
    about = set(weights.prioritisation.get("victim_indicators", ()))
    victims: dict[str, set[str]] = defaultdict(set)
    for f in found:
        if f.indicator in about and f.about_victims:
            victims[f.node].add(f.indicator)
    return MemberRisk(
        scores=scores_of(found, weights),
        victims={node: frozenset(kinds) for node, kinds in victims.items()},
    )


def analyse(
    view: View,
    *,
    weights: WeightsLike = None,
    filters: GraphFilter | None = None,
    seed: int = 0,
    as_of: date | None = None,
    store: bool = True,
) -> AnalysisResult:
    """Run the whole analysis over what `view`'s actor may see; store it unless told not.

    The stored run's scope is the actor's username: it covers what they may see.
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    chosen = _weights(weights)
    conn = view.conn
    g = build_graph(view, filters=filters)
    measures = measure(g, seed=seed)
    found = findings(view, g, chosen, as_of=as_of)
    premises = prioritise(g, found, chosen, "premises", as_of=as_of)
    businesses = prioritise(g, found, chosen, "business", as_of=as_of)
    kinds: tuple[Kind, ...] = ("premises", "business")
    by_typology = {
        typology: {
            kind: prioritise(g, found, chosen, kind, as_of=as_of, typology=typology)
            for kind in kinds
        }
        for typology in typologies_of(found)
    }
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
        ranked: list[tuple[str | None, Priority]] = [(None, p) for p in (*premises, *businesses)]
        ranked += [
            (typology, p)
            for typology, lists in by_typology.items()
            for kind in kinds
            for p in lists[kind]
        ]
        _store(
            conn,
            run_id,
            started,
            view.actor.username,
            chosen,
            params,
            counts,
            g,
            measures,
            found,
            ranked,
        )
        after_analysis(conn, run_id, view.actor.user_id)  # the user's watches: their alerts
    return AnalysisResult(
        run_id, g, measures, found, premises, businesses, chosen, time.perf_counter() - clock,
        by_typology,
    )  # fmt: skip


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
    ranked: Iterable[tuple[str | None, Priority]],
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
         "agencies": list(p.agencies), "evidence": list(p.evidence), "grade": p.grade[:64],
         "typology": typology}
        for typology, p in ranked
    ]  # fmt: skip
    _insert(conn, t.priorities, priorities)
    conn.execute(
        sa.update(t.analysis_runs)
        .where(t.analysis_runs.c.id == run_id)
        .values(finished_at=datetime.now(UTC))
    )


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for chunk in chunked(rows, 2000):
        conn.execute(sa.insert(table), chunk)


def _rank(
    view: View, kind: Kind, top: int | None, weights: WeightsLike, as_of: date | None
) -> list[Priority]:
    chosen = _weights(weights)
    g = build_graph(view)
    found = findings(view, g, chosen, as_of=as_of)
    return prioritise(g, found, chosen, kind, top=top, as_of=as_of)


def rank_premises(
    view: View, top: int | None = 20, *, weights: WeightsLike = None, as_of: date | None = None
) -> list[Priority]:
    """Premises ranked for multi-agency visits on `as_of` (default today; computed afresh,
    not stored)."""
    return _rank(view, "premises", top, weights, as_of)


def rank_businesses(
    view: View, top: int | None = 20, *, weights: WeightsLike = None, as_of: date | None = None
) -> list[Priority]:
    """Businesses ranked for multi-agency visits on `as_of` (default today; computed afresh,
    not stored)."""
    return _rank(view, "business", top, weights, as_of)


def communities_of(
    view: View,
    *,
    seed: int = 0,
    resolution: float | None = None,
) -> dict[str, int]:
    """The Leiden community of every entity (computed afresh, not stored), at `resolution`
    or one chosen from the graph's size."""
    from threadline.graph.communities import communities

    g = build_graph(view)
    membership = communities(g, seed=seed, resolution=resolution)
    return {
        entity_id: membership[i]
        for i, ids in enumerate(g.vs["entity_ids"] if g.vcount() else [])
        for entity_id in ids
    }
