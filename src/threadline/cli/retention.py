"""Commands for the MoPI review queue, retention decisions and erasures."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

import typer

from threadline.cli.options import (
    DbOption,
    JsonOption,
    UserOption,
    acting,
    group,
    parse_date,
    print_json,
)
from threadline.errors import ThreadlineError
from threadline.read.view import View
from threadline.security.audit import quote, transaction
from threadline.security.retention import erase_record, erasures, retain_record

__all__ = ["retention_app"]

retention_app = group("retention", "MoPI review queue and retention decisions.")


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
    if delete:
        store.flush_erased()
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
