"""Who sees what: every user of a small multi-agency world against every record and every
read path the View offers, on SQLite and PostgreSQL.

The world (read it as a case table):

- Agencies: a police force (``met``), a council, a charity.
- Police records (source ``intel`` unless said): P; C; C whose conditions keep it in the
  force; P marked OFFICIAL-SENSITIVE; legacy 5x5x5 handling 1, 3 and 4; P from source ``stop``.
- Council records P and C; a charity record P.
- Agreements: met -> council (all sources, P only); met -> charity (source ``intel`` only, C
  allowed); council -> met (all, C allowed); charity -> met (expired yesterday);
  council -> charity (starts tomorrow).
- Case ``aurora`` (open): members the met administrator-member and the council member;
  holds met C, met legacy 4, met OFFICIAL-SENSITIVE.
- Case ``old-op`` (closed): member the charity analyst; holds met ``stop``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.read import View
from threadline.security import AccessDenied, visible_record_ids, visible_records_clause
from threadline.store import Store
from threadline.store import tables as t

MET = {"met-p", "met-c", "met-c-local", "met-os", "met-l1", "met-l3", "met-l4", "met-stop"}

EXPECTED: dict[str, set[str]] = {
    "met_analyst": MET | {"council-p", "council-c"},
    "met_viewer": (MET - {"met-os"}) | {"council-p", "council-c"},
    "met_admin": set(),
    "met_admin_member": {"met-c", "met-l4", "met-os"},
    "council_analyst": {"council-p", "council-c", "met-p", "met-os", "met-l1", "met-stop"},
    "council_member": {"council-p", "council-c", "met-p", "met-l1", "met-stop", "met-c"},
    "charity_analyst": {"charity-p", "met-p", "met-c", "met-os", "met-l1", "met-l3"},
    "norole": set(),
}
"""Which records each user may see; everything else must be invisible on every path."""


def build(world: Any) -> None:
    w = world
    w.user("met_analyst", "met", "analyst", os=True)
    w.user("met_viewer", "met", "viewer")
    w.user("met_admin", "met", "administrator", os=True)
    w.user("met_admin_member", "met", "administrator", os=True)
    w.user("council_analyst", "council", "analyst", os=True)
    w.user("council_member", "council", "analyst")
    w.user("charity_analyst", "charity", "analyst", os=True)
    w.user("norole", "met", os=True)
    w.user("disabled", "met", "analyst", "supervisor", os=True, disabled=True)

    w.record("met-p", "met", "P")
    w.record("met-c", "met", "C")
    w.record("met-c-local", "met", "C-local")
    w.record("met-os", "met", "P", marking="OFFICIAL-SENSITIVE")
    w.record("met-l1", "met", "L1")
    w.record("met-l3", "met", "L3")
    w.record("met-l4", "met", "L4")
    w.record("met-stop", "met", "P", source="stop")
    w.record("council-p", "council", "P", source="inspections")
    w.record("council-c", "council", "C", source="inspections")
    w.record("charity-p", "charity", "P", source="hotline")

    w.agreement("met", "council")
    w.agreement("met", "charity", scope="intel", conditioned=True)
    w.agreement("council", "met", conditioned=True)
    w.agreement("charity", "met", valid_from=w.LAST_WEEK.replace(year=2020), valid_to=w.LAST_WEEK)
    w.agreement("council", "charity", valid_from=w.NEXT_WEEK)

    w.case("aurora", "met", ["met_admin_member", "council_member"], ["met-c", "met-l4", "met-os"])
    w.case("old-op", "met", ["charity_analyst"], ["met-stop"], closed=True)

    for key in w.records:
        w.link(f"link-{key}", f"e-{key}", "e-hub", [key])
        w.indicator(f"e-{key}", [key])
    w.indicator("e-hub", ["met-p", "council-p"], name="pair")
    w.commit()


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_read_path_shows_exactly_what_policy_allows(
    store: Store, world: Any, username: str
) -> None:
    build(world)
    actor = world.users[username]
    allowed = {world.records[k] for k in EXPECTED[username]}
    keys = {record_id: key for key, record_id in world.records.items()}
    with store.connect() as conn:
        view = View(conn, actor)
        outputs: list[Any] = []
        for key, record_id in world.records.items():
            expected = record_id in allowed
            per_path = {
                "record": view.record(record_id),
                "statements": view.statements(f"m-{key}"),
                "mentions": view.mentions(f"e-{key}"),
                "values": view.values(f"e-{key}"),
                "entity": view.entity(f"e-{key}"),
                "links": view.links(f"e-{key}"),
                "indicators": view.indicators(f"e-{key}"),
            }
            for path, result in per_path.items():
                assert bool(result) is expected, f"{username} / {key} / {path}"
            outputs.append(per_path)

        listed = {r.id for r in view.records()}
        assert listed == allowed
        assert view.count_records() == len(allowed)
        assert visible_record_ids(conn, actor, world.records.values()) == allowed
        clause = sa.select(t.records.c.id).where(visible_records_clause(actor))
        assert set(conn.execute(clause).scalars()) == allowed

        hub_values = {st.value for st in view.values("e-hub")}
        assert hub_values == {world.token(keys[i], "phone") for i in allowed}
        assert {m.record_id for m in view.mentions("e-hub")} == allowed
        hub = view.entity("e-hub")
        assert (hub.records if hub else ()) == tuple(sorted(allowed))
        evidence = {e for link in view.links("e-hub") for e in link.evidence}
        assert evidence == allowed
        pair = {world.records["met-p"], world.records["council-p"]}
        assert bool(view.indicators("e-hub")) is (pair <= allowed)
        outputs += [view.records(), hub, view.links("e-hub"), view.values("e-hub")]

    text = repr(outputs)
    for key, record_id in world.records.items():
        if record_id not in allowed:
            assert world.token(key) not in text
            assert world.token(key, "phone") not in text
    assert "HUB-STORED-CAPTION" not in text, "the stored caption may come from hidden records"
    assert "STORED-LINK-CONDITION" not in text, "link protection is recomputed from evidence"


def test_disabled_users_cannot_read_at_all(store: Store, world: Any) -> None:
    build(world)
    actor = world.users["disabled"]
    with store.connect() as conn:
        with pytest.raises(AccessDenied):
            View(conn, actor)
        clause = sa.select(t.records.c.id).where(visible_records_clause(actor))
        assert conn.execute(clause).first() is None


def test_changes_apply_at_once(store: Store, world: Any) -> None:
    """Disabling a user, or ending a membership, takes effect for the next read."""
    build(world)
    member = world.users["met_admin_member"]
    analyst = world.users["met_analyst"]
    with store.connect() as conn:
        assert len(View(conn, member).records()) == 3
        conn.execute(sa.delete(t.case_members).where(t.case_members.c.user_id == member.user_id))
        assert View(conn, member).records() == []
        conn.execute(
            sa.update(t.users).where(t.users.c.id == analyst.user_id).values(disabled=True)
        )
        clause = sa.select(t.records.c.id).where(visible_records_clause(analyst))
        assert conn.execute(clause).first() is None


def test_denials_are_audited_without_saying_whether_the_record_exists(
    store: Store, world: Any
) -> None:
    build(world)
    actor = world.users["council_analyst"]
    hidden, missing = world.records["met-c"], 10**9
    with store.connect() as conn:
        view = View(conn, actor, purpose="Op Aurora")
        assert view.record(hidden) is None
        assert view.record(missing) is None
        assert view.statements("m-met-c") == []
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.audit_events).where(t.audit_events.c.outcome == "denied")
        ).all()
    # The hidden record and the one that does not exist are denied alike, in one event when
    # read in the same second (reads of one kind are gathered), else in two that differ only
    # in the record named.
    named = [r for r in rows if hidden in r.records or missing in r.records]
    assert {r.operation for r in named} == {"record.get"}
    assert sorted(i for r in named for i in r.records) == sorted([hidden, missing])
    assert (
        len({json.dumps({k: v for k, v in r.detail.items() if k != "reads"}) for r in named}) == 1
    )
    assert all(r.username == "council_analyst" and r.purpose == "Op Aurora" for r in rows)
