"""Connected components on Spark (local mode) against igraph, on the same edges.

The prototype of the graph beyond one machine (docs/scaling.md): connected components written
with Spark DataFrames as the alternating large-star / small-star algorithm (Kiveris et al.,
"Connected Components in MapReduce and Beyond", SoCC 2014), which is what GraphFrames runs by
default. GraphFrames itself is a JVM package: the graphframes-py wheel holds only the Python
side, and its jar cannot be fetched here, so the same algorithm is written out below with
nothing but Spark's own DataFrame operations.

The edges are either those of a store's entity graph, as `bench_growth.py` saved them
(`--edges benchmarks/out/growth/N/edges.npy`: the graph `threadline.graph.build_graph` made),
or a planted-partition random graph as bench_graph.py makes (`--nodes`, `--edges-count`).
Each engine runs in a process of its own; it prints both times, their ratio, each one's peak
memory (the Spark JVM's own high-water mark beside its Python driver's), and whether the two
partitions are the same (every node in the same component as the same others). The Spark
driver is capped at 6 GB.

    .venv/bin/pip install pyspark==4.3.0    # not a project dependency yet (branch spark)
    .venv/bin/python benchmarks/bench_graph_spark.py --edges benchmarks/out/growth/1000000/edges.npy
    .venv/bin/python benchmarks/bench_graph_spark.py --nodes 1000000 --edges-count 5000000
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

HERE = Path(__file__).parent
DRIVER_MEMORY = "6g"


# -- connected components with Spark DataFrames ---------------------------------------------


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node u links every larger neighbour to the least of u and u's neighbours."""
    from pyspark.sql import functions as F

    both = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    least = both.groupBy("src").agg(F.least(F.min("dst"), F.col("src")).alias("m"))
    return (
        both.where(F.col("dst") > F.col("src"))
        .join(least, "src")
        .select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node u links itself and every smaller neighbour to the least of them."""
    from pyspark.sql import functions as F

    down = edges.select(
        F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst")
    ).where(F.col("src") != F.col("dst"))
    least = down.groupBy("src").agg(F.min("dst").alias("m"))
    joined = down.join(least, "src")
    moved = joined.where(F.col("dst") != F.col("m")).select(
        F.col("dst").alias("src"), F.col("m").alias("dst")
    )
    return moved.unionByName(joined.select("src", F.col("m").alias("dst"))).distinct()


def _is_stars(edges: DataFrame) -> bool:
    """Whether the edges are disjoint stars around each component's least node (done)."""
    from pyspark.sql import functions as F

    centres = edges.select(F.col("dst").alias("src")).distinct()
    return (
        edges.join(centres, "src", "left_semi").limit(1).count() == 0
        and edges.groupBy("src").count().where(F.col("count") > 1).limit(1).count() == 0
    )


def spark_components(edges: DataFrame, max_rounds: int = 60) -> tuple[DataFrame, int]:
    """Each node with an edge and the least node id of its component; and the rounds taken.

    Alternates large-star and small-star until the edges are stars (every node points at its
    component's least node and nothing points further). Each round's edges are checkpointed
    locally so the plan does not grow with the rounds.
    """
    current = edges.localCheckpoint()
    for rounds in range(1, max_rounds + 1):
        current = _small_star(_large_star(current)).localCheckpoint()
        if _is_stars(current):
            from pyspark.sql import functions as F

            centres = current.select(F.col("dst").alias("node"), F.col("dst").alias("component"))
            leaves = current.select(F.col("src").alias("node"), F.col("dst").alias("component"))
            return leaves.unionByName(centres).distinct(), rounds
    raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")


# -- the two engines, each in a process of its own -----------------------------------------------


def _jvm_peak_mib(spark: SparkSession) -> float:
    """The Spark JVM's peak resident memory so far (VmHWM of its process)."""
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[union-attr]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_spark(parquet: Path, out: Path, partitions: int) -> dict[str, Any]:
    from pyspark.sql import SparkSession

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("threadline-components")
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    session = time.perf_counter() - started
    started = time.perf_counter()
    edges = spark.read.parquet(str(parquet))
    components, rounds = spark_components(edges)
    components.write.mode("overwrite").parquet(str(out))
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "session_seconds": session, "rounds": rounds,
               "jvm_peak_mib": _jvm_peak_mib(spark), "partitions": partitions}  # fmt: skip
    spark.stop()
    return figures


