"""`threadline search TEXT`: one box for names, dates of birth and identifiers.

Register in the main app::

    app.command("search")(search_command)

Acts as a user (``--user``, else $THREADLINE_USER, else the local account), finds only what
that user may see (`threadline.read.search`), and is audited. Hits are listed best first with
what matched and why; the command never opens one of them for you.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadline.cli.options import DbOption, JsonOption, UserOption
from threadline.cli.render import print_json, print_protection
from threadline.read import reading
from threadline.read.search import Hit, SearchResults, search

__all__ = ["search_command"]

console = Console()


def _matched(hit: Hit) -> Text:
    lines = [
        f"{m.field} {m.value!r}: {m.how}"
        + (f" {m.score:.2f}" if m.how not in ("exact identifier", "date of birth") else "")
        + (f" ({m.reason})" if m.reason else "")
        + f" [record {m.record_id}]"
        for m in hit.matches[:3]
    ]
    return Text("\n".join(lines))


def print_results(found: SearchResults) -> None:
    """The results as a table, headed by what they hold."""
    print_protection(console, found.protection)
    read_as = "; ".join(r.label for r in found.readings) or "nothing searchable"
    console.print(Text(f"Read as: {read_as}"))
    if not found.hits:
        console.print("Nothing you may see matches." if not found.total else "No more hits.")
        return
    first, last = found.offset + 1, found.offset + len(found.hits)
    more = f"; next page: --offset {last}" if found.more else ""
    console.print(f"{found.total} hit(s), {first}-{last} shown, best first{more}.")
    table = Table(show_lines=True)
    for column in ("#", "score", "kind", "caption"):
        table.add_column(column)
    table.add_column("entity", overflow="fold", min_width=12)  # whole, to be copied
    for column in ("what matched", "agencies", "best grade"):
        table.add_column(column)
    for n, hit in enumerate(found.hits, first):
        table.add_row(
            str(n),
            f"{hit.score:.2f}",
            hit.kind,
            Text(hit.caption),
            Text(hit.entity_id),
            _matched(hit),
            ", ".join(hit.agencies),
            hit.best_grade,
        )
    console.print(table)


def search_command(
    text: Annotated[str, typer.Argument(help="A name, a date of birth or an identifier.")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only entities of this kind (Person, Company, Address...)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most hits to show.")] = 20,
    offset: Annotated[int, typer.Option("--offset", help="Hits to skip (the next page).")] = 0,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search names (any order, accents, spelling, aliases), dates of birth and identifiers
    (phones, postcodes, vehicles, accounts, passports, NI numbers, emails) in what you may
    see: ranked hits with what matched and why."""
    with reading(db, user, "search") as view:
        found = search(view, text, kind=kind, limit=limit, offset=offset)
    if as_json:
        print_json(found.as_dict())
        return
    print_results(found)
