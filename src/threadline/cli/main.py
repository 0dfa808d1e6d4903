"""The `threadline` command: one verb per stage of the flow."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from threadline import __version__
from threadline.cli.agencies import agencies_app
from threadline.cli.analyse import analyse_app
from threadline.cli.audit import audit_app
from threadline.cli.capture import capture_command
from threadline.cli.cases import cases_app
from threadline.cli.doctor import doctor
from threadline.cli.evaluate import evaluate_app
from threadline.cli.export import export_command
from threadline.cli.geodata import geodata_app
from threadline.cli.graph import graph_app
from threadline.cli.ingest import batches_app, ingest
from threadline.cli.options import DbOption, UserOption, new_password
from threadline.cli.records import records_app
from threadline.cli.report import report_command
from threadline.cli.resolve import resolve_app
from threadline.cli.retention import retention_app
from threadline.cli.search import search_command
from threadline.cli.serve import serve, tokens_app
from threadline.cli.sharing import sharing_app
from threadline.cli.subject_access import subject_access
from threadline.cli.update import update
from threadline.cli.users import users_app
from threadline.cli.watch import alerts_app, watch_app
from threadline.cli.worker import worker
from threadline.errors import ThreadlineError
from threadline.progress import progress_bar
from threadline.read.holdings import counts
from threadline.read.session import reading
from threadline.security.actors import LOCAL_AGENCY
from threadline.security.identity import bootstrap, first_administrator, has_administrator
from threadline.store import Store
from threadline.untrusted import printable

__all__ = ["app", "main"]

app = typer.Typer(
    name="threadline",
    help="Join up modern-slavery intelligence held by police and partner agencies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


class ScenarioSize(StrEnum):
    """Sizes of the synthetic scenario."""

    small = "small"
    medium = "medium"
    large = "large"


def _version(value: bool) -> None:
    if value:
        console.print(f"threadline {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Threadline: capture, ingest, resolve, analyse and report modern-slavery intelligence."""


@app.command()
def init(
    db: DbOption = None,
    admin: Annotated[
        str | None,
        typer.Option(
            "--admin",
            help="Create the store's first administrator with this name.",
            show_default=False,
        ),
    ] = None,
    agency: Annotated[
        str, typer.Option("--agency", help="The first administrator's agency code.")
    ] = LOCAL_AGENCY,
    agency_name: Annotated[
        str, typer.Option("--agency-name", help="Its name, when the agency is new.")
    ] = "",
    os_cleared: Annotated[
        bool,
        typer.Option(
            "--os-cleared",
            help="The embedded store's own analyst account is cleared "
            "for OFFICIAL-SENSITIVE (its owner vouches for it).",
        ),
    ] = False,
) -> None:
    """Create a store, or migrate an existing one to this version's schema.

    An embedded (SQLite) store gets its owner's local analyst account. A shared store
    (PostgreSQL) needs a first administrator: --admin NAME, whose password is asked for (or
    read from $THREADLINE_NEW_PASSWORD).
    """
    with Store(db, create=True) as store:
        before = store.revision()
        after = store.migrate()
        if store.embedded:
            bootstrap(store, os_cleared=os_cleared)
        if admin is not None:
            first_administrator(store, admin, new_password(admin)[0], agency=agency,
                                agency_name=agency_name)  # fmt: skip
            console.print(f"First administrator {admin!r} created in agency {agency!r}.")
        elif not store.embedded and not has_administrator(store):
            raise ThreadlineError(
                "a shared store needs a first administrator: threadline init --admin NAME "
                "[--agency CODE --agency-name NAME]"
            )
    if before == after:
        console.print(f"Store {store.location} is up to date (schema {after}).")
    else:
        console.print(
            f"Store {store.location} migrated from {before or 'empty'} to schema {after}."
        )


@app.command()
def status(
    db: DbOption = None,
    user: UserOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Count what you may see: agencies, batches, records, statements, entities and more (an
    administrator counts the whole store, and the output says so)."""
    with reading(db, user, "status") as view:
        held = counts(view)
    if as_json:
        typer.echo(json.dumps({"scope": held.scope, **held.counts}, indent=2))
        return
    table = Table(title="Threadline store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in held.counts.items():
        table.add_row(name, f"{value:,}")
    console.print(table)
    console.print(f"Counted over {held.scope}.")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the scenario into.")],
    scenario: Annotated[
        ScenarioSize, typer.Option("--scenario", help="Size of the scenario.")
    ] = ScenarioSize.small,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 1,
) -> None:
    """Generate the synthetic multi-agency scenario, with its ground truth in truth/."""
    from threadline.scenario import generate as make

    with progress_bar(console, f"Generating the {scenario.value} scenario") as advance:
        summary = make(scenario.value, seed, out, progress=advance)
    table = Table(title=f"Scenario written to {out}")
    table.add_column("file")
    table.add_column("records", justify="right")
    for name, count in summary.files.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(
        f"{summary.records:,} records about {summary.persons:,} people, "
        f"{summary.businesses:,} businesses and {summary.premises:,} premises; "
        f"{summary.networks} hidden networks (truth in {out / 'truth'})."
    )


app.command()(ingest)
app.command("capture")(capture_command)
app.add_typer(batches_app, name="batches")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(agencies_app, name="agencies")
app.add_typer(users_app, name="users")
app.add_typer(cases_app, name="cases")
app.add_typer(sharing_app, name="sharing")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(tokens_app, name="tokens")
app.command("serve")(serve)
app.command("worker")(worker)
app.command("doctor")(doctor)
app.command("update")(update)
app.command("subject-access")(subject_access)
app.add_typer(resolve_app, name="resolve")
app.add_typer(analyse_app, name="analyse")
app.add_typer(graph_app, name="graph")
app.command("export")(export_command)
app.command("report")(report_command)
app.command("search")(search_command)
app.add_typer(records_app, name="records")
app.add_typer(geodata_app, name="geodata")
app.add_typer(watch_app, name="watch")
app.add_typer(alerts_app, name="alerts")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the generated scenario.")] = Path(
        "demo-scenario"
    ),
    db: DbOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the scenario.")] = 1,
) -> None:
    """Run every stage on the small synthetic scenario and say what it found."""
    from threadline.cli.demo import run_demo

    run_demo(app, console, out, db, seed)


def main() -> None:
    """Entry point: run the app, turning errors a user can cause into one clear line."""
    try:
        app()
    except ThreadlineError as exc:  # the message may quote a file: no markup is read from it
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
    except OSError as exc:
        shown = printable(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        err.print(f"[bold red]error:[/] {escape(shown)}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
