"""`threadline demo`: every stage built so far, on the small synthetic scenario, in one go.

The demo runs the same commands an analyst would type, in order, on the embedded store, and
says what each found. The only step an analyst would not do themselves is the set-up an
administrator does once: recording the information-sharing agreements that let the local
analyst's agency see each partner's material (the scenario's partners are fictitious).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console

from threadline.scenario.agreements import DEMO_ADMIN, demo_login, record_agreements
from threadline.scenario.core import watched_controller
from threadline.scenario.later import LATER
from threadline.store import Store

__all__ = ["run_demo"]


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

    step("1. Create the embedded store (its owner cleared for OFFICIAL-SENSITIVE)",
         ["init", "--os-cleared"])  # fmt: skip
    step("2. Generate the synthetic multi-agency scenario",
         ["generate", "--scenario", "small", "--seed", str(seed), "--out", str(out)],
         store=False)  # fmt: skip
    console.rule("[bold]3. Set up the partnership: agencies, sharing and delivery rights (once)")
    with Store(db) as store:
        partnership = record_agreements(store, out)
    if partnership.password:
        console.print(
            f"Administrator [bold]{DEMO_ADMIN}[/] created; password [bold]{partnership.password}"
            "[/] (shown once: set THREADLINE_PASSWORD to act as them)."
        )
    console.print(
        f"Agreements recorded from {', '.join(partnership.agreed)} to the local analyst's "
        "agency, each letting it see and load the partner's files."
        if partnership.agreed
        else "Every partner already shares with the local analyst's agency."
    )
    step(
        "4. Ingest every partner file through its source mapping; then resolve who is who "
        "across agencies and analyse the network, as every load does",
        ["ingest", str(out)],
    )
    step("5. Premises ranked for multi-agency visits (the analysis the load brought up to date)",
         ["analyse", "premises", "--top", "10"])  # fmt: skip
    step("6. Businesses ranked for multi-agency visits", ["analyse", "businesses", "--top", "10"])
    step("6a. Premises ranked for one exploitation type (sexual exploitation: only its findings, "
         "and those about no one type, count)",
         ["analyse", "premises", "--typology", "sexual", "--top", "5"])  # fmt: skip
    step("6b. Potential victims no agency has recognised, and potential suspects, with reasons",
         ["analyse", "people", "--unrecognised", "--top", "5"])  # fmt: skip
    step("7. The hidden networks, and which agency knows what", ["graph", "communities"])
    step("8. What the store holds now", ["status"])
    step("9. The largest network as an i2 Analyst's Notebook chart (a disclosure, audited)",
         ["export", "--format", "anx", "--network", "0", "--out", str(out / "network-0.anx"),
          "--recipient", "demo partnership board", "--purpose", "demonstration"])  # fmt: skip
    for fmt in ("html", "pdf"):
        step(f"10. The problem profile of everything the analyst may see, as {fmt.upper()} "
             "(a disclosure, audited)",
             ["report", "--all", "--format", fmt, "--out", str(out / f"problem-profile.{fmt}"),
              "--recipient", "demo partnership board", "--purpose", "demonstration"])  # fmt: skip
    suspect = watched_controller("small", seed)
    step("11. Watch a suspect: a car-wash network's controller, by name (a saved search)",
         ["watch", "add", "--search", suspect, "--reason", "demonstration"])  # fmt: skip
    step("12. A month later, Northshire Police send their next export: load it (resolution "
         "joins the new reports to the people already known)",
         ["ingest", str(out / LATER)])  # fmt: skip
    step("13. The alerts the new material raised for the watch", ["alerts"])
    console.rule("[bold]14. The workbench")
    with Store(db) as store:
        username, password = demo_login(store)
        where = "" if store.embedded else " --db URL"
    console.print(
        f"Start it with [bold]threadline serve{where}[/] (or [bold]make serve[/]), open "
        "[bold]http://127.0.0.1:8000/[/] and sign in as "
        f"[bold]{username}[/] with the password [bold]{password}[/] (new each demo run).",
        highlight=False,
    )
    console.rule("[bold]Next")
    console.print(
        "Try: [bold]threadline analyse premises --top 20[/], [bold]threadline graph path A B[/], "
        "[bold]threadline resolve review[/], [bold]threadline audit show[/]. "
        f"The scenario's ground truth is in [bold]{out}/truth/[/]; the problem profile is "
        f"[bold]{out / 'problem-profile.html'}[/] and [bold]{out / 'problem-profile.pdf'}[/]."
    )
