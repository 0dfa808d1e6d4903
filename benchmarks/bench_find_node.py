"""Finding a node by name in a national-size graph: every name scanned, or igraph's index.

`threadline.graph.find_node` scans every node's name unless the graph's names are indexed
(`index_names`, which the web server's graph cache does for each graph it keeps). This builds
a graph of N nodes named like entity ids (1.9 million by default: the graph of 10^6 records in
docs/scaling.md) with the attributes `find_node` reads, then times, for 50 names drawn from it:
the look-up scanning; building the index, once; the look-up with it. Printed: p50 and p95 of
each look-up, the index's build, and after how many look-ups it has paid for itself.

    .venv/bin/python benchmarks/bench_find_node.py [--nodes 1900000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import igraph as ig

from threadline.graph import find_node, index_names

LOOKUPS = 50


def synthetic(n: int, seed: int = 7) -> ig.Graph:
    """N nodes named ``per-`` and 16 hex digits, each its own entity, captioned alike."""
    rng = random.Random(seed)
    names = [f"per-{rng.getrandbits(64):016x}" for _ in range(n)]
    g = ig.Graph(n)
    g.vs["name"] = names
    g.vs["entity_ids"] = [(name,) for name in names]
    g.vs["caption"] = [f"Person {i}" for i in range(n)]
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_900_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}; building a graph of {args.nodes:,} nodes")
    g = synthetic(args.nodes)
    wanted = [str(name) for name in random.Random(3).sample(g.vs["name"], LOOKUPS)]

    def each() -> list[float]:
        times = []
        for name in wanted:
            started = time.perf_counter()
            find_node(g, name)
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)

    scanned = each()
    started = time.perf_counter()
    index_names(g)
    indexing = (time.perf_counter() - started) * 1000
    indexed = each()
    p95 = LOOKUPS * 95 // 100 - 1
    saved = statistics.median(scanned) - statistics.median(indexed)
    print(f"find_node, names scanned: p50 {statistics.median(scanned):.2f} ms, "
          f"p95 {scanned[p95]:.2f} ms")  # fmt: skip
    print(f"index_names (once):       {indexing:.0f} ms")
    print(f"find_node, names indexed: p50 {statistics.median(indexed) * 1000:.1f} µs, "
          f"p95 {indexed[p95] * 1000:.1f} µs")  # fmt: skip
    print(f"the index pays for itself after {indexing / saved:.0f} look-ups")


if __name__ == "__main__":
    main()
