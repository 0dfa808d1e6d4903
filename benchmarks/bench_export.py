"""Exports at scale: a 100,000-entity graph in each format, beside a peer, as ratios.

The graph is synthetic but complete (every attribute `build_graph` sets): people, addresses,
businesses, vehicles, accounts and phones, each named by one or two graded records, and
about 1.5 links per entity with their evidence. Each format is written to a temporary file;
the figures are wall-clock seconds and the peak of memory allocated while writing
(tracemalloc, on a second run), not counting the graph itself, which every format shares.

Peers: ``networkx.write_graphml`` of the same graph (converted to networkx beforehand, with
the same attributes) for GraphML, and the standard ``csv`` module writing the same entity and
link rows for CSV; ANX, FtM and XLSX are set beside the GraphML peer. Target (issue 18):
every format finishes with memory bounded by the graph (streamed, not built whole).

    .venv/bin/python benchmarks/bench_export.py [--entities N]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx

from threadline.export import Content, Scope, exporters
from threadline.export.tables import entity_table, link_table
from threadline.graph.vocabulary import GraphFilter, RecordInfo
from threadline.model.grading import grade_3x5x2

SCHEMATA = (("Person", 0.55), ("Address", 0.15), ("Company", 0.08), ("Vehicle", 0.08),
            ("BankAccount", 0.07), ("Phone", 0.07))  # fmt: skip
LINKS = {("Person", "Address"): "lives_at", ("Person", "Company"): "works_for",
         ("Person", "Vehicle"): "uses_vehicle", ("Person", "BankAccount"): "paid_into",
         ("Person", "Phone"): "has_phone", ("Person", "Person"): "associate"}  # fmt: skip


def synthetic_graph(entities: int, seed: int = 1) -> ig.Graph:
    """A graph with every attribute a built graph has, of `entities` nodes."""
    rng = random.Random(seed)
    kinds = rng.choices([s for s, _ in SCHEMATA], [w for _, w in SCHEMATA], k=entities)
    day0 = date(2023, 1, 1)
    records: dict[int, RecordInfo] = {}
    grades = [grade_3x5x2(s, i, "P") for s in "12" for i in "ABC"] + [
        grade_3x5x2("2", "B", "C", ["Partner safeguarding use only"])
    ]

    def record() -> int:
        rid = len(records) + 1
        grade = rng.choice(grades)
        records[rid] = RecordInfo(
            rid, rng.choice(["police", "nhs", "council", "gla"]), "intel", grade,
            f"{grade.source}{grade.information}", rng.choice(["OFFICIAL"] * 9 +
            ["OFFICIAL-SENSITIVE"]), day0 + timedelta(days=rng.randrange(900)),
        )  # fmt: skip
        return rid

    names = [f"e-{i:06d}" for i in range(entities)]
    by_kind: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        by_kind.setdefault(kind, []).append(i)
    edges: list[tuple[int, int]] = []
    types: list[str] = []
    for person in by_kind.get("Person", []):
        for _ in range(3):
            other = rng.choice(list(LINKS))[1]
            pool = by_kind.get(other)
            if pool and rng.random() < 0.5:
                target = rng.choice(pool)
                if target != person:
                    edges.append((person, target))
                    types.append(LINKS[("Person", other)])
    g = ig.Graph(n=entities, edges=edges)
    g["records"] = records
    g["filters"] = GraphFilter()
    g["exploitation"] = {}
    g.vs["name"] = names
    g.vs["kind"] = ["value" if k == "Phone" else "entity" for k in kinds]
    g.vs["schema"] = kinds
    g.vs["caption"] = [f"{k} {i} =cell" if i % 97 == 0 else f"{k} {i}" for i, k in
                       enumerate(kinds)]  # fmt: skip
    g.vs["entity_ids"] = [(n,) for n in names]
    g.vs["value_type"] = ["phone" if k == "Phone" else "" for k in kinds]
    g.vs["roles"] = [("potential_victim",) if k == "Person" and i % 5 == 0 else ()
                     for i, k in enumerate(kinds)]  # fmt: skip
    g.vs["role_records"] = [{} for _ in kinds]
    node_records = [tuple(record() for _ in range(rng.choice((1, 1, 2)))) for _ in kinds]
    g.vs["records"] = node_records
    g.vs["facts"] = [{"birthDate": (("1990-01-01", node_records[i][0]),)} if k == "Person" else {}
                     for i, k in enumerate(kinds)]  # fmt: skip
    g.vs["waypoint"] = [False] * entities
    edge_records = [(record(),) for _ in edges]
    g.es["type"] = types
    g.es["schema"] = ["" for _ in edges]
    g.es["src"] = [names[a] for a, _ in edges]
    g.es["start"] = [records[r[0]].reported_on.isoformat() for r in edge_records]  # type: ignore[union-attr]
    g.es["end"] = [None for _ in edges]
    g.es["dates"] = [() for _ in edges]
    g.es["records"] = edge_records
    g.es["grade"] = [records[r[0]].code for r in edge_records]
    g.es["weight"] = [0.8 for _ in edges]
    g.es["marking"] = [records[r[0]].marking for r in edge_records]
    g.es["handling"] = [records[r[0]].grade.handling for r in edge_records]
    g.es["conditions"] = [tuple(records[r[0]].grade.handling_conditions) for r in edge_records]
    g.es["link_ids"] = [() for _ in edges]
    g.es["extracted"] = [False for _ in edges]
    return g


def as_networkx(g: ig.Graph) -> nx.Graph:
    """The same graph in networkx, with the attributes GraphML can hold (lists joined)."""
    out = nx.Graph()
    for v in g.vs:
        records, roles = "; ".join(map(str, v["records"])), "; ".join(v["roles"])
        out.add_node(v["name"], label=v["caption"], kind=v["kind"], schema=v["schema"],
                     records=records, roles=roles)  # fmt: skip
    names = g.vs["name"]
    for e in g.es:
        out.add_edge(names[e.source], names[e.target], type=e["type"], start=e["start"] or "",
                     weight=e["weight"], grade=e["grade"], marking=e["marking"],
                     records="; ".join(map(str, e["records"])))  # fmt: skip
    return out


def plain_csv(content: Content, folder: Path) -> None:
    """The peer for CSV: the same rows through the csv module, with no escaping or marking."""
    for name, rows in (("entities.csv", entity_table(content)), ("links.csv", link_table(content))):
        with (folder / name).open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows(rows)


def measure(task: Callable[[], Any]) -> tuple[float, float]:
    """(seconds, peak MB allocated while running) of `task`: timed alone, then traced."""
    start = time.perf_counter()
    task()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    task()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=100_000)
    entities = parser.parse_args().entities
    start = time.perf_counter()
    g = synthetic_graph(entities)
    content = Content(g, Scope(), produced_by="bench", recipient="bench", purpose="bench")
    print(f"graph: {g.vcount():,} nodes, {g.ecount():,} links, {len(g['records']):,} records "
          f"({time.perf_counter() - start:.1f} s to build)")  # fmt: skip
    nxg = as_networkx(g)
    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)

        def write(fmt: str) -> Callable[[], None]:
            chosen = exporters()[fmt]

            def run() -> None:
                with (here / f"out{chosen.suffix}").open("wb") as stream:
                    chosen.write(content, stream, lambda label, n=1: None)

            return run

        figures["peer: networkx.write_graphml"] = measure(
            lambda: nx.write_graphml(nxg, here / "peer.graphml")
        )
        figures["peer: csv module"] = measure(lambda: plain_csv(content, here))
        for fmt in ("graphml", "csv", "xlsx", "ftm", "anx"):
            figures[fmt] = measure(write(fmt))
            size = sum(p.stat().st_size for p in here.glob("out*")) / 1e6
            print(f"  {fmt}: {figures[fmt][0]:.1f} s, peak {figures[fmt][1]:.0f} MB, "
                  f"{size:.0f} MB written")  # fmt: skip
            for p in here.glob("out*"):
                p.unlink()
    peer_graphml = figures["peer: networkx.write_graphml"]
    peer_csv = figures["peer: csv module"]
    print(f"\n{'format':<30}{'seconds':>9}{'peak MB':>9}{'time ratio':>12}{'memory ratio':>14}")
    for name, (seconds, peak) in figures.items():
        peer = peer_csv if name == "csv" else peer_graphml
        ratio = "" if name.startswith("peer") else f"{seconds / peer[0]:.2f}"
        memory = "" if name.startswith("peer") else f"{peak / peer[1]:.2f}"
        print(f"{name:<30}{seconds:>9.1f}{peak:>9.0f}{ratio:>12}{memory:>14}")
    print("(ratios against networkx.write_graphml, and csv against the csv module)")


if __name__ == "__main__":
    main()
