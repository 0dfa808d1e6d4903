"""Handling conditions waiting for review: those no handling rule recognises.

Such a condition keeps its record in its agency (the most restrictive reading) until a rule or
the source's mapping names what it allows (docs/security.md, "Handling conditions"). Each
agency's conditions are its own: a user is shown only their agency's. Its administrators and
supervisors, who review them, count over all of the agency's records; other users over the
agency's records they may see, so that nothing of a record they may not see (an
OFFICIAL-SENSITIVE one, without clearance) is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from threadline.read.view import View
from threadline.security.conditions import REVIEWERS
from threadline.store import tables as t

__all__ = ["ConditionsReview", "Unrecognised", "unrecognised_conditions"]


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """A condition no rule recognises, and how many records carry it."""

    agency: str
    condition: str
    records: int


@dataclass(frozen=True, slots=True)
class ConditionsReview:
    """What waits for review in the reader's agency."""

    agency: str
    unrecognised: tuple[Unrecognised, ...]
    """Most frequent first."""
    unread: int
    """C records whose conditions the rules have not read yet (loaded before there were
    rules): they stay home until `threadline sharing conditions --apply`."""
    whole_agency: bool
    """Counted over all of the agency's records (a reviewer), or over those the reader may
    see."""


def unrecognised_conditions(view: View) -> ConditionsReview:
    """The conditions of the reader's agency that no rule recognises (see the module
    docstring); audited as a consultation."""
    actor = view.actor
    r, h = t.records.c, t.record_handling.c
    whole = actor.has(*REVIEWERS)
    scope = [r.agency_id == actor.agency_id, r.grading_scheme == "3x5x2", r.handling_code == "C"]
    if not whole:
        scope.append(view.clause)
    joined = t.records.outerjoin(t.record_handling, h.record_id == r.id)
    counts: Counter[str] = Counter()
    unread = 0
    query = sa.select(h.record_id, h.unrecognised).select_from(joined).where(*scope)
    for record_id, texts in view.conn.execute(query):
        if record_id is None:
            unread += 1
        else:
            counts.update(set(texts))
    found = tuple(
        Unrecognised(actor.agency, text, n)
        for text, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
    view.consulted("sharing.conditions", detail={"unrecognised": len(found), "unread": unread})
    return ConditionsReview(actor.agency, found, unread, whole)
