"""Entity and link tables for spreadsheets: CSV (two files in a zip) and XLSX (three sheets).

Both start with the marking: the first row of each CSV file and of each sheet is the
protection line ("Holds: OFFICIAL-SENSITIVE, handling C: ..."), and the workbook's first
sheet, "Marking", states it with who produced the export, when, for whom and why. Every text
cell goes through `safe_cell`, so that nothing a partner wrote is evaluated as a formula.
In XLSX, first and last seen and full link dates are real dates; the workbook is written in
openpyxl's write-only mode, a row at a time.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from threadline.export.content import Content, LinkRow, NodeRow
from threadline.export.hookspecs import hookimpl
from threadline.export.safe_cells import safe_value
from threadline.export.types import Exporter
from threadline.progress import Advance

__all__ = [
    "CSV",
    "ENTITY_COLUMNS",
    "LINK_COLUMNS",
    "XLSX",
    "entity_table",
    "link_table",
    "register_exporters",
    "write_csv",
    "write_xlsx",
]

ENTITY_COLUMNS = ("id", "label", "kind", "schema", "roles", "entity_ids", "agencies", "sources",
                  "records", "grade", "first_seen", "last_seen", "marking", "handling",
                  "network")  # fmt: skip
"""Columns of the entity table (then one ``fact:<prop>`` column per fact found)."""

LINK_COLUMNS = ("id", "source", "source_label", "target", "target_label", "type", "label",
                "directed", "start", "end", "weight", "grade", "agencies", "records",
                "marking", "handling")  # fmt: skip
"""Columns of the link table."""

DATE_FORMAT = "yyyy-mm-dd"


def _day(value: str | None) -> date | str | None:
    """A full ISO date as a date; anything else (a year, a month, a time) as given."""
    if not value:
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _handling(row: NodeRow | LinkRow) -> str:
    return row.protection.words().split(", handling ", 1)[1]


def _facts(content: Content) -> list[str]:
    if not content.node_count:
        return []
    return sorted({p for f in content.graph.vs["facts"] for p in f})


def entity_table(content: Content) -> Iterator[list[object]]:
    """The entity table's rows, header first (values unescaped: the writers escape)."""
    facts = _facts(content)
    yield [*ENTITY_COLUMNS, *(f"fact:{p}" for p in facts)]
    for row in content.nodes():
        yield [
            row.id, row.label, row.kind, row.schema, "; ".join(row.roles),
            "; ".join(row.entity_ids), "; ".join(row.agencies),
            "; ".join(sorted({e.source for e in row.evidence})),
            "; ".join(str(e.record) for e in row.evidence), row.grade, row.first_seen,
            row.last_seen, row.protection.marking.value, _handling(row), row.community,
            *("; ".join(sorted({v for v, _ in row.facts.get(p, ())})) for p in facts),
        ]  # fmt: skip


def link_table(content: Content) -> Iterator[list[object]]:
    """The link table's rows, header first; dates as `date` where they are full dates."""
    captions = dict(zip(content.graph.vs["name"], content.graph.vs["caption"], strict=True)) if (
        content.node_count
    ) else {}  # fmt: skip
    yield list(LINK_COLUMNS)
    for row in content.links():
        yield [
            row.id, row.source, captions.get(row.source, ""), row.target,
            captions.get(row.target, ""), row.type, row.label, row.directed, _day(row.start),
            _day(row.end), row.weight, row.grade, "; ".join(row.agencies),
            "; ".join(str(e.record) for e in row.evidence), row.protection.marking.value,
            _handling(row),
        ]  # fmt: skip


def _holds(content: Content) -> str:
    return f"Holds: {content.protection.words()}"


def _about(content: Content) -> list[tuple[str, object]]:
    return [
        ("Marking", content.protection.marking.value),
        ("Holds", content.protection.words()),
        ("Title", content.title()),
        ("Scope", content.scope.words()),
        ("Produced by", content.produced_by),
        ("Produced at (UTC)", content.produced_at.replace(tzinfo=None, microsecond=0)),
        ("Recipient", content.recipient),
        ("Purpose", content.purpose),
        ("Currency", content.currency),
        ("Entities", content.node_count),
        ("Links", content.link_count),
    ]


def _csv_text(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return safe_value(value)


def _write_csv_table(
    archive: zipfile.ZipFile, name: str, holds: str, rows: Iterator[list[object]],
    advance: Advance,
) -> None:  # fmt: skip
    with (
        archive.open(name, "w") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream,
    ):
        writer = csv.writer(stream)
        writer.writerow([safe_value(holds)])
        writer.writerow(next(rows))
        count = 0
        for count, row in enumerate(rows, 1):
            writer.writerow([_csv_text(v) for v in row])
            if count % 1000 == 0:
                advance("rows", 1000)
        advance("rows", count % 1000)


def write_csv(content: Content, out: BinaryIO, advance: Advance) -> None:
    """Write ``entities.csv``, ``links.csv`` and ``MARKING.txt`` into a zip on `out`."""
    holds = _holds(content)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        about = "\n".join(f"{k}: {v}" for k, v in _about(content)) + "\n"
        archive.writestr("MARKING.txt", about)
        _write_csv_table(archive, "entities.csv", holds, entity_table(content), advance)
        _write_csv_table(archive, "links.csv", holds, link_table(content), advance)


def _cell(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_value(value))
    if isinstance(value, date | datetime):
        cell.number_format = DATE_FORMAT if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(
    book: Workbook, title: str, holds: str, rows: Iterator[list[object]], advance: Advance
) -> None:
    sheet: Any = book.create_sheet(title)
    sheet.freeze_panes = "A3"
    sheet.append([_cell(sheet, holds, bold=True)])
    sheet.append([_cell(sheet, h, bold=True) for h in next(rows)])
    count = 0
    for count, row in enumerate(rows, 1):
        sheet.append([_cell(sheet, v) for v in row])
        if count % 1000 == 0:
            advance("rows", 1000)
    advance("rows", count % 1000)


def write_xlsx(content: Content, out: BinaryIO, advance: Advance) -> None:
    """Write a workbook with sheets Marking, Entities and Links to `out`."""
    holds = _holds(content)
    book = Workbook(write_only=True)
    first: Any = book.create_sheet("Marking")
    first.append([_cell(first, holds, bold=True)])
    for key, value in _about(content):
        first.append([_cell(first, key, bold=True), _cell(first, value)])
    _sheet(book, "Entities", holds, entity_table(content), advance)
    _sheet(book, "Links", holds, link_table(content), advance)
    book.properties.title = content.title()
    book.properties.subject = content.protection.words()
    book.properties.keywords = content.protection.marking.value
    book.save(out)


def _columns(names: Sequence[str]) -> str:
    return ", ".join(names)


CSV = Exporter(
    name="csv",
    suffix=".csv.zip",
    media_type="application/zip",
    description=f"entities.csv ({_columns(ENTITY_COLUMNS[:4])}...) and links.csv in a zip, "
    "marking in the first row, formulas escaped",
    write=write_csv,
)

XLSX = Exporter(
    name="xlsx",
    suffix=".xlsx",
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    description="Excel workbook: Marking, Entities and Links sheets, real dates, formulas escaped",
    write=write_xlsx,
)


@hookimpl
def register_exporters() -> list[Exporter]:
    """The CSV and XLSX exporters."""
    return [CSV, XLSX]
