"""People rankings as a user is shown them, and analysts' decisions made through the View.

The command line, the API and the workbench's People page all call these: `people_shown`
ranks what the user may see, keeps the sides and entries asked for and logs them as one
consultation (a combination: the ranking joins records); `decide` and `withdraw` check that
the user may write and, for a decision, is shown the person, before the writer records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import igraph as ig

from threadline.errors import ThreadlineError
from threadline.model.protection import Protection
from threadline.people.assess import PersonAssessment, Side, assess
from threadline.people.decisions import record_decision, withdraw_decision
from threadline.people.settings import PeopleWeights, load_people_weights
from threadline.read.assessments import decision_by_id
from threadline.read.view import View
from threadline.security.authorise import WRITE_ROLES
from threadline.security.errors import AccessDenied

__all__ = ["PeopleShown", "decide", "people_shown", "withdraw"]


@dataclass(frozen=True, slots=True)
class PeopleShown:
    """The rankings shown, by side, with the protection of their evidence."""

    sides: dict[str, list[PersonAssessment]]
    """``victim`` and/or ``suspect`` -> the entries shown, ranked from 1."""
    protection: Protection
    weights_digest: str
    unrecognised: bool


def people_shown(
    view: View,
    *,
    sides: Sequence[Side] = ("victim", "suspect"),
    unrecognised: bool = False,
    top: int | None = 10,
    weights: PeopleWeights | str | Path | None = None,
    graph: ig.Graph | None = None,
) -> PeopleShown:
    """The user's people rankings (only unrecognised victims if asked), the first `top` of
    each side; audited as ``analyse.people``."""
    chosen = weights if isinstance(weights, PeopleWeights) else load_people_weights(weights)
    assessed = assess(view, chosen, graph=graph)
    shown: dict[str, list[PersonAssessment]] = {
        side: assessed.ranking(side, unrecognised=unrecognised and side == "victim", top=top)
        for side in sides
    }
    everyone = [p for ranked in shown.values() for p in ranked]
    records = {r for p in everyone for r in p.evidence}
    view.consulted(
        "analyse.people",
        action="combination",
        records=records,
        entities=[p.entity_id for p in everyone],
        detail={"weights_digest": chosen.digest, "unrecognised": unrecognised},
    )
    return PeopleShown(shown, view.protection(records), chosen.digest, unrecognised)


def _may_write(view: View, operation: str, what: str) -> None:
    if not view.actor.has(*WRITE_ROLES):
        raise AccessDenied(
            f"permission denied: {what} needs the analyst or supervisor role",
            action="alteration",
            operation=operation,
        )


def decide(view: View, entity: str, side: str, decision: str, reason: str) -> int:
    """Record the user's decision (``confirmed`` or ``dismissed``) on a person's assessment,
    with a reason, once the user is shown that person; the decision's id."""
    operation = f"analyse.people.{decision.removesuffix('ed')}"
    _may_write(view, operation, "a decision on a person")
    found = view.entity(entity)
    if found is None or found.schema != "Person":
        raise ThreadlineError(f"no person {entity} among what you may see")
    return record_decision(view.conn, view.actor, entity, side, decision, reason)


def withdraw(view: View, decision_id: int) -> None:
    """Withdraw an active decision of the user's agency (kept, marked withdrawn)."""
    _may_write(view, "analyse.people.withdraw", "withdrawing a decision")
    if decision_by_id(view, decision_id) is None:
        raise ThreadlineError(f"no active decision {decision_id} of your agency")
    withdraw_decision(view.conn, view.actor, decision_id)
