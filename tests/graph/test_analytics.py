"""Analytics functions, checked against networkx on random graphs and on small cases."""

from __future__ import annotations

import random
from itertools import pairwise

import networkx as nx
import pytest

from threadline.graph import (
    all_paths,
    auto_resolution,
    betweenness,
    brokers,
    communities,
    component_of,
    connected_components,
    degree,
    ego_network,
    eigenvector,
    graph_from_edges,
    network_around,
    shortest_path,
)
from threadline.graph.communities import (
    AUTO_RESOLUTION_EDGES,
    LEIDENALG_MAX_NODES,
    NETWORK_RADIUS,
)


def _random(seed: int, n: int, m: int) -> tuple[list[tuple[str, str]], list[str]]:
    rng = random.Random(seed)
    nodes = [f"n{i:03d}" for i in range(n)]
    edges = {tuple(sorted(rng.sample(nodes, 2))) for _ in range(m)}
    return sorted(edges), nodes  # type: ignore[return-value]


def _pair(seed: int, n: int, m: int) -> tuple[object, nx.Graph]:
    edges, nodes = _random(seed, n, m)
    g = graph_from_edges(edges, nodes=nodes)
    reference = nx.Graph()
    reference.add_nodes_from(nodes)
    reference.add_edges_from(edges)
    return g, reference


@pytest.mark.parametrize("seed", range(12))
def test_components_match_networkx_on_random_graphs(seed: int) -> None:
    g, reference = _pair(seed, n=random.Random(seed).randint(5, 80), m=seed * 6 + 3)
    ours = sorted(sorted(c) for c in connected_components(g))
    theirs = sorted(sorted(c) for c in nx.connected_components(reference))
    assert ours == theirs
    node = sorted(reference.nodes)[seed % reference.number_of_nodes()]
    assert component_of(g, node) == sorted(nx.node_connected_component(reference, node))


@pytest.mark.parametrize("seed", range(12))
def test_paths_match_networkx_on_random_graphs(seed: int) -> None:
    g, reference = _pair(seed, n=25, m=40)
    rng = random.Random(seed)
    for _ in range(5):
        a, b = rng.sample(sorted(reference.nodes), 2)
        ours = shortest_path(g, a, b)
        if not nx.has_path(reference, a, b):
            assert ours is None
            continue
        assert ours is not None and ours[0] == a and ours[-1] == b
        assert len(ours) - 1 == nx.shortest_path_length(reference, a, b)
        assert all(reference.has_edge(x, y) for x, y in pairwise(ours))
        expected = sorted(map(tuple, nx.all_simple_paths(reference, a, b, cutoff=4)))
        assert sorted(map(tuple, all_paths(g, a, b, max_hops=4, limit=100_000))) == expected


@pytest.mark.parametrize("seed", range(4))
def test_exact_betweenness_and_degree_match_networkx(seed: int) -> None:
    g, reference = _pair(seed, n=40, m=90)
    expected = nx.betweenness_centrality(reference, normalized=True)
    names = g.vs["name"]
    assert betweenness(g) == pytest.approx([expected[n] for n in names], abs=1e-6)
    assert degree(g) == [reference.degree(n) for n in names]


def test_sampled_betweenness_estimates_the_exact_one() -> None:
    g, _ = _pair(7, n=600, m=1800)
    exact = betweenness(g)
    sampled = betweenness(g, samples=300, seed=3)
    top_exact = sorted(range(len(exact)), key=lambda i: -exact[i])[:10]
    top_sampled = set(sorted(range(len(sampled)), key=lambda i: -sampled[i])[:30])
    assert len(set(top_exact) & top_sampled) >= 8
    assert sum(sampled) == pytest.approx(sum(exact), rel=0.15)
    assert betweenness(g, samples=300, seed=3) == sampled  # seeded: reproducible


def _rings() -> object:
    edges = []
    for ring in range(4):
        members = [f"r{ring}n{i}" for i in range(6)]
        edges += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    edges += [("r0n0", "r1n0"), ("r1n1", "r2n1"), ("r2n2", "r3n2")]
    return graph_from_edges(edges)


def test_leiden_finds_planted_communities_deterministically() -> None:
    g = _rings()
    first = communities(g, seed=5)
    assert first == communities(g, seed=5)
    groups: dict[int, set[str]] = {}
    for name, comm in zip(g.vs["name"], first, strict=True):
        groups.setdefault(comm, set()).add(name[:2])
    assert sorted(sorted(v) for v in groups.values()) == [["r0"], ["r1"], ["r2"], ["r3"]]
    assert communities(g, seed=5, engine="igraph") == first  # same partition, same numbering
    assert LEIDENALG_MAX_NODES >= 100_000


