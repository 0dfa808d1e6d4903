"""Exports at scale: a 100,000-entity graph in each format, beside a peer, as ratios.

The graph is synthetic but complete (every attribute `build_graph` sets): people, addresses,
businesses, vehicles, accounts and phones, each named by one or two graded records, and
about 1.5 links per entity with their evidence. Each format is written to a temporary file
by a process of its own; the figures are wall-clock seconds and the resident memory the write
added above the graph every format shares (the rise of ru_maxrss).

Peers: ``networkx.write_graphml`` of the same graph (converted to networkx beforehand, with
the same attributes) for GraphML, and the standard ``csv`` module writing the same entity and
link rows for CSV and XLSX; ANX and FtM are set beside the GraphML peer. Target (issue 18):
every format finishes with memory bounded by the graph (streamed, not built whole).

    .venv/bin/python benchmarks/bench_export.py [--entities N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

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


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(task: str, entities: int) -> None:
    """Build the graph, then run one task and print its seconds and the peak memory it
    added above the graph (a process of its own, so each peak is its own)."""
    g = synthetic_graph(entities)
    content = Content(g, Scope(), produced_by="bench", recipient="bench", purpose="bench")
    nxg = as_networkx(g) if task == "networkx" else None
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        base = peak_mb()
        start = time.perf_counter()
        if task == "networkx":
            nx.write_graphml(nxg, here / "peer.graphml")
        elif task == "csv-module":
            plain_csv(content, here)
        else:
            chosen = exporters()[task]
            with (here / f"out{chosen.suffix}").open("wb") as stream:
                chosen.write(content, stream, lambda label, n=1: None)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in here.iterdir()) / 1e6
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb() - base, "size_mb": size}))


TASKS = ("networkx", "csv-module", "graphml", "csv", "xlsx", "ftm", "anx")
PEERS = {"graphml": "networkx", "csv": "csv-module", "xlsx": "csv-module", "ftm": "networkx",
         "anx": "networkx"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--one", choices=TASKS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.entities)
        return
    g = synthetic_graph(args.entities)
    print(f"graph: {g.vcount():,} nodes, {g.ecount():,} links, {len(g['records']):,} records")
    del g
    figures: dict[str, dict[str, float]] = {}
    for task in TASKS:
        done = subprocess.run(
            [sys.executable, __file__, "--one", task, "--entities", str(args.entities)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures[task] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {task}: {figures[task]['seconds']:.1f} s, +{figures[task]['peak_mb']:.0f} MB, "
              f"{figures[task]['size_mb']:.0f} MB written", flush=True)  # fmt: skip
    print(f"\n{'format':<12}{'seconds':>9}{'peak +MB':>10}{'peer':>12}{'time ratio':>12}"
          f"{'memory ratio':>14}")  # fmt: skip
    for task in TASKS[2:]:
        mine, peer = figures[task], figures[PEERS[task]]
        memory = mine["peak_mb"] / max(peer["peak_mb"], 1.0)
        print(f"{task:<12}{mine['seconds']:>9.1f}{mine['peak_mb']:>10.0f}{PEERS[task]:>12}"
              f"{mine['seconds'] / peer['seconds']:>12.2f}{memory:>14.2f}")  # fmt: skip
    print("peak +MB: resident memory added while writing, above the graph every format shares")


if __name__ == "__main__":
    main()
