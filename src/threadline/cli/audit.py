"""Commands for the tamper-evident audit log (DPA 2018 s62)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from threadline.cli.options import (
    DbOption,
    JsonOption,
    UserOption,
    acting,
    group,
    print_json,
)
from threadline.read.audit_log import redacted
from threadline.read.view import View
from threadline.security.audit import audit, find_events, transaction
from threadline.security.chain import verify_chain
from threadline.security.errors import AccessDenied

__all__ = ["audit_app"]

audit_app = group("audit", "The tamper-evident audit log (DPA 2018 s62).")


@audit_app.command("verify")
def audit_verify(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Check the hash chain; exit 1 and say where if any event was altered, deleted or moved."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        report = verify_chain(conn)
        audit(
            conn,
            actor,
            "administration",
            "audit.verify",
            outcome="allowed",
            detail={"events": report.events, "intact": report.intact},
        )
    if as_json:
        print_json(
            {
                "intact": report.intact,
                "events": report.events,
                "head": report.head_hash,
                "problems": [asdict(p) for p in report.problems],
            }
        )
    elif report.intact:
        typer.echo(f"Audit log intact: {report.events} events; head {report.head_hash}")
    else:
        for problem in report.problems:
            where = f"event {problem.event_id}" if problem.event_id is not None else "log"
            typer.echo(f"{where}: {problem.kind}: {problem.message}")
        typer.echo(f"Audit log NOT intact: {len(report.problems)} problem(s)")
    if not report.intact:
        raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    user_filter: Annotated[
        str | None, typer.Option("--user", help="Events of this user.", show_default=False)
    ] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="Who touched this entity.", show_default=False)
    ] = None,
    record: Annotated[
        int | None, typer.Option("--record", help="Who touched this record.", show_default=False)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date or time (UTC).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (latest).")] = 1000,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as", help="Act as this user (--user is the filter here).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show audit events: supervisors and administrators see their agency's users' events,
    others their own; records and entities you may not see are left out of each event."""
    with acting(db, as_user) as (store, actor), transaction(store, actor) as conn:
        privileged = actor.has("supervisor", "administrator")
        if not privileged:
            if (
                entity is not None
                or record is not None
                or user_filter not in (None, actor.username)
            ):
                raise AccessDenied(
                    "permission denied: you may see your own audit events only",
                    action="consultation",
                    operation="audit.show",
                )
            user_filter = actor.username
        view = View(conn, actor)
        events = redacted(
            view,
            find_events(conn, username=user_filter, agency=actor.agency, entity=entity,
                        record=record, since=since, limit=limit),
        )  # fmt: skip
        view.consulted(
            "audit.show",
            records={r for event in events for r in event.records},
            entities=[entity] if entity else [],
            detail={"user": user_filter, "record": record, "since": since, "count": len(events)},
        )
    for event in events:
        typer.echo(event.as_json() if as_json else event.line())
