"""Watches: what a user, or a case's members, asked to be told about when new material comes.

A watch is on an **entity** (a person, phone, email, vehicle, account, premises or business,
by the id resolution gives it, which the user must be able to see), the **network** around an
entity (everything within three associating steps of it in the user's graph, as
`threadline graph changes --network` reads it: `threadline.tracking.networks`), an
**identifier** typed in
(a phone number, email, vehicle registration, account...: cleaned by its value type as ingest
cleans it), or a **saved search** (a text, read as the search box reads it:
`threadline.read.saved_search`). Each has a reason, required, and lapses on its expiry date
(90 days by default): a lapsed watch no longer fires, and one within `REMIND_DAYS` of lapsing
is flagged so its owner renews it or lets it go. A watch added to a case tells every member of
the case; only a member may add one.

Adding and removing a watch are audited (administration); listing them is a consultation of
the entities they name. What a search or identifier watch holds is what the user typed: it is
not written into the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import igraph as ig
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.graph.around import build_around
from threadline.graph.build import build_graph
from threadline.read import View
from threadline.read.captions import entity_captions
from threadline.read.saved_search import SavedSearch
from threadline.security import chain
from threadline.security.actors import Actor
from threadline.security.audit import audit, make_event
from threadline.security.errors import NotFound
from threadline.security.policy import Sight, sight
from threadline.store import tables as t
from threadline.tracking.networks import Networks, keep_members
from threadline.tracking.reasons import ref, render
from threadline.untrusted import printable, unstorable
from threadline.values import get_type

__all__ = [
    "DEFAULT_DAYS",
    "ENTITY_KINDS",
    "IDENTIFIER_TYPES",
    "REMIND_DAYS",
    "Wanted",
    "Watch",
    "add_watch",
    "add_watches",
    "label",
    "list_watches",
    "remove_watch",
]

DEFAULT_DAYS = 90
"""How long a watch lasts unless its owner says otherwise."""

REMIND_DAYS = 7
"""A watch this close to lapsing is flagged, so that its owner is reminded."""

MAX_DAYS = 366
"""The longest a watch may run before it must be renewed: need to know is reviewed yearly."""

ENTITY_KINDS = ("entity", "network")
"""Kinds of watch whose target is an entity id."""

IDENTIFIER_TYPES = ("phone", "email", "vrm", "account", "iban", "sortcode", "ninumber",
                    "passport", "postcode")  # fmt: skip
"""Value types an identifier watch may hold (`threadline.values`)."""


@dataclass(frozen=True, slots=True)
class Watch:
    """One watch, as its owner (or a member of its case) sees it."""

    id: int
    kind: str
    """``entity``, ``network``, ``identifier`` or ``search``."""
    value_type: str
    """The entity's schema (of a network: its anchor's), the identifier's value type, or
    empty for a search."""
    target: str
    """The entity id (of a network: its anchor's), the cleaned identifier, or the text of the
    search."""
    label: str
    """In words (see `label`), with the entity's caption as the reader sees it."""
    reason: str
    owner: str
    case: str | None
    expires_on: date
    lapsed: bool
    """Past its expiry date: it no longer fires."""
    expiring: bool
    """Within `REMIND_DAYS` of lapsing: its owner is reminded."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {**asdict(self), "expires_on": self.expires_on.isoformat()}


def label(kind: str, value_type: str, target: str) -> str:
    """A watch in words.

    An entity is named by reference (`threadline.tracking.reasons.ref`), for its caption is
    the reader's to see or not.

    >>> label("search", "", "Ardit Hoxha"), label("identifier", "phone", "+447700900123")
    ("search 'Ardit Hoxha'", 'phone +447700900123')
    >>> label("network", "Person", "e1"), label("entity", "Premises", "e2")
    ('network of Person [[e1]]', 'Premises [[e2]]')
    """
    if kind == "search":
        return f"search {target!r}"
    if kind in ENTITY_KINDS:
        named = f"{value_type} {ref(target)}"
        return f"network of {named}" if kind == "network" else named
    return f"{value_type} {target}"


def _member_case(conn: Connection, actor: Actor, name: str) -> int:
    """The id of the open case `name` if the actor is a member (the same words otherwise)."""
    c, cm = t.cases.c, t.case_members.c
    found = conn.execute(
        sa.select(c.id)
        .join(t.case_members, cm.case_id == c.id)
        .where(c.name == name, c.closed_at.is_(None), cm.user_id == actor.user_id)
    ).scalar()
    if found is None:
        raise NotFound(f"no open case {name!r} that you are a member of")
    return int(found)


def _target(
    view: View, entity: str | None, network: str | None, identifier: tuple[str, str] | None,
    search: str | None,
) -> tuple[str, str, str]:  # fmt: skip
    """(kind, value_type, target) of the one thing asked to be watched."""
    if sum(x is not None for x in (entity, network, identifier, search)) != 1:
        raise ValidationError("watch one thing: an entity, a network, an identifier or a search")
    if entity is not None or network is not None:
        named = (entity or network or "").strip()
        found = view.entity(named)
        if found is None:
            raise NotFound(f"entity not found: {named!r}")
        return "entity" if entity is not None else "network", found.schema, found.id
    if identifier is not None:
        name, value = identifier
        if name not in IDENTIFIER_TYPES:
            raise ValidationError(
                f"{name!r} is not an identifier type: {', '.join(IDENTIFIER_TYPES)}"
            )
        cleaned = get_type(name).clean(value)
        if cleaned.value is None:
            raise ValidationError(f"{name} {value!r}: {cleaned.problem or 'not usable'}")
        return "identifier", name, cleaned.value
    assert search is not None
    reading = SavedSearch(search)
    if not reading.usable:
        raise ValidationError("the search reads as no name, identifier or date of birth")
    return "search", "", reading.typed


@dataclass(frozen=True, slots=True)
class Wanted:
    """One thing to watch, named as `add_watch`'s keywords name it: exactly one of the four."""

    entity: str | None = None
    network: str | None = None
    identifier: tuple[str, str] | None = None
    search: str | None = None


def add_watch(
    view: View,
    *,
    reason: str,
    entity: str | None = None,
    network: str | None = None,
    identifier: tuple[str, str] | None = None,
    search: str | None = None,
    case: str | None = None,
    expires_on: date | None = None,
    today: date | None = None,
) -> Watch:
    """Watch one entity the actor may see, the network around one (`network`: its members as
    the actor sees them now are kept, to be compared after each resolution run), one
    identifier (value type, value) or one search, for the actor or (with `case`, of which they
    must be a member) for the case's members."""
    today = today or date.today()
    wanted = Wanted(entity=entity, network=network, identifier=identifier, search=search)
    added, refused = add_watches(view, [wanted], reason=reason, case=case,
                                 expires_on=expires_on, today=today)  # fmt: skip
    if refused:
        raise refused[0]
    return _watch(_query().where(t.watches.c.id == added[0]), view, today)[0]


def add_watches(
    view: View,
    wanted: Sequence[Wanted],
    *,
    reason: str,
    case: str | None = None,
    expires_on: date | None = None,
    today: date | None = None,
    graphs: dict[Sight, ig.Graph] | None = None,
) -> tuple[list[int], dict[int, ThreadlineError]]:
    """Add many watches at once, each as `add_watch` adds it (the same checks, rows and audit
    events), with one reason, case and expiry: the ids of those added, in order, and for each
    of `wanted` (by position) that could not be watched, why (an entity the actor may not see,
    an identifier that does not clean...). A reason, expiry or case that is not acceptable
    raises, for all of them alike. The rows go in one statement, the audit events are written
    with the transaction, and a network's members are read from the part of the graph of what
    the actor may see around the call's networks (`threadline.graph.around.build_around`,
    as the checks read them: not the whole store); or, through `graphs`, from the whole
    graph, built once for many calls (one set-up, where most of it is read anyway) and kept
    in that dict by the caller while the records do not change, under the actor's
    `threadline.security.policy.sight`, to be used again for an actor of the same sight (who
    sees the same records: as the checks share one part between them)."""
    today = today or date.today()
    for text in (x for x in (reason, case) if x is not None):
        if problem := unstorable(text):
            raise ValidationError(f"{printable(text[:40])!r}: {problem}")
    if not reason.strip():
        raise ValidationError("a watch needs a reason: why this subject is being watched")
    expires = expires_on or today + timedelta(days=DEFAULT_DAYS)
    if not today < expires <= today + timedelta(days=MAX_DAYS):
        raise ValidationError(f"a watch expires after today and within {MAX_DAYS} days")
    conn, actor = view.conn, view.actor
    case_id = None if case is None else _member_case(conn, actor, case)
    targets: list[tuple[str, str, str]] = []
    refused: dict[int, ThreadlineError] = {}
    for n, item in enumerate(wanted):
        try:
            targets.append(_checked(view, item))
        except ThreadlineError as error:
            refused[n] = error
    if not targets:
        return [], refused
    rows = [{"user_id": actor.user_id, "case_id": case_id, "kind": kind, "value_type": value_type,
             "target": target, "reason": reason.strip()[:2000], "expires_on": expires}
            for kind, value_type, target in targets]  # fmt: skip
    insert = sa.insert(t.watches).returning(t.watches.c.id, sort_by_parameter_order=True)
    ids = [int(i) for i in conn.execute(insert, rows).scalars()]
    networks = [(i, target) for i, (kind, _, target) in zip(ids, targets, strict=True)
                if kind == "network"]  # fmt: skip
    if networks:
        found = Networks(
            build_around(view, (target for _, target in networks))
            if graphs is None
            else _graph(view, graphs)
        )
        for watch_id, target in networks:
            keep_members(conn, watch_id, found.members(target))
    for watch_id, (kind, _, target) in zip(ids, targets, strict=True):
        chain.buffer(conn, make_event(actor, "administration", "watch.add",
                                      entities=[target] if kind in ENTITY_KINDS else [],
                                      detail={"watch": watch_id, "kind": kind, "case": case,
                                              "expires_on": expires.isoformat()}))  # fmt: skip
    return ids, refused


def _graph(view: View, graphs: dict[Sight, ig.Graph]) -> ig.Graph:
    """The graph of what the view's actor may see: the one in `graphs` for their sight, or
    built (and kept there)."""
    theirs = sight(view.conn, view.actor)
    g = graphs.get(theirs)
    if g is None:
        g = graphs[theirs] = build_graph(view)
    return g


def _checked(view: View, item: Wanted) -> tuple[str, str, str]:
    """`_target` of `item`, once what was typed is known to be storable."""
    typed = [item.entity, item.network, item.search, *(item.identifier or ())]
    for text in (x for x in typed if x is not None):
        if problem := unstorable(text):
            raise ValidationError(f"{printable(text[:40])!r}: {problem}")
    return _target(view, item.entity, item.network, item.identifier, item.search)


def _query() -> sa.Select[Any]:
    w = t.watches.c
    return (
        sa.select(w.id, w.kind, w.value_type, w.target, w.reason, w.expires_on,
                  t.users.c.username, t.cases.c.name.label("case"))
        .join(t.users, t.users.c.id == w.user_id)
        .outerjoin(t.cases, t.cases.c.id == w.case_id)
        .order_by(w.expires_on, w.id)
    )  # fmt: skip


def _watch(query: sa.Select[Any], view: View, today: date) -> list[Watch]:
    rows = view.conn.execute(query).all()
    named = [str(r.target) for r in rows if r.kind in ENTITY_KINDS]
    captions = entity_captions(view, named) if named else {}
    return [
        Watch(id=int(r.id), kind=str(r.kind), value_type=str(r.value_type), target=str(r.target),
              label=render(label(str(r.kind), str(r.value_type), str(r.target)), captions),
              reason=str(r.reason), owner=str(r.username), case=r.case,
              expires_on=r.expires_on, lapsed=r.expires_on < today,
              expiring=today <= r.expires_on <= today + timedelta(days=REMIND_DAYS))
        for r in rows
    ]  # fmt: skip


def mine(actor: Actor) -> sa.ColumnElement[bool]:
    """Watches that tell `actor`: their own, and those of the cases they are a member of."""
    cm = t.case_members.c
    cases = sa.select(cm.case_id).where(cm.user_id == actor.user_id)
    w = t.watches.c
    return sa.or_(sa.and_(w.case_id.is_(None), w.user_id == actor.user_id), w.case_id.in_(cases))


def list_watches(view: View, *, today: date | None = None) -> list[Watch]:
    """The actor's watches and their cases' watches, soonest to lapse first (lapsed ones too,
    flagged, so the owner sees what no longer fires)."""
    today = today or date.today()
    found = _watch(_query().where(mine(view.actor)), view, today)
    view.consulted("watch.list", entities=[w.target for w in found if w.kind in ENTITY_KINDS],
                   detail={"watches": len(found)})  # fmt: skip
    return found


def remove_watch(conn: Connection, actor: Actor, watch_id: int) -> None:
    """Remove one of the actor's own watches, and its alerts with it."""
    w = t.watches.c
    gone = conn.execute(
        sa.delete(t.watches).where(w.id == watch_id, w.user_id == actor.user_id)
    ).rowcount
    if not gone:
        raise NotFound(f"no watch {watch_id} of yours")
    audit(conn, actor, "administration", "watch.remove", detail={"watch": watch_id})
