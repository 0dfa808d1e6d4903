"""docs/scenario.md names every file, column, key, mapping and slot the generator writes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest

from .conftest import Scenario

DOC = Path(__file__).parents[2] / "docs" / "scenario.md"


def _sections() -> dict[str, str]:
    parts = re.split(r"^### ", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {part.split("\n", 1)[0]: part for part in parts[1:]}


def _section(file: str) -> str:
    found = [text for title, text in _sections().items() if title.startswith(file)]
    assert found, f"docs/scenario.md has no section for {file}"
    return found[0]


def _columns(small: Scenario, entry: dict[str, str]) -> list[str]:
    path = small.root / entry["file"]
    if entry["format"] == "csv":
        with path.open(encoding=entry["encoding"], newline="") as f:
            return next(csv.reader(f, delimiter=entry.get("delimiter", ",")))
    if entry["format"] == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        header = next(book[entry["sheet"]].iter_rows(values_only=True))
        book.close()
        return [str(c) for c in header]
    if entry["format"] == "json":
        first = json.loads(path.read_text(encoding="utf-8"))[0]
        return [*first, *first["person"]]
    return []


@pytest.mark.parametrize("index", range(15))
def test_every_column_and_key_is_documented(small: Scenario, index: int) -> None:
    entry = small.sources[index]
    section = _section(entry["file"])
    quote = '"' if entry["format"] == "json" else "`"
    for column in _columns(small, entry):
        assert f"{quote}{column}{quote}" in section, (entry["file"], column)
    if entry["format"] != "text":
        assert f"`{entry['key']}` | **key**" in section or f'"{entry["key"]}": ' in section


def test_sources_table_lists_every_mapping(small: Scenario) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert len(small.sources) == 15
    for entry in small.sources:
        assert f"`{entry['mapping']}`" in text
        assert entry["agency_name"] in text


def test_every_slot_is_documented(small: Scenario) -> None:
    slots = {(row["file"].split("/CALL-")[0], row["slot"]) for row in small.truth("mentions")}
    for file, slot in sorted(slots):
        assert re.search(rf"`{slot}`\s+\(", _section(file)), (file, slot)
