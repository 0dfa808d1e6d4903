"""A View narrowed to one case: the records attached to an open case the actor is a member of.

Products scoped to a case (an export with ``--case``, a problem profile of an operation) read
through the narrowed View, so that everything built from it (the graph, its captions and
facts) rests on the case's records only, and still only on those the actor may see.
"""

from __future__ import annotations

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["narrow_to_case"]


def narrow_to_case(view: View, case: str) -> bool:
    """Narrow `view` (in place) to the records attached to the open case named `case`, if the
    actor is a member of it; returns whether it was narrowed.

    Whether or not such a case exists, a case the actor is not a member of is answered as if
    it did not exist, and the refusal is logged as a denied consultation.
    """
    c, cm, cr = t.cases.c, t.case_members.c, t.case_records.c
    found = view.conn.execute(
        sa.select(c.id).where(
            c.name == case,
            c.closed_at.is_(None),
            sa.exists().where(cm.case_id == c.id, cm.user_id == view.actor.user_id),
        )
    ).scalar()
    if found is None:
        view.consulted("case.scope", outcome="denied", detail={"case": case})
        return False
    attached = sa.select(cr.record_id).where(cr.case_id == int(found))
    view.clause = sa.and_(view.clause, t.records.c.id.in_(attached))
    view.consulted("case.scope", detail={"case": case})
    return True
