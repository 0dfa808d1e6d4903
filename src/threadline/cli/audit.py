"""Commands for the tamper-evident audit log (DPA 2018 s62)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
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
from threadline.read.audit_log import audit_events
from threadline.read.view import View
from threadline.security.anchor import AnchorReport, checkpoint_of, verify_anchor
from threadline.security.audit import audit, transaction
from threadline.security.blocks import verify_incremental
from threadline.security.chain import ChainProblem, ChainReport, verify_chain
from threadline.security.checkpoint import (
    ANCHOR_ENV,
    KEY_FILE_ENV,
    anchor_file,
    append,
    create_key,
    load_key,
)
from threadline.security.checkpoint import key_file as checkpoint_key

__all__ = ["audit_app"]

audit_app = group("audit", "The tamper-evident audit log (DPA 2018 s62).")


KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help=f"The checkpoint key (default: ${KEY_FILE_ENV}).",
        show_default=False,
    ),
]


@audit_app.command("key")
def audit_key(
    out: Annotated[Path, typer.Option("--out", help="Write the new key to this file.")],
) -> None:
    """Make a key to sign checkpoints of the audit chain (keep it away from the database)."""
    key = create_key(out)
    typer.echo(f"Checkpoint key {key.id} written to {out} (readable by you only)")


@audit_app.command("anchor")
def audit_anchor(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"Append the checkpoint to this file (default: ${ANCHOR_ENV}, else print it).",
            show_default=False,
        ),
    ] = None,
    key_file: KeyFileOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Verify the chain and write a signed checkpoint of its head outside the database."""
    key = load_key(checkpoint_key(key_file))
    target = anchor_file(out)
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        report = verify_chain(conn)
        made = checkpoint_of(report, key) if report.intact else None
        if made is not None and target is not None:
            append(target, made.signed(key))
        audit(conn, actor, "administration", "audit.anchor", outcome="allowed",
              detail={"events": report.events, "intact": report.intact, "key": key.id,
                      "seq": report.head_seq, "hash": report.head_hash})  # fmt: skip
    if made is None:
        _print_problems("event", report.problems)
        typer.echo("Audit log NOT intact: no checkpoint written (see `threadline audit verify`)")
        raise typer.Exit(1)
    if target is None:
        typer.echo(made.signed(key))
    else:
        typer.echo(f"Checkpoint of seq {made.seq} ({made.events} events) written to {target}")


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help=f"Also check the log against this checkpoint file (default: ${ANCHOR_ENV}).",
            show_default=False,
        ),
    ] = None,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            help="Rehash only what changed since a verification found it intact, as signed "
            "digests kept by the database show (needs the checkpoint key).",
        ),
    ] = False,
    key_file: KeyFileOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the hash chain, and the checkpoints of it; exit 1 and name each problem."""
    checkpoints = anchor_file(anchor)
    needs_key = checkpoints is not None or incremental
    key = load_key(checkpoint_key(key_file)) if needs_key else None
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        if incremental and key is not None:
            report = verify_incremental(conn, key)
        else:
            report = verify_chain(conn)
        anchored = None
        if checkpoints is not None and key is not None:
            anchored = verify_anchor(conn, checkpoints, key)
        detail: dict[str, object] = {"events": report.events, "intact": report.intact}
        if incremental:
            detail["trusted"] = report.trusted
        if anchored is not None:
            detail["anchor"] = {"checkpoints": anchored.checkpoints, "intact": anchored.intact}
        audit(conn, actor, "administration", "audit.verify", outcome="allowed", detail=detail)
    intact = report.intact and (anchored is None or anchored.intact)
    if as_json:
        out: dict[str, object] = {
            "intact": intact,
            "events": report.events,
            "head": report.head_hash,
            "problems": [asdict(p) for p in report.problems],
        }
        if incremental:
            out["rehashed"] = report.events - report.trusted
        if anchored is not None:
            out["anchor"] = {
                "file": str(checkpoints),
                "checkpoints": anchored.checkpoints,
                "newest": None if anchored.newest is None else asdict(anchored.newest),
                "problems": [asdict(p) for p in anchored.problems],
            }
        print_json(out)
    else:
        _print_problems("event", report.problems)
        if anchored is not None:
            _print_problems("anchor", anchored.problems)
        _print_verdict(report, anchored, checkpoints)
    if not intact:
        raise typer.Exit(1)


def _print_problems(where: str, problems: Iterable[ChainProblem]) -> None:
    for problem in problems:
        place = f"{where} {problem.event_id}" if problem.event_id is not None else where
        typer.echo(f"{place}: {problem.kind}: {problem.message}")


def _print_verdict(report: ChainReport, anchored: AnchorReport | None, path: Path | None) -> None:
    problems = len(report.problems) + (0 if anchored is None else len(anchored.problems))
    if problems:
        typer.echo(f"Audit log NOT intact: {problems} problem(s)")
        return
    typer.echo(f"Audit log intact: {report.events} events; head {report.head_hash}")
    if report.trusted:
        typer.echo(
            f"{report.trusted} of them unchanged since found intact (signed digests); "
            f"{report.events - report.trusted} rehashed"
        )
    if anchored is not None and anchored.newest is not None:
        newest = anchored.newest
        typer.echo(
            f"Anchored: all {anchored.checkpoints} checkpoint(s) in {path} match; the newest, "
            f"{newest.at}, is at seq {newest.seq} of {report.head_seq}"
        )


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
        events = audit_events(
            View(conn, actor), username=user_filter, entity=entity, record=record,
            since=since, limit=limit,
        )  # fmt: skip
    for event in events:
        typer.echo(event.as_json() if as_json else event.line())
