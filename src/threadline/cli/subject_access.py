"""The subject-access command: everything a user may see about an entity, for a DPA decision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from threadline.cli.options import (
    DbOption,
    UserOption,
    acting,
)
from threadline.security.audit import quote, transaction
from threadline.security.subject_access import DEFAULT_PURPOSE, DEFAULT_RECIPIENTS
from threadline.security.subject_access import subject_access as export_subject

__all__ = ["subject_access"]


def subject_access(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why.")] = DEFAULT_PURPOSE,
    recipient: Annotated[
        str, typer.Option("--recipient", help="Who receives it.")
    ] = DEFAULT_RECIPIENTS,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Export everything you may see about an entity, for a subject access decision."""
    written = False
    try:
        with acting(db, user) as (store, actor), transaction(store, actor) as conn:
            document = export_subject(conn, actor, entity, purpose=purpose, recipients=recipient)
            out.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
            written = True
    except BaseException:
        if written:  # the disclosure was not logged, so it must not exist
            out.unlink(missing_ok=True)
        raise
    typer.echo(
        f"Wrote {len(document['records'])} record(s) about {quote(entity)} to {out} "
        f"({document['protection']['marking']})"
    )
