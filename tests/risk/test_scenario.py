"""End to end on the small synthetic scenario, resolved by its ground truth: the analysis
finds the hidden networks' premises and businesses among the background's."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from threadline.ingest.deliveries import ingest_folder
from threadline.read.rankings import latest_run
from threadline.risk import analyse, communities_of, rank_businesses, rank_premises
from threadline.store import Store
from threadline.store import tables as t

from ..graph.factory import Case
from ..graph.truth import resolve_by_truth

AS_OF = date(2026, 10, 31)


def _truth(scenario: Path, name: str) -> dict[str, dict[str, str]]:
    with (scenario / "truth" / f"{name}.csv").open(newline="") as fh:
        return {row["true_id"]: row for row in csv.DictReader(fh)}


def _precision(ranked: list[Any], truth: dict[str, dict[str, str]], k: int) -> float:
    hits = [truth.get(p.entity_id, {}).get("exploitative") == "true" for p in ranked[:k]]
    return sum(hits) / k


def test_the_scenario_networks_rank_first(store: Store, small_scenario: Path) -> None:
    ingest_folder(store, small_scenario)
    resolve_by_truth(store, small_scenario)
    premises, businesses = _truth(small_scenario, "premises"), _truth(small_scenario, "businesses")
    with store.connect() as conn:
        view = Case(conn).view()
        result = analyse(view, as_of=AS_OF)
        stored = conn.execute(sa.select(sa.func.count()).select_from(t.indicators)).scalar_one()
        metrics = conn.execute(
            sa.select(sa.func.count()).select_from(t.entity_metrics)
        ).scalar_one()
        assert latest_run(view) is not None
        fresh = rank_premises(view, top=10, as_of=AS_OF)  # recency counts from the same day
        firms = rank_businesses(view, top=5, as_of=AS_OF)
        membership = communities_of(view)
    # Every indicator fires; victims_share_contact on the labour provider network's recruiter,
    # whose phone three of its victims give (NHS patients recorded as potential victims of
    # self-neglect do not make up the number); household_worker on the domestic servitude
    # house, missing_child_found on the county-lines flat.
    assert {f.indicator for f in result.findings} == {
        "crowded_address", "victims_at_address", "phone_hub", "wage_account", "night_vehicle",
        "business_workers", "cash_sector_housed", "multiple_identities", "missing_county_lines",
        "recruiter", "victims_share_contact", "household_worker", "premises_signs",
        "missing_child_found", "child_victim",
    }  # fmt: skip
    servitude = {f.node for f in result.findings if f.indicator == "household_worker"}
    kinds = {premises[e]["network_id"] for n in servitude for e in result.graph.vs.find(
        name=n)["entity_ids"] if e in premises}  # fmt: skip
    assert "NET-0000-07" in kinds  # the small scenario's domestic servitude network
    assert stored == sum(len(f.entity_ids) for f in result.findings) and metrics > 1000
    assert [p.entity_id for p in fresh] == [p.entity_id for p in result.premises[:10]]
    # Perfect resolution: most of the top premises and businesses are the networks'.
    assert _precision(fresh, premises, 5) >= 0.6
    assert _precision(firms, businesses, 5) >= 0.6
    assert all(p.reasons and p.agencies and p.grade for p in fresh)
    # Members of one network mostly share a community.
    members = _truth(small_scenario, "persons")
    car_wash = [pid for pid, row in members.items() if row["network_id"] == "NET-0000-01"]
    common = max(
        (sum(membership.get(p) == c for p in car_wash), c) for c in set(membership.values())
    )
    assert common[0] >= len(car_wash) // 2
    # An erasure makes the run stale: it is no longer the latest to show.
    with store.connect() as conn:
        conn.execute(sa.update(t.analysis_runs).values(stale_at=sa.func.now()))
        assert latest_run(Case(conn).view()) is None
