"""`threadline evaluate`: measured accuracy against labelled data and the scenario's truth."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from threadline.cli.options import (
    DbOption,
    EngineOption,
    JsonOption,
    SparkMasterOption,
    UserOption,
    resolution_engine,
)
from threadline.errors import ThreadlineError

__all__ = ["evaluate_app"]

console = Console()
evaluate_app = typer.Typer(
    help="Measure accuracy: resolution on labelled CSVs, names on labelled pairs, the scenario.",
    no_args_is_help=True,
)


def _readable(path: Path) -> None:
    if not path.is_file():
        raise ThreadlineError(f"{path}: no such file")


def _print(title: str, figures: Mapping[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in _rows(figures):
        shown = f"{value:,}" if isinstance(value, int) else f"{value:.4f}"
        table.add_row(name, shown)
    console.print(table)


RecordOption = Annotated[
    bool,
    typer.Option(
        "--record",
        help="Keep the figures in the store (--db), for the problem profile's methodology.",
    ),
]


def _record(
    db: str | None, user: str | None, kind: str, source: Path, figures: Mapping[str, Any]
) -> None:
    """Store the figures as the user (an analyst or supervisor), audited."""
    from threadline.security import AccessDenied
    from threadline.security.audit import audit, transaction
    from threadline.security.authorise import WRITE_ROLES
    from threadline.security.identity import resolve_actor
    from threadline.store import Store
    from threadline.store.evaluations import record_evaluation

    with Store(db) as store:
        store.require_current()
        actor = resolve_actor(store, user)
        with transaction(store, actor) as conn:
            if not actor.has(*WRITE_ROLES):
                raise AccessDenied(
                    "permission denied: recording an evaluation needs the analyst or supervisor "
                    "role", action="administration", operation="evaluate.record",
                )  # fmt: skip
            made = record_evaluation(conn, actor.username, kind, source, figures)
            audit(conn, actor, "administration", "evaluate.record",
                  detail={"evaluation": made, "kind": kind, "source": source.name})  # fmt: skip
    typer.echo(f"Recorded as evaluation {made}.", err=True)


def _rows(figures: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, float | int]]:
    """Figures as table rows; nested figures (``by_schema``) as "by_schema Person f1"."""
    for name, value in figures.items():
        if isinstance(value, Mapping):
            yield from _rows(value, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", value


@evaluate_app.command("er")
def evaluate_er(
    path: Annotated[Path, typer.Argument(help="A CSV of person records.")],
    truth: Annotated[str, typer.Option("--truth", help="Column holding the true identity.")],
    as_json: JsonOption = False,
    record: RecordOption = False,
    db: DbOption = None,
    user: UserOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """Resolve a person CSV with the same code as `threadline resolve` and score the clusters.

    Columns read (all optional but record_id): record_id, source, given_name, surname,
    full_name, date_of_birth, phone, email, address, postcode, nationality, national_id,
    document_number. Prints pairwise precision, recall and F1, the clusters holding records
    that contradict each other (contradictions: dates of birth, sex, NI or document numbers),
    the largest cluster, the records and the seconds.
    """
    from threadline.resolve import evaluate_er_csv

    _readable(path)
    runs_on = resolution_engine(engine, spark_master)
    try:
        figures = evaluate_er_csv(path, truth, engine=runs_on)
    except ValueError as exc:
        raise ThreadlineError(str(exc)) from None
    _print(f"Entity resolution on {path.name}", figures, as_json)
    if record:
        _record(db, user, "er", path, figures)


@evaluate_app.command("names")
def evaluate_names_command(
    path: Annotated[Path, typer.Argument(help="A CSV of labelled name pairs.")],
    left: Annotated[str, typer.Option("--left", help="Column with the first name.")],
    right: Annotated[str, typer.Option("--right", help="Column with the second name.")],
    truth: Annotated[
        str, typer.Option("--truth", help="Column: true/false, 1/0 or yes/no (same name?).")
    ],
    schema: Annotated[
        str | None,
        typer.Option(
            "--schema",
            help="Column: Person, Company, Organization, LegalEntity or Vessel (else Person).",
        ),
    ] = None,
    as_json: JsonOption = False,
    record: RecordOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Score the name comparators alone on labelled pairs, each pair through the comparator
    resolution uses for its schema, at that comparator's fixed threshold (the best threshold
    on the file is shown for reference), overall and by schema."""
    from threadline.resolve import evaluate_names

    _readable(path)
    try:
        figures = evaluate_names(path, left, right, truth, schema)
    except ValueError as exc:
        raise ThreadlineError(str(exc)) from None
    _print(f"Name comparator on {path.name}", figures, as_json)
    if record:
        _record(db, user, "names", path, figures)


@evaluate_app.command("scenario")
def evaluate_scenario_command(
    folder: Annotated[Path, typer.Argument(help="A folder made by `threadline generate`.")],
    as_json: JsonOption = False,
    record: RecordOption = False,
    db: DbOption = None,
    user: UserOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """Ingest, resolve and analyse a generated scenario in a fresh store; score it against its
    truth (cluster F1, ranking precision at 10 and 20, community ARI)."""
    from threadline.scenario.accuracy import evaluate_scenario

    if not folder.is_dir():
        raise ThreadlineError(f"{folder}: no such folder")
    with console.status("Ingesting, resolving and analysing the scenario..."):
        figures = evaluate_scenario(folder, engine=resolution_engine(engine, spark_master))
    _print(f"Pipeline against the truth of {folder}", figures, as_json)
    if record:
        _record(db, user, "scenario", folder, figures)
