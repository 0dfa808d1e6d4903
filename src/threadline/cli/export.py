"""The export command: a network, a case or everything, to i2 ANB, FtM, Gephi or a spreadsheet.

Register in the main app::

    app.command("export")(export_command)

An export is a disclosure: it names a recipient and a purpose (options, or asked in a
terminal), needs the user's password again (``reauthenticate``: $THREADLINE_CONFIRM_PASSWORD
or a prompt; $THREADLINE_PASSWORD is not enough), holds only what the user may see, carries
its marking in its name and content, and is audited with both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from threadline.cli import render as show
from threadline.cli.disclosure import asked, disclose
from threadline.cli.options import (
    AgencyOption,
    DbOption,
    FromOption,
    GradeOption,
    JsonOption,
    ToOption,
    TypeOption,
    UserOption,
    parse_date,
)
from threadline.export import Exported, Scope, export, exporters
from threadline.graph.vocabulary import GraphFilter
from threadline.progress import progress_bar

__all__ = ["export_command"]

console = Console()
err = Console(stderr=True)


def export_command(
    fmt: Annotated[
        str,
        typer.Option("--format", help=f"One of: {', '.join(exporters())}.", show_default=False),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="File to write; its name gets the marking.", show_default=False),
    ],
    recipient: Annotated[
        str | None, typer.Option("--recipient", help="Who receives it (asked if not given).")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why it is disclosed (asked if not given).")
    ] = None,
    case: Annotated[
        str | None, typer.Option("--case", help="Only the records attached to this case.")
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="An entity (id, value or caption): its ego network."),
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="How far out from --entity.")] = 2,
    network: Annotated[
        int | None,
        typer.Option("--network", help="A network's number, as `graph communities` shows it."),
    ] = None,
    by_community: Annotated[
        bool, typer.Option("--by-community", help="Group (and number) entities by network.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Leiden's seed, as for communities.")] = 0,
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export a network, a case or everything you may see, as a disclosure (audited)."""
    known = exporters()
    if fmt not in known:
        raise typer.BadParameter(f"choose from {', '.join(known)}", param_hint="--format")
    who = asked(recipient, "Recipient (who receives this export)", "--recipient")
    why = asked(purpose, "Purpose (why it is disclosed)", "--purpose")
    filters = GraphFilter(
        since=parse_date(since, "--from"),
        until=parse_date(until, "--to"),
        link_types=frozenset(types) if types else None,
        min_grade=grade,
        agencies=frozenset(agencies) if agencies else None,
    )
    scope = Scope(case=case, entity=entity, hops=hops, network=network, seed=seed,
                  filters=filters)  # fmt: skip
    done: Exported = disclose(
        db, user, f"export.{fmt}", why,
        lambda view: export(
            view, fmt, out, recipient=who, purpose=why, scope=scope, by_community=by_community,
            progress=lambda total: progress_bar(err, f"Export {fmt}", total),
        ),
        lambda done: done.path,
    )  # fmt: skip
    if as_json:
        show.print_json({
            "protection": done.protection.as_dict(), "format": done.format,
            "path": str(done.path), "entities": done.entities, "links": done.links,
            "records": done.records, "recipient": who, "purpose": why,
        })  # fmt: skip
        return
    show.print_protection(console, done.protection)
    console.print(
        f"Wrote {done.entities} entities and {done.links} links ({done.records} records) to "
        f"{done.path}, disclosed to {who!r} for {why!r}.",
        markup=False,
        highlight=False,
    )