def test_an_organisation_referring_people_joins_no_networks() -> None:
    # Two rings of associates; one person of each referred to the NRM by the same charity.
    # Each referral names the person and the charity, so they are also co-mentioned.
    ring = [(f"{r}{i}", f"{r}{(i + 1) % 4}") for r in "ab" for i in range(4)]
    referrals = [("a0", "army", "referred_by"), ("a0", "army", "mentioned_with"),
                 ("b0", "army", "referred_by"), ("b0", "army", "mentioned_with")]  # fmt: skip
    g = graph_from_edges([*ring, *referrals], schemata={"army": "Organization"})
    g.es["records"] = [(e,) if g.es[e]["type"] == "associate" else (100 + e // 2,)
                       for e in range(g.ecount())]  # fmt: skip
    g.es["src"] = [g.vs[e.source]["name"] for e in g.es]
    found = dict(zip(g.vs["name"], communities(g), strict=True))
    assert found["a0"] == found["a3"] != found["b0"] == found["b3"]
    assert found["army"] not in (found["a0"], found["b0"])  # a community of its own
    # A co-mention in another record (a report naming both) does associate them.
    army, a0 = g.vs.find("army").index, g.vs.find("a0").index
    also = g.es.find(_between=([army], [a0]), type="mentioned_with")
    also["records"] = (*also["records"], 7)
    again = communities(g)
    assert again[army] == again[a0]


def test_the_resolution_grows_with_the_graph() -> None:
    g = _rings()
    assert auto_resolution(g) == 1.0
    assert communities(g, resolution=None, seed=5) == communities(g, seed=5)
    edges, nodes = _random(3, 4000, 4 * AUTO_RESOLUTION_EDGES)
    big = graph_from_edges(edges, nodes=nodes)
    assert auto_resolution(big) == pytest.approx(
        (big.ecount() / AUTO_RESOLUTION_EDGES) ** 0.5, abs=1e-4
    )


def test_brokers_are_the_nodes_bridging_communities() -> None:
    g = _rings()
    scores = dict(zip(g.vs["name"], brokers(g, communities(g, seed=1)), strict=True))
    bridging = {n for n, s in scores.items() if s > 0}
    assert bridging == {"r0n0", "r1n0", "r1n1", "r2n1", "r2n2", "r3n2"}


def test_eigenvector_is_scaled_within_each_component() -> None:
    g = graph_from_edges([("a", "hub"), ("b", "hub"), ("c", "hub"), ("x", "y")])
    scores = dict(zip(g.vs["name"], eigenvector(g), strict=True))
    assert scores["hub"] == pytest.approx(1.0)
    assert scores["x"] == pytest.approx(1.0) and scores["y"] == pytest.approx(1.0)
    assert scores["a"] < 1.0


def test_ego_network_keeps_attributes_and_follows_only_chosen_types() -> None:
    g = graph_from_edges(
        [("lan", "mill", "lives_at"), ("hung", "mill", "lives_at"), ("hung", "van", "uses_vehicle")]
    )
    ego = ego_network(g, "lan", hops=2)
    assert sorted(ego.vs["name"]) == ["hung", "lan", "mill"]
    assert set(ego.es["type"]) == {"lives_at"}
    assert sorted(ego_network(g, "hung", hops=1, types=frozenset({"uses_vehicle"})).vs["name"]) == [
        "hung",
        "van",
    ]


def test_functions_refuse_what_is_not_a_graph() -> None:
    with pytest.raises(TypeError, match=r"needs an igraph\.Graph"):
        communities(nx.Graph())  # type: ignore[arg-type]


def test_a_referring_body_or_a_caller_joins_no_two_networks_unless_asked() -> None:
    # Two networks, each with a victim referred by one charity, and a caller who reported
    # both; a real associate joins network b to c.
    edges = [
        ("a1", "a2"), ("b1", "b2"), ("b2", "c1"),
        ("a2", "charity", "referred_by"), ("b1", "charity", "referred_by"),
        ("a1", "caller", "mentioned_with"), ("b2", "caller", "mentioned_with"),
    ]  # fmt: skip
    g = graph_from_edges(edges)
    g.vs["roles"] = [("reporting_person",) if n == "caller" else () for n in g.vs["name"]]
    assert shortest_path(g, "a1", "b1") is None
    assert all_paths(g, "a1", "b2") == []
    assert shortest_path(g, "b1", "c1") == ["b1", "b2", "c1"]  # an associate still joins
    assert shortest_path(g, "a2", "b1", through_referrers=True) == ["a2", "charity", "b1"]
    assert ["a1", "caller", "b2"] in all_paths(g, "a1", "b2", through_referrers=True)
    # the referrer itself may be an end of a path
    assert shortest_path(g, "charity", "a1") == ["charity", "a2", "a1"]


def test_a_network_is_what_lies_within_its_radius_and_nothing_further_changes_it() -> None:
    chain = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")]

    def network(edges: list[tuple[str, ...]]) -> list[str]:
        g = graph_from_edges(edges)
        names: list[str] = g.vs["name"]
        return sorted(names[i] for i in network_around(g, names.index("a")))

    assert NETWORK_RADIUS == 3
    assert network(chain) == ["a", "b", "c", "d"]
    # a change beyond the radius (e gains a neighbour, f is gone) leaves it as it was
    assert network([*chain, ("e", "x"), ("x", "y")]) == network(chain[:4]) == ["a", "b", "c", "d"]
    # a change at a member reaches it: a new neighbour of c joins, one of d is too far
    assert network([*chain, ("c", "n"), ("d", "m")]) == ["a", "b", "c", "d", "n"]
    # a referral associates no one: whom the organisation referred is not in her network
    assert network([("a", "org", "referred_by"), ("z", "org", "referred_by")]) == ["a"]
