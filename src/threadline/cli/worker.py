"""`threadline worker`: run the workbench's background jobs in a process of their own."""

from __future__ import annotations

import logging
import threading
from typing import Annotated

import typer

from threadline.cli.options import DbOption

__all__ = ["worker"]


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs queued now, then stop.")
    ] = False,
    poll: Annotated[
        float, typer.Option("--poll", min=0.1, max=60, help="Seconds between looks for work.")
    ] = 1.0,
    db: DbOption = None,
) -> None:
    """Run queued jobs (uploads to load, resolution, analysis) as the users who started them.

    The server runs jobs in a thread of its own unless THREADLINE_WORKER=none; run this
    instead (as many as you like, on PostgreSQL) when the web workers should only serve.
    """
    from threadline.jobs import work
    from threadline.store import Store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    with Store(db) as store:
        store.require_current()
        typer.echo(f"Running jobs of {store.location}{'' if once else '; Ctrl-C stops'}.")
        try:
            ran = work(store, stop=stop, poll=poll, once=once)
        except KeyboardInterrupt:
            stop.set()
            typer.echo("Stopped: a job interrupted is marked failed; start it again.")
            raise typer.Exit(130) from None
    typer.echo(f"{ran} job{'s' if ran != 1 else ''} run.")
