"""What every command group shares: the options, acting as a user, dates and JSON output.

Each option is defined here once and imported by the groups that take it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from threadline.errors import ThreadlineError
from threadline.security.actors import Actor
from threadline.security.identity import PASSWORD_ENV, resolve_actor
from threadline.store import Store

__all__ = [
    "NEW_PASSWORD_ENV",
    "AgencyOption",
    "DbOption",
    "EngineOption",
    "EntityArg",
    "FromOption",
    "GradeOption",
    "JsonOption",
    "SparkMasterOption",
    "ToOption",
    "TypeOption",
    "UserOption",
    "WeightsOption",
    "acting",
    "group",
    "new_password",
    "parse_date",
    "print_json",
    "resolution_engine",
]

NEW_PASSWORD_ENV = "THREADLINE_NEW_PASSWORD"  # noqa: S105 - a variable's name, not a password
"""A new account's password for scripts; otherwise it is asked for twice, without echo. (The
acting user's own password is $THREADLINE_PASSWORD.)"""


def new_password(what: str) -> tuple[str, bool]:
    """A new account's password, and whether it was borrowed from $THREADLINE_PASSWORD: it is
    $THREADLINE_NEW_PASSWORD, else $THREADLINE_PASSWORD (for a script acting as the embedded
    store's owner, who has none of their own), else asked for twice. A borrowed password that
    is the acting user's own is refused by the caller: it was not meant for someone else."""
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV], False
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV], True
    asked = typer.prompt(f"Password for {what}", hide_input=True, confirmation_prompt=True)
    return str(asked), False


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $THREADLINE_DATABASE_URL or sqlite:///threadline.db).",
        show_default=False,
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Act as this user (default: $THREADLINE_USER, else the local analyst account).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where people are blocked, trained and scored: duckdb (in this process) or spark "
        "(Splink's Spark backend; see docs/spark.md).",
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        metavar="URL",
        help="The Spark master for --engine spark: local[*], spark://host:7077... (default: "
        "$THREADLINE_SPARK_MASTER, else local[*]).",
        show_default=False,
    ),
]


def resolution_engine(name: str, spark_master: str | None) -> Any:
    """The resolution engine ``name`` (:mod:`threadline.resolve.engines`), with the Spark
    master and driver memory of the configuration when the option does not give them."""
    from threadline.config import setting
    from threadline.resolve.engines import ENGINES, engine_named

    if name not in ENGINES:
        raise ThreadlineError(f"--engine {name}: expected one of {', '.join(ENGINES)}")
    if name != "spark" and spark_master:
        raise ThreadlineError("--spark-master is for --engine spark")
    master = spark_master or setting("THREADLINE_SPARK_MASTER")
    memory = setting("THREADLINE_SPARK_DRIVER_MEMORY")
    return engine_named(name, master, memory)


WeightsOption = Annotated[
    Path | None,
    typer.Option("--weights", help="A weights YAML file laid over the shipped weights."),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Only links and records from this date (YYYY-MM-DD).")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Only links and records up to this date (YYYY-MM-DD).")
]
TypeOption = Annotated[
    list[str] | None, typer.Option("--type", help="Only links of this type (repeatable).")
]
GradeOption = Annotated[
    str | None, typer.Option("--min-grade", help="Only evidence graded at least this (e.g. 2B).")
]
AgencyOption = Annotated[
    list[str] | None, typer.Option("--agency", help="Only evidence from this agency (repeatable).")
]
EntityArg = Annotated[
    str, typer.Argument(help="An entity id, a value (phone:+44...) or a caption.")
]


def group(name: str, text: str) -> typer.Typer:
    """A command group: ``threadline NAME ...`` with its help."""
    return typer.Typer(name=name, help=text, no_args_is_help=True, add_completion=False)


@contextmanager
def acting(db: str | None, user: str | None) -> Iterator[tuple[Store, Actor]]:
    with Store(db) as store:
        yield store, resolve_actor(store, user)


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ThreadlineError(f"{option} {value!r} is not a date: use YYYY-MM-DD") from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=True, default=str))
