"""`threadline analyse people`: potential victims and suspects, ranked with reasons, and the
analysts' decisions on them.

``analyse people`` ranks the people the acting user may see (computed afresh through their
View, so that no one is ranked for a reason resting on material they may not see);
``--unrecognised`` keeps the potential victims no record names a victim and no NRM referral
covers. ``confirm`` and ``dismiss`` record an analyst's decision with a reason (shown beside
the score to their agency, kept across runs), ``withdraw`` undoes one. Every command is audited.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadline.cli import render as show
from threadline.cli.options import DbOption, JsonOption, UserOption, WeightsOption
from threadline.people.assess import PersonAssessment, Side
from threadline.people.shown import decide, people_shown, withdraw
from threadline.read import reading

__all__ = ["people_app", "print_people"]

console = Console()

people_app = typer.Typer(
    invoke_without_command=True,
    help="People ranked as potential victims and potential suspects, with reasons.",
)


class Role(StrEnum):
    """Which ranking to show."""

    victim = "victim"
    suspect = "suspect"


RoleOption = Annotated[
    Role | None, typer.Option("--role", help="Only potential victims, or only suspects.")
]


@people_app.callback()
def people_command(
    ctx: typer.Context,
    role: RoleOption = None,
    unrecognised: Annotated[
        bool,
        typer.Option(
            "--unrecognised",
            help="Only potential victims no record names a victim and no NRM referral covers.",
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many of each to show.")] = 10,
    weights: WeightsOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank potential victims (especially those no agency has recognised) and potential
    controllers, recruiters and transporters, with reasons, grades, agencies and an action."""
    if ctx.invoked_subcommand is not None:
        return
    sides: list[Side] = [role.value] if role else ["victim", "suspect"]
    with reading(db, user, "analyse.people") as view:
        found = people_shown(view, sides=sides, unrecognised=unrecognised, top=top,
                             weights=weights)  # fmt: skip
    shown, held = found.sides, found.protection
    if as_json:
        show.print_json(
            {
                "protection": held.as_dict(),
                "weights_digest": found.weights_digest,
                **{f"{side}s": show.as_dicts(ranked) for side, ranked in shown.items()},
            }
        )
        return
    show.print_protection(console, held)
    for side, ranked in shown.items():
        title = (
            "Potential victims no agency has recognised"
            if side == "victim" and unrecognised
            else "Potential victims"
            if side == "victim"
            else "Potential suspects"
        )
        print_people(console, title, ranked)


def print_people(console: Console, title: str, ranked: list[PersonAssessment]) -> None:
    """A people ranking, then each entry's reasons, decision and suggested action."""
    if not ranked:
        console.print(f"{title}: nobody to rank.")
        return
    table = Table(title=title)
    for column in ("rank", "name", "assessment", "score", "decision", "agencies", "grade"):
        table.add_column(column, justify="right" if column in ("rank", "score") else "left")
    for p in ranked:
        decided = f"{p.decision.decision} by {p.decision.username}" if p.decision else ""
        table.add_row(str(p.rank), Text(p.caption), p.role, f"{p.score:.2f}", decided,
                      ", ".join(p.agencies), p.grade)  # fmt: skip
    console.print(table)
    for p in ranked:
        network = f", network {p.network}" if p.network is not None else ""
        console.print(Text(f"{p.rank}. {p.caption} ({p.entity_id}{network})", style="bold"))
        for reason in p.reasons:
            console.print(Text(f"   - {reason}"))
        if p.decision:
            console.print(Text(f"   Decision: {p.decision.decision} by {p.decision.username} "
                               f"(#{p.decision.id}): {p.decision.reason}"))  # fmt: skip
        console.print(Text(f"   Action: {p.action}", style="italic"))


def _decide(entity: str, side: Role, decision: str, reason: str, db: str | None,
            user: str | None) -> None:  # fmt: skip
    with reading(db, user, f"analyse.people.{decision.removesuffix('ed')}") as view:
        decision_id = decide(view, entity, side.value, decision, reason)
    console.print(f"Decision #{decision_id}: {side.value} assessment of {entity} {decision}.")


ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept and audited).")]
EntityArgument = Annotated[str, typer.Argument(help="The person's entity id.")]
SideOption = Annotated[Role, typer.Option("--role", help="Which assessment.")]


@people_app.command("confirm")
def confirm_command(
    entity: EntityArgument, role: SideOption, reason: ReasonOption, db: DbOption = None,
    user: UserOption = None,
) -> None:  # fmt: skip
    """Confirm a person's assessment (as a potential victim or suspect), with a reason."""
    _decide(entity, role, "confirmed", reason, db, user)


@people_app.command("dismiss")
def dismiss_command(
    entity: EntityArgument, role: SideOption, reason: ReasonOption, db: DbOption = None,
    user: UserOption = None,
) -> None:  # fmt: skip
    """Dismiss a person's assessment, with a reason (it stays ranked, marked dismissed)."""
    _decide(entity, role, "dismissed", reason, db, user)


@people_app.command("withdraw")
def withdraw_command(
    decision: Annotated[int, typer.Argument(help="The decision's number.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Withdraw a decision of your agency (kept, marked withdrawn)."""
    with reading(db, user, "analyse.people.withdraw") as view:
        withdraw(view, decision)
    console.print(f"Decision #{decision} withdrawn.")
