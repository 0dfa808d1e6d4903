"""Starting an analysis from the workbench or the API: the one place that does it.

Today the analysis runs inside the request that asks for it (a few seconds on the demo's store,
longer on a large one). When background jobs land (`threadline.jobs`), `start_analysis` is the
only function to change: it would queue a job and return its id instead of the run's.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.read import View
from threadline.risk.analysis import analyse
from threadline.security import AccessDenied
from threadline.security.authorise import WRITE_ROLES

__all__ = ["Started", "start_analysis"]


@dataclass(frozen=True, slots=True)
class Started:
    """What starting an analysis gave: the stored run (or, later, the job computing it)."""

    run_id: str
    seconds: float
    done: bool
    """True when the run is finished and stored (always, while analyses run in the request)."""


def start_analysis(view: View, *, seed: int = 0) -> Started:
    """Compute and store an analysis over what the user of `view` may see, audited as a
    combination of records (as `threadline analyse` is). Needs a role that may write."""
    if not view.actor.has(*WRITE_ROLES):
        raise AccessDenied(
            "permission denied: an analysis is stored as a run, which needs the analyst or "
            "supervisor role",
            action="combination",
            operation="analyse.run",
        )
    result = analyse(view, seed=seed, store=True)
    assert result.run_id is not None  # stored, so it has an id
    view.consulted(
        "analyse.run",
        action="combination",
        records=result.graph["records"],
        detail={"run": result.run_id, "weights_digest": result.weights.digest},
    )
    return Started(result.run_id, round(result.seconds, 2), done=True)
