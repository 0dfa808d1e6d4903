"""The report command: the problem profile of a case, an area or everything, as HTML or PDF.

Register in the main app::

    app.command("report")(report_command)

A profile is a disclosure, like an export: it names a recipient and a purpose (options, or
asked in a terminal), needs the user's password again (``reauthenticate``), holds only what the
user may see, carries its marking on every page, and is audited with both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from threadline.cli import render as show
from threadline.cli.disclosure import asked, disclose
from threadline.cli.options import (
    DbOption,
    FromOption,
    JsonOption,
    ToOption,
    UserOption,
    parse_date,
)
from threadline.progress import progress_bar
from threadline.read import View
from threadline.reports import FORMATS, STEPS, Produced, ProfileScope, produce

__all__ = ["report_command"]

console = Console()
err = Console(stderr=True)


def report_command(
    fmt: Annotated[
        str,
        typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write.", show_default=False)],
    case: Annotated[
        str | None, typer.Option("--case", help="The profile of one case (its records only).")
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area", help="A postcode area or district, police force area or local authority."
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="The profile of everything you may see.")
    ] = False,
    since: FromOption = None,
    until: ToOption = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="Your own Jinja2 template for the analyst's section."),
    ] = None,
    recipient: Annotated[
        str | None, typer.Option("--recipient", help="Who receives it (asked if not given).")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why it is disclosed (asked if not given).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the problem profile of a case, an area or everything you may see (audited)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    if sum((case is not None, area is not None, everything)) != 1:
        raise typer.BadParameter("name exactly one of --case, --area or --all",
                                 param_hint="--case / --area / --all")  # fmt: skip
    first, last = parse_date(since, "--from"), parse_date(until, "--to")
    scope = ProfileScope(case=case, area=area, everything=everything, since=first, until=last)
    who = asked(recipient, "Recipient (who receives this profile)", "--recipient")
    why = asked(purpose, "Purpose (why it is disclosed)", "--purpose")

    def write(view: View) -> Produced:
        with progress_bar(err, "Problem profile", len(STEPS)) as advance:
            return produce(view, scope, fmt, out, recipient=who, purpose=why,
                           template=template, step=lambda label: advance("stages", 1))  # fmt: skip

    done = disclose(db, user, f"report.{fmt}", why, write, lambda done: done.path)
    if as_json:
        show.print_json({
            "protection": done.protection.as_dict(), "format": done.format,
            "path": str(done.path), "reference": done.reference, "recipient": who,
            "purpose": why, "headline": done.profile.headline,
        })  # fmt: skip
        return
    show.print_protection(console, done.protection)
    console.print(
        f"Wrote the problem profile of {done.profile.scope_words} ({done.reference}) to "
        f"{done.path}, disclosed to {who!r} for {why!r}.",
        markup=False,
        highlight=False,
    )
