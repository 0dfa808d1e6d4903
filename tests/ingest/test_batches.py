"""Batches: idempotent, whole or nothing, with clear errors, dry runs and rollback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.ingest.batches import (
    Agency,
    BatchResult,
    IngestError,
    list_batches,
    load_file,
    rollback_batch,
)
from threadline.ingest.mapping import MappingError, load_mapping
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 1, 15)


@pytest.fixture
def intel(tmp_path: Path) -> Path:
    """A private copy of the fixture log, so tests may damage it."""
    shutil.copy(FIXTURES / "intel.csv", tmp_path / "intel.csv")
    return tmp_path / "intel.csv"


Load = Callable[..., BatchResult]


@pytest.fixture
def load(store: Store) -> Load:
    mapping = load_mapping(FIXTURES / "intel.yaml")

    def run(path: Path, **options: object) -> BatchResult:
        return load_file(store, path, mapping, Agency("testforce", "Test Force", "police"),
                         today=TODAY, **options)  # type: ignore[arg-type]  # fmt: skip

    return run


def count(store: Store, table: sa.Table) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_load_keeps_originals_grades_and_warnings(store: Store, intel: Path, load: Load) -> None:
    result = load(intel)
    assert result.status == "loaded"
    assert (result.rows_read, result.records_written, result.rows_rejected) == (3, 3, 0)
    assert result.counts["Person"] == 3 and result.counts["Address"] == 2
    with store.connect() as conn:
        rows = {r.record_key: r for r in conn.execute(sa.select(t.records))}
        dob = conn.execute(
            sa.select(t.statements.c.value, t.statements.c.original_value, t.statements.c.flags)
            .where(t.statements.c.prop == "birthDate")
            .order_by(t.statements.c.mention_id)
        ).all()
    assert rows["IR0002"].handling_code == "C"
    assert rows["IR0002"].handling_conditions == [
        "Not to be disseminated outside the originating agency"
    ]
    assert rows["IR0002"].marking == "OFFICIAL-SENSITIVE"
    assert rows["IR0001"].review_date == date(2031, 9, 5)  # group 3: six years from the report
    assert rows["IR0001"].raw["dob"] == "03/04/1998"
    assert dob[0][:2] == ("1998-04-03", "03/04/1998")
    assert dob[1][:2] == ("1985", "1985") and "partial" in dob[1][2]
    # An impossible date is kept as written, flagged, and named in the record's warnings.
    assert dob[2][:2] == ("31/02/1990", "31/02/1990") and "unparsed" in dob[2][2]
    assert any("31" in w and "February" in w for w in rows["IR0003"].warnings)
    # A cell a spreadsheet would evaluate is data, flagged for safe export.
    assert "formula-like:narrative" in rows["IR0003"].flags


def test_reloading_the_same_file_changes_nothing(store: Store, intel: Path, load: Load) -> None:
    first = load(intel)
    before = {table.name: count(store, table) for table in (t.records, t.statements, t.batches)}
    second = load(intel)
    assert second.status == "already_loaded" and second.batch_id == first.batch_id
    assert {table.name: count(store, table) for table in (t.records, t.statements, t.batches)} == (
        before
    )


def test_a_new_export_adds_only_new_rows(store: Store, intel: Path, load: Load) -> None:
    load(intel)
    with intel.open("a") as fh:
        fh.write("IR0004,08/09/2025,2,C,P,,OFFICIAL,ALI,Mohammed,01/01/1990,associate,,,,\n")
    result = load(intel)
    assert (result.status, result.records_written, result.already_held) == ("loaded", 1, 3)
    assert count(store, t.records) == 4


def test_bad_rows_refuse_the_whole_file(store: Store, intel: Path, load: Load) -> None:
    with intel.open("a") as fh:
        fh.write("IR0005,08/09/2025,4,A,P,,OFFICIAL,X,Y,,victim,,,,\n")
        fh.write("IR0006,08/09/2025,1,A,P,,SECRET,X,Y,,victim,,,,\n")
        fh.write("IR0007,08/09/2025,1,A,C,,OFFICIAL,X,Y,,victim,,,,\n")
        fh.write(",08/09/2025,1,A,P,,OFFICIAL,X,Y,,victim,,,,\n")
        fh.write("IR0001,08/09/2025,1,A,P,,OFFICIAL,X,Y,,victim,,,,\n")
        fh.write("IR0009,08/09/2025,1,A,P,,OFFICIAL,X,Y,,boss,,,,\n")
        fh.write("IR0010,too,few\n")
    result = load(intel)
    assert result.status == "rejected"
    assert result.rows_rejected == 7
    assert result.errors == [
        "intel.csv:5:source_eval: source evaluation '4' is not 1, 2 or 3 (3x5x2)",
        "intel.csv:6:marking: marking 'SECRET' refused: Threadline is accredited for OFFICIAL "
        "and OFFICIAL-SENSITIVE only",
        "intel.csv:7:handling: handling code C requires handling conditions",
        "intel.csv:8:urn: the key column is empty: a row must be identifiable",
        "intel.csv:9:urn: duplicate key 'IR0001' (first at row 2)",
        "intel.csv:10:role: unknown data-subject role 'boss': expected one of victim, "
        "potential_victim, suspect, witness, associate, reporting_person, unknown",
        "intel.csv:11: expected 15 fields, found 3 (ragged row)",
    ]
    assert count(store, t.records) == 0 and count(store, t.batches) == 0
    assert count(store, t.agencies) == 0, "a refused file leaves no trace"


def test_skip_loads_good_rows_and_writes_rejects(store: Store, intel: Path, load: Load) -> None:
    with intel.open("a") as fh:
        fh.write("IR0005,08/09/2025,4,A,P,,OFFICIAL,X,Y,,victim,,,,\n")
    result = load(intel, on_error="skip")
    assert (result.status, result.records_written, result.rows_rejected) == ("loaded", 3, 1)
    assert result.rejects_path is not None
    rejects = Path(result.rejects_path).read_text()
    assert "source evaluation '4'" in rejects and "IR0005" in rejects
    (batch,) = list_batches(store)
    assert (batch["records_written"], batch["rows_rejected"]) == (3, 1)


def test_dry_run_writes_nothing(store: Store, intel: Path, load: Load) -> None:
    result = load(intel, dry_run=True)
    assert result.status == "dry_run"
    assert result.records_written == 3 and result.counts["Person"] == 3
    assert count(store, t.records) == 0 and count(store, t.agencies) == 0


def test_corrupted_csv_is_refused_naming_the_line(store: Store, intel: Path, load: Load) -> None:
    with intel.open("ab") as fh:
        fh.write(b'x,"unterminated\n\x00\x01 garbage\n')
    result = load(intel)
    assert result.status == "rejected"
    assert result.errors[-1].startswith("intel.csv:5: ")
    assert count(store, t.records) == 0


def test_missing_column_names_the_mapping_line(store: Store, tmp_path: Path, load: Load) -> None:
    text = (FIXTURES / "intel.csv").read_text().replace(",postcode,", ",post_code,", 1)
    path = tmp_path / "renamed.csv"
    path.write_text(text)
    with pytest.raises(MappingError, match=r"intel\.yaml:\d+: column 'postcode' is not in the"):
        load(path)
    assert count(store, t.records) == 0


def test_rollback_removes_the_batch_and_what_came_from_it(
    store: Store, intel: Path, load: Load
) -> None:
    result = load(intel)
    assert result.batch_id is not None
    with store.connect() as conn:
        removed = rollback_batch(conn, result.batch_id)
    assert removed["records"] == 3
    assert count(store, t.records) == count(store, t.statements) == count(store, t.mentions) == 0
    (batch,) = list_batches(store)
    assert batch["status"] == "rolled_back"
    again = load(intel)
    assert again.status == "loaded", "a rolled-back file can be loaded again"
    with pytest.raises(IngestError, match="rolled_back"), store.connect() as conn:
        rollback_batch(conn, result.batch_id)
