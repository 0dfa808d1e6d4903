"""Each user's graph kept by the server: started at sign-in, built once however many ask."""

from __future__ import annotations

import threading
from typing import Any

import igraph as ig
import pytest

from threadline.api import graphs
from threadline.api.graphs import GraphCache
from threadline.graph import GraphFilter, vocabulary
from threadline.read import View
from threadline.security.identity import resolve_actor
from threadline.store import Store


@pytest.fixture
def ana(case: Any, store: Store) -> View:
    """A police analyst's view of a worker, their address and the car wash."""
    case.user("ana", "police")
    worker = case.e("Person", "Lan NGUYEN", role="victim")
    case.link(worker, "lives_at", case.e("Address", "4 Mill Street"))
    case.link(worker, "works_for", case.e("Company", "Sparkle Hand Car Wash Ltd"))
    case.commit()
    return View(case.conn, resolve_actor(store, "ana"))


def _counted(monkeypatch: pytest.MonkeyPatch, gate: threading.Event | None = None) -> list[int]:
    """Count the graphs built (each waiting for `gate`, if given)."""
    built: list[int] = []
    real = graphs.build_graph

    def counting(view: View, *, filters: GraphFilter) -> ig.Graph:
        built.append(1)
        if gate is not None:
            gate.wait(10)
        return real(view, filters=filters)

    monkeypatch.setattr(graphs, "build_graph", counting)
    return built


def test_the_graph_started_at_sign_in_serves_the_first_chart(
    ana: View, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _counted(monkeypatch)
    cache = GraphCache()
    cache.warm(store, ana.actor).join(30)
    assert built == [1]
    g = cache.graph(ana, GraphFilter())
    assert built == [1] and g.vcount() == 3
    assert cache.graph(ana, GraphFilter()) is g
    assert vocabulary._indexed(g)  # kept for many charts: its names indexed for find_node


def test_requests_for_a_graph_being_built_wait_for_that_build(
    ana: View, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    built = _counted(monkeypatch, gate)
    cache = GraphCache()
    warming = cache.warm(store, ana.actor)
    got: list[ig.Graph] = []
    asking = threading.Thread(target=lambda: got.append(cache.graph(ana, GraphFilter())))
    asking.start()
    gate.set()
    warming.join(30)
    asking.join(30)
    assert built == [1] and got[0].vcount() == 3
