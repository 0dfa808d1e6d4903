"""`threadline records show KEY`: one record as its agency wrote it.

Register in the main app::

    app.add_typer(records_app, name="records")

Acts as a user and shows only a record they may see (`threadline.read.records`); one they may
not see is answered exactly as one that does not exist. Audited.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadline.cli.options import DbOption, JsonOption, UserOption, group
from threadline.cli.render import print_json, print_protection
from threadline.errors import ThreadlineError
from threadline.read import reading
from threadline.read.records import RecordView, show_record
from threadline.untrusted import printable

__all__ = ["records_app"]

console = Console()

records_app = group("records", "Read intelligence records as their agencies wrote them.")


def print_record(record: RecordView) -> None:
    """The record: protection first, then grade, provenance, text, mentions and values."""
    print_protection(console, record.protection)
    lines = [
        f"Record {record.id}: {record.key} (version {record.version}) from {record.agency} "
        f"({record.agency_name}), source {record.source}",
        f"Grade: {record.grade_words}",
        f"Handling conditions: {'; '.join(record.handling_conditions) or 'none'}",
        f"Marking: {record.marking}"
        + (f" (written as {record.original_marking})" if record.original_marking else ""),
        f"Reported on: {record.reported_on or 'not given'}; MoPI review date: "
        f"{record.review_date} (group {record.retention_group})",
        f"Provenance: file {record.file_name}, {record.location}, batch {record.batch_id}, "
        f"mapping {record.mapping}, loaded {record.loaded_at or 'unknown'}",
    ]
    if len(record.versions) > 1:
        lines.append(f"Versions held: {', '.join(map(str, record.versions))}")
    for line in lines:
        console.print(Text(printable(line)))
    for column, text in record.narrative:
        console.rule(Text(printable(column)))
        console.print(Text(printable(text)))
    if record.warnings:
        console.print(Text("Warnings: " + printable("; ".join(record.warnings))))
    fields = Table(title="As written")
    fields.add_column("column")
    fields.add_column("value")
    for column, value in record.raw.items():
        fields.add_row(Text(printable(str(column))), Text(printable(str(value))))
    console.print(fields)
    mentions = Table(title="Mentions and the entities they resolved to")
    for column in ("mention", "kind", "role", "caption", "entity"):
        mentions.add_column(column)
    for m in record.mentions:
        entity = f"{m.entity_id} ({m.entity_kind})" if m.entity_id else ""
        mentions.add_row(Text(m.slot), m.schema, m.role or "", Text(m.caption), Text(entity))
    console.print(mentions)
    said = Table(title="Statements")
    for column in ("mention", "property", "value", "as written", "fact/opinion", "origin"):
        said.add_column(column)
    slots = {m.id: m.slot for m in record.mentions}
    for s in record.statements:
        said.add_row(
            Text(slots.get(s.mention_id, s.mention_id)),
            s.prop,
            Text(s.value),
            Text(s.original),
            s.kind,
            s.origin,
        )
    console.print(said)


@records_app.command("show")
def records_show(
    key: Annotated[str, typer.Argument(help="The record's id, or its reference in its source.")],
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """One record as its agency wrote it: its text, grade, handling conditions, marking,
    provenance, MoPI review date, statements, and the entities its mentions resolved to."""
    with reading(db, user, "record.show") as view:
        record = show_record(view, key)
    if record is None:
        raise ThreadlineError(f"no record {printable(key)!r} that you may see")
    if as_json:
        print_json(record.as_dict())
        return
    print_record(record)
