"""Cases (operations): members and attached records, the need-to-know boundary.

A case belongs to the agency of whoever opened it. Its members, from any agency, see the
records attached to it as far as handling allows (`threadline.security.policy`). Attaching a
record discloses it to every member, so only users of the record's own agency who are members
of the case may attach it; the attachment is audited as a disclosure to the case's members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied
from threadline.security.policy import visible_record_ids
from threadline.store import tables as t

__all__ = [
    "CaseInfo",
    "ChartInfo",
    "Member",
    "add_case",
    "add_member",
    "attach_records",
    "case_members",
    "chart_layout",
    "detach_records",
    "list_cases",
    "list_charts",
    "remove_member",
    "save_chart",
]

SUPERVISOR = UserRole.SUPERVISOR.value


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """A case as its members and its agency's administrators see it."""

    id: int
    name: str
    description: str
    agency: str
    members: int
    records: int


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a case."""

    username: str
    agency: str
    role: str


def _case(conn: Connection, actor: Actor, name: str, operation: str) -> Any:
    """The case called `name` if the actor is a member or administers its agency."""
    row = conn.execute(sa.select(t.cases).where(t.cases.c.name == name)).first()
    if row is None or not (
        _member_role(conn, int(row.id), actor.user_id) is not None
        or (actor.has(UserRole.ADMINISTRATOR) and actor.agency_id == int(row.agency_id))
    ):
        # The same words whether it is missing or closed to this actor: names can be sensitive.
        raise AccessDenied(f"case {name!r} not found", action="consultation", operation=operation)
    return row


def _member_role(conn: Connection, case_id: int, user_id: int) -> str | None:
    cm = t.case_members.c
    role = conn.execute(
        sa.select(cm.role).where(cm.case_id == case_id, cm.user_id == user_id)
    ).scalar()
    return None if role is None else str(role)


def _may_manage(conn: Connection, actor: Actor, case: Any) -> bool:
    if actor.has(UserRole.ADMINISTRATOR) and actor.agency_id == int(case.agency_id):
        return True
    return actor.has(SUPERVISOR) and _member_role(conn, int(case.id), actor.user_id) is not None


def add_case(conn: Connection, actor: Actor, name: str, description: str = "") -> CaseInfo:
    """Open a case in the actor's agency; a supervisor who opens it joins it as lead."""
    if not actor.has(SUPERVISOR, UserRole.ADMINISTRATOR):
        raise AccessDenied(
            "permission denied: only supervisors and administrators open cases",
            action="administration",
            operation="cases.add",
        )
    name = name.strip()
    if not name or len(name) > 255 or any(not ch.isprintable() for ch in name):
        raise ValidationError("a case name is 1-255 printable characters")
    if conn.execute(sa.select(t.cases.c.id).where(t.cases.c.name == name)).first():
        raise ThreadlineError(f"a case called {name!r} already exists")
    case_id = int(
        conn.execute(
            sa.insert(t.cases)
            .values(
                name=name,
                description=description,
                agency_id=actor.agency_id,
                created_by=actor.user_id,
            )
            .returning(t.cases.c.id)
        ).scalar_one()
    )
    if actor.has(SUPERVISOR):
        conn.execute(
            sa.insert(t.case_members).values(case_id=case_id, user_id=actor.user_id, role="lead")
        )
    audit(conn, actor, "administration", "cases.add", detail={"case": case_id})
    return CaseInfo(case_id, name, description, actor.agency, 1 if actor.has(SUPERVISOR) else 0, 0)