def run_igraph(pairs_path: Path, nodes: int, out: Path) -> dict[str, Any]:
    import igraph as ig

    pairs = np.load(pairs_path)
    started = time.perf_counter()
    g = ig.Graph(n=nodes, edges=pairs)
    built = time.perf_counter() - started
    started = time.perf_counter()
    membership = np.array(g.connected_components().membership, dtype=np.int64)
    seconds = time.perf_counter() - started
    np.save(out, membership)
    return {"seconds": seconds, "build_seconds": built}


def child(kind: str, *args: str) -> None:
    if kind == "spark":
        figures = run_spark(Path(args[0]), Path(args[1]), int(args[2]))
    else:
        figures = run_igraph(Path(args[0]), int(args[1]), Path(args[2]))
    figures["python_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- comparing ----------------------------------------------------------------------------------


def same_partition(membership: np.ndarray, spark_out: Path) -> tuple[bool, int, int]:
    """Whether Spark's labels and igraph's membership group the nodes with edges alike; and
    how many components each found among those nodes."""
    import pyarrow.parquet as pq

    table = pq.read_table(spark_out)
    node = table.column("node").to_numpy()
    label = table.column("component").to_numpy()
    ours = membership[node]
    pairs = np.unique(np.stack([ours, label], axis=1), axis=0)
    groups_ig, groups_spark = len(np.unique(ours)), len(np.unique(label))
    return len(pairs) == groups_ig == groups_spark, groups_ig, groups_spark


def load_edges(args: argparse.Namespace) -> tuple[np.ndarray, int, str]:
    if args.edges is not None:
        pairs = np.load(args.edges)
        nodes_file = args.edges.parent / "nodes.txt"
        nodes = int(nodes_file.read_text()) if nodes_file.exists() else int(pairs.max()) + 1
        return pairs, nodes, f"the entity graph in {args.edges}"
    graph_bench = importlib.import_module("bench_graph")  # beside this script, on its path
    pairs = graph_bench.random_edges(args.nodes, args.edges_count, "planted", args.seed)
    return pairs, args.nodes, "a planted-partition random graph"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--edges", type=Path, help="an edges.npy saved by bench_growth.py")
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges-count", type=int, default=5_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        import pyspark
    except ImportError:
        raise SystemExit(
            "pyspark is not installed: `.venv/bin/pip install pyspark==4.3.0` (Java 17 is needed "
            "too), then run this again."
        ) from None
    pairs, nodes, what = load_edges(args)
    pairs = np.sort(pairs.astype(np.int64), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        import pyarrow as pa
        import pyarrow.parquet as pq

        np.save(folder / "pairs.npy", pairs)
        pq.write_table(pa.table({"src": pairs[:, 0], "dst": pairs[:, 1]}), folder / "edges.parquet")
        load = os.getloadavg()[0]
        print(f"Connected components of {what}: {nodes:,} nodes, {len(pairs):,} edges; pyspark "
              f"{pyspark.__version__}, load average {load:.2f} (2 cores)")  # fmt: skip
        ig_fig = measure("igraph", str(folder / "pairs.npy"), str(nodes), str(folder / "m.npy"))
        sp_fig = measure("spark", str(folder / "edges.parquet"), str(folder / "cc"),
                         str(args.partitions))  # fmt: skip
        same, n_ig, n_spark = same_partition(np.load(folder / "m.npy"), folder / "cc")
    ratio = sp_fig["seconds"] / ig_fig["seconds"]
    print(f"  {'':<24}{'seconds':>10}{'peak MiB':>22}")
    print(f"  {'igraph':<24}{ig_fig['seconds']:>10.2f}{ig_fig['python_peak_mib']:>22,.0f}"
          f"   (graph built in {ig_fig['build_seconds']:.1f} s beforehand)")  # fmt: skip
    print(f"  {'spark local[2], 6g':<24}{sp_fig['seconds']:>10.2f}"
          f"{sp_fig['jvm_peak_mib']:>12,.0f} JVM {sp_fig['python_peak_mib']:>5,.0f} py"
          f"   ({sp_fig['rounds']} rounds, {sp_fig['partitions']} partitions; session "
          f"started in {sp_fig['session_seconds']:.1f} s beforehand)")  # fmt: skip
    print(
        f"  ratio spark/igraph: {ratio:.1f}x   same partition: {'yes' if same else 'NO'} "
        f"({n_ig:,} components by igraph, {n_spark:,} by Spark, among nodes with an edge)"
    )
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    raise SystemExit(0 if same else 1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], *sys.argv[3:])
    else:
        main()
