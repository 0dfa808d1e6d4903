"""`threadline analyse`: run and store an analysis, and show the rankings it made.

``threadline analyse`` runs and stores an analysis (communities, centralities, indicators and
rankings) over what the acting user may see; ``analyse premises`` and ``analyse businesses``
show a ranking, each entry only when the user may see all of its evidence. Every command is
audited.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from threadline.cli import render as show
from threadline.cli.options import DbOption, JsonOption, UserOption, WeightsOption
from threadline.cli.people import people_app
from threadline.graph.evidence import protection_of_records
from threadline.model.protection import Protection
from threadline.read import View, reading
from threadline.read.currency import Currency, currency
from threadline.read.rankings import TYPOLOGIES, latest_run, stored_priorities
from threadline.risk.analysis import AnalysisResult, analyse
from threadline.risk.prioritise import Kind, Priority
from threadline.risk.types import typology_label
from threadline.risk.weights import load_weights
from threadline.security import AccessDenied
from threadline.security.authorise import WRITE_ROLES

__all__ = ["analyse_app"]

console = Console()

analyse_app = typer.Typer(
    invoke_without_command=True,
    help="Analyse the graph and rank premises and businesses for multi-agency visits.",
)
analyse_app.add_typer(people_app, name="people")


def _run(view: View, weights: Path | None, seed: int, *, store: bool = True) -> AnalysisResult:
    result = analyse(view, weights=load_weights(weights), seed=seed, store=store)
    view.consulted(
        "analyse.run",
        action="combination",
        records=result.graph["records"],
        detail={"run": result.run_id, "weights_digest": result.weights.digest},
    )
    return result


@analyse_app.callback()
def analyse_command(
    ctx: typer.Context,
    weights: WeightsOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for Leiden and sampling.")] = 0,
    top: Annotated[
        int, typer.Option("--top", help="How many premises and businesses to show.")
    ] = 5,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute communities, centralities, indicators and rankings, and store them as a run."""
    if ctx.invoked_subcommand is not None:
        return
    with reading(db, user, "analyse.run") as view:
        if not view.actor.has(*WRITE_ROLES):
            raise AccessDenied(
                "permission denied: an analysis is stored as a run, which needs the analyst or "
                "supervisor role (`analyse premises` and `analyse businesses` show a ranking)",
                action="combination",
                operation="analyse.run",
            )
        result = _run(view, weights, seed)
        shown = [*result.premises[:top], *result.businesses[:top]]
        view.consulted(
            "analyse.run.shown",
            records={r for p in shown for r in p.evidence},
            entities=[p.entity_id for p in shown],
            detail={"run": result.run_id},
        )
        current = currency(view)
    found = Counter(f.indicator for f in result.findings)
    summary = {
        "run": result.run_id,
        "weights_digest": result.weights.digest,
        "weights": list(result.weights.sources),
        "nodes": result.graph.vcount(),
        "edges": result.graph.ecount(),
        "records": len(result.graph["records"]),
        "communities": len(set(result.measures.community)),
        "findings": dict(sorted(found.items())),
        "typologies": sorted(result.by_typology),
        "seconds": round(result.seconds, 2),
    }
    held = protection_of_records(result.graph, {r for p in shown for r in p.evidence})
    if as_json:
        show.print_json(
            {
                **summary,
                "protection": held.as_dict(),
                "currency": current.as_dict(),
                "premises": show.as_dicts(result.premises[:top]),
                "businesses": show.as_dicts(result.businesses[:top]),
            }
        )
        return
    table = Table(title=f"Analysis run {result.run_id}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for name in ("nodes", "edges", "records", "communities", "seconds"):
        table.add_row(name, str(summary[name]))
    for name, count in sorted(found.items()):
        table.add_row(f"indicator {name}", str(count))
    table.add_row("ranked by type (--typology)", ", ".join(summary["typologies"]) or "none")
    table.add_row("weights digest", result.weights.digest[:16])
    console.print(table)
    show.print_protection(console, held)
    show.print_currency(console, current)
    show.print_priorities(console, "Premises for multi-agency visits", result.premises[:top])
    show.print_priorities(console, "Businesses for multi-agency visits", result.businesses[:top])


TypologyOption = Annotated[
    str | None,
    typer.Option(
        "--typology",
        help=f"Rank for one exploitation type ({', '.join(TYPOLOGIES)}): only findings about "
        "it, and those about no one type, count. Default: across every type.",
    ),
]


def _typology(typology: str | None) -> str | None:
    if typology is not None and typology not in TYPOLOGIES:
        raise typer.BadParameter(
            f"{typology!r} is not an exploitation type: {', '.join(TYPOLOGIES)}",
            param_hint="--typology",
        )
    return typology


def _ranking(
    kind: Kind,
    top: int,
    weights: Path | None,
    db: str | None,
    user: str | None,
    typology: str | None = None,
) -> tuple[list[Priority], Protection, Currency]:
    typology = _typology(typology)
    with reading(db, user, f"analyse.{kind}") as view:
        run = None if weights is not None else latest_run(view)
        if run is not None:
            run_id: str | None = run.id
            ranked = stored_priorities(view, run.id, kind, top=top, typology=typology)
        else:  # computed afresh: stored for those who may write, shown only to a viewer
            fresh = _run(view, weights, 0, store=view.actor.has(*WRITE_ROLES))
            run_id = fresh.run_id
            if typology is None:
                ranked = (fresh.premises if kind == "premises" else fresh.businesses)[:top]
            else:
                ranked = fresh.by_typology.get(typology, {}).get(kind, [])[:top]
        view.consulted(
            f"analyse.{kind}",
            records={r for p in ranked for r in p.evidence},
            entities=[p.entity_id for p in ranked],
            detail={"run": run_id, "typology": typology},
        )
        held = view.protection({r for p in ranked for r in p.evidence})
        current = currency(view)
    return ranked, held, current


@analyse_app.command("premises")
def premises_command(
    top: Annotated[int, typer.Option("--top", help="How many to show.")] = 10,
    weights: WeightsOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
    typology: TypologyOption = None,
) -> None:
    """Premises ranked for multi-agency visits, with reasons, agencies and evidence grade
    (for one exploitation type with --typology)."""
    ranked, held, current = _ranking("premises", top, weights, db, user, typology)
    if as_json:
        show.print_json({"protection": held.as_dict(), "currency": current.as_dict(),
                         "premises": show.as_dicts(ranked)})  # fmt: skip
        return
    show.print_protection(console, held)
    show.print_currency(console, current)
    show.print_priorities(console, _title("Premises", typology), ranked)


@analyse_app.command("businesses")
def businesses_command(
    top: Annotated[int, typer.Option("--top", help="How many to show.")] = 10,
    weights: WeightsOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
    typology: TypologyOption = None,
) -> None:
    """Businesses ranked for multi-agency visits, with reasons, agencies and evidence grade
    (for one exploitation type with --typology)."""
    ranked, held, current = _ranking("business", top, weights, db, user, typology)
    if as_json:
        show.print_json({"protection": held.as_dict(), "currency": current.as_dict(),
                         "businesses": show.as_dicts(ranked)})  # fmt: skip
        return
    show.print_protection(console, held)
    show.print_currency(console, current)
    show.print_priorities(console, _title("Businesses", typology), ranked)


def _title(what: str, typology: str | None) -> str:
    """A ranking's title, with the exploitation type it is for."""
    title = f"{what} for multi-agency visits"
    return title if typology is None else f"{title}: {typology_label(typology)}"
