"""Each user's graph, built through their View and kept while nothing they may see changes.

Building a graph reads every record a user may see and takes seconds on a large store; a chart
expands a node at a time. So the server keeps the few graphs most recently built, keyed by the
user, the filters and `picture_version` (which changes whenever anything the user may see
might). A kept graph is never shared between users, and each use is audited by the caller.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import igraph as ig

from threadline.graph import GraphFilter, build_graph
from threadline.read import View
from threadline.read.freshness import picture_version

__all__ = ["GraphCache"]


class GraphCache:
    """The `size` graphs most recently used, by (user, filters, picture version)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], ig.Graph] = OrderedDict()
        self._lock = threading.Lock()

    def graph(self, view: View, filters: GraphFilter) -> ig.Graph:
        """The user's graph under `filters`, as the store holds it now."""
        key = (view.actor.user_id, filters, picture_version(view))
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        g = build_graph(view, filters=filters)
        with self._lock:
            self._kept[key] = g
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return g
