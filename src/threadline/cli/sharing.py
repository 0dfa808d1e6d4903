"""Commands for information sharing agreements between agencies."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from threadline.cli.options import (
    DbOption,
    JsonOption,
    UserOption,
    acting,
    group,
    parse_date,
    print_json,
)
from threadline.errors import ThreadlineError
from threadline.ingest.mapping import MappingError
from threadline.ingest.sources import find_mapping
from threadline.read import reading
from threadline.read.conditions import unrecognised_conditions
from threadline.read.deconfliction import notices
from threadline.security import sharing as sharing_ops
from threadline.security.audit import quote, transaction
from threadline.security.conditions import reapply
from threadline.security.handling import RulesError, RuleUse

__all__ = ["sharing_app"]

sharing_app = group("sharing", "Information sharing agreements between agencies.")


@sharing_app.command("add")
def sharing_add(
    from_agency: Annotated[str, typer.Argument(help="Agency whose records are shared.")],
    to_agency: Annotated[str, typer.Argument(help="Agency whose users may see them.")],
    scope: Annotated[str, typer.Option("--scope", help="'all' or one source's name.")] = "all",
    conditioned: Annotated[
        bool, typer.Option("--conditioned", help="Let handling-code C material flow too.")
    ] = False,
    valid_from: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")
    ] = None,
    valid_to: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
    reference: Annotated[str, typer.Option("--reference", help="The ISA's reference.")] = "",
    delivery: Annotated[
        bool,
        typer.Option("--delivery", help="TO's analysts may also load FROM's files for it."),
    ] = False,
    deconfliction: Annotated[
        bool,
        typer.Option(
            "--deconfliction",
            help="Tell TO's users when FROM holds material on a "
            "subject they may not see (with --contact).",
        ),
    ] = False,
    contact: Annotated[
        str, typer.Option("--contact", help="Whom to contact for deconfliction.")
    ] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a sharing agreement (administrators of the sharing agency, or a partnership
    administrator for an agency with no administrator of its own)."""
    start, end = parse_date(valid_from, "--from"), parse_date(valid_to, "--until")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        made = sharing_ops.add_agreement(
            conn, actor, from_agency, to_agency, scope=scope, conditions_allowed=conditioned,
            valid_from=start, valid_to=end, reference=reference, delivery=delivery,
            deconfliction=deconfliction, contact=contact,
        )  # fmt: skip
    typer.echo(f"Agreement {made.id}: {made.from_agency} -> {made.to_agency} ({quote(made.scope)})")


@sharing_app.command("list")
def sharing_list(db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """Agreements your agency gives or receives."""
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        found = sharing_ops.list_agreements(conn, actor)
    if as_json:
        print_json([asdict(a) for a in found])
        return
    for a in found:
        until = a.valid_to.isoformat() if a.valid_to else "open"
        kind = "P and C" if a.conditions_allowed else "P only"
        kind += ", delivery" if a.delivery else ""
        kind += ", deconfliction" if a.deconfliction else ""
        typer.echo(
            f"{a.id}  {a.from_agency} -> {a.to_agency}  {quote(a.scope)}  {kind}  "
            f"{a.valid_from.isoformat()}..{until}  {quote(a.reference)}"
        )


@sharing_app.command("end")
def sharing_end(
    agreement: Annotated[int, typer.Argument(help="Agreement id.")],
    last_day: Annotated[
        str | None, typer.Option("--last-day", help="Last day in force (default: yesterday).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """End a sharing agreement."""
    end = parse_date(last_day, "--last-day")
    with acting(db, user) as (store, actor), transaction(store, actor) as conn:
        sharing_ops.end_agreement(conn, actor, agreement, last_day=end)
    typer.echo(f"Agreement {agreement} ended")


@sharing_app.command("deconflict")
def sharing_deconflict(
    entity: Annotated[str, typer.Argument(help="An entity id you may see.")],
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which agencies hold material about a subject that you may not see, and whom to contact
    (where their agreements allow telling you; nothing about the material itself)."""
    with reading(db, user, "deconfliction") as view:
        found = notices(view, entity)
    if as_json:
        print_json([asdict(n) for n in found])
        return
    for n in found:
        typer.echo(f"{n.agency} holds material about this subject: contact {quote(n.contact)}")
    if not found:
        typer.echo("No deconfliction notice.")


@sharing_app.command("conditions")
def sharing_conditions(
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Read your agency's records' conditions again first."),
    ] = False,
    folder: Annotated[
        Path | None,
        typer.Option("--folder", help="A delivery folder whose mappings/ to use with --apply."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Handling conditions no rule recognises (kept in your agency until mapped)."""
    done = None
    if apply:
        with acting(db, user) as (store, actor), transaction(store, actor) as conn:
            done = reapply(conn, actor, partial(_named_rules, folder))
    with reading(db, user, "sharing.conditions") as view:
        review = unrecognised_conditions(view)
    if as_json:
        print_json({**asdict(review), "applied": None if done is None else asdict(done)})
        return
    if done is not None:
        for source, n in done.changed.items():
            typer.echo(f"{quote(source)}: {n} records read anew")
        for source in done.unmapped:
            typer.echo(f"{quote(source)}: mapping not found; read with the rules alone")
    scope = "all its records" if review.whole_agency else "the records you may see"
    typer.echo(f"Conditions no rule recognises in {quote(review.agency)} ({scope}):")
    for item in review.unrecognised:
        typer.echo(f"{item.records:>7}  {quote(item.condition)}")
    if not review.unrecognised:
        typer.echo("      none")
    if review.unread:
        typer.echo(f"{review.unread} records not yet read by the rules stay in the agency: "
                   "run `threadline sharing conditions --apply`")  # fmt: skip


def _named_rules(folder: Path | None, mapping: str) -> dict[str, RuleUse] | None:
    """The rules mapping `mapping` names (from FOLDER/mappings/ or Threadline's own), or None
    when there is no such mapping."""
    try:
        return find_mapping(mapping, folder).handling_rules
    except (MappingError, RulesError):
        raise  # a mapping or rules file that is wrong is reported, not taken for absent
    except ThreadlineError:
        return None
