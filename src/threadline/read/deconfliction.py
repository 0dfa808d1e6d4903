"""Deconfliction notices: an agency's material about a subject, made known without being shown.

Where a sharing agreement allows it (off by default), a user who may see a subject (an entity)
but not every record about it is told, for each agency holding records about the subject that
the user may not see: that the agency holds material, and whom to contact. Nothing else: not
how many records, of what kind, from when, or what they say. Each notice is audited, naming the
subject and the agencies notified of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["Notice", "notices"]


@dataclass(frozen=True, slots=True)
class Notice:
    """An agency holds material about the subject that the user may not see."""

    agency: str
    contact: str


def notices(view: View, entity_id: str) -> list[Notice]:
    """The deconfliction notices about `entity_id` for the View's user; none when the user may
    not see the entity at all (exactly as for one that does not exist)."""
    if view.entity(entity_id) is None:
        return []
    m, r, sh, a = t.mentions.c, t.records.c, t.sharing_agreements.c, t.agencies.c
    today = date.today()
    holders = (
        sa.select(r.agency_id)
        .join(t.mentions, m.record_id == r.id)
        .where(m.entity_id == entity_id, sa.not_(view.clause))
        .distinct()
    )
    query = (
        sa.select(a.code, sh.contact)
        .join(t.sharing_agreements, sh.from_agency_id == a.id)
        .where(
            a.id.in_(holders),
            sh.to_agency_id == view.actor.agency_id,
            sh.deconfliction == sa.true(),
            sh.valid_from <= today,
            sa.or_(sh.valid_to.is_(None), sh.valid_to >= today),
        )
        .order_by(a.code, sh.id)
    )
    found: dict[str, str] = {}
    for code, contact in view.conn.execute(query):
        found.setdefault(str(code), str(contact))
    out = [Notice(code, contact) for code, contact in found.items()]
    if out:
        view.consulted(
            "deconfliction.notice",
            entities=[entity_id],
            detail={"agencies": [n.agency for n in out]},
        )
    return out
