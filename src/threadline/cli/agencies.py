"""Commands for the partnership's agencies: add one (partnership administrators), list them."""

from __future__ import annotations

from typing import Annotated

import typer

from threadline.cli.options import DbOption, JsonOption, UserOption, acting, group, print_json
from threadline.security import users as user_ops
from threadline.security.audit import quote, transaction

__all__ = ["agencies_app"]

agencies_app = group("agencies", "The agencies of the partnership.")


@agencies_app.command("add")
def agencies_add(
    code: Annotated[str, typer.Argument(help="Agency code: lower-case letters, digits, - and _.")],
    name: Annotated[str, typer.Option("--name", help="The agency's name.")],
    kind: Annotated[
        str, typer.Option("--kind", help="police, local_authority, health, charity, ...")
    ] = "other",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add an agency to the partnership (partnership administrators)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        user_ops.add_agency(conn, actor, code, name, kind)
    typer.echo(f"Agency {code} ({quote(name)}) added.")


@agencies_app.command("list")
def agencies_list(
    db: DbOption = None, user: UserOption = None, as_json: JsonOption = False
) -> None:
    """The partnership's agencies."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = user_ops.list_agencies(conn, actor)
    if as_json:
        print_json([{"code": c, "name": n, "kind": k} for c, n, k in found])
        return
    for code, name, kind in found:
        typer.echo(f"{code}  {quote(name)}  {kind}")
