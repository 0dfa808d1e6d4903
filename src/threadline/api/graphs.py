"""Each user's graph, built through their View and kept while nothing they may see changes.

Building a graph reads every record a user may see and takes seconds on a large store; a chart
expands a node at a time. So the server keeps the few graphs most recently built, keyed by the
user, the filters and `picture_version` (which changes whenever anything the user may see
might). A kept graph is never shared between users, and each use is audited by the caller.

A user's whole graph is started in the background when they sign in (`warm`), so that their
first chart does not wait for it; building it shows and logs nothing (it is not a read by the
user until they look). Two requests for a graph being built wait for the one build.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

import igraph as ig

from threadline.graph import GraphFilter, build_graph, index_names
from threadline.read import View
from threadline.read.freshness import picture_version
from threadline.security.actors import Actor
from threadline.store import Store

log = logging.getLogger(__name__)

__all__ = ["GraphCache"]


class GraphCache:
    """The `size` graphs most recently used, by (user, filters, picture version)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], ig.Graph] = OrderedDict()
        self._building: dict[tuple[Any, ...], threading.Event] = {}
        self._lock = threading.Lock()

    def graph(self, view: View, filters: GraphFilter) -> ig.Graph:
        """The user's graph under `filters`, as the store holds it now."""
        key = (view.actor.user_id, filters, picture_version(view))
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
            underway = self._building.get(key)
            if underway is None:
                self._building[key] = threading.Event()
        if underway is not None:  # another request or the sign-in is building it: wait
            underway.wait()
            with self._lock:
                kept = self._kept.get(key)
            return kept if kept is not None else build_graph(view, filters=filters)
        try:  # kept to answer many charts: its names indexed for `find_node`
            g = index_names(build_graph(view, filters=filters))
            with self._lock:
                self._kept[key] = g
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        finally:
            with self._lock:
                self._building.pop(key).set()
        return g

    def warm(self, store: Store, actor: Actor) -> threading.Thread:
        """Start building the user's whole graph in the background."""

        def build() -> None:
            try:
                with store.connect() as conn:
                    self.graph(View(conn, actor, purpose="prepare the chart"), GraphFilter())
            except Exception:  # the user's first chart builds it instead
                log.exception("building %s's graph at sign-in failed", actor.username)

        thread = threading.Thread(target=build, name=f"graph-{actor.user_id}", daemon=True)
        thread.start()
        return thread
