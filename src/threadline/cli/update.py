"""`threadline update`: bring resolution and the user's analysis up to date with what is loaded.

The work is `threadline.jobs.update.bring_up_to_date`, which `threadline ingest` also runs
after a load: resolution scores only what is new, and the user's analysis runs again only
when its picture changed.
"""

from __future__ import annotations

import json

from threadline.cli.options import DbOption, JsonOption, UserOption
from threadline.progress import report_console, stages

__all__ = ["update"]

console = report_console()


def update(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Bring resolution and your analysis up to date with what is loaded (incremental: only
    what is new is scored; your analysis runs again only when its picture changed)."""
    from threadline.jobs.update import bring_up_to_date
    from threadline.security.authorise import acting_analyst
    from threadline.store import Store

    with Store(db) as store:
        store.require_current()
        actor = acting_analyst(store, user, "update")
        done = bring_up_to_date(store, actor, stage=stages(console))
    if as_json:
        print(json.dumps(done.as_dict(), default=str, indent=2))
        return
    console.print(f"Resolution: {done.resolved}.", highlight=False)
    console.print(f"Analysis: {done.analysed}.", highlight=False)
