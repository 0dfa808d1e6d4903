"""Growth: each stage's time and peak memory at several sizes, to fit and extrapolate.

For each size N (default 100,000 and 1,000,000 records) it writes N synthetic person records
(bench_resolve's generator: about 1.8 records per person, with typing slips, transliteration,
moved houses, shared phones, houses in multiple occupation) plus an employer for two people in
five (a pool of one business per twenty people), so that resolution, the graph and the
analytics have linked data to work on. Then it runs each stage in a process of its own (its
peak resident memory is read from that process alone, with os.wait4) through the real paths:

* ingest     `threadline ingest FILE --mapping growth_mapping.yaml --no-update`
* resolve    `threadline resolve --full`
* graph      `threadline.graph.build_graph` through the local analyst's View (what the
             server's graph cache and `threadline analyse` build), then connected components,
             Leiden and betweenness from 16 sampled sources on it, and 2-hop ego networks of
             sampled people (a chart's expansion), timed per query; then `find_node` for the
             same people, scanning every name, igraph's name index built (`index_names`, as
             the server's graph cache does), and the look-ups and ego networks again with it;
             the edges are saved for bench_graph_spark.py
* analyse    `threadline analyse` (builds the graph again, then communities, centralities,
             indicators and rankings, stored as a run)
* web        `threadline.read.search` for names and phones, and `entity_profile` (the entity
             page) for the hits, as the local analyst (each read scoped and audited), p50/p95;
             each search is run also choosing its names to compare as before issue 21 (every
             holder of every key read: bench_search.every_holder), in turn, three times each
             way, and so are the five commonest surnames alone, so that before and now stand
             side by side

Peers, in the same run: pandas.read_csv + DataFrame.to_sql of the same file into the same kind
of database (beside ingest), and networkx on the same graph's edges (connected components,
Louvain, betweenness with 16 sampled sources; beside igraph's in `graph`). The load average
is recorded before and after each stage (the machine is shared).

Everything is kept under benchmarks/out/growth/N/ (the records, the store, results.json):
re-running skips what is done, so an interrupted run resumes at the stage it stopped in (that
stage starts again; an interrupted ingest starts from an empty store). `--again` redoes a
size; `--redo web` runs the stages named again on the stores kept. `--table` prints the
figures held without running anything; `--fit` adds each stage's fits (y = a*N^b, and for
memory also y = c + d*N) and their values at 10^7 and 10^8. On
PostgreSQL (`--database postgresql`) each size gets a database of its own, with an
administrator and an analyst of its own, and every stage acts as that analyst. docs/scaling.md
holds the figures of a run and what they mean.

    .venv/bin/python benchmarks/bench_growth.py [--sizes 100000 1000000]
        [--database sqlite|postgresql] [--stages ingest,resolve,graph,analyse,web]
        [--no-peers] [--again] [--redo web] [--out DIR] [--table] [--fit]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OUT = HERE / "out" / "growth"
BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
STAGES = ("generate", "ingest", "ingest-peer", "resolve", "graph", "graph-peer", "analyse", "web")
PEERS = {"ingest-peer": "ingest", "graph-peer": "graph"}
ANALYST = "growth-analyst"
"""On PostgreSQL every stage acts as this analyst of the agency `local` (SQLite: the local
analyst account)."""
PASSWORD = "benchmark password, not a secret"
SEARCH_ROUNDS = 3
"""Times the web stage runs each search each way (before issue 21 and now): 60 of each."""
NETWORKX_MAX_NODES = 2_000_000
"""Beyond this many nodes the networkx peer is not run (its graph alone would take >10 GB)."""


# -- the records -----------------------------------------------------------------------------


def write_records(path: Path, n: int, seed: int = 7) -> dict[str, Any]:
    """N records as a CSV (bench_resolve's people, plus employers and a display name)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    resolve_bench = importlib.import_module("bench_resolve")  # beside this script, on its path
    generate, _synthetic_names = resolve_bench.generate, resolve_bench._synthetic_names
    table, person = generate(n, seed)
    rng = np.random.default_rng(seed + 1)
    people = int(person.max()) + 1
    businesses = max(people // 20, 1)
    names = _synthetic_names(rng, businesses)
    kinds = np.array(["Ltd", "Car Wash", "Nails", "Recruitment Ltd", "Hand Car Wash", "Foods"])
    business = np.array(
        [f"{a} {b}" for a, b in zip(names, kinds[rng.integers(0, len(kinds), businesses)],
                                     strict=True)],
        dtype=object,
    )  # fmt: skip
    employed = rng.random(people) < 0.4
    employer_of = rng.integers(0, businesses, people)
    employer = np.where(employed[person], business[employer_of[person]], None)
    employer[rng.random(len(person)) < 0.3] = None  # not every record says where one works
    given = table.column("given_name").to_numpy(zero_copy_only=False)
    family = table.column("surname").to_numpy(zero_copy_only=False)
    full = table.column("full_name").to_numpy(zero_copy_only=False)
    name = np.array(
        [f if f else " ".join(x for x in (g, s) if x) or None
         for g, s, f in zip(given, family, full, strict=True)],
        dtype=object,
    )  # fmt: skip
    table = table.append_column("name", pa.array(name, pa.string()))
    table = table.append_column("employer", pa.array(employer, pa.string()))
    table = table.append_column("truth", pa.array(person.astype(str)))
    tmp = path.with_suffix(".part")
    pacsv.write_csv(table, tmp)
    tmp.rename(path)
    return {"records": table.num_rows, "people": len(set(person.tolist())),
            "businesses": businesses, "megabytes": round(path.stat().st_size / 1e6, 1)}  # fmt: skip


# -- the stages, each run in a child process ------------------------------------------------


def child_generate(folder: Path, n: int) -> dict[str, Any]:
    return write_records(folder / "records.csv", n)


def child_ingest_peer(folder: Path, url: str) -> dict[str, Any]:
    import pandas as pd
    import sqlalchemy as sa

    if url.startswith("sqlite"):
        target = f"sqlite:///{folder / 'peer.db'}"
        (folder / "peer.db").unlink(missing_ok=True)
    else:  # a database of its own beside the store's, dropped afterwards
        import psycopg

        peer = f"{url.rsplit('/', 1)[1]}_peer"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{peer}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{peer}"')
        target = f"postgresql+psycopg://postgres@127.0.0.1:5432/{peer}"
    engine = sa.create_engine(target)
    frame = pd.read_csv(folder / "records.csv", dtype=str, keep_default_na=False)
    frame.to_sql("growth_peer_records", engine, if_exists="replace", index=False, chunksize=10_000)
    engine.dispose()
    (folder / "peer.db").unlink(missing_ok=True)
    if not url.startswith("sqlite"):
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{peer}" WITH (FORCE)')
    return {"rows": len(frame), "tool": "pandas.read_csv + DataFrame.to_sql"}


def child_graph(folder: Path, url: str) -> dict[str, Any]:
    import numpy as np

    from threadline.graph import (
        betweenness,
        build_graph,
        communities,
        component_membership,
        find_node,
        index_names,
    )
    from threadline.graph.paths import ego_network
    from threadline.read import reading

    with reading(url, None, "bench.growth.graph") as view:
        started = time.perf_counter()
        g = build_graph(view)
        built = time.perf_counter() - started
    started = time.perf_counter()
    membership = component_membership(g)
    components = time.perf_counter() - started
    started = time.perf_counter()
    found = communities(g, seed=0, weights=None)
    leiden = time.perf_counter() - started
    started = time.perf_counter()
    betweenness(g, samples=16, seed=0)
    btw = time.perf_counter() - started
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    np.save(folder / "edges.npy", edges)
    (folder / "nodes.txt").write_text(str(g.vcount()))
    rng = np.random.default_rng(3)
    people = [v.index for v in g.vs.select(schema="Person")]
    sampled = [str(g.vs[int(i)]["name"]) for i in rng.choice(people, min(20, len(people)), False)]

    def each(work: Any) -> list[float]:
        times = []
        for name in sampled:
            started = time.perf_counter()
            work(name)
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)

    ego = each(lambda name: ego_network(g, name, hops=2))
    scanned = each(lambda name: find_node(g, name))
    started = time.perf_counter()
    index_names(g)  # as the server's graph cache does
    indexing = time.perf_counter() - started
    looked_up = each(lambda name: find_node(g, name))
    ego_indexed = each(lambda name: ego_network(g, name, hops=2))
    return {"seconds_build": round(built, 2), "nodes": g.vcount(), "edges": g.ecount(),
            "components": max(membership) + 1, "seconds_components": round(components, 2),
            "seconds_leiden": round(leiden, 2), "communities": max(found) + 1,
            "seconds_betweenness16": round(btw, 2),
            "ego_ms_p50": round(statistics.median(ego), 1),
            "ego_ms_p95": round(ego[int(len(ego) * 0.95) - 1], 1),
            "find_node_ms_p50": round(statistics.median(scanned), 3),
            "seconds_index_names": round(indexing, 2),
            "find_node_indexed_ms_p50": round(statistics.median(looked_up), 4),
            "ego_indexed_ms_p50": round(statistics.median(ego_indexed), 1),
            "ego_indexed_ms_p95": round(ego_indexed[int(len(ego) * 0.95) - 1], 1)}  # fmt: skip


def child_graph_peer(folder: Path) -> dict[str, Any]:
    import networkx as nx
    import numpy as np

    nodes = int((folder / "nodes.txt").read_text())
    if nodes > NETWORKX_MAX_NODES:
        return {"skipped": f"{nodes:,} nodes: networkx is not run beyond {NETWORKX_MAX_NODES:,}"}
    edges = np.load(folder / "edges.npy")
    started = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(nodes))
    g.add_edges_from(edges.tolist())
    built = time.perf_counter() - started
    started = time.perf_counter()
    components = nx.number_connected_components(g)
    cc = time.perf_counter() - started
    started = time.perf_counter()
    found = nx.community.louvain_communities(g, seed=0)
    louvain = time.perf_counter() - started
    started = time.perf_counter()
    nx.betweenness_centrality(g, k=16, seed=0)
    btw = time.perf_counter() - started
    return {"seconds_build": round(built, 2), "components": components,
            "seconds_components": round(cc, 2), "seconds_louvain": round(louvain, 2),
            "communities": len(found), "seconds_betweenness16": round(btw, 2),
            "tool": "networkx (from the same edges)"}  # fmt: skip