def list_cases(conn: Connection, actor: Actor) -> list[CaseInfo]:
    """Cases the actor is a member of, and those of an agency they administer."""
    c, cm, cr = t.cases.c, t.case_members.c, t.case_records.c
    members = sa.select(sa.func.count()).where(cm.case_id == c.id).scalar_subquery()
    records = sa.select(sa.func.count()).where(cr.case_id == c.id).scalar_subquery()
    mine = sa.exists().where(cm.case_id == c.id, cm.user_id == actor.user_id)
    scope: sa.ColumnElement[bool] = mine
    if actor.has(UserRole.ADMINISTRATOR):
        scope = sa.or_(mine, c.agency_id == actor.agency_id)
    rows = conn.execute(
        sa.select(c.id, c.name, c.description, t.agencies.c.code, members, records)
        .join(t.agencies, t.agencies.c.id == c.agency_id)
        .where(scope)
        .order_by(c.name)
    ).all()
    audit(conn, actor, "administration", "cases.list", detail={"count": len(rows)})
    return [CaseInfo(int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]


def case_members(conn: Connection, actor: Actor, case: str) -> list[Member]:
    """The members of a case (for its members and its agency's administrators)."""
    row = _case(conn, actor, case, "cases.members")
    cm = t.case_members.c
    rows = conn.execute(
        sa.select(t.users.c.username, t.agencies.c.code, cm.role)
        .join(t.users, t.users.c.id == cm.user_id)
        .join(t.agencies, t.agencies.c.id == t.users.c.agency_id)
        .where(cm.case_id == row.id)
        .order_by(t.users.c.username)
    ).all()
    audit(conn, actor, "administration", "cases.members", detail={"case": int(row.id)})
    return [Member(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def _manageable(conn: Connection, actor: Actor, case: str, operation: str) -> Any:
    row = _case(conn, actor, case, operation)
    if not _may_manage(conn, actor, row):
        raise AccessDenied(
            "permission denied: a case's supervisors and its agency's administrators manage it",
            action="administration",
            operation=operation,
        )
    return row


def _user_id(conn: Connection, username: str) -> int:
    found = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).scalar()
    if found is None:
        raise ThreadlineError(f"unknown user {username!r}")
    return int(found)


def add_member(
    conn: Connection, actor: Actor, case: str, username: str, role: str = "member"
) -> None:
    """Make a user (of any agency) a member of the case."""
    row = _manageable(conn, actor, case, "cases.members.add")
    user_id = _user_id(conn, username)
    if _member_role(conn, int(row.id), user_id) is not None:
        raise ThreadlineError(f"{username!r} is already a member of {case!r}")
    conn.execute(sa.insert(t.case_members).values(case_id=row.id, user_id=user_id, role=role))
    audit(
        conn,
        actor,
        "administration",
        "cases.members.add",
        detail={"case": int(row.id), "username": username, "role": role},
    )


def remove_member(conn: Connection, actor: Actor, case: str, username: str) -> None:
    """End a user's membership of the case; they lose what it let them see at once."""
    row = _manageable(conn, actor, case, "cases.members.remove")
    user_id = _user_id(conn, username)
    cm = t.case_members.c
    done = conn.execute(
        sa.delete(t.case_members).where(cm.case_id == row.id, cm.user_id == user_id)
    ).rowcount
    if not done:
        raise ThreadlineError(f"{username!r} is not a member of {case!r}")
    audit(
        conn,
        actor,
        "administration",
        "cases.members.remove",
        detail={"case": int(row.id), "username": username},
    )


def _attachable(conn: Connection, actor: Actor, case: str, ids: list[int], operation: str) -> Any:
    row = _case(conn, actor, case, operation)
    if _member_role(conn, int(row.id), actor.user_id) is None or not actor.reads:
        raise AccessDenied(
            "permission denied: only members of the case with a reading role may do this",
            action="disclosure",
            operation=operation,
        )
    hidden = sorted(set(ids) - visible_record_ids(conn, actor, ids))
    if hidden:
        raise AccessDenied(
            f"record {hidden[0]} not found", action="disclosure", operation=operation, records=ids
        )
    foreign = (
        conn.execute(
            sa.select(t.records.c.id).where(
                t.records.c.id.in_(ids), t.records.c.agency_id != actor.agency_id
            )
        )
        .scalars()
        .first()
    )
    if foreign is not None:
        raise AccessDenied(
            f"permission denied: only the agency that holds record {foreign} may put it in a case",
            action="disclosure",
            operation=operation,
            records=ids,
        )
    return row


def attach_records(conn: Connection, actor: Actor, case: str, record_ids: Iterable[int]) -> int:
    """Attach records to the case: a disclosure to its members. Returns how many were new."""
    ids = sorted({int(i) for i in record_ids})
    row = _attachable(conn, actor, case, ids, "cases.attach")
    cr = t.case_records.c
    present = set(
        conn.execute(
            sa.select(cr.record_id).where(cr.case_id == row.id, cr.record_id.in_(ids))
        ).scalars()
    )
    new = [i for i in ids if i not in present]
    if new:
        conn.execute(
            sa.insert(t.case_records),
            [{"case_id": row.id, "record_id": i, "added_by": actor.user_id} for i in new],
        )
    audit(
        conn,
        actor,
        "disclosure",
        "cases.attach",
        records=new,
        recipients=f"members of case {int(row.id)}",
        detail={"case": int(row.id)},
    )
    return len(new)


def detach_records(conn: Connection, actor: Actor, case: str, record_ids: Iterable[int]) -> int:
    """Take records out of the case. Returns how many were attached."""
    ids = sorted({int(i) for i in record_ids})
    row = _attachable(conn, actor, case, ids, "cases.detach")
    cr = t.case_records.c
    done = conn.execute(
        sa.delete(t.case_records).where(cr.case_id == row.id, cr.record_id.in_(ids))
    ).rowcount
    audit(conn, actor, "alteration", "cases.detach", records=ids, detail={"case": int(row.id)})
    return int(done)


# -- link charts saved to a case ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartInfo:
    """A chart saved to a case (its layout apart)."""

    id: int
    case: str
    name: str
    saved_by: str
    saved_at: datetime


def _open_case(conn: Connection, actor: Actor, name: str, operation: str) -> Any:
    """The case `name`, open, if the actor is a member of it (charts are working material of
    the case's team, so an administrator who is not a member does not read them)."""
    row = _case(conn, actor, name, operation)
    if row.closed_at is not None or _member_role(conn, int(row.id), actor.user_id) is None:
        raise AccessDenied(f"case {name!r} not found", action="consultation", operation=operation)
    return row


def save_chart(
    conn: Connection, actor: Actor, case: str, name: str, layout: dict[str, Any]
) -> ChartInfo:
    """Save (or replace) the chart `name` of `case`; only node ids, positions and filters."""
    name = name.strip()
    if not name or len(name) > 255 or any(not ch.isprintable() for ch in name):
        raise ValidationError("a chart name is 1-255 printable characters")
    row = _open_case(conn, actor, case, "cases.chart.save")
    now = datetime.now(UTC)
    cc = t.case_charts.c
    conn.execute(sa.delete(t.case_charts).where(cc.case_id == row.id, cc.name == name))
    chart_id = int(
        conn.execute(
            sa.insert(t.case_charts)
            .values(case_id=row.id, name=name, layout=layout, saved_by=actor.user_id, saved_at=now)
            .returning(cc.id)
        ).scalar_one()
    )
    nodes = len(layout.get("nodes", []))
    audit(conn, actor, "alteration", "cases.chart.save",
          detail={"case": int(row.id), "chart": chart_id, "nodes": nodes})  # fmt: skip
    return ChartInfo(chart_id, str(row.name), name, actor.username, now)


def _charts(conn: Connection) -> sa.Select[Any]:
    cc = t.case_charts.c
    return (
        sa.select(cc.id, cc.name, cc.saved_at, cc.layout, t.cases.c.name.label("case"),
                  t.users.c.username)
        .join(t.cases, t.cases.c.id == cc.case_id)
        .join(t.users, t.users.c.id == cc.saved_by)
    )  # fmt: skip


def _info(row: Any) -> ChartInfo:
    saved = row.saved_at if row.saved_at.tzinfo else row.saved_at.replace(tzinfo=UTC)
    return ChartInfo(int(row.id), str(row.case), str(row.name), str(row.username), saved)


def list_charts(conn: Connection, actor: Actor, case: str) -> list[ChartInfo]:
    """The charts saved to `case`, newest first, for a member of it."""
    row = _open_case(conn, actor, case, "cases.chart.list")
    rows = conn.execute(
        _charts(conn)
        .where(t.case_charts.c.case_id == row.id)
        .order_by(t.case_charts.c.saved_at.desc())
    )
    return [_info(r) for r in rows]


def chart_layout(conn: Connection, actor: Actor, chart_id: int) -> tuple[ChartInfo, dict[str, Any]]:
    """A saved chart and its layout, for a member of its case (else "not found")."""
    row = conn.execute(_charts(conn).where(t.case_charts.c.id == chart_id)).first()
    if row is None:
        raise AccessDenied(f"chart {chart_id} not found", action="consultation",
                           operation="cases.chart.open")  # fmt: skip
    _open_case(conn, actor, str(row.case), "cases.chart.open")
    return _info(row), dict(row.layout)
