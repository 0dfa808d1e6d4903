"""What the security commands share: options, the sub-apps, acting as a user, output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer

from threadline.errors import ThreadlineError
from threadline.security.actors import Actor, resolve_actor
from threadline.store import Store

__all__ = [
    "PASSWORD_ENV",
    "DbOption",
    "JsonOption",
    "UserOption",
    "acting",
    "audit_app",
    "cases_app",
    "parse_date",
    "print_json",
    "retention_app",
    "sharing_app",
    "users_app",
]

PASSWORD_ENV = "THREADLINE_PASSWORD"  # noqa: S105 - a variable's name, not a password
"""A new user's password for scripts; otherwise ``--password`` prompts without echo."""

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
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _app(name: str, text: str) -> typer.Typer:
    return typer.Typer(name=name, help=text, no_args_is_help=True, add_completion=False)


users_app = _app("users", "Users, their agency, roles and OFFICIAL-SENSITIVE clearance.")
cases_app = _app("cases", "Cases (operations): members and the records attached to them.")
sharing_app = _app("sharing", "Information sharing agreements between agencies.")
audit_app = _app("audit", "The tamper-evident audit log (DPA 2018 s62).")
retention_app = _app("retention", "MoPI review queue and retention decisions.")


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
