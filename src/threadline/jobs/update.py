"""Keeping the store current: resolution, then the user's analysis, each only when due.

`bring_up_to_date` is what `threadline update` does on demand, and what `threadline ingest`,
a captured report and the workbench's upload job do after a load (unless told not to).
Resolution scores only what is new or changed since its last run (nothing at all when nothing
is); the user's analysis, which ranks premises and businesses from what they may see, runs
again unless resolution left everything as it was and the user's latest analysis came after
the latest resolution run. Both run exactly as the background jobs run them (`resolve_job`,
`analyse_job`), audited alike, and a resolution run checks the entity watches as it always
does.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from threadline.jobs.queue import Live
from threadline.read import View
from threadline.read.rankings import latest_run as latest_analysis
from threadline.read.resolution import latest_run as latest_resolution
from threadline.read.resolution import run_as_seen, run_in_words
from threadline.security.actors import Actor
from threadline.security.audit import audit, transaction
from threadline.store import Store
from threadline.tracking.mail import deliver

__all__ = ["Cancelled", "Stage", "Update", "analyse_job", "bring_up_to_date", "resolve_job"]

Stage = Callable[[str], AbstractContextManager[Any]]
"""Shows one stage of the work while it runs (a Rich status on the command line)."""

RESOLVING = "Resolving what is new"
ANALYSING = "Analysing what you may see"


class Cancelled(Exception):
    """The job was cancelled (or taken for dead) while it ran: its work is rolled back."""


def resolve_job(
    store: Store, actor: Actor, params: dict[str, Any], held: Live
) -> tuple[str, str, dict[str, Any]]:
    """Run resolution as `actor` (incremental unless ``params["full"]``), audited; told as the
    user may be told: what they may see after the run, not the store's totals."""
    from threadline.resolve import resolve_store  # heavy (Splink, DuckDB): only when needed

    held.label = "resolving people, businesses and premises"
    with store.connect() as conn:
        summary = resolve_store(conn, user_id=actor.user_id, full=bool(params.get("full")))
        audit(conn, actor, "combination", "resolve.run",
              detail={"run": summary.run_id, "entities": sum(summary.entities.values()),
                      "links": summary.links, "judgements": summary.judgements,
                      "mode": summary.mode})  # fmt: skip
    deliver(store)  # the alerts the run raised, mailed now that it has committed
    if held.stop.is_set():
        raise Cancelled
    with transaction(store, actor) as conn:
        result = run_as_seen(View(conn, actor), summary)
    return "done", run_in_words(result), result


def analyse_job(
    store: Store, actor: Actor, params: dict[str, Any], held: Live
) -> tuple[str, str, dict[str, Any]]:
    """Analyse the graph `actor` may see and store the rankings, audited as a combination."""
    from threadline.risk.analysis import analyse

    held.label = "analysing the graph you may see"
    with transaction(store, actor) as conn:
        view = View(conn, actor)
        result = analyse(view, seed=int(params.get("seed", 0)))
        view.consulted("analyse.run", action="combination", records=result.graph["records"],
                       detail={"run": result.run_id,
                               "weights_digest": result.weights.digest})  # fmt: skip
        if held.stop.is_set():
            raise Cancelled
    out = {"run": result.run_id, "premises": len(result.premises),
           "businesses": len(result.businesses), "findings": len(result.findings),
           "seconds": round(result.seconds, 2)}  # fmt: skip
    return ("done", f"analysis run {result.run_id}: {len(result.premises):,} premises and "
            f"{len(result.businesses):,} businesses ranked", out)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Update:
    """What bringing the store up to date did."""

    resolution: dict[str, Any]
    """The resolution run as the user may be told of it (`run_as_seen`)."""
    resolved: str
    """The same, in words."""
    analysis: dict[str, Any] | None
    """The analysis run made, or None when the user's latest one was current."""
    analysed: str
    """What happened to the user's analysis, in words."""

    def as_dict(self) -> dict[str, Any]:
        return {"resolution": self.resolution, "analysis": self.analysis}


def bring_up_to_date(
    store: Store, actor: Actor, held: Live | None = None, *, stage: Stage | None = None
) -> Update:
    """Resolve what is new, then analyse what `actor` may see unless their latest analysis is
    current (see the module docstring). `held` carries a job's progress and cancellation;
    `stage` shows each stage as it runs."""
    held = held or Live()
    show: Stage = stage or (lambda _label: nullcontext())
    with show(RESOLVING):
        _, resolved, resolution = resolve_job(store, actor, {}, held)
    with store.connect() as conn:
        view = View(conn, actor)
        analysis, run = latest_analysis(view), latest_resolution(view)
    current = (
        resolution.get("mode") == "unchanged"
        and analysis is not None
        and run is not None
        and _after(analysis.finished_at or analysis.started_at, run.finished_at or run.started_at)
    )
    if current and analysis is not None:
        return Update(resolution, resolved, None, f"your analysis run {analysis.id} is current")
    with show(ANALYSING):
        _, said, analysed = analyse_job(store, actor, {}, held)
    return Update(resolution, resolved, analysed, said)


def _after(later: datetime, earlier: datetime) -> bool:
    """Whether `later` is on or after `earlier` (both read back from the store)."""
    return later.replace(tzinfo=None) >= earlier.replace(tzinfo=None)
