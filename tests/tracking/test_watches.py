"""Adding watches in bulk (`add_watches`), on both databases: the same rows, kept members and
audit events as `add_watch` one at a time; what the actor may not see, or what does not clean,
is refused by position and the rest are added; a bad reason or case refuses them all."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.errors import ValidationError
from threadline.read import View
from threadline.resolve import resolve_store
from threadline.security import Actor, NotFound
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking import Wanted, add_watch, add_watches

from .conftest import PASSWORD, load, user

VICTIM = "local/test_intel:IR0001:subject"
SUSPECT = "local/test_intel:IR0002:subject"

REASON = "Operation Lantern"
EXPIRES = date.today() + timedelta(days=30)


def entity_of(store: Store, mention: str) -> str:
    with store.connect() as conn:
        return str(
            conn.execute(
                sa.select(t.mentions.c.entity_id).where(t.mentions.c.id == mention)
            ).scalar_one()
        )


def wanted(store: Store) -> list[Wanted]:
    """One watch of each kind."""
    return [
        Wanted(entity=entity_of(store, VICTIM)),
        Wanted(network=entity_of(store, SUSPECT)),
        Wanted(identifier=("phone", "07700 900123")),
        Wanted(search="Ardit HOXHA"),
    ]


def one_by_one(store: Store, actor: Actor, items: list[Wanted]) -> None:
    for item in items:
        with store.connect() as conn:
            view = View(conn, actor)
            add_watch(
                view,
                reason=REASON,
                expires_on=EXPIRES,
                entity=item.entity,
                network=item.network,
                identifier=item.identifier,
                search=item.search,
            )


def written(store: Store, actor: Actor) -> tuple[list[Any], list[Any], list[Any]]:
    """The actor's watches, their kept network members and their watch.add events, in order
    (a watch named by its position among the actor's)."""
    w, wm, e = t.watches.c, t.watch_members.c, t.audit_events.c
    with store.connect() as conn:
        rows = conn.execute(sa.select(t.watches).where(w.user_id == actor.user_id)
                            .order_by(w.id)).all()  # fmt: skip
        place = {int(r.id): n for n, r in enumerate(rows)}
        watches = [(r.case_id, r.kind, r.value_type, r.target, r.reason, r.expires_on)
                   for r in rows]  # fmt: skip
        members = sorted(
            (place[int(r.watch_id)], r.node, r.record_id)
            for r in conn.execute(sa.select(t.watch_members).where(wm.watch_id.in_(place)))
        )
        events = [
            (r.action, r.outcome, r.entities, {**r.detail, "watch": place[int(r.detail["watch"])]})
            for r in conn.execute(
                sa.select(e.action, e.outcome, e.entities, e.detail)
                .where(e.operation == "watch.add", e.user_id == actor.user_id).order_by(e.seq)
            )
        ]  # fmt: skip
    return watches, members, events


@pytest.fixture
def loaded(store: Store, intel: Path) -> Store:
    load(store, intel)
    with store.connect() as conn:
        resolve_store(conn)
    return store


def test_bulk_writes_what_one_by_one_writes(loaded: Store, local: Actor, admin: Actor) -> None:
    with loaded.connect() as conn:  # another analyst who sees what `local` sees
        add_user(conn, admin, "pat", "local", sorted(local.roles), password=PASSWORD,
                 os_cleared=True)  # fmt: skip
    pat = resolve_actor(loaded, "pat")
    items = wanted(loaded)
    with loaded.connect() as conn:
        added, refused = add_watches(View(conn, local), items, reason=REASON, expires_on=EXPIRES)
    assert refused == {} and len(added) == len(items)
    one_by_one(loaded, pat, items)
    bulk = written(loaded, local)
    assert bulk == written(loaded, pat)
    watches, members, events = bulk
    assert [w[1] for w in watches] == ["entity", "network", "identifier", "search"]
    assert members and {m[0] for m in members} == {1}  # the network's members are kept
    assert [ev[3]["kind"] for ev in events] == ["entity", "network", "identifier", "search"]
    assert "7700" not in str(events) and "HOXHA" not in str(events)  # typed text not logged


def test_what_cannot_be_watched_is_refused_by_position(
    loaded: Store, local: Actor, admin: Actor
) -> None:
    partner = user(loaded, admin, "bea", "b")
    victim = entity_of(loaded, VICTIM)
    items = [
        Wanted(identifier=("phone", "07700 900123")),
        Wanted(entity=victim),  # another agency's analyst may not see it
        Wanted(identifier=("shoe size", "9")),
        Wanted(search="Hox\x00ha"),
        Wanted(),
        Wanted(search="Ardit HOXHA"),
    ]
    with loaded.connect() as conn:
        added, refused = add_watches(View(conn, partner), items, reason=REASON)
    assert len(added) == 2
    assert sorted(refused) == [1, 2, 3, 4]
    assert isinstance(refused[1], NotFound)
    assert all(isinstance(refused[n], ValidationError) for n in (2, 3, 4))
    w = t.watches.c
    with loaded.connect() as conn:
        kept = conn.execute(sa.select(w.id, w.kind).order_by(w.id)).all()
    assert [(int(i), k) for i, k in kept] == [(added[0], "identifier"), (added[1], "search")]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"reason": "  "}, "reason"),
        ({"reason": "x", "expires_on": date.today()}, "expires"),
        ({"reason": "x", "case": "Lantern"}, "no open case"),
    ],
)
def test_a_bad_reason_expiry_or_case_refuses_them_all(
    loaded: Store, local: Actor, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValidationError, NotFound), match=message), loaded.connect() as conn:
        add_watches(View(conn, local), wanted(loaded), **settings)
    with loaded.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.watches)).scalar_one() == 0


def test_analysts_who_see_the_same_records_share_one_graph(
    loaded: Store, local: Actor, admin: Actor
) -> None:
    with loaded.connect() as conn:
        add_user(conn, admin, "pat", "local", sorted(local.roles), password=PASSWORD,
                 os_cleared=True)  # fmt: skip
    pat = resolve_actor(loaded, "pat")
    graphs: dict[Any, Any] = {}
    network = [Wanted(network=entity_of(loaded, SUSPECT))]
    for actor in (local, pat):
        with loaded.connect() as conn:
            add_watches(View(conn, actor), network, reason=REASON, graphs=graphs)
    assert len(graphs) == 1
    local_members, pat_members = written(loaded, local)[1], written(loaded, pat)[1]
    assert local_members and local_members == pat_members
    with loaded.connect() as conn:  # without them, the part of the graph around the network
        add_watches(View(conn, local), network, reason=REASON)
    kept = written(loaded, local)[1]
    assert [m[1:] for m in kept if m[0] == 1] == [m[1:] for m in local_members]
