"""Commands for cases (operations): members and attached records."""

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
from threadline.security import cases as case_ops
from threadline.security.audit import quote, transaction

__all__ = ["cases_app"]

cases_app = group("cases", "Cases (operations): members and the records attached to them.")


@cases_app.command("add")
def cases_add(
    name: Annotated[str, typer.Argument(help="Case or operation name.")],
    description: Annotated[str, typer.Option("--description", help="What it is for.")] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Open a case in your agency (supervisors join it as lead)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = case_ops.add_case(conn, actor, name, description)
    typer.echo(f"Opened case {quote(info.name)} (id {info.id})")


@cases_app.command("list")
def cases_list(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Cases you are a member of (administrators: also your agency's)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = case_ops.list_cases(conn, actor)
    if as_json:
        print_json([asdict(c) for c in found])
        return
    for c in found:
        typer.echo(f"{c.id}  {quote(c.name)}  {c.agency}  {c.members} members  {c.records} records")


@cases_app.command("members")
def cases_members(
    case: Annotated[str, typer.Argument(help="Case name.")],
    add: Annotated[list[str] | None, typer.Option("--add", help="Add this user.")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="Remove this user.")] = None,
    role: Annotated[str, typer.Option("--role", help="Role in the case for --add.")] = "member",
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a case's members, or add and remove them."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        for username in add or []:
            case_ops.add_member(conn, actor, case, username, role)
        for username in remove or []:
            case_ops.remove_member(conn, actor, case, username)
        members = case_ops.case_members(conn, actor, case)
    if as_json:
        print_json([asdict(m) for m in members])
        return
    for m in members:
        typer.echo(f"{m.username}  {m.agency}  {quote(m.role)}")


RecordsArgument = Annotated[list[int], typer.Argument(help="Record ids.")]


@cases_app.command("attach")
def cases_attach(
    case: Annotated[str, typer.Argument(help="Case name.")],
    records: RecordsArgument,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Attach your agency's records to a case (a disclosure to its members)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        count = case_ops.attach_records(conn, actor, case, records)
    typer.echo(f"Attached {count} record(s) to {quote(case)}")


@cases_app.command("detach")
def cases_detach(
    case: Annotated[str, typer.Argument(help="Case name.")],
    records: RecordsArgument,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Take your agency's records out of a case."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        count = case_ops.detach_records(conn, actor, case, records)
    typer.echo(f"Detached {count} record(s) from {quote(case)}")
