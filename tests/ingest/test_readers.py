"""Readers: encodings, delimiters, quoted newlines, workbooks, JSON paths, FtM and free text."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from threadline.ingest.readers import ReadError, Row, detect_encoding, read_rows


def rows(path: Path, fmt: str, **options: object) -> list[Row]:
    return list(read_rows(path, fmt, dict(options)))


ENCODINGS = [
    # how the file is encoded, what detection must say
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("cp1252", "cp1252"),
    ("latin-1", "latin-1"),
]


@pytest.mark.parametrize(("encoding", "detected"), ENCODINGS)
def test_encoding_detection(tmp_path: Path, encoding: str, detected: str) -> None:
    # An en dash is in cp1252 but not in latin-1; byte 0x81 is in latin-1 but not in cp1252.
    name = "Zoë Brontë \u2013 café" if encoding != "latin-1" else "Zoë Brontë café \x81"
    path = tmp_path / "people.csv"
    path.write_bytes(f"id,name\n1,{name}\n".encode(encoding))
    assert detect_encoding(path) == detected
    (row,) = rows(path, "csv")
    assert row.values == {"id": "1", "name": name}


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(delimiter.join(["id", "name", "town"]) + "\n" +
                    delimiter.join(["1", "Lan Nguyen", "Hull"]) + "\n")  # fmt: skip
    assert rows(path, "csv")[0].values == {"id": "1", "name": "Lan Nguyen", "town": "Hull"}


def test_quoted_newlines_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,note\n1,"two\nlines"\n2,plain\n')
    got = rows(path, "csv")
    assert [(r.number, r.values["note"]) for r in got] == [(2, "two\nlines"), (4, "plain")]


def test_ragged_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    got = rows(path, "csv")
    assert [r.error for r in got] == [
        None,
        "expected 3 fields, found 2 (ragged row)",
        "expected 3 fields, found 4 (ragged row)",
    ]


def test_workbook_sheets_and_header_detection(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "HMO inspections"
    first.append(["Northshire Council: HMO inspections (synthetic)"])
    first.append([])
    first.append(["ref", "address", "occupants", "inspected"])
    first.append(["H1", "10 Mill Street", 9, "2025-03-01"])
    second = book.create_sheet("Occupants")
    second.append(["ref", "name"])
    second.append(["H1", "Ardit Hoxha"])
    path = tmp_path / "la.xlsx"
    book.save(path)
    all_rows = rows(path, "xlsx")
    assert [(r.values["_sheet"], r.values["ref"]) for r in all_rows] == [
        ("HMO inspections", "H1"),
        ("Occupants", "H1"),
    ]
    assert all_rows[0].values["occupants"] == "9"
    assert all_rows[0].location == "sheet 'HMO inspections' row 4"
    only = rows(path, "xlsx", sheet="Occupants")
    assert [r.values["name"] for r in only] == ["Ardit Hoxha"]
    with pytest.raises(ReadError, match="no sheet 'Payroll'"):
        rows(path, "xlsx", sheet="Payroll")


def test_json_nested_paths(tmp_path: Path) -> None:
    path = tmp_path / "enc.json"
    path.write_text(json.dumps({"encounters": [
        {"id": "E1", "person": {"names": {"given": "Lan"}, "documents": [{"number": "X1"}]}},
        {"id": "E2", "person": {"names": {"given": "Minh"}}},
    ]}))  # fmt: skip
    got = rows(path, "json", records="encounters")
    assert got[0].values["person.names.given"] == "Lan"
    assert got[0].values["person.documents.0.number"] == "X1"
    assert got[1].location == "item 2"


def test_json_lists_stream_one_item_at_a_time(tmp_path: Path) -> None:
    """A list is read item by item: the items before a fault in the document have been read
    (and the fault is named after them), which a whole-document read could not do."""
    path = tmp_path / "big.json"
    people = ", ".join(json.dumps({"id": f"P{n}", "score": n / 2}) for n in range(20_000))
    path.write_text(f'{{"meta": {{"n": 3}}, "people": [{people}, ]}}')
    read = read_rows(path, "json", {"records": "people"})
    assert next(read).values == {"id": "P0", "score": "0.0"}
    assert next(read).values == {"id": "P1", "score": "0.5"}
    seen = 2
    with pytest.raises(ReadError, match=r"not valid JSON after item (\d+)") as fault:
        for seen, _ in enumerate(read, start=3):  # noqa: B007  (the count is the point)
            pass
    assert seen == 20_000 and "after item 20000 " in str(fault.value)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ('[{"id": "A"}, {"id": "B"}]', {}, ["A", "B"]),
        ("[]", {}, []),
        ('{"id": "A"}', {}, ["A"]),  # one object is one record
        ('{"data": {"rows": [{"id": "A"}]}}', {"records": "data.rows"}, ["A"]),
        ('{"data": {"rows": {"id": "A"}}}', {"records": "data.rows"}, ["A"]),
    ],
)
def test_json_shapes(
    tmp_path: Path, text: str, options: dict[str, object], expected: list[str]
) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    assert [r.values["id"] for r in rows(path, "json", **options)] == expected


def test_json_faults_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"data": [{"id": "A"}]}')
    with pytest.raises(ReadError, match="no 'rows' in the JSON document"):
        rows(path, "json", records="rows")
    path.write_text('[\n{"id": "A",\n"name" "Lan"}]')
    with pytest.raises(ReadError, match="line 3: not valid JSON"):
        rows(path, "json")
    path.write_bytes('[{"id": "A", "name": "Zoë Brontë \u2013 café"}]'.encode("cp1252"))
    assert rows(path, "json")[0].values["name"] == "Zoë Brontë \u2013 café"


def test_json_lines_report_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": 1}\n{"id": \n[1, 2]\n')
    got = rows(path, "jsonl")
    assert got[0].values == {"id": "1"}
    assert got[1].error is not None and got[1].error.startswith("not valid JSON")
    assert got[2].error == "a record must be a JSON object"


def test_text_folder(tmp_path: Path) -> None:
    (tmp_path / "CALL-00002.txt").write_text("Caller reports a phone 07700 900123.")
    (tmp_path / "CALL-00001.txt").write_bytes("Café owner called.".encode("cp1252"))
    got = rows(tmp_path, "text")
    assert [(r.values["file"], r.values["text"][:4]) for r in got] == [
        ("CALL-00001", "Café"),
        ("CALL-00002", "Call"),
    ]
