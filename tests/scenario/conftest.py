"""Fixtures for the scenario generator.

Fixture strategy: generating the small scenario takes about a second, so one session-wide copy
(seed 1) serves every read-only test; tests that need another run (determinism, overwriting)
generate their own into ``tmp_path``. :class:`Scenario` reads the files back the way an ingest
would, using only ``sources.yaml``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from threadline.scenario import ScenarioSummary, generate

# The free-text field(s) of each file, where truth/text_mentions.csv names entities.
TEXT_FIELDS = {
    "police/intel_log.csv": "narrative",
    "police/intel_legacy.csv": "REPORT_TEXT",
    "immigration/encounters.json": "officer_notes",
    "nhs/safeguarding.csv": "Concern",
    "nrm/referrals.csv": "exploiter_description",
}


@dataclass
class Scenario:
    """A generated scenario folder, read back through its ``sources.yaml``."""

    root: Path
    summary: ScenarioSummary
    _records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @cached_property
    def sources(self) -> list[dict[str, Any]]:
        """The ``sources:`` entries."""
        data = yaml.safe_load((self.root / "sources.yaml").read_text(encoding="utf-8"))
        entries: list[dict[str, Any]] = data["sources"]
        return entries

    def truth(self, name: str) -> list[dict[str, str]]:
        """Rows of ``truth/<name>.csv``."""
        with (self.root / "truth" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def records(self, file: str) -> dict[str, dict[str, Any]]:
        """Every record of ``file`` (as in sources.yaml) by its key; raises on duplicate keys."""
        if file not in self._records:
            self._records[file] = dict(self._read(file))
        return self._records[file]

    def _read(self, file: str) -> Iterator[tuple[str, dict[str, Any]]]:
        entries = [s for s in self.sources if s["file"] == file]
        assert entries, f"{file} is not in sources.yaml"
        seen: set[str] = set()
        for entry in entries:
            for key, record in self._read_entry(entry):
                assert key not in seen, f"duplicate key {key} in {file}"
                seen.add(key)
                yield key, record

    def _read_entry(self, entry: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        path = self.root / entry["file"]
        fmt = entry["format"]
        if fmt == "csv":
            with path.open(encoding=entry["encoding"], newline="") as f:
                for row in csv.DictReader(f, delimiter=entry.get("delimiter", ",")):
                    yield row[entry["key"]], row
        elif fmt == "json":
            for item in json.loads(path.read_text(encoding="utf-8")):
                yield item[entry["key"]], item
        elif fmt == "xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            rows = book[entry["sheet"]].iter_rows(values_only=True)
            header = next(rows)
            for values in rows:
                padded = (*values, *([None] * (len(header) - len(values))))
                row = dict(zip(header, padded, strict=True))
                yield str(row[entry["key"]]), row
            book.close()
        else:
            assert fmt == "text"
            for txt in sorted(path.glob(entry["pattern"])):
                yield txt.stem, {"text": txt.read_text(encoding=entry["encoding"])}


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """The small scenario for seed 1 (shared: do not modify)."""
    root = tmp_path_factory.mktemp("scenario") / "small"
    return Scenario(root, generate("small", 1, root))