def child_web(folder: Path, url: str) -> dict[str, Any]:
    import csv
    from collections import Counter

    import numpy as np

    from threadline.read import reading
    from threadline.read.profile import entity_profile
    from threadline.read.search import warm_up

    search_bench = importlib.import_module("bench_search")  # beside this script, on its path
    rng = np.random.default_rng(5)
    names: list[str] = []
    phones: list[str] = []
    surnames: Counter[str] = Counter()
    with (folder / "records.csv").open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if i >= 20_000:
                break
            if row["name"]:
                names.append(row["name"])
            if row["phone"]:
                phones.append(row["phone"])
            if row["surname"]:
                surnames[row["surname"].title()] += 1
    queries = [*rng.choice(names, 15, replace=False), *rng.choice(phones, 5, replace=False)]
    common = [name for name, _ in surnames.most_common(5)]
    warm_up()
    asked = search_bench.side_by_side(url, [str(q) for q in queries], rounds=SEARCH_ROUNDS)
    alone = search_bench.side_by_side(url, common, rounds=SEARCH_ROUNDS)
    hits = [found.hits[0].entity_id for found in asked["found"] if found.hits]
    pages: list[float] = []
    for entity_id in hits:
        with reading(url, None, "bench.growth.profile") as view:
            started = time.perf_counter()
            entity_profile(view, entity_id)
            pages.append((time.perf_counter() - started) * 1000)
    out: dict[str, Any] = {"queries": len(queries), "hits": len(hits), "common": common}
    timed = {
        "search": asked["times"]["now"],
        "search_before": asked["times"]["before"],
        "choosing": asked["choosing"]["now"],
        "choosing_before": asked["choosing"]["before"],
        "common_surname": alone["times"]["now"],
        "common_surname_before": alone["times"]["before"],
        "common_choosing": alone["choosing"]["now"],
        "common_choosing_before": alone["choosing"]["before"],
        "entity page": pages,
    }
    for kind, values in timed.items():
        values.sort()
        key = kind.replace(" ", "_")
        out[f"{key}_ms_p50"] = round(statistics.median(values), 1) if values else None
        out[f"{key}_ms_p95"] = (
            round(values[max(int(len(values) * 0.95) - 1, 0)], 1) if values else None
        )
    for way in ("before", "now"):
        entries = sorted(asked["entries"][way] + alone["entries"][way])
        out[f"entries_{way}_p50"] = statistics.median(entries)
        out[f"entries_{way}_max"] = entries[-1]
    for key in ("same_first", "first_as_good", "same_page", "at_least"):
        out[key] = f"{asked[key]}/{len(queries)}; common surnames {alone[key]}/{len(common)}"
    return out


