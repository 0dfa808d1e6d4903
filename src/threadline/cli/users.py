"""Commands for users: add, list, disable, enable, grant and revoke roles."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from threadline.cli.options import (
    NEW_PASSWORD_ENV,
    DbOption,
    JsonOption,
    UserOption,
    acting,
    group,
    new_password,
    print_json,
)
from threadline.errors import ValidationError
from threadline.security import users as user_ops
from threadline.security.audit import transaction

__all__ = ["users_app"]

users_app = group("users", "Users, their agency, roles and OFFICIAL-SENSITIVE clearance.")


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
        typer.Option("--password", help=f"Set a password (prompted, or ${NEW_PASSWORD_ENV})."),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a user. An account acts only with its password: give --password (asked for, or
    $THREADLINE_NEW_PASSWORD), or set one later."""
    secret, borrowed = new_password(username) if password else (None, False)
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        if borrowed and secret and user_ops.password_matches(conn, actor.username, secret):
            raise ValidationError(
                "the new account's password must not be your own: set THREADLINE_NEW_PASSWORD"
            )
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


@users_app.command("password")
def users_password(
    username: Annotated[
        str, typer.Argument(help="Whose password (yours, or a user you administer).")
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set a password (asked for twice, or $THREADLINE_NEW_PASSWORD); it ends their sessions."""
    secret, borrowed = new_password(username)
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        if borrowed and actor.username != username:
            raise ValidationError(
                "the new password must not be borrowed from yours: set THREADLINE_NEW_PASSWORD"
            )
        info = user_ops.set_password(conn, actor, username, secret)
    typer.echo(f"Password set for {_user_line(info)}")


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
