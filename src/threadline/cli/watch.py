"""`threadline watch add|list|remove` and `threadline alerts`: what to be told about, and what
new material matched it.

Register in the main app::

    app.add_typer(watch_app, name="watch")
    app.add_typer(alerts_app, name="alerts")

Each acts as a user (``--user``, else $THREADLINE_USER, else the local account) and is
audited (`threadline.tracking`). Alerts list only what that user may see.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from threadline.cli.options import DbOption, JsonOption, UserOption, group, parse_date
from threadline.cli.render import print_currency, print_json, print_protection
from threadline.errors import ValidationError
from threadline.read import reading
from threadline.read.currency import currency
from threadline.security import AccessDenied, resolve_actor, transaction
from threadline.store import Store
from threadline.tracking import (
    DEFAULT_DAYS,
    add_watch,
    list_alerts,
    list_watches,
    mark_read,
    remove_watch,
)
from threadline.tracking.alerts import protection
from threadline.tracking.mail import Smtp, digest, set_address
from threadline.tracking.watches import IDENTIFIER_TYPES, Watch

__all__ = ["alerts_app", "watch_app"]

console = Console()

watch_app = group(
    "watch", "Watches: entities, networks, identifiers and searches to be alerted about."
)


def _status(watch: Watch) -> str:
    if watch.lapsed:
        return f"LAPSED {watch.expires_on}: no longer fires"
    if watch.expiring:
        return f"expires {watch.expires_on}: renew it or let it lapse"
    return f"until {watch.expires_on}"


@watch_app.command("add")
def watch_add(
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    entity: Annotated[str | None, typer.Option("--entity", help="An entity id.")] = None,
    network: Annotated[
        str | None,
        typer.Option("--network", metavar="ENTITY", help="The network around this entity."),
    ] = None,
    identifier: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--identifier",
            metavar="TYPE VALUE",
            help=f"An identifier: type ({', '.join(IDENTIFIER_TYPES)}) and value.",
        ),
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="A saved search's text.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="For this case's members.")] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help=f"YYYY-MM-DD (default: {DEFAULT_DAYS} days).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Watch an entity, the network around one, an identifier or a search: new material about
    it (for a network: a member joining or leaving) raises an alert."""
    with reading(db, user, "watch.add") as view:
        watch = add_watch(view, reason=reason, entity=entity, network=network,
                          identifier=identifier,
                          search=search, case=case,
                          expires_on=parse_date(expires, "--expires"))  # fmt: skip
    console.print(Text(f"Watching {watch.label} (watch {watch.id}, {_status(watch)})"))


@watch_app.command("list")
def watch_list(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Your watches and your cases' watches, soonest to lapse first."""
    with reading(db, user, "watch.list") as view:
        found = list_watches(view)
    if as_json:
        print_json([w.as_dict() for w in found])
        return
    if not found:
        console.print("No watches.")
    for w in found:
        case = f" case {w.case!r}" if w.case else ""
        style = "yellow" if w.expiring or w.lapsed else ""
        console.print(Text(f"{w.id}  {w.label}  {_status(w)}  by {w.owner}{case}: {w.reason}",
                           style=style))  # fmt: skip


@watch_app.command("remove")
def watch_remove(
    watch_id: Annotated[int, typer.Argument(help="The watch's id.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Remove one of your watches, and its alerts."""
    with reading(db, user, "watch.remove") as view:
        remove_watch(view.conn, view.actor, watch_id)
    console.print(f"Removed watch {watch_id}")


@watch_app.command("notify")
def watch_notify(
    email: Annotated[
        str | None, typer.Option("--email", metavar="ADDRESS", help="Mail alerts here.")
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Stop mailing alerts.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Have your alerts mailed (references and markings only, with a link to the workbench),
    or stop it. Mail goes only through the SMTP server the operator configures."""
    if (email is None) == (not off):
        raise ValidationError("give --email ADDRESS or --off")
    with reading(db, user, "alerts.notify") as view:
        set_address(view.conn, view.actor, None if off else email)
    console.print("Alert mail off." if off else f"Alerts will be mailed to {email}.")


alerts_app = typer.Typer(
    name="alerts", help="Alerts: new material that matched your watches.",
    invoke_without_command=True, add_completion=False,
)  # fmt: skip


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    unread: Annotated[bool, typer.Option("--unread", help="Only those not yet read.")] = False,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your alerts that you may see, newest first; `alerts read` marks them read."""
    if ctx.invoked_subcommand is not None:
        return
    with reading(db, user, "alerts.list") as view:
        found = list_alerts(view, unread=unread)
        held = protection(view, found)
        watches = list_watches(view)
        current = currency(view)
    if as_json:
        print_json({"protection": held.as_dict(), "currency": current.as_dict(),
                    "alerts": [a.as_dict() for a in found]})  # fmt: skip
        return
    print_protection(console, held)
    print_currency(console, current)
    for w in watches:
        if w.expiring and not w.lapsed:
            console.print(Text(f"Reminder: watch {w.id} on {w.label} expires {w.expires_on}.",
                               style="yellow"))  # fmt: skip
    if not found:
        console.print("No alerts." if not unread else "No unread alerts.")
    for a in found:
        mark = " " if a.read else "*"
        console.print(Text(
            f"{mark}{a.id}  {a.raised_at:%Y-%m-%d %H:%M}  {a.kind}  {a.watch}\n"
            f"    record {a.record_key} ({a.agency}, grade {a.grade}, {a.marking}, "
            f"{a.reported_on or 'undated'}) from {a.origin}: {a.reason}"
        ), soft_wrap=True)  # fmt: skip


@alerts_app.command("read")
def alerts_read(
    ids: Annotated[list[int] | None, typer.Argument(help="Alert ids.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every alert you may see.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Mark alerts read: those named, or --all."""
    if bool(ids) == every:
        raise ValidationError("name the alerts to mark read, or give --all")
    with reading(db, user, "alerts.read") as view:
        marked = mark_read(view, None if every else ids)
    console.print(f"Marked {len(marked)} alert(s) read")


@alerts_app.command("digest")
def alerts_digest(
    since: Annotated[
        str | None, typer.Option("--since", help="YYYY-MM-DD (default: the past day).")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Mail it to each user who asked for alert mail.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Each user's unread alerts of the past day that they may see: references and markings
    only. With --send, each is mailed only what was not mailed to them before, and their mark
    moves past it. Meant for cron or a systemd timer (an administrator's job; see
    docs/tracking.md)."""
    day = parse_date(since, "--since")
    start = (datetime.now(UTC) - timedelta(days=1) if day is None
             else datetime.combine(day, time(), tzinfo=UTC))  # fmt: skip
    smtp = Smtp.from_env() if send else None
    if send and smtp is None:
        raise ValidationError("--send needs THREADLINE_SMTP_HOST and THREADLINE_SMTP_FROM")
    with Store(db) as store:
        actor = resolve_actor(store, user)
        with transaction(store, actor):  # a refusal is audited
            if not actor.has("administrator"):
                raise AccessDenied("the digest is an administrator's job",
                                   action="administration", operation="alerts.digest")  # fmt: skip
        found = digest(store, start, smtp)
    for one in found:
        console.print(Text(f"{one.username}: {one.subject}\n{one.body}"), soft_wrap=True)
    console.print(f"{len(found)} user(s) with unread alerts since {start:%Y-%m-%d %H:%M}"
                  + (" mailed" if send else ""))  # fmt: skip
