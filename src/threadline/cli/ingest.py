"""`threadline ingest` and `threadline batches`: loading partner files and undoing loads.

After a load, `threadline ingest` keeps the store current (`threadline.jobs.update`):
resolution scores what is new and the user's analysis runs again when due, unless
``--no-update``. Watches are checked as each batch loads and as resolution runs.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from threadline.cli.options import DbOption, UserOption
from threadline.errors import ThreadlineError
from threadline.ingest.batches import (
    Agency,
    BatchResult,
    load_file,
    rollback_batch,
)
from threadline.ingest.deliveries import collector, ingest_folder
from threadline.ingest.sources import find_mapping
from threadline.jobs.update import Update, bring_up_to_date
from threadline.progress import progress_bar, report_console, stages
from threadline.read.holdings import batches as batches_of
from threadline.read.session import reading
from threadline.security import audit, transaction
from threadline.security.authorise import acting_analyst
from threadline.store import Store

__all__ = ["batches_app", "ingest"]

console = report_console()


class OnErrorChoice(StrEnum):
    """What to do with bad rows."""

    reject = "reject"
    skip = "skip"


def ingest(
    path: Annotated[
        Path, typer.Argument(help="A folder with sources.yaml, or one file (with --mapping).")
    ],
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="Mapping name or YAML file, for one file.")
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency code, when the mapping names none.")
    ] = None,
    on_error: Annotated[
        OnErrorChoice,
        typer.Option(
            "--on-error",
            help="reject: refuse a file with any bad row; skip: load the "
            "good rows and write the bad ones to a rejects file.",
        ),
    ] = OnErrorChoice.reject,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and count; write nothing.")
    ] = False,
    no_update: Annotated[
        bool,
        typer.Option(
            "--no-update",
            help="Load only: leave resolution and your analysis as they were (bring them up "
            "to date later with `threadline update`).",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the results (and the update) as JSON."),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Load partner files through their source mappings; each file is one batch. Then bring
    resolution and your analysis up to date (incrementally), unless --no-update."""
    with Store(db) as store:
        actor = acting_analyst(store, user, "ingest")
        if path.is_dir():
            results = ingest_folder(
                store, path, on_error=on_error.value, dry_run=dry_run, actor=actor
            )
        else:
            if mapping is None:
                raise ThreadlineError(f"{path}: a single file needs --mapping NAME|FILE")
            chosen = find_mapping(mapping, path.parent)
            code = agency or chosen.agency
            if not code:
                raise ThreadlineError(f"{chosen.path}: names no agency: give --agency CODE")
            with progress_bar(console, "Ingesting") as advance:
                results = [
                    load_file(store, path, chosen, Agency(code),
                              on_error="skip" if on_error.value == "skip" else "reject",
                              dry_run=dry_run, progress=advance, user_id=actor.user_id,
                              audit=collector(actor))
                ]  # fmt: skip
        done: Update | None = None
        if not (dry_run or no_update):
            done = bring_up_to_date(store, actor, stage=stages(console))
    if as_json:
        out = {"batches": [r.as_dict() for r in results],
               "update": done.as_dict() if done else None}  # fmt: skip
        typer.echo(json.dumps(out, indent=2, default=str))
    else:
        _print_results(results)
        if done is not None:
            console.print(f"Resolution: {done.resolved}.", highlight=False)
            console.print(f"Analysis: {done.analysed}.", highlight=False)
    if any(r.status == "rejected" for r in results):
        raise typer.Exit(1)


def _short(path: str) -> str:
    """The last two parts of a path: enough to tell partner files apart."""
    return "/".join(Path(path).parts[-2:])


def _print_results(results: list[BatchResult]) -> None:
    table = Table(title="Ingest")
    for column in (
        "file",
        "mapping",
        "status",
        "batch",
        "rows",
        "records",
        "altered",
        "held",
        "rejected",
        "warnings",
    ):
        table.add_column(column, justify="right" if column not in ("file", "mapping", "status")
                         else "left")  # fmt: skip
    for r in results:
        status = {"loaded": "[green]loaded", "already_loaded": "[dim]already loaded",
                  "rejected": "[red]REFUSED", "dry_run": "[yellow]dry run"}[r.status]  # fmt: skip
        table.add_row(
            _short(r.file), r.mapping, status, str(r.batch_id or ""), f"{r.rows_read:,}",
            f"{r.records_written:,}", f"{r.records_altered:,}", f"{r.already_held:,}",
            f"{r.rows_rejected:,}", f"{r.warnings:,}",
        )  # fmt: skip
    console.print(table)
    for r in results:
        if r.status == "already_loaded":
            console.print(f"{Path(r.file).name}: already held by batch {r.batch_id}; nothing new.")
        if r.errors:
            verb = "refused" if r.status == "rejected" else "rows rejected"
            console.print(f"[red]{Path(r.file).name} {verb}[/]: {r.rows_rejected:,} bad rows, "
                          f"first {len(r.errors)}:", highlight=False)  # fmt: skip
            for line in r.errors:
                console.print(f"  {line}", highlight=False, markup=False)
            if r.status == "rejected":
                console.print("  Nothing from this file was written. Fix the rows, or load the "
                              "good ones with --on-error skip.")  # fmt: skip
        if r.rejects_path:
            console.print(f"Rejected rows and their reasons: {r.rejects_path}")
        if r.rows_erased:
            console.print(f"{Path(r.file).name}: {r.rows_erased:,} rows not loaded: their "
                          "records were erased at retention review.")  # fmt: skip
        if r.status == "dry_run":
            counts = ", ".join(f"{k} {v:,}" for k, v in r.counts.items())
            console.print(
                f"{Path(r.file).name} would write {r.records_written:,} records: {counts}"
            )


batches_app = typer.Typer(help="List the loads (batches) and roll one back.", no_args_is_help=True)


@batches_app.command("list")
def batches_list(
    db: DbOption = None,
    user: UserOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The loads you may know of, newest first: file, agency, source, status and counts (row
    counts of your own agency's loads to its analysts and supervisors; of others', only the
    records you may see)."""
    with reading(db, user, "batches.list") as view:
        rows = batches_of(view)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table(title="Batches")
    for column in (
        "id",
        "agency",
        "source",
        "file",
        "status",
        "rows",
        "records you see",
        "altered",
        "rejected",
        "loaded at",
    ):
        table.add_column(column)  # fmt: skip
    for row in rows:
        table.add_row(
            str(row["id"]), row["agency"], row["source"], row["file_name"], row["status"],
            _count(row["rows_read"]), f"{row['records_visible']:,}",
            _count(row["records_altered"]), _count(row["rows_rejected"]),
            str(row["started_at"])[:19],
        )  # fmt: skip
    console.print(table)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


@batches_app.command("rollback")
def batches_rollback(
    batch: Annotated[int, typer.Argument(help="The batch id (see `threadline batches list`).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the load is undone (kept in the audit log).")
    ] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Remove a batch and everything derived from it (audited as an erasure): analysts and
    supervisors of the agency that owns it, or of the one that loaded it for them."""
    with Store(db) as store:
        actor = acting_analyst(store, user, "batches.rollback")
        with transaction(store, actor) as conn:
            removed = rollback_batch(conn, batch, by_agency=actor.agency_id)
            audit(conn, actor, "erasure", "batches.rollback", purpose=reason,
                  detail={"batch": batch, **removed})  # fmt: skip
        store.flush_erased()
    summary = ", ".join(f"{v:,} {k}" for k, v in removed.items() if v)
    console.print(f"Batch {batch} rolled back: removed {summary or 'nothing'}.")
