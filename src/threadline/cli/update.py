"""`threadline update`: bring resolution and the user's analysis up to date with what is loaded.

Resolution scores only what is new or changed since its last run (nothing at all when nothing
is); the user's analysis, which ranks premises and businesses from what they may see, runs
again unless resolution left everything as it was and the user's latest analysis came after
the latest resolution run. Both run exactly as the background jobs run them, audited alike.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.console import Console

from threadline.cli.options import DbOption, JsonOption, UserOption

__all__ = ["update"]

console = Console()


def update(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Bring resolution and your analysis up to date with what is loaded (incremental: only
    what is new is scored; your analysis runs again only when its picture changed)."""
    from threadline.jobs.queue import Live
    from threadline.jobs.runner import HANDLERS
    from threadline.read import View
    from threadline.read.rankings import latest_run as latest_analysis
    from threadline.read.resolution import latest_run as latest_resolution
    from threadline.security.authorise import acting_analyst
    from threadline.store import Store

    with Store(db) as store:
        store.require_current()
        actor = acting_analyst(store, user, "update")
        with console.status("Resolving what is new...", spinner="dots"):
            _, resolved, resolution = HANDLERS["resolve"](store, actor, {}, Live())
        with store.connect() as conn:
            view = View(conn, actor)
            analysis, run = latest_analysis(view), latest_resolution(view)
        current = (
            resolution.get("mode") == "unchanged"
            and analysis is not None
            and run is not None
            and _after(
                analysis.finished_at or analysis.started_at, run.finished_at or run.started_at
            )
        )
        analysed: dict[str, Any] | None = None
        said = f"your analysis run {analysis.id} is current" if analysis is not None else ""
        if not current:
            with console.status("Analysing what you may see...", spinner="dots"):
                _, said, analysed = HANDLERS["analyse"](store, actor, {}, Live())
    if as_json:
        print(json.dumps({"resolution": resolution, "analysis": analysed}, default=str, indent=2))
        return
    console.print(f"Resolution: {resolved}.", highlight=False)
    console.print(f"Analysis: {said}.", highlight=False)


def _after(later: datetime, earlier: datetime) -> bool:
    """Whether `later` is on or after `earlier` (both read back from the store)."""
    return later.replace(tzinfo=None) >= earlier.replace(tzinfo=None)
