"""Cases and sharing agreements made through the API: who may make them and what they open."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from threadline.errors import ThreadlineError, ValidationError
from threadline.read import View
from threadline.security import AccessDenied, transaction
from threadline.security.cases import (
    add_case,
    add_member,
    attach_records,
    case_members,
    detach_records,
    list_cases,
    remove_member,
)
from threadline.security.sharing import add_agreement, end_agreement, list_agreements
from threadline.store import Store
from threadline.store import tables as t


def visible(store: Store, actor: Any) -> set[int]:
    with store.connect() as conn:
        return {r.id for r in View(conn, actor).records()}


def test_a_case_opens_its_records_to_members_of_other_agencies(store: Store, world: Any) -> None:
    sup = world.user("sup", "met", "supervisor", os=True)
    admin = world.user("admin", "met", "administrator")
    partner = world.user("partner", "council", "analyst")
    viewer = world.user("viewer", "met", "viewer")
    c_rec = world.record("c", "met", "C")
    l4 = world.record("l4", "met", "L4")
    mine = world.record("theirs", "council", "P")
    world.commit()
    with transaction(store, sup) as conn:
        case = add_case(conn, sup, "Op Aurora", "labour exploitation, car washes")
        add_member(conn, sup, "Op Aurora", "partner")
        assert attach_records(conn, sup, "Op Aurora", [c_rec, l4, c_rec]) == 2
        assert attach_records(conn, sup, "Op Aurora", [c_rec]) == 0
        assert [(m.username, m.role) for m in case_members(conn, sup, "Op Aurora")] == [
            ("partner", "member"), ("sup", "lead"),
        ]  # fmt: skip
    assert case.members == 1
    assert visible(store, partner) == {c_rec, mine}  # C via the case; legacy 4 never leaves
    with (
        pytest.raises(AccessDenied, match="only the agency that holds"),
        transaction(store, partner) as conn,
    ):
        attach_records(conn, partner, "Op Aurora", [c_rec])  # seen via the case, not theirs
    with pytest.raises(AccessDenied, match="not found"), transaction(store, partner) as conn:
        attach_records(conn, partner, "Op Aurora", [l4])  # cannot attach what you cannot see
    with pytest.raises(AccessDenied, match="not found"), transaction(store, viewer) as conn:
        case_members(conn, viewer, "Op Aurora")  # not a member: the case is not there
    with pytest.raises(AccessDenied), transaction(store, partner) as conn:
        remove_member(conn, partner, "Op Aurora", "sup")  # members do not manage the case
    with transaction(store, admin) as conn:
        assert [c.name for c in list_cases(conn, admin)] == ["Op Aurora"]
        remove_member(conn, admin, "Op Aurora", "partner")
        with pytest.raises(ThreadlineError, match="not a member"):
            remove_member(conn, admin, "Op Aurora", "partner")
    assert visible(store, partner) == {mine}
    assert visible(store, admin) == set(), "administering a case is not reading it"
    with transaction(store, sup) as conn:
        assert detach_records(conn, sup, "Op Aurora", [c_rec]) == 1
    with store.connect() as conn:
        ops = conn.execute(
            sa.select(t.audit_events.c.action, t.audit_events.c.recipients).where(
                t.audit_events.c.operation == "cases.attach",
                t.audit_events.c.outcome == "allowed",
            )
        ).all()
    assert {tuple(o) for o in ops} == {("disclosure", f"members of case {case.id}")}


def test_only_supervisors_and_administrators_open_cases(store: Store, world: Any) -> None:
    ana = world.user("ana", "met", "analyst")
    world.commit()
    with pytest.raises(AccessDenied), transaction(store, ana) as conn:
        add_case(conn, ana, "Op Mine")


def test_agreements_are_made_by_the_sharing_agency_and_can_end(store: Store, world: Any) -> None:
    met_admin = world.user("met_admin", "met", "administrator")
    council_admin = world.user("council_admin", "council", "administrator")
    reader = world.user("reader", "council", "analyst")
    p_intel = world.record("p", "met", "P")
    c_intel = world.record("c", "met", "C")
    p_stop = world.record("stop", "met", "P", source="stop")
    world.commit()
    with pytest.raises(AccessDenied), transaction(store, council_admin) as conn:
        add_agreement(conn, council_admin, "met", "council")  # the taker cannot help itself
    assert visible(store, reader) == set()
    with transaction(store, met_admin) as conn:
        with pytest.raises(ValidationError):
            add_agreement(conn, met_admin, "met", "met")
        made = add_agreement(conn, met_admin, "met", "council", scope="intel", reference="ISA-7")
    assert visible(store, reader) == {p_intel}
    with transaction(store, met_admin) as conn:
        add_agreement(conn, met_admin, "met", "council", conditions_allowed=True)
        assert len(list_agreements(conn, met_admin)) == 2
    assert visible(store, reader) == {p_intel, c_intel, p_stop}
    with transaction(store, met_admin) as conn:
        for agreement in list_agreements(conn, met_admin):
            end_agreement(conn, met_admin, agreement.id)
    assert visible(store, reader) == set()
    assert made.reference == "ISA-7"
