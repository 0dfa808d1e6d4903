"""Hostile input never crashes the loader or corrupts the store.

Random bytes, truncated workbooks, zip bombs, billion-laughs XML, 10 MB cells, wrong encodings
and mixed date orders: each is refused with a clear error or loaded safely, and the store holds
either the whole file or nothing of it.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.ingest.batches import Agency, IngestError, load_file
from threadline.ingest.mapping import Mapping, MappingError, load_mapping
from threadline.ingest.readers import MAX_CELL, ReadError, read_rows
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent / "fixtures"
AGENCY = Agency("testforce")


@pytest.fixture
def mapping() -> Mapping:
    return load_mapping(FIXTURES / "intel.yaml")


def records(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one())


def attempt(store: Store, path: Path, mapping: Mapping) -> str:
    """Load and say what happened; anything but a clear refusal or a load is a failure."""
    try:
        return load_file(store, path, mapping, AGENCY).status
    except (IngestError, MappingError) as exc:
        assert "Traceback" not in str(exc)
        return "refused"


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash_the_csv_reader(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    try:
        for row in read_rows(path, "csv", {}):
            assert isinstance(row.values, dict)
    except ReadError:
        pass


@FUZZ
@given(data=st.binary(min_size=1, max_size=3000))
def test_random_bytes_never_crash_the_workbook_reader(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(data)
    with pytest.raises(ReadError):
        list(read_rows(path, "xlsx", {}))


def test_random_bytes_appended_to_a_file_write_nothing(
    store: Store, tmp_path: Path, mapping: Mapping
) -> None:
    path = tmp_path / "intel.csv"
    path.write_bytes((FIXTURES / "intel.csv").read_bytes() + bytes(range(256)) * 4)
    assert attempt(store, path, mapping) in ("rejected", "refused")
    assert records(store) == 0


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["urn", "name"])
    for i in range(200):
        sheet.append([f"R{i}", f"Person {i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_workbooks_are_refused(tmp_path: Path, cut: float) -> None:
    data = workbook_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ReadError, match=r"not a valid workbook|not a readable workbook"):
        list(read_rows(path, "xlsx", {}))


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/padding.bin", b"\0" * 50_000_000)
    with pytest.raises(ReadError, match="expands"):
        list(read_rows(path, "xlsx", {}))


def test_billion_laughs_in_a_workbook_is_not_expanded(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    path = tmp_path / "laughs.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/sharedStrings.xml":
                data = laughs.encode()
            out.writestr(item, data)
    try:
        got = list(read_rows(path, "xlsx", {}))
    except ReadError:
        return
    longest = max((len(v) for r in got for v in r.values.values()), default=0)
    assert longest < 10_000, "entities must not be expanded"


def test_ten_megabyte_cell_is_a_row_error(store: Store, tmp_path: Path, mapping: Mapping) -> None:
    path = tmp_path / "intel.csv"
    text = (FIXTURES / "intel.csv").read_text()
    big = "A" * (10 * 1024 * 1024)
    path.write_text(text + f"IR0099,08/09/2025,2,B,P,,OFFICIAL,X,Y,,victim,,,,{big}\n")
    result = load_file(store, path, mapping, AGENCY)
    assert result.status == "rejected"
    assert f"cell over {MAX_CELL:,} characters" in result.errors[0]
    assert records(store) == 0


def test_wrong_declared_encoding_is_a_clear_refusal(
    store: Store, tmp_path: Path, mapping: Mapping
) -> None:
    path = tmp_path / "intel.csv"
    path.write_bytes((FIXTURES / "intel.csv").read_text().replace("Lan", "Lân").encode("utf-16"))
    forced = Mapping(**{**mapping.__dict__, "options": {"encoding": "ascii"}})
    with pytest.raises(IngestError, match="cannot decode"):
        load_file(store, path, forced, AGENCY)
    assert records(store) == 0


def test_mixed_date_orders_are_kept_and_reported(
    store: Store, tmp_path: Path, mapping: Mapping
) -> None:
    path = tmp_path / "intel.csv"
    shutil.copy(FIXTURES / "intel.csv", path)
    with path.open("a") as fh:
        fh.write("IR0101,08/09/2025,2,B,P,,OFFICIAL,A,B,12/25/1990,victim,,,,\n")
        fh.write("IR0102,08/09/2025,2,B,P,,OFFICIAL,A,B,1990-12-25,victim,,,,\n")
        fh.write("IR0103,08/09/2025,2,B,P,,OFFICIAL,A,B,25 Dec 1990,victim,,,,\n")
    assert load_file(store, path, mapping, AGENCY).status == "loaded"
    with store.connect() as conn:
        got = {
            original: (value, flags)
            for original, value, flags in conn.execute(
                sa.select(
                    t.statements.c.original_value, t.statements.c.value, t.statements.c.flags
                ).where(t.statements.c.prop == "birthDate")
            )
        }
        warnings = conn.execute(
            sa.select(t.records.c.warnings).where(t.records.c.record_key == "IR0101")
        ).scalar_one()
    assert got["1990-12-25"][0] == got["25 Dec 1990"][0] == "1990-12-25"
    # Month-first in a day-first source is read the only way it can be, flagged and reported.
    assert got["12/25/1990"] == ("1990-12-25", ["order_corrected"])
    assert any("day and month the other way round" in w for w in warnings)
