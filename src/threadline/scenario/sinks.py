"""Streaming writers for each file format, byte-for-byte reproducible.

Rows go to disk as they are produced; nothing holds a whole file in memory. The XLSX writer
uses openpyxl's write-only mode and pins every timestamp (document properties and zip entries)
so two runs with one seed give identical bytes.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

Cell = str | int | float | date | None
FIXED_TIME = datetime(2026, 10, 31, 0, 0, 0)
"""Every timestamp an XLSX file carries (document properties and zip entries)."""


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CsvSink:
    """A CSV file written row by row with a fixed column order."""

    def __init__(
        self,
        root: Path,
        rel: str,
        columns: Sequence[str],
        encoding: str = "utf-8",
        delimiter: str = ",",
        transform: Callable[[str], str] | None = None,
    ) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rel = rel
        self.columns = tuple(columns)
        self.count = 0
        self._transform = transform
        self._file: IO[str] = path.open("w", encoding=encoding, newline="")
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow(self.columns)

    def write(self, row: Mapping[str, Cell]) -> None:
        """Write one row; ``row`` must hold exactly the sink's columns."""
        if len(row) != len(self.columns):
            extra = set(row) ^ set(self.columns)
            raise KeyError(f"{self.rel}: columns differ: {sorted(extra)}")
        values = [_text(row[c]) for c in self.columns]
        if self._transform is not None:
            values = [self._transform(v) for v in values]
        self._writer.writerow(values)
        self.count += 1

    def close(self) -> None:
        """Flush and close the file."""
        self._file.close()


class JsonArraySink:
    """A JSON array written one object per line."""

    def __init__(self, root: Path, rel: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rel = rel
        self.count = 0
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self._file.write("[")

    def write(self, item: Mapping[str, Any]) -> None:
        """Append one object."""
        self._file.write(",\n" if self.count else "\n")
        self._file.write(json.dumps(item, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        """Close the array and the file."""
        self._file.write("\n]\n")
        self._file.close()


class TextDirSink:
    """A folder of plain-text files, one per record."""

    def __init__(self, root: Path, rel: str) -> None:
        self.rel = rel
        self.count = 0
        self._dir = root / rel
        self._dir.mkdir(parents=True, exist_ok=True)

    def write(self, stem: str, text: str) -> None:
        """Write ``stem``.txt."""
        (self._dir / f"{stem}.txt").write_text(text, encoding="utf-8", newline="\n")
        self.count += 1

    def close(self) -> None:
        """Nothing to flush."""


class _FixedTimeZip(zipfile.ZipFile):
    """A zip file whose entries all carry :data:`FIXED_TIME` (openpyxl uses the clock)."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        super().writestr(self._info(name), data)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = str(arcname if arcname is not None else filename)
        with (
            Path(filename).open("rb") as source,
            self.open(self._info(name), "w", force_zip64=True) as target,
        ):
            shutil.copyfileobj(source, target, 1 << 20)


class XlsxSink:
    """A workbook of several sheets, streamed with openpyxl's write-only mode."""

    def __init__(self, root: Path, rel: str, sheets: Mapping[str, Sequence[str]]) -> None:
        self.path = root / rel
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rel = rel
        self.count = 0
        self.columns = {title: tuple(columns) for title, columns in sheets.items()}
        self.counts = dict.fromkeys(sheets, 0)
        self._book = Workbook(write_only=True)
        self._sheets = {}
        for title, columns in self.columns.items():
            sheet = self._book.create_sheet(title)
            sheet.append(list(columns))
            self._sheets[title] = sheet

    def write(self, sheet: str, row: Mapping[str, Cell]) -> None:
        """Append a row to ``sheet``."""
        columns = self.columns[sheet]
        if len(row) != len(columns):
            raise KeyError(
                f"{self.rel}[{sheet}]: columns differ: {sorted(set(row) ^ set(columns))}"
            )
        self._sheets[sheet].append([row[c] for c in columns])
        self.counts[sheet] += 1
        self.count += 1

    def close(self) -> None:
        """Save with fixed timestamps."""
        props = self._book.properties
        props.creator = "Threadline scenario generator"
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        with _FixedTimeZip(self.path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self._book, archive).save()
