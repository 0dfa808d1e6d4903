"""Older and open workbook formats: Excel 97-2003 (.xls) and OpenDocument (.ods).

Both are read by python-calamine, like .xlsx. The .xls file is a fixture (made once with
xlwt: scripts/fixtures/make_xls.py); the .ods file is built here, since an OpenDocument
spreadsheet is a zip of XML parts that the standard library can write.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from threadline.ingest.readers import ReadError, read_rows

FIXTURES = Path(__file__).parent / "fixtures"

OCCUPANTS = [
    {
        "Occupant": "Lan NGUYEN",
        "Date of birth": "1999-03-14",
        "Phone": "07700 900123",
        "Address": "Flat 2, 10 High St, Boston PE21 8AA",
    },
    {
        "Occupant": "Ardit Hoxha",
        "Date of birth": "1988-11-02",
        "Phone": "+44 7700 900456",
        "Address": "10A High Street, Boston",
    },
    {"Occupant": '=HYPERLINK("http://example.invalid")', "Date of birth": "", "Phone": "",
     "Address": ""},
]  # fmt: skip


def test_xls_sheets_header_detection_and_dates() -> None:
    path = FIXTURES / "occupants.xls"
    found = list(read_rows(path, "xls", {"sheet": "Occupants"}))
    assert [{k: v for k, v in r.values.items() if k != "_sheet"} for r in found] == OCCUPANTS
    assert [r.location for r in found] == [f"sheet 'Occupants' row {n}" for n in (4, 5, 6)]
    everything = list(read_rows(path, "xls", {}))
    assert {r.values["_sheet"] for r in everything} == {"Occupants"}, "the cover has no data"
    with pytest.raises(ReadError, match="no sheet 'Payroll'"):
        list(read_rows(path, "xls", {"sheet": "Payroll"}))


def _cell(value: str) -> str:
    if value.startswith("date:"):
        day = value.removeprefix("date:")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day}">'
            f"<text:p>{day}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(value)}</text:p></table:table-cell>"
    )


def write_ods(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    """A minimal OpenDocument spreadsheet: each sheet a list of rows of text or 'date:ISO'."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def test_ods_sheets_header_detection_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "occupants.ods"
    header = list(OCCUPANTS[0])
    body = [
        [r["Occupant"], f"date:{r['Date of birth']}" if r["Date of birth"] else "", r["Phone"],
         r["Address"]]
        for r in OCCUPANTS
    ]  # fmt: skip
    write_ods(
        path,
        {
            "Cover": [["Council HMO inspection export (synthetic)"]],
            "Occupants": [["Licensing team: occupants found on inspection"], [], header, *body],
        },
    )
    found = list(read_rows(path, "ods", {"sheet": "Occupants"}))
    assert [{k: v for k, v in r.values.items() if k != "_sheet"} for r in found] == OCCUPANTS
    assert found[0].location == "sheet 'Occupants' row 4"


def test_a_damaged_ods_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "cut.ods"
    write_ods(path, {"Sheet1": [["a"], ["b"]]})
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ReadError, match=r"cut\.ods"):
        list(read_rows(path, "ods", {}))
