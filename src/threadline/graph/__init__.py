"""The graph: entities, shared values and evidence-backed links, and the analytics over them.

Build a graph of what one user may see with `build_graph`, then call the analytics
functions, each taking the graph first::

    g = build_graph(view)          # a threadline.read.View: what one actor may see
    membership = communities(g, seed=1)
    profiles = network_profiles(g, membership)

See docs/analysis.md for the graph model and every function.
"""

from threadline.graph.build import build_graph, graph_from_edges
from threadline.graph.centrality import betweenness, degree, eigenvector
from threadline.graph.communities import (
    auto_resolution,
    brokers,
    carried,
    communities,
    network_around,
)
from threadline.graph.components import component_membership, component_of, connected_components
from threadline.graph.evidence import GradeWeights, corroborated, weighting_code
from threadline.graph.measures import Measures, measure
from threadline.graph.paths import Step, all_paths, ego_network, path_steps, shortest_path
from threadline.graph.profiles import NetworkProfile, network_profiles
from threadline.graph.timeline import Changes, Event, changes_since, timeline
from threadline.graph.vocabulary import (
    GraphFilter,
    NodeNotFound,
    RecordInfo,
    find_node,
    index_names,
)

__all__ = [
    "Changes",
    "Event",
    "GradeWeights",
    "GraphFilter",
    "Measures",
    "NetworkProfile",
    "NodeNotFound",
    "RecordInfo",
    "Step",
    "all_paths",
    "auto_resolution",
    "betweenness",
    "brokers",
    "build_graph",
    "carried",
    "changes_since",
    "communities",
    "component_membership",
    "component_of",
    "connected_components",
    "corroborated",
    "degree",
    "ego_network",
    "eigenvector",
    "find_node",
    "graph_from_edges",
    "index_names",
    "measure",
    "network_around",
    "network_profiles",
    "path_steps",
    "shortest_path",
    "timeline",
    "weighting_code",
]
