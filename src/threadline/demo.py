"""`threadline demo`: every stage built so far, on the small synthetic scenario, in one go.

The demo runs the same commands an analyst would type, in order, on the embedded store, and
says what each found. The only step an analyst would not do themselves is the set-up an
administrator does once: recording the information-sharing agreements that let the local
analyst's agency see each partner's material (the scenario's partners are fictitious).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
import typer
import yaml
from rich.console import Console

from threadline.security import resolve_actor
from threadline.security.actors import LOCAL_AGENCY
from threadline.security.sharing import add_agreement
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["DEMO_ADMIN", "record_agreements", "run_demo"]

DEMO_ADMIN = "admin"
"""The local administrator the demo creates to record the sharing agreements."""


def record_agreements(store: Store, folder: Path) -> list[str]:
    """Agreements from every agency of the scenario to the local analyst's agency, recorded
    by a local administrator (created if missing). Returns the agencies newly agreed."""
    agencies = sorted(
        {str(e["agency"]) for e in yaml.safe_load((folder / "sources.yaml").read_text())["sources"]}
    )
    analyst = resolve_actor(store)
    with store.connect() as conn:
        exists = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == DEMO_ADMIN)
        ).scalar()
        if exists is None:
            add_user(conn, analyst, DEMO_ADMIN, LOCAL_AGENCY, ["administrator"],
                     display_name="Local administrator (demo)")  # fmt: skip
    admin = resolve_actor(store, DEMO_ADMIN)
    done = []
    with store.connect() as conn:
        agreed = set(
            conn.execute(
                sa.select(t.agencies.c.code)
                .join(
                    t.sharing_agreements, t.sharing_agreements.c.from_agency_id == t.agencies.c.id
                )
                .where(t.sharing_agreements.c.to_agency_id == admin.agency_id)
            ).scalars()
        )
        for code in agencies:
            if code in agreed:
                continue
            add_agreement(conn, admin, code, LOCAL_AGENCY, conditions_allowed=True,
                          reference="Synthetic scenario information sharing agreement")  # fmt: skip
            done.append(code)
    return done


def run_demo(app: typer.Typer, console: Console, out: Path, db: str | None, seed: int) -> None:
    """Run the stages in order, each through the command line itself."""
    command = typer.main.get_command(app)
    base = ["--db", db] if db else []

    def step(title: str, args: Sequence[str], *, store: bool = True) -> None:
        console.rule(f"[bold]{title}")
        console.print(f"[dim]$ threadline {' '.join(args)}[/]", highlight=False)
        options = base if store else []
        # Not standalone, a command that exits returns its exit code instead of raising.
        code = command.main(args=[*args, *options], prog_name="threadline", standalone_mode=False)
        if isinstance(code, int) and code:
            raise typer.Exit(code)

    step("1. Create the embedded store", ["init"])
    step("2. Generate the synthetic multi-agency scenario",
         ["generate", "--scenario", "small", "--seed", str(seed), "--out", str(out)],
         store=False)  # fmt: skip
    step("3. Ingest every partner file through its source mapping", ["ingest", str(out)])
    console.rule("[bold]4. Record the information-sharing agreements (administrator, once)")
    with Store(db) as store:
        agreed = record_agreements(store, out)
    console.print(
        f"Agreements recorded from {', '.join(agreed)} to the local analyst's agency."
        if agreed
        else "Every partner already shares with the local analyst's agency."
    )
    step("5. Resolve who is who across agencies", ["resolve"])
    step("6. Analyse the network and rank premises and businesses", ["analyse", "--top", "10"])
    step("7. The hidden networks, and which agency knows what", ["graph", "communities"])
    step("8. What the store holds now", ["status"])
    console.rule("[bold]Next")
    console.print(
        "Try: [bold]threadline analyse premises --top 20[/], [bold]threadline graph path A B[/], "
        "[bold]threadline resolve review[/], [bold]threadline audit show[/]. "
        f"The scenario's ground truth is in [bold]{out}/truth/[/]."
    )