def child(stage: str, folder: Path, url: str, n: int) -> None:
    if stage == "generate":
        figures = child_generate(folder, n)
    elif stage == "ingest-peer":
        figures = child_ingest_peer(folder, url)
    elif stage == "graph":
        figures = child_graph(folder, url)
    elif stage == "graph-peer":
        figures = child_graph_peer(folder)
    elif stage == "web":
        figures = child_web(folder, url)
    else:
        raise SystemExit(f"no child stage {stage}")
    print(json.dumps(figures))


def command(stage: str, folder: Path, url: str, n: int) -> list[str]:
    """The argv that runs `stage`: the threadline CLI where a command does it, else a child."""
    threadline = str(BIN / "threadline")
    if stage == "ingest":
        return [threadline, "ingest", str(folder / "records.csv"), "--mapping",
                str(HERE / "growth_mapping.yaml"), "--agency", "local", "--on-error", "skip",
                "--no-update", "--json", "--db", url]  # fmt: skip
    if stage == "resolve":
        return [threadline, "resolve", "--full", "--json", "--db", url]
    if stage == "analyse":
        return [threadline, "analyse", "--json", "--db", url]
    return [sys.executable, __file__, "--child", stage, str(folder), url, str(n)]


def run_stage(argv: Sequence[str]) -> tuple[float, float, int, str, str]:
    """Run argv; its seconds, its own peak resident MiB, exit code, stdout and stderr."""
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        stdout, stderr = so.read().decode(errors="replace"), se.read().decode(errors="replace")
    return seconds, usage.ru_maxrss / 1024, proc.returncode, stdout, stderr


