"""Information sharing agreements between agencies.

An agreement lets users of one agency (``to``) with a reading role see records of another
(``from``) while it is in force (``valid_from`` to ``valid_to``, inclusive). Its ``scope`` is
``all`` or the name of one of the ``from`` agency's sources. Material with handling
conditions (C, legacy 2-3) flows only under an agreement that allows conditioned material;
legacy 4-5 and C material kept to its agency never flows. Sharing is the originating agency's
decision, so only administrators of the ``from`` agency make and end agreements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError, ValidationError
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied, NotFound
from threadline.security.users import may_administer
from threadline.store import tables as t

__all__ = ["Agreement", "add_agreement", "end_agreement", "list_agreements"]


@dataclass(frozen=True, slots=True)
class Agreement:
    """A sharing agreement as listed."""

    id: int
    from_agency: str
    to_agency: str
    scope: str
    conditions_allowed: bool
    valid_from: date
    valid_to: date | None
    reference: str
    delivery: bool = False
    """Whether the receiving agency may also load the giving agency's deliveries for it."""
    deconfliction: bool = False
    """Whether a receiving user who may not see a record about a subject is told that the
    giving agency holds material, and whom to contact (nothing else)."""
    contact: str = ""
    """Whom to contact for deconfliction (a desk or role, not a person's private details)."""

    def in_force(self, on: date) -> bool:
        """Whether the agreement lets records flow on `on`."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _agency_id(conn: Connection, code: str) -> int:
    found = conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code)).scalar()
    if found is None:
        raise ThreadlineError(f"unknown agency {code!r}")
    return int(found)


def _require(conn: Connection, actor: Actor, agency_id: int, operation: str) -> None:
    if not may_administer(conn, actor, agency_id):
        raise AccessDenied(
            "permission denied: only administrators of the sharing agency may do this",
            action="administration",
            operation=operation,
        )


def add_agreement(
    conn: Connection,
    actor: Actor,
    from_agency: str,
    to_agency: str,
    *,
    scope: str = "all",
    conditions_allowed: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
    reference: str = "",
    delivery: bool = False,
    deconfliction: bool = False,
    contact: str = "",
) -> Agreement:
    """Record an agreement letting `to_agency` see `from_agency`'s records within `scope`; with
    `delivery`, `to_agency`'s analysts may also load `from_agency`'s files on its behalf.

    The giving agency's administrators record it, or a partnership administrator for an agency
    with no administrator of its own (the event then says so)."""
    source, target = _agency_id(conn, from_agency), _agency_id(conn, to_agency)
    if source == target:
        raise ValidationError("an agency does not need an agreement with itself")
    start = valid_from or date.today()
    if valid_to is not None and valid_to < start:
        raise ValidationError("an agreement cannot end before it starts")
    scope = scope.strip() or "all"
    contact = contact.strip()
    if deconfliction and not contact:
        raise ValidationError("a deconfliction notice needs --contact: whom to call")
    if len(contact) > 255:
        raise ValidationError("the contact is at most 255 characters")
    if len(scope) > 128:
        raise ValidationError("scope is 'all' or a source name (at most 128 characters)")
    _require(conn, actor, source, "sharing.add")
    agreement_id = conn.execute(
        sa.insert(t.sharing_agreements)
        .values(
            from_agency_id=source,
            to_agency_id=target,
            scope=scope,
            conditions_allowed=conditions_allowed,
            valid_from=start,
            valid_to=valid_to,
            reference=reference,
            delivery=delivery,
            deconfliction=deconfliction,
            contact=contact,
            created_by=actor.user_id,
        )
        .returning(t.sharing_agreements.c.id)
    ).scalar_one()
    agreement = Agreement(
        int(agreement_id), from_agency, to_agency, scope, conditions_allowed, start, valid_to,
        reference, delivery, deconfliction, contact,
    )  # fmt: skip
    audit(
        conn,
        actor,
        "administration",
        "sharing.add",
        detail={
            "agreement": agreement.id,
            "from": from_agency,
            "to": to_agency,
            "scope": scope,
            "conditions_allowed": conditions_allowed,
            "valid_from": start.isoformat(),
            "valid_to": None if valid_to is None else valid_to.isoformat(),
            "delivery": delivery,
            "deconfliction": deconfliction,
            "as": "administrator" if actor.agency_id == source else "partnership",
        },
    )
    return agreement


def list_agreements(conn: Connection, actor: Actor) -> list[Agreement]:
    """Agreements the actor's agency gives or receives (every agreement for partnership
    administrators)."""
    sh = t.sharing_agreements.c
    giver, taker = t.agencies.alias("giver"), t.agencies.alias("taker")
    query = (
        sa.select(t.sharing_agreements, giver.c.code.label("giver"), taker.c.code.label("taker"))
        .join(giver, giver.c.id == sh.from_agency_id)
        .join(taker, taker.c.id == sh.to_agency_id)
        .order_by(sh.id)
    )
    if not actor.has(UserRole.PARTNERSHIP):
        query = query.where(
            sa.or_(sh.from_agency_id == actor.agency_id, sh.to_agency_id == actor.agency_id)
        )
    out = [
        Agreement(
            id=int(r.id),
            from_agency=r.giver,
            to_agency=r.taker,
            scope=r.scope,
            conditions_allowed=bool(r.conditions_allowed),
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            reference=r.reference,
            delivery=bool(r.delivery),
            deconfliction=bool(r.deconfliction),
            contact=str(r.contact),
        )
        for r in conn.execute(query)
    ]
    audit(conn, actor, "administration", "sharing.list", detail={"count": len(out)})
    return out


def end_agreement(
    conn: Connection, actor: Actor, agreement_id: int, *, last_day: date | None = None
) -> None:
    """End an agreement: records stop flowing after `last_day` (default: yesterday)."""
    row = conn.execute(
        sa.select(t.sharing_agreements).where(t.sharing_agreements.c.id == agreement_id)
    ).first()
    if row is None:
        raise NotFound(f"agreement {agreement_id} not found")
    _require(conn, actor, int(row.from_agency_id), "sharing.end")
    end = last_day or date.today() - timedelta(days=1)
    conn.execute(
        sa.update(t.sharing_agreements)
        .where(t.sharing_agreements.c.id == agreement_id)
        .values(valid_to=end)
    )
    audit(
        conn,
        actor,
        "administration",
        "sharing.end",
        detail={"agreement": agreement_id, "valid_to": end.isoformat()},
    )
