"""Person resolution on Spark (local mode) against DuckDB, on the same records.

The records are :mod:`bench_resolve`'s synthetic people (names of many cultures, typos, swaps,
moves, shared phones and houses) with each record's true person. Each engine resolves them in
a process of its own (so each peak of memory is its own): the same preparation, blocking plan,
training, scoring and clustering, with the blocking, training and scoring on DuckDB in one and
on Spark in the other. Prints both times, both F1s against the truth, the ratio of times, how
many scored pairs and clusters differ, and the peak memory of each (for Spark: the Python
process and the Spark JVM's high-water mark).

    .venv/bin/python benchmarks/bench_resolve_spark.py                 # 1,000,000 records
    .venv/bin/python benchmarks/bench_resolve_spark.py --rows 100000
    .venv/bin/python benchmarks/bench_resolve_spark.py --rows 100000 --driver-memory 6g
    .venv/bin/python benchmarks/bench_resolve_spark.py --keep DIR   # keep both engines' output

Where the partitions differ it says how many records sit in a different cluster and how many
pairs of records share a cluster in one engine only, and lists the first few such records
with the match probability each engine gave their scored pairs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from threadline.resolve import PersonResolver, evaluate_clusters
from threadline.resolve.engines import DuckDBEngine, Engine


def _generator() -> Any:
    """The records generator of the DuckDB benchmark (benchmarks/bench_resolve.py)."""
    path = Path(__file__).resolve().with_name("bench_resolve.py")
    spec = importlib.util.spec_from_file_location("bench_resolve", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _jvm_peak_mb() -> float:
    """The high-water mark of resident memory of this process's Java children (the Spark
    driver of local mode, which runs the executors too), in MB."""
    me = os.getpid()
    peak = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if int(stat[1]) != me or "java" not in (entry / "comm").read_text():
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def run_one(engine_name: str, rows: int, master: str, memory: str, out: Path) -> None:
    """Resolve the records with one engine; write the figures and the clusters to ``out``."""
    records, person = _generator()(rows)
    truth = dict(zip(records.column("record_id").to_pylist(), map(str, person), strict=True))
    engine: Engine = DuckDBEngine()
    if engine_name == "spark":
        from threadline.resolve.spark_model import SparkEngine, spark_session

        started = time.perf_counter()
        spark_session(master, driver_memory=memory, shuffle_partitions=16)
        print(f"    Spark session started in {time.perf_counter() - started:.1f} s", flush=True)
        engine = SparkEngine(master, memory)
    started = time.perf_counter()
    with PersonResolver(engine=engine) as resolver:
        result = resolver.resolve(records)
    seconds = time.perf_counter() - started
    scores = evaluate_clusters(result.clusters, truth)
    figures = {
        "engine": engine_name,
        "seconds": seconds,
        "stages": {k: round(v, 1) for k, v in result.timings.items()},
        "f1": scores.f1,
        "precision": scores.precision,
        "recall": scores.recall,
        "pairs": result.pairs.num_rows,
        "peak_python_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_jvm_mb": _jvm_peak_mb(),
    }
    pq.write_table(
        pa.table(
            {
                "record_id": list(result.clusters),
                "cluster": list(result.clusters.values()),
            }
        ),
        out.with_suffix(".clusters.parquet"),
    )
    pq.write_table(
        result.pairs.select(["left_id", "right_id", "match_probability"]),
        out.with_suffix(".pairs.parquet"),
    )
    out.write_text(json.dumps(figures), encoding="utf-8")


def _groups(path: Path) -> set[frozenset[str]]:
    table = pq.read_table(path)
    found: dict[str, set[str]] = {}
    for rid, cluster in zip(
        table.column("record_id").to_pylist(), table.column("cluster").to_pylist(), strict=True
    ):
        found.setdefault(cluster, set()).add(rid)
    return {frozenset(g) for g in found.values()}


def _pairs(path: Path) -> set[tuple[str, str]]:
    table = pq.read_table(path)
    return {
        (min(a, b), max(a, b))
        for a, b in zip(
            table.column("left_id").to_pylist(), table.column("right_id").to_pylist(), strict=True
        )
    }


def _together(groups: set[frozenset[str]]) -> set[tuple[str, str]]:
    """Every pair of records that share a cluster."""
    return {(a, b) for g in groups for a in g for b in g if a < b}


def _differences(tmp: Path) -> tuple[bool, str]:
    """Whether the engines' partitions are equal, and if not, by how much and where."""
    duck = _groups(tmp / "duckdb.clusters.parquet")
    spark = _groups(tmp / "spark.clusters.parquet")
    if duck == spark:
        return True, ""
    moved = set().union(*(duck - spark)) | set().union(*(spark - duck))
    a, b = _together(duck), _together(spark)
    lines = [
        f"records in a cluster the other engine does not form: {len(moved):,}; pairs of "
        f"records sharing a cluster in one engine only: {len(a ^ b):,} of {len(a | b):,} "
        f"({len(a ^ b) / max(len(a | b), 1):.4%})"
    ]
    probs = {}
    for name in ("duckdb", "spark"):
        table = pq.read_table(tmp / f"{name}.pairs.parquet").to_pylist()
        probs[name] = {
            (min(r["left_id"], r["right_id"]), max(r["left_id"], r["right_id"])):
            r["match_probability"] for r in table
        }  # fmt: skip
    for cluster in sorted(duck - spark, key=lambda g: sorted(g))[:5]:
        lines.append(f"  DuckDB cluster {sorted(cluster)}; Spark's:")
        lines += [f"    {sorted(g)}" for g in spark if g & cluster]
        for pair in sorted(p for p in probs["duckdb"] if p[0] in cluster or p[1] in cluster):
            d, s = probs["duckdb"].get(pair), probs["spark"].get(pair)
            lines.append(f"    {pair}: DuckDB {d!r}, Spark {s!r}")
    return False, "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--only", choices=("duckdb", "spark"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep both engines' clusters and pairs here")
    args = parser.parse_args()
    if args.only:
        run_one(args.only, args.rows, args.master, args.driver_memory, args.out)
        return
    load = os.getloadavg()
    loads = " ".join(f"{x:.1f}" for x in load)
    print(f"{args.rows:,} records; Spark {args.master}, driver memory {args.driver_memory}; "
          f"load average {loads} on {os.cpu_count()} cores")  # fmt: skip
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for name in ("duckdb", "spark"):
            out = tmp / name
            print(f"  {name}...", flush=True)
            subprocess.run(
                [sys.executable, __file__, "--only", name, "--rows", str(args.rows),
                 "--master", args.master, "--driver-memory", args.driver_memory,
                 "--out", str(out)],
                check=True,
            )  # fmt: skip
            figures[name] = json.loads(out.read_text(encoding="utf-8"))
            print(f"    {figures[name]['seconds']:.1f} s; stages {figures[name]['stages']}")
        same_clusters, where = _differences(tmp)
        left, right = (
            _pairs(tmp / "duckdb.pairs.parquet"),
            _pairs(tmp / "spark.pairs.parquet"),
        )
    duck, spark = figures["duckdb"], figures["spark"]
    print(f"\n{'':24}{'DuckDB':>14}{'Spark local':>14}")
    print(f"{'seconds':24}{duck['seconds']:>14.1f}{spark['seconds']:>14.1f}")
    print(f"{'F1 (records truth)':24}{duck['f1']:>14.4f}{spark['f1']:>14.4f}")
    print(f"{'precision':24}{duck['precision']:>14.4f}{spark['precision']:>14.4f}")
    print(f"{'recall':24}{duck['recall']:>14.4f}{spark['recall']:>14.4f}")
    print(f"{'scored pairs kept':24}{duck['pairs']:>14,}{spark['pairs']:>14,}")
    print(f"{'peak memory, Python MB':24}{duck['peak_python_mb']:>14,.0f}"
          f"{spark['peak_python_mb']:>14,.0f}")  # fmt: skip
    print(f"{'peak memory, JVM MB':24}{'-':>14}{spark['peak_jvm_mb']:>14,.0f}")
    print(f"\nSpark / DuckDB time: {spark['seconds'] / duck['seconds']:.2f}x")
    print(f"same clusters: {same_clusters}; scored pairs in one engine only: "
          f"{len(left ^ right):,} of {len(left | right):,} "
          f"({len(left ^ right) / max(len(left | right), 1):.4%})")  # fmt: skip
    if where:
        print(where)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
