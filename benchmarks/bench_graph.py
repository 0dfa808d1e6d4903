"""Graph analytics at scale: Threadline's functions (igraph) against networkx.

Part 1 times the analytics an analysis run does on a random graph of 1,000,000 nodes and
5,000,000 edges: connected components, Leiden communities and sampled betweenness (16
sources). Target (issue 7): under 2 minutes for the three.

Part 2 runs the same three on one 100,000-node graph with Threadline and with networkx
(connected components, Louvain, as networkx's Leiden needs a separate backend, and
betweenness_centrality with the same number of sampled sources), prints the ratio of times
and checks that both find the same components.

The default graph is a planted partition: dense groups of 50 nodes (90% of edges fall inside
a group, 10% anywhere), the shape of networks inside a background population. ``--model gnm``
uses a uniform random graph instead, which has no communities at all: Leiden then spends its
time on noise (about 70 s at a million nodes here, against about 21 s).

    .venv/bin/python benchmarks/bench_graph.py [--nodes N] [--edges M] [--model planted|gnm]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from threadline.graph import betweenness, communities, component_membership

TARGET_SECONDS = 120.0
SAMPLES = 16


def random_edges(nodes: int, edges: int, model: str, seed: int) -> np.ndarray:
    """Distinct undirected edges (no loops) of a random graph, about `edges` of them."""
    rng = np.random.default_rng(seed)
    want = int(edges * 1.15) + 10  # some are drawn twice or as loops and dropped
    if model == "gnm":
        pairs = rng.integers(0, nodes, (want, 2))
    else:
        inside = int(want * 0.9)
        src = rng.integers(0, nodes, inside)
        dst = np.minimum((src // 50) * 50 + rng.integers(0, 50, inside), nodes - 1)
        pairs = np.concatenate(
            [np.stack([src, dst], axis=1), rng.integers(0, nodes, (want - inside, 2))]
        )
    pairs = np.sort(pairs, axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    rng.shuffle(pairs)
    return pairs[:edges]


def threadline_graph(nodes: int, pairs: np.ndarray) -> ig.Graph:
    """A graph with the attributes Threadline's functions expect (no evidence)."""
    g = ig.Graph(n=nodes, edges=pairs)
    g.vs["name"] = [str(i) for i in range(nodes)]
    for attribute, value in (("kind", "entity"), ("schema", "Person"), ("caption", ""),
                             ("entity_ids", ()), ("records", ())):  # fmt: skip
        g.vs[attribute] = [value] * nodes
    return g


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def part_one(nodes: int, edges: int, model: str, seed: int) -> bool:
    g, built = timed(lambda: threadline_graph(nodes, random_edges(nodes, edges, model, seed)))
    print(f"Part 1: {model} random graph, {g.vcount():,} nodes, {g.ecount():,} edges "
          f"(built in {built:.1f} s)")  # fmt: skip
    membership, t_cc = timed(lambda: component_membership(g))
    comms, t_leiden = timed(lambda: communities(g, seed=seed, weights=None))
    _, t_btw = timed(lambda: betweenness(g, samples=SAMPLES, seed=seed))
    total = t_cc + t_leiden + t_btw
    print(f"  {'connected components':<34}{t_cc:>8.1f} s  ({max(membership) + 1:,} components)")
    print(f"  {'Leiden communities':<34}{t_leiden:>8.1f} s  ({max(comms) + 1:,} communities)")
    print(f"  {f'betweenness, {SAMPLES} sampled sources':<34}{t_btw:>8.1f} s")
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(f"  {'total':<34}{total:>8.1f} s  ({verdict} the {TARGET_SECONDS:.0f} s target)")
    return total < TARGET_SECONDS


def part_two(nodes: int, model: str, seed: int) -> bool:
    pairs = random_edges(nodes, nodes * 5, model, seed)
    g = threadline_graph(nodes, pairs)
    reference = nx.Graph()
    reference.add_nodes_from(range(nodes))
    reference.add_edges_from(pairs.tolist())
    print(f"\nPart 2: the same {model} graph of {nodes:,} nodes, {len(pairs):,} edges, in both")
    ours_cc, a = timed(lambda: component_membership(g))
    theirs_cc, b = timed(lambda: list(nx.connected_components(reference)))
    ours_comm, c = timed(lambda: communities(g, seed=seed, weights=None))
    theirs_comm, d = timed(lambda: nx.community.louvain_communities(reference, seed=seed))
    _, e = timed(lambda: betweenness(g, samples=SAMPLES, seed=seed))
    _, f = timed(lambda: nx.betweenness_centrality(reference, k=SAMPLES, seed=seed))
    print(f"  {'':<30}{'threadline':>12}{'networkx':>12}{'ratio':>9}")
    for label, ours, theirs in (
        ("connected components", a, b),
        ("communities (Leiden / Louvain)", c, d),
        (f"betweenness ({SAMPLES} sources)", e, f),
    ):
        print(f"  {label:<30}{ours:>10.2f} s{theirs:>10.2f} s{theirs / ours:>8.1f}x")
    groups: dict[int, set[int]] = {}
    for node, comp in enumerate(ours_cc):
        groups.setdefault(comp, set()).add(node)
    same = {frozenset(s) for s in groups.values()} == {frozenset(s) for s in theirs_cc}
    print(
        f"  components identical: {'yes' if same else 'NO'} ({len(groups):,} components); "
        f"communities: {max(ours_comm) + 1:,} (Leiden) and {len(theirs_comm):,} (Louvain)"
    )
    print("  ratio: networkx seconds / threadline seconds (higher is faster for threadline)")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--compare-nodes", type=int, default=100_000)
    parser.add_argument("--model", choices=("planted", "gnm"), default="planted")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fast = part_one(args.nodes, args.edges, args.model, args.seed)
    same = part_two(args.compare_nodes, args.model, args.seed)
    raise SystemExit(0 if fast and same else 1)


if __name__ == "__main__":
    main()
