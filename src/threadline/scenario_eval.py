"""Scoring the whole pipeline against a generated scenario's ground truth.

`threadline evaluate scenario DIR` loads the scenario into a fresh embedded store, resolves
and analyses it, and measures: person and business cluster F1 (pairwise, over the mentions the
truth names), precision at 10 and 20 of the premises and business rankings (the share of the
top k that are truly exploitative), and how well graph communities recover the true networks
(adjusted Rand index, and the mean share of each network's members found in one community).
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from math import comb
from pathlib import Path

import sqlalchemy as sa
import yaml

from threadline.errors import ThreadlineError

__all__ = ["adjusted_rand_index", "evaluate_scenario", "precision_at"]


def adjusted_rand_index(truth: Mapping[str, str], predicted: Mapping[str, object]) -> float:
    """Adjusted Rand index of two labelings of the same items (1 is perfect, ~0 is chance).

    >>> adjusted_rand_index({"a": "x", "b": "x", "c": "y"}, {"a": 1, "b": 1, "c": 2})
    1.0
    >>> round(adjusted_rand_index({"a": "x", "b": "x", "c": "y", "d": "y"},
    ...                           {"a": 1, "b": 2, "c": 1, "d": 2}), 3)
    -0.5
    """
    items = [i for i in truth if i in predicted]
    if len(items) < 2:
        return 0.0
    pairs = Counter((truth[i], predicted[i]) for i in items)
    sum_cells = sum(comb(n, 2) for n in pairs.values())
    sum_truth = sum(comb(n, 2) for n in Counter(truth[i] for i in items).values())
    sum_pred = sum(comb(n, 2) for n in Counter(predicted[i] for i in items).values())
    expected = sum_truth * sum_pred / comb(len(items), 2)
    maximum = (sum_truth + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (sum_cells - expected) / (maximum - expected)


def precision_at(ranked: Iterable[str], relevant: set[str], k: int) -> float:
    """Share of the first `k` ranked items that are relevant (fewer than k ranked count as
    misses).

    >>> precision_at(["a", "b", "c"], {"a", "c"}, 2)
    0.5
    """
    top = list(ranked)[:k]
    return sum(1 for item in top if item in relevant) / k


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _true_mentions(folder: Path) -> dict[str, tuple[str, str]]:
    """Mention id -> (kind, true id), through sources.yaml's agency and mapping per file."""
    sources = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    out: dict[str, tuple[str, str]] = {}
    for row in _csv(folder / "truth" / "mentions.csv"):
        for entry in sources:
            if row["file"] == entry["file"] or row["file"].startswith(f"{entry['file']}/"):
                mention = f"{entry['agency']}/{entry['mapping']}:{row['key']}:{row['slot']}"
                out[mention] = (row["kind"], row["true_id"])
    return out


def evaluate_scenario(folder: Path, *, top: int = 20) -> dict[str, float | int]:
    """Ingest, resolve and analyse the scenario in FOLDER in a fresh store; score it."""
    from threadline.ingest.cli import ingest_folder
    from threadline.resolve import evaluate_clusters
    from threadline.resolve.store import resolve_store
    from threadline.risk import communities_of, rank_businesses, rank_premises
    from threadline.store import Store
    from threadline.store import tables as t

    if not (folder / "truth" / "mentions.csv").is_file():
        raise ThreadlineError(f"{folder}: not a generated scenario (no truth/mentions.csv)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'evaluate.db'}", create=True)
        store.migrate()
        results = ingest_folder(store, folder)
        refused = [r.file for r in results if r.status == "rejected"]
        if refused:
            raise ThreadlineError(f"the scenario did not load: {', '.join(refused)} refused")
        with store.connect() as conn:
            resolve_store(conn)
        with store.connect() as conn:
            entity_of = dict(
                conn.execute(
                    sa.select(t.mentions.c.id, t.mentions.c.entity_id).where(
                        t.mentions.c.entity_id.is_not(None)
                    )
                ).all()
            )
            premises = [p.entity_id for p in rank_premises(conn, top)]
            businesses = [p.entity_id for p in rank_businesses(conn, top)]
            community = communities_of(conn)
        store.close()
    truth = _true_mentions(folder)
    by_kind: dict[str, dict[str, str]] = defaultdict(dict)
    for mention, (kind, true_id) in truth.items():
        if mention in entity_of:
            by_kind[kind][mention] = true_id

    def f1(kind: str) -> float:
        wanted = by_kind[kind]
        return evaluate_clusters({m: entity_of[m] for m in wanted}, wanted).f1

    bad_premises = {
        r["true_id"] for r in _csv(folder / "truth" / "premises.csv") if r["exploitative"] == "true"
    }
    bad_businesses = {
        r["true_id"]
        for r in _csv(folder / "truth" / "businesses.csv")
        if r["exploitative"] == "true"
    }
    exploitative: set[str] = set()
    for mention, (_kind, true_id) in truth.items():
        if true_id in bad_premises | bad_businesses and mention in entity_of:
            exploitative.add(entity_of[mention])
    network_of = {
        r["true_id"]: r["network_id"] for r in _csv(folder / "truth" / "network_members.csv")
    }
    true_label: dict[str, str] = {}
    for mention, (_kind, true_id) in truth.items():
        entity = entity_of.get(mention)
        if entity is not None and true_id in network_of:
            true_label[entity] = network_of[true_id]
    members: dict[str, list[int]] = defaultdict(list)
    for entity, network in true_label.items():
        if entity in community:
            members[network].append(community[entity])
    coverage = [
        Counter(found).most_common(1)[0][1] / len(found) for found in members.values() if found
    ]
    return {
        "person_f1": round(f1("person"), 4),
        "business_f1": round(f1("business"), 4),
        "premises_f1": round(f1("premises"), 4),
        "premises_precision_at_10": precision_at(premises, exploitative, 10),
        "premises_precision_at_20": precision_at(premises, exploitative, 20),
        "businesses_precision_at_10": precision_at(businesses, exploitative, 10),
        "businesses_precision_at_20": precision_at(businesses, exploitative, 20),
        "community_ari": round(adjusted_rand_index(true_label, community), 4),
        "network_coverage": round(sum(coverage) / len(coverage), 4) if coverage else 0.0,
        "records": sum(r.records_written for r in results),
        "seconds": round(time.perf_counter() - started, 2),
    }
