"""Commands for users, cases and sharing agreements."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Annotated

import typer

from threadline.security import cases as case_ops
from threadline.security import sharing as sharing_ops
from threadline.security import users as user_ops
from threadline.security._cli_common import (
    PASSWORD_ENV,
    DbOption,
    JsonOption,
    UserOption,
    acting,
    cases_app,
    parse_date,
    print_json,
    sharing_app,
    users_app,
)
from threadline.security.audit import quote, transaction

__all__: list[str] = []

# -- users ------------------------------------------------------------------------------------


def _user_line(u: user_ops.UserInfo) -> str:
    flags = [f for f, on in (("os-cleared", u.os_cleared), ("disabled", u.disabled)) if on]
    flags.append("password" if u.has_password else "no-password")
    return f"{u.username}  {u.agency}  {','.join(u.roles) or '-'}  {' '.join(flags)}"


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: letters, digits, . _ @ -")],
    role: Annotated[
        list[str], typer.Option("--role", help="viewer, analyst, supervisor, administrator.")
    ],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency code (default: your own).")
    ] = None,
    agency_name: Annotated[
        str | None, typer.Option("--agency-name", help="Create the agency with this name.")
    ] = None,
    os_cleared: Annotated[
        bool, typer.Option("--os-cleared", help="Cleared for OFFICIAL-SENSITIVE.")
    ] = False,
    display_name: Annotated[str, typer.Option("--display-name", help="Full name.")] = "",
    password: Annotated[
        bool,
        typer.Option("--password", help=f"Set a password (prompted, or ${PASSWORD_ENV})."),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a user. Without --password the account is for the command line only."""
    secret = None
    if password:
        secret = os.environ.get(PASSWORD_ENV) or typer.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = user_ops.add_user(
            conn,
            actor,
            username,
            agency or actor.agency,
            role,
            os_cleared=os_cleared,
            display_name=display_name,
            password=secret,
            agency_name=agency_name,
        )
    typer.echo(f"Added {_user_line(info)}")


@users_app.command("list")
def users_list(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """List users (of your agency; administrators see every agency's)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        users = user_ops.list_users(conn, actor)
    if as_json:
        print_json([asdict(u) for u in users])
        return
    for info in users:
        typer.echo(_user_line(info))


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Disable a user: they can no longer act at all."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = user_ops.set_disabled(conn, actor, username, True)
    typer.echo(f"Disabled {_user_line(info)}")


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="The user to enable.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Enable a disabled user again."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = user_ops.set_disabled(conn, actor, username, False)
    typer.echo(f"Enabled {_user_line(info)}")


RolesArgument = Annotated[list[str] | None, typer.Argument(help="Roles.", show_default=False)]
ClearanceOption = Annotated[
    bool, typer.Option("--os-cleared", help="OFFICIAL-SENSITIVE clearance too.")
]


@users_app.command("grant")
def users_grant(
    username: Annotated[str, typer.Argument(help="The user.")],
    roles: RolesArgument = None,
    os_cleared: ClearanceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Grant roles and/or OFFICIAL-SENSITIVE clearance."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = user_ops.grant(conn, actor, username, roles or [], os_cleared=os_cleared)
    typer.echo(f"Now {_user_line(info)}")


@users_app.command("revoke")
def users_revoke(
    username: Annotated[str, typer.Argument(help="The user.")],
    roles: RolesArgument = None,
    os_cleared: ClearanceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Revoke roles and/or OFFICIAL-SENSITIVE clearance; it applies at once."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        info = user_ops.revoke(conn, actor, username, roles or [], os_cleared=os_cleared)
    typer.echo(f"Now {_user_line(info)}")


# -- cases ------------------------------------------------------------------------------------


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


# -- sharing agreements -----------------------------------------------------------------------


@sharing_app.command("add")
def sharing_add(
    from_agency: Annotated[str, typer.Argument(help="Agency whose records are shared.")],
    to_agency: Annotated[str, typer.Argument(help="Agency whose users may see them.")],
    scope: Annotated[str, typer.Option("--scope", help="'all' or one source's name.")] = "all",
    conditioned: Annotated[
        bool, typer.Option("--conditioned", help="Let handling-code C material flow too.")
    ] = False,
    valid_from: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")
    ] = None,
    valid_to: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
    reference: Annotated[str, typer.Option("--reference", help="The ISA's reference.")] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a sharing agreement (administrators of the sharing agency)."""
    start, end = parse_date(valid_from, "--from"), parse_date(valid_to, "--until")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        made = sharing_ops.add_agreement(
            conn, actor, from_agency, to_agency, scope=scope, conditions_allowed=conditioned,
            valid_from=start, valid_to=end, reference=reference,
        )  # fmt: skip
    typer.echo(f"Agreement {made.id}: {made.from_agency} -> {made.to_agency} ({quote(made.scope)})")


@sharing_app.command("list")
def sharing_list(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Agreements your agency gives or receives."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = sharing_ops.list_agreements(conn, actor)
    if as_json:
        print_json([asdict(a) for a in found])
        return
    for a in found:
        until = a.valid_to.isoformat() if a.valid_to else "open"
        kind = "P and C" if a.conditions_allowed else "P only"
        typer.echo(
            f"{a.id}  {a.from_agency} -> {a.to_agency}  {quote(a.scope)}  {kind}  "
            f"{a.valid_from.isoformat()}..{until}  {quote(a.reference)}"
        )


@sharing_app.command("end")
def sharing_end(
    agreement: Annotated[int, typer.Argument(help="Agreement id.")],
    last_day: Annotated[
        str | None, typer.Option("--last-day", help="Last day in force (default: yesterday).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """End a sharing agreement."""
    end = parse_date(last_day, "--last-day")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        sharing_ops.end_agreement(conn, actor, agreement, last_day=end)
    typer.echo(f"Agreement {agreement} ended")
