"""Scoring the people rankings against a generated scenario's truth.

`score_people` ranks the people the View's user may see (`threadline.people.assess`) and
measures, against ``truth/network_members.csv`` (who is a victim, a controller...) and
``truth/people.csv`` (victims no agency recognised, and the decoys):

- ``unrecognised_victims_precision_at_20``: the share of the top 20 potential victims no
  record names as victims that are true victims;
- ``unrecognised_victims_recall``: the share of true victims that no record the user may see
  names a victim (none of the entities their mentions resolved to has a victim role) found in
  the top 100 of that ranking;
- ``controllers_precision_at_10``: the share of the top 10 potential controllers that are
  true controllers;
- ``suspects_precision_at_20``: the share of the top 20 potential suspects that are true
  offenders (controllers, recruiters, drivers, money handlers);
- ``decoys_in_top_100``: the decoys (a crowded family, an employer's housed staff) among the
  top 100 potential unrecognised victims.

An entity stands for the true person most of its mentions name.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadline.read import View

__all__ = ["OFFENDERS", "score_people"]

OFFENDERS = frozenset({"controller", "recruiter", "driver", "money_handler"})
RECALL_AT = 100


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def score_people(
    view: View, folder: Path, mentions: Mapping[str, tuple[str, str]]
) -> dict[str, float | int]:
    """The people figures of the scenario in FOLDER, as `view`'s user gets them; `mentions`
    maps each mention id to (kind, true id), as `ScenarioTruth` reads them."""
    from threadline.people.assess import assess
    from threadline.read.resolution import entity_of_mentions
    from threadline.risk.indicators._common import VICTIM_ROLES

    role_of = {
        r["true_id"]: r["role"]
        for r in _rows(folder / "truth" / "network_members.csv")
        if r["kind"] == "person"
    }
    decoys = {r["true_id"] for r in _rows(folder / "truth" / "people.csv")
              if r["kind"].startswith("decoy")}  # fmt: skip
    entity_of = entity_of_mentions(view)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    entities_of: dict[str, set[str]] = defaultdict(set)
    for mention, (kind, true_id) in mentions.items():
        entity = entity_of.get(mention)
        if kind == "person" and entity is not None:
            votes[entity][true_id] += 1
            entities_of[true_id].add(entity)
    true_of = {entity: counts.most_common(1)[0][0] for entity, counts in votes.items()}
    assessed = assess(view)
    g = assessed.graph
    roles_of: dict[str, frozenset[str]] = {}
    for index in range(g.vcount()):
        for entity in g.vs[index]["entity_ids"]:
            roles_of[entity] = frozenset(g.vs[index]["roles"])
    victims = {t for t, role in role_of.items() if role == "victim"}
    unseen = {
        t for t in victims
        if entities_of[t] and all(e in roles_of for e in entities_of[t])
        and not any(roles_of[e] & VICTIM_ROLES for e in entities_of[t])
    }  # fmt: skip
    unrecognised = [
        true_of.get(p.entity_id, "") for p in assessed.ranking("victim", unrecognised=True)
    ]
    found = {t for t in unrecognised[:RECALL_AT] if t in unseen}
    controllers = [
        true_of.get(p.entity_id, "") for p in assessed.suspects if p.role == "potential controller"
    ]
    suspects = [true_of.get(p.entity_id, "") for p in assessed.suspects]
    return {
        "unrecognised_victims_precision_at_20": _precision(unrecognised, victims, 20),
        "unrecognised_victims_recall": round(len(found) / len(unseen), 4) if unseen else 0.0,
        "unrecognised_victims": len(unseen),
        "decoys_in_top_100": sum(1 for t in unrecognised[:RECALL_AT] if t in decoys),
        "controllers_precision_at_10": _precision(controllers, _with(role_of, {"controller"}), 10),
        "suspects_precision_at_20": _precision(suspects, _with(role_of, OFFENDERS), 20),
    }


def _with(role_of: Mapping[str, str], roles: frozenset[str] | set[str]) -> set[str]:
    return {t for t, role in role_of.items() if role in roles}


def _precision(ranked: list[str], relevant: set[str], k: int) -> float:
    """Share of the first `k` that are relevant (fewer than k count as misses)."""
    return sum(1 for item in ranked[:k] if item in relevant) / k