def _last_json(text: str) -> dict[str, Any]:
    """The JSON document a command printed last (threadline prints one; a child one line)."""
    text = text.strip()
    for start in [i for i, c in enumerate(text) if c == "{" and (i == 0 or text[i - 1] == "\n")]:
        try:
            value = json.loads(text[start:])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def _summary(stage: str, printed: dict[str, Any]) -> dict[str, Any]:
    """The few figures of a command's JSON worth keeping."""
    if stage == "ingest":
        batches = printed.get("results") or printed.get("batches") or [printed]
        keep = ("rows_read", "rows_loaded", "rows_rejected", "statements", "status")
        return {k: v for b in batches if isinstance(b, dict) for k, v in b.items() if k in keep}
    if stage == "resolve":
        keep = ("run", "mentions", "entities", "people", "pairs", "seconds", "timings")
        return {k: v for k, v in printed.items() if k in keep}
    if stage == "analyse":
        keep = ("run", "nodes", "edges", "records", "communities", "seconds")
        return {k: v for k, v in printed.items() if k in keep}
    return printed


# -- sizes, stores, results ---------------------------------------------------------------------


def database(n: int, kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'store.db'}"
    return f"postgresql://postgres@127.0.0.1:5432/threadline_growth_{n}"


def fresh_store(n: int, kind: str, folder: Path, url: str) -> None:
    """An empty store at the current schema (an interrupted ingest starts from nothing)."""
    if kind == "sqlite":
        for leftover in folder.glob("store.db*"):
            leftover.unlink()
    else:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    steps = [["init", "--db", url]]
    if kind != "sqlite":  # a shared store starts with an administrator, who adds the analyst
        steps = [["init", "--db", url, "--admin", "growth-admin", "--agency", "local",
                  "--agency-name", "Local analyst"],
                 ["users", "add", ANALYST, "--role", "analyst", "--agency", "local",
                  "--password", "--db", url, "--user", "growth-admin"]]  # fmt: skip
    env = {**os.environ, "THREADLINE_NEW_PASSWORD": PASSWORD, "THREADLINE_PASSWORD": PASSWORD}
    for step in steps:
        done = subprocess.run([str(BIN / "threadline"), *step], capture_output=True, text=True,
                              check=False, env=env)  # fmt: skip
        if done.returncode:
            raise SystemExit(f"threadline {step[0]} failed:\n{done.stdout}{done.stderr}")


def load_results(folder: Path) -> dict[str, Any]:
    path = folder / "results.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def save_results(folder: Path, results: dict[str, Any]) -> None:
    tmp = folder / "results.json.part"
    tmp.write_text(json.dumps(results, indent=1))
    tmp.rename(folder / "results.json")


def size_folder(n: int, kind: str) -> Path:
    return OUT / (f"{n}" if kind == "sqlite" else f"{n}-{kind}")


