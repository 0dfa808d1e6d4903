"""Commands for reference data on places: load the ONS postcode directory, say what is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console

from threadline.cli.options import DbOption, JsonOption, UserOption, acting, group, print_json
from threadline.geo import load_geodata, postcode_areas
from threadline.progress import progress_bar
from threadline.store import Store
from threadline.store import tables as t
from threadline.untrusted import printable

__all__ = ["geodata_app"]

geodata_app = group(
    "geodata", "Reference data on places: the ONS postcode directory, for full precision."
)
console = Console()


def _say(text: str) -> None:
    """Print a line that may quote a file name: no markup is read from it."""
    console.print(printable(text), markup=False, highlight=False)


@geodata_app.command("load")
def geodata_load(
    file: Annotated[
        Path,
        typer.Argument(
            help="The ONS Postcode Directory: its main CSV, or the ZIP it is published in.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    names: Annotated[
        Path | None,
        typer.Option(
            "--names",
            help="A CSV of local authority codes and names (code/name or "
            "LADnnCD/LADnnNM columns); the ZIP's own names files are read anyway.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Load the ONS postcode directory (partnership administrators), replacing any earlier load.

    One transaction: an interrupted load leaves the previous one in place, and loading the
    same file again changes nothing. Audited as an alteration of reference data.
    """
    with acting(db, user) as (store, actor), progress_bar(console, "Loading") as advance:
        summary = load_geodata(store, actor, file, names=names, progress=advance)
    if summary.already_loaded:
        _say(f"{file.name} is already loaded (same content): nothing changed.")
        return
    _say(
        f"Loaded {summary.postcodes:,} postcodes ({summary.terminated:,} terminated) in "
        f"{summary.districts:,} districts from {file.name}; {summary.names:,} local authority "
        f"names; {summary.skipped:,} rows were not postcodes."
    )


@geodata_app.command("status")
def geodata_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the place reference data rests on: the shipped table, and the ONS load if any."""
    with Store(db) as store, store.connect() as conn:
        row = conn.execute(
            sa.select(t.geo_loads).order_by(t.geo_loads.c.id.desc()).limit(1)
        ).first()
    shipped = f"shipped table of {len(postcode_areas())} postcode areas (approximate)"
    if as_json:
        print_json(
            {
                "shipped": shipped,
                "loaded": None
                if row is None
                else {
                    "file": row.file_name,
                    "sha256": row.content_hash,
                    "loaded_at": row.created_at,
                    "loaded_by": row.loaded_by,
                    "postcodes": row.postcodes,
                    "terminated": row.terminated,
                    "districts": row.districts,
                    "names": row.names,
                },
            }
        )
        return
    _say(f"Postcode areas and police force areas: {shipped}.")
    if row is None:
        _say(
            "No ONS postcode directory loaded: districts, local authorities and force "
            "boundaries are approximate. Load one with `threadline geodata load FILE`."
        )
        return
    _say(
        f"ONS postcode directory {row.file_name} loaded {str(row.created_at)[:16]} by "
        f"{row.loaded_by}: {row.postcodes:,} postcodes ({row.terminated:,} terminated), "
        f"{row.districts:,} districts, {row.names:,} local authority names."
    )
