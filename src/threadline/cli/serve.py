"""`threadline serve` (the workbench and API) and `threadline tokens` (bearer tokens)."""

from __future__ import annotations

from typing import Annotated

import typer

from threadline.cli.options import DbOption, JsonOption, UserOption, acting, group, print_json
from threadline.security.audit import transaction
from threadline.security.sessions import TOKEN_DAYS, add_token, list_tokens, revoke_token

__all__ = ["serve", "tokens_app"]

tokens_app = group("tokens", "Bearer tokens that let another system use the API as one user.")


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless told).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", help="Worker processes (PostgreSQL; the embedded store: 1)."),
    ] = 1,
    db: DbOption = None,
) -> None:
    """Serve the workbench and the API (under /api/v1) on the configured store."""
    import uvicorn  # here: the command line starts faster without the server's imports

    from threadline.api import Settings
    from threadline.server import create_app
    from threadline.store import Store

    with Store(db) as store:
        store.require_current()
        if store.embedded and workers > 1:
            raise typer.BadParameter("the embedded store serves one worker: use PostgreSQL")
        url = store.url
    typer.echo(f"Threadline on http://{host}:{port}/ (store {store.location}); Ctrl-C stops it.")
    if workers > 1:
        import os

        os.environ["THREADLINE_DATABASE_URL"] = url
        uvicorn.run(
            "threadline.server:create_app", factory=True, host=host, port=port,
            workers=workers, proxy_headers=False, log_level="warning",
        )  # fmt: skip
        return
    app = create_app(Settings.from_env(url))
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="warning")


@tokens_app.command("add")
def tokens_add(
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. 'nightly-export'.")],
    for_user: Annotated[
        str | None, typer.Option("--for", help="The user it acts as (default: you).")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="How long it lives (1-366).")] = TOKEN_DAYS,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Make a bearer token and print it once: it cannot be shown again."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        secret = add_token(conn, actor, name, username=for_user, days=days)
    typer.echo(secret)
    typer.echo(
        f"Token {name!r} made; send it as 'Authorization: Bearer ...'. It is shown only now.",
        err=True,
    )


@tokens_app.command("list")
def tokens_list(
    for_user: Annotated[
        str | None, typer.Option("--for", help="Whose tokens (default: yours).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """List tokens (never their secrets)."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = list_tokens(conn, actor, username=for_user)
    if as_json:
        print_json([
            {"name": i.name, "user": i.username, "created_at": i.created_at.isoformat(),
             "expires_at": i.expires_at.isoformat(), "revoked": i.revoked,
             "last_used_at": i.last_used_at.isoformat() if i.last_used_at else None}
            for i in found
        ])  # fmt: skip
        return
    if not found:
        typer.echo("No tokens.")
    for i in found:
        state = "revoked" if i.revoked else f"expires {i.expires_at:%Y-%m-%d}"
        used = f", last used {i.last_used_at:%Y-%m-%d %H:%M}" if i.last_used_at else ", never used"
        typer.echo(f"{i.name}  ({i.username}; {state}{used})")


@tokens_app.command("revoke")
def tokens_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    for_user: Annotated[
        str | None, typer.Option("--for", help="Whose token (default: yours).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Revoke a token at once."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        revoke_token(conn, actor, name, username=for_user)
    typer.echo(f"Token {name!r} revoked.")