def run_size(
    n: int, kind: str, stages: Sequence[str], peers: bool, again: bool, redo: Sequence[str] = ()
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    folder = size_folder(n, kind)
    if again and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    url = database(n, kind, folder)
    if kind != "sqlite":  # the stages' processes act as the analyst
        os.environ.update({"THREADLINE_USER": ANALYST, "THREADLINE_PASSWORD": PASSWORD})
    results = load_results(folder)
    for stage in redo:  # run again though done (the stores it reads are kept)
        results.pop(stage, None)
    wanted = [s for s in STAGES if (s == "generate" or PEERS.get(s, s) in stages)
              and (peers or s not in PEERS)]  # fmt: skip
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as bar:
        for stage in wanted:
            if stage in results and "failed" not in results[stage]:
                continue
            if stage == "ingest":
                fresh_store(n, kind, folder, url)
                for later in ("resolve", "graph", "graph-peer", "analyse", "web"):
                    results.pop(later, None)
            task = bar.add_task(f"{n:>9,} {stage}", total=None)
            load_before = os.getloadavg()[0]
            seconds, peak, code, stdout, stderr = run_stage(command(stage, folder, url, n))
            bar.remove_task(task)
            entry: dict[str, Any] = {
                "seconds": round(seconds, 2), "peak_mib": round(peak),
                "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }  # fmt: skip
            if code != 0:
                entry["failed"] = f"exit {code}: {(stderr or stdout).strip()[-1500:]}"
                results[stage] = entry
                save_results(folder, results)
                bar.console.print(f"[red]{n:,} {stage} failed[/] ({entry['failed'][:200]})")
                return
            entry["detail"] = _summary(stage, _last_json(stdout))
            results[stage] = entry
            save_results(folder, results)
            bar.console.print(
                f"{n:>9,} {stage:<12}{seconds:>9.1f} s{peak:>9,.0f} MiB  load {load_before:.2f}"
            )


# -- the table ----------------------------------------------------------------------------------


def _analytics(entry: dict[str, Any]) -> float:
    """Seconds of the three graph analytics (components, communities, betweenness)."""
    d = entry["detail"]
    keys = ("seconds_components", "seconds_betweenness16")
    return float(sum(d[k] for k in keys) + d.get("seconds_leiden", d.get("seconds_louvain", 0)))


def print_table(sizes: Sequence[int], kind: str) -> None:
    print(f"\nGrowth ({kind}); seconds and peak resident MiB of each stage's own process")
    print(f"{'stage':<13}{'N':>11}{'seconds':>10}{'peak MiB':>10}{'load':>11}  "
          f"{'peer':<12}{'seconds':>9}{'peak MiB':>10}{'ratio':>8}  figures")  # fmt: skip
    for n in sizes:
        results = load_results(size_folder(n, kind))
        for stage in STAGES:
            if stage in PEERS or stage not in results:
                continue
            r = results[stage]
            line = (f"{stage:<13}{n:>11,}{r['seconds']:>10.1f}{r['peak_mib']:>10,}"
                    f"{r['load_before']:>5.1f}-{r['load_after']:<5.1f}")  # fmt: skip
            peer_name = next((p for p, s in PEERS.items() if s == stage), None)
            peer = results.get(peer_name or "")
            if peer and "failed" not in peer and "skipped" not in peer.get("detail", {}):
                ratio = (
                    _analytics(peer) / _analytics(r)
                    if stage == "graph"
                    else (peer["seconds"] / r["seconds"])
                )
                line += f"  {peer_name:<12}{peer['seconds']:>9.1f}{peer['peak_mib']:>10,}"
                line += f"{ratio:>7.2f}x"
            else:
                line += f"  {'':<12}{'':>9}{'':>10}{'':>8}"
            shown = r.get("failed") or r.get("detail", {})
            print(f"{line}  {json.dumps(shown)[:160]}")
            if stage == "web" and "search_before_ms_p50" in shown:
                _print_search(shown)
            if peer:
                print(f"{'':<13}{'':>11}  peer: {json.dumps(peer.get('detail') or peer)[:200]}")
    print("ratio: the peer's seconds over Threadline's (above 1: Threadline is faster); for "
          "graph, of the analytics alone (components, Leiden/Louvain, betweenness of 16 "
          "sources) on the same edges. "
          "load: 1-minute load average before-after (2 cores, shared).")  # fmt: skip


def _print_search(d: dict[str, Any]) -> None:
    """The web stage's searches choosing their names before issue 21 and now, side by side."""
    rows = (
        ("search", "search"),
        ("  choosing the names", "choosing"),
        ("commonest surname", "common_surname"),
        ("  choosing the names", "common_choosing"),
    )
    for label, key in rows:
        before = f"{d.get(f'{key}_before_ms_p50')} / {d.get(f'{key}_before_ms_p95')}"
        now = f"{d.get(f'{key}_ms_p50')} / {d.get(f'{key}_ms_p95')}"
        print(f"{'':<24}{label:<22} p50 / p95 ms: before {before:<16} now {now}")
    if "entries_now_p50" in d:
        print(f"{'':<24}{'key index entries read':<22} p50 / most: before "
              f"{d['entries_before_p50']:,.0f} / {d['entries_before_max']:,.0f}, now "
              f"{d['entries_now_p50']:,.0f} / {d['entries_now_max']:,.0f}")  # fmt: skip
    print(f"{'':<24}the same first hit: {d['same_first']}; as good (its score): "
          f"{d.get('first_as_good')}; the same page: {d['same_page']}; "
          f"at least: {d['at_least']}")  # fmt: skip


def _measures(stage: str, entry: dict[str, Any]) -> dict[str, float]:
    """What is fitted of a stage: its seconds and peak MiB, and the per-query latencies."""
    out = {"seconds": float(entry["seconds"]), "peak_mib": float(entry["peak_mib"])}
    detail = entry.get("detail", {})
    for key in ("seconds_build", "search_ms_p50", "search_ms_p95", "entity_page_ms_p50",
                "entity_page_ms_p95", "ego_ms_p50", "search_before_ms_p50",
                "common_surname_ms_p50", "common_surname_before_ms_p50", "choosing_ms_p50",
                "choosing_before_ms_p50", "find_node_ms_p50", "ego_indexed_ms_p50"):  # fmt: skip
        if isinstance(detail.get(key), int | float):
            out[key] = float(detail[key])
    return out


def fit(sizes: Sequence[int], kind: str, targets: Sequence[int] = (10**7, 10**8)) -> None:
    """Per stage and measure, least squares of log(y) on log(N) (y = a * N^b) over the sizes
    that finished, and the fitted values at `targets`. Peak memory is also fitted as a fixed
    part plus a part per record (y = c + d * N), which a power law of few points
    underestimates when the fixed part (the interpreter, the libraries) dominates."""
    import numpy as np

    print(f"\nFits over the sizes held ({kind}), and what they give further on")
    head = "".join(f"{f'at {t:.0e}':>16}" for t in targets)
    print(f"{'stage':<13}{'measure':<20}{'model':<18}{'sizes':<22}{head}")
    for stage in STAGES:
        points = [(n, load_results(size_folder(n, kind)).get(stage)) for n in sizes]
        held = [(n, _measures(stage, r)) for n, r in points if r and "failed" not in r]
        if len(held) < 2 or stage == "generate":
            continue
        shown = ",".join(f"{n:.0e}" for n, _ in held)
        for measure in held[0][1]:
            got = [(n, m[measure]) for n, m in held if measure in m]
            if len(got) < 2:
                continue
            ns = np.array([n for n, _ in got], dtype=float)
            ys = np.array([max(y, 1e-3) for _, y in got])
            b, log_a = np.polyfit(np.log(ns), np.log(ys), 1)
            values = "".join(f"{float(np.exp(log_a) * t**b):>16,.0f}" for t in targets)
            print(f"{stage:<13}{measure:<20}{f'a*N^{b:.2f}':<18}{shown:<22}{values}")
            if measure == "peak_mib":
                d, c = np.polyfit(ns, ys, 1)
                values = "".join(f"{float(c + d * t):>16,.0f}" for t in targets)
                model = f"{c:.0f}+{d * 1024:.1f}KiB*N"
                print(f"{stage:<13}{measure:<20}{model:<18}{shown:<22}{values}")


def main() -> None:
    global OUT  # one folder for the whole run, set once from the command line
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--stages", default="ingest,resolve,graph,analyse,web")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--again", action="store_true", help="start the sizes afresh")
    parser.add_argument("--redo", default="", help="stages to run again though done (web,graph)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to keep it all ({OUT})")
    parser.add_argument("--table", action="store_true", help="print the figures held; run none")
    parser.add_argument("--fit", action="store_true", help="also fit and extrapolate each stage")
    args = parser.parse_args()
    OUT = args.out
    if not args.table:
        print(f"load average {os.getloadavg()}; {os.cpu_count()} cores; figures in {OUT}")
        for n in args.sizes:
            redo = [s for s in args.redo.split(",") if s]
            run_size(n, args.database, args.stages.split(","), not args.no_peers, args.again, redo)
    print_table(args.sizes, args.database)
    if args.fit:
        fit(args.sizes, args.database)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    else:
        main()
