"""Network watches: the network around an entity, as it last stood, and who joined or left it.

A watched network is the one `threadline graph changes --network` reads
(`threadline.graph.network_change.network_state`): everything within
`threadline.graph.communities.NETWORK_RADIUS` associating steps of the anchor in the graph of
what the watch's owner may see (`threadline.graph.communities.network_around`), and whoever
shares one of the anchor's own identifiers (a phone, a vehicle, an account) with the premises
they are linked to: a shared phone may be held apart from the anchor by a referral or a
waypoint, but whoever watches one of them wants to hear of the other. Its members (the
entities of its entity nodes: the value nodes that join them are not told of) are kept in
``watch_members`` with the newest record that puts each there (its own records and those of
its links inside the network). After each resolution run, each live network watch is read
again through its owner's View and compared with what was kept: a member that is new raises a
``joined`` alert on the record that brought it, a member that is gone a ``left`` alert on the
record that had put it there, and the kept members are replaced. A record rolled back or
erased leaves its members without a record (the foreign key is set null), and a member that
leaves with no record of its own raises nothing, so an erasure is never told by a network's
shrinking.

A network depends on nothing further than its radius from its anchor, so the check reads
only that much of the owners' graphs (`threadline.graph.around.build_around`: the records
touching a node that near, through the owner's View), never the whole store: a batch far from
every watched network costs a few indexed queries. What an owner may see changes with
agreements and cases between runs, so the part is read again each run, not kept; the alert
itself rests only on what differs. Owners who see exactly the same records (the same
`threadline.security.policy.sight`: agency, roles, clearance, open cases) share one part,
read around all their anchors at once, through the View of one of them: fifty analysts of one
team watching networks cost one read, not fifty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import igraph as ig
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph.around import build_around
from threadline.graph.communities import NETWORK_RADIUS, associations, network_around
from threadline.graph.profiles import category
from threadline.graph.vocabulary import ENTITY, NodeNotFound, find_node, other_end
from threadline.read import View
from threadline.security.actors import Actor, actor_from_row, user_query
from threadline.security.policy import Sight, sight
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = [
    "NETWORK_RULE",
    "Members",
    "Networks",
    "changed_members",
    "keep_members",
    "kept_members",
]

NETWORK_RULE = f"within {NETWORK_RADIUS}"
"""The definition of a network that members are kept under (``watches.network_rule``): a
watch whose members were kept under another (an earlier definition, or none recorded) has them
kept again at its next check without alerts, for what differs is the definition, not the
intelligence."""

UNTOLD = frozenset({"Note"})
"""Entities in a network that are not members told of: a record's free text (its Note) joins
the people the record names, as a shared phone does, but is no one to be told of."""

Members = dict[str, int | None]
"""Entity id -> the newest record that puts it in the network (None once that is gone)."""


class Networks:
    """The networks of one graph, for many anchors, each read as
    `threadline.graph.network_change.network_state` reads one anchor's (`network_around`),
    with the associating edges worked out once for all of them."""

    def __init__(self, g: ig.Graph) -> None:
        self.g = g
        self.names: list[str] = g.vs["name"] if g.vcount() else []
        self._named: dict[str, int] = {}
        for i, name in enumerate(self.names):
            self._named.setdefault(name, i)
        self._at = dict(self._named)
        for i, ids in enumerate(g.vs["entity_ids"] if g.vcount() else []):
            for entity_id in ids:
                self._at.setdefault(str(entity_id), i)
        self._linked: ig.Graph | None = None

    def _around(self, at: int) -> list[int]:
        if self._linked is None:
            self._linked = associations(self.g)
        return network_around(self.g, at, linked=self._linked)

    def _find(self, anchor: str) -> int | None:
        """`find_node`'s answer: a node's name or entity id (indexed), else a caption."""
        at = self._at.get(anchor.strip())
        if at is not None:
            return at
        try:
            return find_node(self.g, anchor)
        except NodeNotFound:
            return None

    def members(self, anchor: str) -> Members:
        """The entities of the network around `anchor`, each with the newest record behind
        it (its own records and those of its links to other members); empty if `anchor` is
        not in the graph. Value nodes (a shared phone) and records' texts (`UNTOLD`) hold the
        network together but are not members told of: the people, premises and businesses
        they join are."""
        g = self.g
        at = self._find(anchor)
        if at is None:
            return {}
        inside = set(self._around(at))
        named = self._named.get(anchor)  # identifiers are shared with a node named exactly
        if named is not None:
            inside |= _sharing(g, named)
        out: Members = {}
        for i in sorted(inside):
            vertex = g.vs[i]
            if vertex["kind"] != ENTITY or vertex["schema"] in UNTOLD:
                continue
            held = set(vertex["records"])
            for edge in g.es[g.incident(i)]:
                other = other_end(edge, i)
                if other in inside:
                    held |= set(edge["records"])
            for entity_id in vertex["entity_ids"]:
                out[str(entity_id)] = max(held) if held else None
        return out


def _sharing(g: ig.Graph, at: int) -> set[int]:
    """The entities holding one of node `at`'s identifiers (value nodes), and their
    premises."""
    held = [v for v in g.neighbors(at) if g.vs[v]["kind"] != ENTITY]
    sharers = {e for v in held for e in g.neighbors(v) if g.vs[e]["kind"] == ENTITY} - {at}
    premises = {
        p for e in sharers for p in g.neighbors(e)
        if g.vs[p]["kind"] == ENTITY and category(g.vs[p]["schema"]) == "premises"
    }  # fmt: skip
    return sharers | premises


def kept_members(conn: Connection, watch_id: int) -> Members:
    """The members of watch `watch_id`'s network as they last stood."""
    wm = t.watch_members.c
    query = sa.select(wm.node, wm.record_id).where(wm.watch_id == watch_id)
    return {str(n): None if r is None else int(r) for n, r in conn.execute(query)}


