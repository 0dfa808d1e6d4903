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
from rich.text import Text

from threadline.cli.options import DbOption, JsonOption, UserOption
from threadline.cli.render import print_json, print_protection
from threadline.read import reading
from threadline.read.search import Match, SearchResults, search

__all__ = ["search_command"]

console = Console()

COMMON_NAME = (
    "a common name: only its holders in the most recent records were compared; "
    "a date of birth or a fuller name narrows it"
)
"""Said beside a count of hits that is a floor (`SearchResults.at_least`)."""


def _matched(match: Match) -> str:
    score = "" if match.how in ("exact identifier", "date of birth") else f" {match.score:.2f}"
    reason = f" ({match.reason})" if match.reason else ""
    return f"{match.field} {match.value!r}: {match.how}{score}{reason} [record {match.record_id}]"


def print_results(found: SearchResults) -> None:
    """The hits, one paragraph each, headed by what they hold."""
    print_protection(console, found.protection)
    read_as = "; ".join(r.label for r in found.readings) or "nothing searchable"
    console.print(Text(f"Read as: {read_as}"))
    common = f" ({COMMON_NAME})" if found.at_least else ""
    if not found.hits:
        console.print(
            f"Nothing you may see matches{common}." if not found.total else "No more hits."
        )
        return
    first, last = found.offset + 1, found.offset + len(found.hits)
    more = f"; next page: --offset {last}" if found.more else ""
    counted = f"at least {found.total}" if found.at_least else str(found.total)
    console.print(f"{counted} hit(s), {first}-{last} shown, best first{more}{common}.")
    for n, hit in enumerate(found.hits, first):
        console.print(
            Text(f"{n}. {hit.caption}", style="bold"),
            Text(
                f"{hit.kind} {hit.entity_id}  score {hit.score:.2f}  agencies "
                f"{', '.join(hit.agencies)}  best grade {hit.best_grade}"
            ),
        )
        for match in hit.matches:
            console.print(Text(f"   {_matched(match)}"), soft_wrap=True)


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
