"""Commands for the audit log, retention and subject access."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from threadline.errors import ThreadlineError
from threadline.security._cli_common import (
    DbOption,
    JsonOption,
    UserOption,
    acting,
    audit_app,
    parse_date,
    print_json,
    retention_app,
)
from threadline.security.audit import audit, find_events, quote, transaction
from threadline.security.chain import verify_chain
from threadline.security.errors import AccessDenied
from threadline.security.retention import erase_record, erasures, retain_record
from threadline.security.subject_access import DEFAULT_PURPOSE, DEFAULT_RECIPIENTS
from threadline.security.subject_access import subject_access as export_subject
from threadline.security.view import View

__all__ = ["subject_access"]

# -- audit ------------------------------------------------------------------------------------


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
    """Show audit events: supervisors and administrators see all, others their own."""
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
        events = find_events(
            conn, username=user_filter, entity=entity, record=record, since=since, limit=limit
        )
        View(conn, actor).consulted(
            "audit.show",
            entities=[entity] if entity else [],
            detail={"user": user_filter, "record": record, "since": since, "count": len(events)},
        )
    for event in events:
        typer.echo(event.as_json() if as_json else event.line())


# -- retention --------------------------------------------------------------------------------


@retention_app.command("due")
def retention_due(
    before: Annotated[
        str | None, typer.Option("--before", help="Due on or before (default: today).")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Why you are looking.")] = "",
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Records you may see that are due for MoPI review."""
    due_by = parse_date(before, "--before") or date.today()
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        records = View(conn, actor, purpose=purpose).records(due_by=due_by)
    rows = [
        {
            "id": r.id,
            "review_date": r.review_date.isoformat(),
            "retention_group": r.retention_group,
            "agency": r.agency,
            "source": r.source,
            "record_key": r.record_key,
            "marking": r.marking.value,
        }
        for r in records
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['id']}  {row['review_date']}  group {row['retention_group']}  {row['agency']}"
            f"  {quote(str(row['source']))}  {quote(str(row['record_key']))}"
        )
    typer.echo(f"{len(rows)} record(s) due by {due_by.isoformat()}")


@retention_app.command("review")
def retention_review(
    record: Annotated[int, typer.Argument(help="Record id.")],
    reason: Annotated[str, typer.Option("--reason", help="The rationale (required).")],
    retain: Annotated[
        bool, typer.Option("--retain", help="Keep it until the next review.")
    ] = False,
    delete: Annotated[
        bool, typer.Option("--delete", help="Erase it and all derived from it.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a review decision: --retain or --delete, with --reason."""
    if retain == delete:
        raise ThreadlineError("choose exactly one of --retain and --delete")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        if retain:
            kept = retain_record(conn, actor, record, reason)
            message = f"Record {record} retained; next review {kept.next_review.isoformat()}"
        else:
            gone = erase_record(conn, actor, record, reason)
            message = (
                f"Record {record} erased with {gone.mentions} mention(s), {gone.statements} "
                f"statement(s), {gone.links} link(s) and {gone.indicators} indicator(s); "
                f"{gone.entities_stale} entit(ies) marked stale, {gone.entities_removed} removed"
                f"; {gone.analyses_stale} analysis run(s) marked stale (run threadline analyse)"
            )
    typer.echo(message)


@retention_app.command("erased")
def retention_erased(
    since: Annotated[
        str | None, typer.Option("--since", help="Erased on or after this date (UTC).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erased records, and the earlier exports that included them, whose recipients to tell."""
    start = parse_date(since, "--since")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = erasures(conn, actor, since=start.isoformat() if start else "")
    if as_json:
        print_json([asdict(e) for e in found])
        return
    for e in found:
        typer.echo(f"record {e.record_id}  erased {e.erased_at} by {quote(e.username)}: "
                   f"{quote(e.reason)}")  # fmt: skip
        for d in e.disclosures:
            typer.echo(f"    disclosed {d.occurred_at} by {quote(d.username)} "
                       f"({quote(d.operation)}) to {quote(d.recipients)}: tell them")  # fmt: skip
    told = sum(len(e.disclosures) for e in found)
    typer.echo(f"{len(found)} record(s) erased; {told} earlier disclosure(s) to follow up")


# -- subject access ---------------------------------------------------------------------------


def subject_access(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why.")] = DEFAULT_PURPOSE,
    recipient: Annotated[
        str, typer.Option("--recipient", help="Who receives it.")
    ] = DEFAULT_RECIPIENTS,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Export everything you may see about an entity, for a subject access decision."""
    written = False
    try:
        with acting(db, user) as (store, actor), transaction(store, actor) as conn:
            document = export_subject(conn, actor, entity, purpose=purpose, recipients=recipient)
            out.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
            written = True
    except BaseException:
        if written:  # the disclosure was not logged, so it must not exist
            out.unlink(missing_ok=True)
        raise
    typer.echo(
        f"Wrote {len(document['records'])} record(s) about {quote(entity)} to {out} "
        f"({document['protection']['marking']})"
    )