def keep_members(conn: Connection, watch_id: int, members: Mapping[str, int | None]) -> None:
    """Replace what is kept of watch `watch_id`'s network with `members` (read under
    `NETWORK_RULE`)."""
    conn.execute(sa.delete(t.watch_members).where(t.watch_members.c.watch_id == watch_id))
    conn.execute(sa.update(t.watches).where(t.watches.c.id == watch_id)
                 .values(network_rule=NETWORK_RULE))  # fmt: skip
    rows = [{"watch_id": watch_id, "node": n, "record_id": r} for n, r in sorted(members.items())]
    for chunk in chunked(rows, 1000):
        conn.execute(sa.insert(t.watch_members), chunk)


def _owners(conn: Connection, watch_ids: Iterable[int]) -> dict[int, Actor]:
    """The owner of each watch, as an actor (disabled users' watches are left out)."""
    w = t.watches.c
    owner = dict(
        conn.execute(sa.select(w.id, w.user_id).where(w.id.in_(sorted(set(watch_ids))))).all()
    )
    if not owner:
        return {}
    users = user_query().where(t.users.c.id.in_(sorted(set(owner.values()))),
                               t.users.c.disabled.is_(False))  # fmt: skip
    actors = {a.user_id: a for a in (actor_from_row(r) for r in conn.execute(users))}
    return {int(i): actors[int(u)] for i, u in owner.items() if int(u) in actors}


def changed_members(
    conn: Connection, watches: Iterable[tuple[int, str]]
) -> dict[int, tuple[Members, Members]]:
    """For each (watch id, anchor), the kept members and the members now, read through the
    watch owner's View (one part of the graph, around all their anchors, for the owners who
    see the same records: `build_around`); what is kept is replaced by what is now. Only
    watches whose network changed are returned: not those whose members were kept under
    another definition than `NETWORK_RULE`, which are kept again and say nothing."""
    todo = list(watches)
    owners = _owners(conn, (watch_id for watch_id, _ in todo))
    w = t.watches.c
    ruled = {int(i) for i in conn.execute(sa.select(w.id).where(
        w.id.in_(sorted(owners)), w.network_rule == NETWORK_RULE)).scalars()}  # fmt: skip
    sights: dict[int, Sight] = {}
    alike: dict[Sight, list[tuple[int, str]]] = defaultdict(list)
    for watch_id, anchor in todo:
        if watch_id in owners:
            owner = owners[watch_id]
            if owner.user_id not in sights:
                sights[owner.user_id] = sight(conn, owner)
            alike[sights[owner.user_id]].append((watch_id, anchor))
    out: dict[int, tuple[Members, Members]] = {}
    for theirs in alike.values():
        view = View(conn, owners[theirs[0][0]])
        networks = Networks(build_around(view, (anchor for _, anchor in theirs)))
        for watch_id, anchor in theirs:
            before, now = kept_members(conn, watch_id), networks.members(anchor)
            if before != now or watch_id not in ruled:
                keep_members(conn, watch_id, now)
            if set(before) != set(now) and watch_id in ruled:
                out[watch_id] = (before, now)
    return out
