"""Hostile input never crashes the loader, exhausts memory or corrupts the store.

Random bytes, truncated workbooks, zip bombs, billion-laughs XML, 10 MB cells, wrong encodings
and mixed date orders: each is refused with a clear error or loaded safely, and the store holds
either the whole file or nothing of it. Below them, one test per finding of issue 15 (bounded
hostile input), each building the attack's shape small, with the limit lowered where needed:
shared strings referred to thousands of times, JSON nested 10,000 deep, YAML alias bombs, NUL
bytes and lone surrogates, malformed CSV lines, terminal escapes echoed back, paths that leave
the delivery folder.
"""

from __future__ import annotations

import io
import json
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline import safe_yaml
from threadline.errors import ThreadlineError
from threadline.ingest import _jsonstream, _workbook, readers
from threadline.ingest.batches import Agency, IngestError, OnError, load_file
from threadline.ingest.deliveries import ingest_folder
from threadline.ingest.mapping import Mapping, MappingError, load_mapping
from threadline.ingest.readers import MAX_CELL, ReadError, read_rows
from threadline.ingest.sources import PACKAGED_MAPPINGS, find_mapping, read_sources
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


# -- workbooks: shared strings ------------------------------------------------------------------

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def shared_workbook(path: Path, strings: list[str], rows: list[list[int]], cell: str = "") -> None:
    """A minimal .xlsx whose cells all refer to shared strings, written as `cell` says (a
    format string of the index; by default as spreadsheet programs write it)."""
    cell = cell or '<c t="s"><v>{}</v></c>'
    sheet = "".join(f"<row>{''.join(cell.format(i) for i in row)}</row>" for row in rows)
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="r1" Type="{DOC}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {MAIN} xmlns:r="{DOC}"><sheets><sheet name="S" '
        'sheetId="1" r:id="r1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="r1" '
        f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="r2" '
        f'Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f"<sst {MAIN}>{items}</sst>",
        "xl/worksheets/sheet1.xml": f"<worksheet {MAIN}><sheetData>{sheet}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in parts.items():
            out.writestr(name, text)


def test_a_workbook_of_ordinary_shared_strings_is_read(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    names = ["urn", "name", *(f"R{i}" for i in range(50)), *(f"Person {i}" for i in range(50))]
    shared_workbook(path, names, [[0, 1], *([2 + i, 52 + i] for i in range(50))])
    got = list(read_rows(path, "xlsx", {"header_row": 1}))
    assert [r.values["name"] for r in got[:2]] == ["Person 0", "Person 1"] and len(got) == 50


@pytest.mark.parametrize(
    "cell",
    [
        '<c t="s"><v>{}</v></c>',  # as Excel writes it
        "<c t='s'><v>{}</v></c>",  # other quotes: counted by the full XML parse
        '<c t = "s"><v> {} </v></c>',
        '<c t="s"><v><![CDATA[{}]]></v></c>',
        '<c t="&#115;"><f>x</f><v>{}</v></c>',
    ],
)
def test_a_shared_string_referred_to_thousands_of_times_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    # The finding: 27 KB, one long string, 6,000 cells referring to it, 3.6 GB once read. The
    # same shape, with the limit lowered so that the test stays small.
    monkeypatch.setattr(_workbook, "MAX_EXPANDED", 1_000_000)
    path = tmp_path / "amplified.xlsx"
    shared_workbook(path, ["A" * 10_000], [[0] * 10] * 600, cell)
    assert path.stat().st_size < 20_000
    with pytest.raises(ReadError, match="would expand the shared strings to over 1,000,000"):
        list(read_rows(path, "xlsx", {}))


def test_shared_strings_are_capped_in_number_and_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "many.xlsx"
    shared_workbook(path, [f"s{i}" for i in range(101)], [[0]])
    monkeypatch.setattr(_workbook, "MAX_SHARED_STRINGS", 100)
    with pytest.raises(ReadError, match="over 100 shared strings"):
        list(read_rows(path, "xlsx", {}))
    monkeypatch.setattr(_workbook, "MAX_SHARED_STRINGS", 1000)
    monkeypatch.setattr(_workbook, "MAX_SHARED_TEXT", 200)
    with pytest.raises(ReadError, match="shared strings hold over 200 characters"):
        list(read_rows(path, "xlsx", {}))


# -- JSON: depth and size ----------------------------------------------------------------------

JSON_MAPPING = """\
mapping: test_json
version: "1"
agency: testforce
format: {format}
key: id
record:
  grading: {{scheme: 3x5x2, source: "2", information: "C", handling: "P",
             reason: "test rows"}}
  marking: OFFICIAL
  retention_group: other
entities:
  subject:
    schema: Person
    properties:
      name: {{column: name}}
"""


def json_mapping(tmp_path: Path, fmt: str = "json") -> Mapping:
    path = tmp_path / f"{fmt}.yaml"
    path.write_text(JSON_MAPPING.format(format=fmt))
    return load_mapping(path)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_ten_thousand_deep_is_refused_naming_the_item(
    store: Store, tmp_path: Path
) -> None:
    # It ended in a RecursionError traceback.
    path = tmp_path / "deep.json"
    path.write_text(
        f'[{{"id": "P1", "name": "Lan"}}, {{"id": "P2", "name": {nested(10_000)}}},'
        ' {"id": "P3", "name": "Minh"}]'
    )
    with pytest.raises(IngestError, match=r"deep\.json: item 2 is nested more than 256 levels"):
        load_file(store, path, json_mapping(tmp_path), AGENCY, on_error="skip")
    assert records(store) == 0
    path.write_text(json.dumps({"meta": [[1]], "people": [{"id": "P1"}, {"id": [[[[[]]]]]}]})
        .replace("[[[[[]]]]]", nested(300)))  # fmt: skip
    with pytest.raises(ReadError, match="item 2 is nested"):
        list(read_rows(path, "json", {"records": "people"}))


def test_json_nested_deeper_than_a_record_may_be_is_a_row_error(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(
        f'[{{"id": "P1", "name": "Lan"}}, {{"id": "P2", "name": {nested(40)}}},'
        ' {"id": "P3", "name": "Minh"}]'
    )
    result = load_file(store, path, json_mapping(tmp_path), AGENCY, on_error="skip")
    assert (result.status, result.records_written, result.rows_rejected) == ("loaded", 2, 1)
    assert result.errors == ["deep.json:2: nested more than 32 levels deep"]


def test_json_nested_a_hundred_thousand_deep_takes_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "deeper.json"
    path.write_text(f'[{{"id": "P1", "name": {nested(100_000)}}}]')
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="item 1 is nested more than 256 levels deep"):
            list(read_rows(path, "json", {}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16_000_000  # it took over 2.6 GB


def json_values(depth: int) -> st.SearchStrategy[object]:
    """JSON values nested up to `depth`, with strings full of brackets, quotes and escapes."""
    text = st.text(alphabet='[]{}"\\ aé\u2028', max_size=8)
    leaf = st.none() | st.booleans() | st.integers() | text
    return st.recursive(
        leaf,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=20,
    ).filter(lambda v: _depth(v) <= depth)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@FUZZ
@given(value=json_values(8), ascii_only=st.booleans(), cuts=st.lists(st.integers(1, 50)))
def test_the_stream_follows_nesting_through_strings_and_escapes(
    value: object, ascii_only: bool, cuts: list[int]
) -> None:
    """The stream's gauge of nesting agrees with the document however it is cut in chunks."""
    data = json.dumps([value], ensure_ascii=ascii_only).encode()
    deepest = 1 + _depth(value)
    for limit, refused in ((deepest, False), (deepest - 1, True)):
        gauge = _jsonstream._Nesting()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_jsonstream, "MAX_NESTING", limit)
            start, past = 0, None
            for cut in [*cuts, len(data)]:
                past = gauge.feed(data[start : start + cut])
                if past is not None:
                    # The bytes before the offset stay within the limit; the one at it does not.
                    assert data[start + past] in b"[{" and refused
                    break
                start += cut
        assert refused == (past is not None)
        if not refused:
            assert (gauge.depth, gauge.in_string, gauge.escaped) == (0, False, False)


def test_a_json_item_over_the_limit_is_refused_before_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_JSON_ITEM", 10_000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": "P1"}, {"id": "P2", "name": "A" * 100_000}]))
    with pytest.raises(ReadError, match=r"big\.json: item 2 is over 10,000 bytes"):
        list(read_rows(path, "json", {}))
    path.write_text(json.dumps({"id": "P1", "name": "A" * 100_000}))  # read whole
    with pytest.raises(ReadError, match="over 10,000 bytes to read as one record"):
        list(read_rows(path, "json", {}))


def test_json_lines_too_long_or_too_deep_are_row_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_JSON_ITEM", 10_000)
    path = tmp_path / "x.jsonl"
    deep_record = '{"id": "P4", "name": {"a": ' + nested(40) + "}}"
    lines = ['{"id": "P1"}', json.dumps({"id": "P2", "name": "A" * 50_000}), nested(3_000),
             deep_record, '{"id": "P5"}']  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    got = [(r.number, r.values.get("id"), r.error) for r in read_rows(path, "jsonl", {})]
    assert got == [
        (1, "P1", None),
        (2, None, "not valid JSON (line over 10,000 characters)"),
        (3, None, "not valid JSON (nested more than 32 levels deep)"),
        (4, None, "nested more than 32 levels deep"),
        (5, "P5", None),
    ]


# -- YAML: aliases, nesting, size --------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs in YAML: each level lists the one before nine times."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_a_mapping_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text((FIXTURES / "intel.yaml").read_text() + "options:\n  x:\n" + "".join(
        f"    {line}\n" for line in alias_bomb().splitlines()
    ))  # fmt: skip
    started = time.perf_counter()
    with pytest.raises(MappingError, match=r"bomb\.yaml:\d+: not valid YAML: aliases \(\*l0\)"):
        load_mapping(path)
    assert time.perf_counter() - started < 1  # it ran 25 s into a MemoryError


def test_a_yaml_alias_bomb_in_sources_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(alias_bomb() + "sources: *l9\n")
    with pytest.raises(
        ThreadlineError, match=r"sources\.yaml:2: not valid YAML \(aliases \(\*l0\)"
    ):
        read_sources(tmp_path)


def test_deep_or_large_yaml_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("mapping: " + nested(10_000) + "\n")
    with pytest.raises(MappingError, match="nested more than 50 levels deep"):
        load_mapping(path)
    monkeypatch.setattr(safe_yaml, "MAX_BYTES", 100)
    (tmp_path / "sources.yaml").write_text("sources: []\n" + "#" * 200)
    with pytest.raises(ThreadlineError, match="over 100 bytes: not read"):
        read_sources(tmp_path)


# -- cells that cannot be stored ----------------------------------------------------------------


@pytest.mark.parametrize("on_error", ["skip", "reject"])
def test_a_nul_byte_in_a_cell_is_a_row_error_on_both_databases(
    store: Store, tmp_path: Path, mapping: Mapping, on_error: OnError
) -> None:
    path = tmp_path / "intel.csv"
    path.write_text(
        (FIXTURES / "intel.csv").read_text()
        + "IR0004,08/09/2025,2,B,P,,OFFICIAL,NG\x00UYEN,Lan,,victim,,,,\n"
        + "IR0005,08/09/2025,2,B,P,,OFFICIAL,TRAN,Minh,,victim,,,,\n"
    )
    result = load_file(store, path, mapping, AGENCY, on_error=on_error)
    assert result.errors == ["intel.csv:5:surname: cannot be stored: it holds a NUL character "
                             "(U+0000)"]  # fmt: skip
    if on_error == "skip":
        assert (result.status, result.records_written, result.rows_rejected) == ("loaded", 4, 1)
        assert result.rejects_path is not None and "NUL" in Path(result.rejects_path).read_text()
    else:
        assert result.status == "rejected" and records(store) == 0


def test_a_lone_surrogate_in_json_is_a_row_error_on_both_databases(
    store: Store, tmp_path: Path
) -> None:
    # json.loads (JSON Lines, FtM) keeps a lone surrogate escape as it is; ijson makes it '?'.
    path = tmp_path / "people.jsonl"
    path.write_text('{"id": "P1", "name": "Lan"}\n{"id": "P2", "name": "Mi\\ud800nh"}\n')
    result = load_file(store, path, json_mapping(tmp_path, "jsonl"), AGENCY, on_error="skip")
    assert (result.status, result.records_written, result.rows_rejected) == ("loaded", 1, 1)
    assert result.errors == [
        "people.jsonl:2:name: cannot be stored: it holds a lone surrogate (U+D800), not a character"
    ]


# -- malformed CSV lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        'IR0004,"08/09/2025"x,2,B,P,,OFFICIAL,X,Y,,victim,,,,',  # a stray quote
        'IR0004,"08/09/2025,2,B,P,,OFFICIAL,X,Y,,victim,,,,',  # a quote never closed
    ],
)
def test_a_malformed_csv_line_is_rejected_alone_and_the_rows_after_it_load(
    store: Store, tmp_path: Path, mapping: Mapping, bad: str
) -> None:
    path = tmp_path / "intel.csv"
    after = "".join(f"IR00{n},08/09/2025,2,B,P,,OFFICIAL,TRAN,Minh,,victim,,,,\n" for n in (10, 11))
    path.write_text((FIXTURES / "intel.csv").read_text() + bad + "\n" + after)
    result = load_file(store, path, mapping, AGENCY, on_error="skip")
    assert (result.status, result.records_written, result.rows_rejected) == ("loaded", 5, 1)
    assert result.errors[0].startswith("intel.csv:5: ")
    with store.connect() as conn:
        keys = set(conn.execute(sa.select(t.records.c.record_key)).scalars())
    assert {"IR0010", "IR0011"} <= keys


def test_too_many_broken_quotes_refuse_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_BROKEN", 2)
    path = tmp_path / "quotes.csv"
    path.write_text("a,b\n" + 'x,"open\ny,2\nz,"shut"x\n' * 3)
    with pytest.raises(ReadError, match=r"over 2 malformed rows .* the quoting is broken"):
        list(read_rows(path, "csv", {}))


def test_an_overlong_line_is_read_past_not_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_ROW", 2_000)
    path = tmp_path / "long.csv"
    path.write_text("urn,name\nR1,Lan\nR2," + "A" * 10_000 + "\nR3,Minh\n")
    got = [(r.number, r.values.get("urn"), r.error) for r in read_rows(path, "csv", {})]
    assert got == [(2, "R1", None), (3, None, "row over 2,000 characters"), (4, "R3", None)]


# -- what is echoed back ------------------------------------------------------------------------


def test_a_column_name_echoed_in_an_error_carries_no_terminal_escape(
    tmp_path: Path, store: Store, mapping: Mapping
) -> None:
    path = tmp_path / "intel.csv"
    text = (FIXTURES / "intel.csv").read_text().replace("urn,", "urn\x1b[2J\x9b31m,", 1)
    path.write_text(text)
    with pytest.raises(MappingError) as caught:
        load_file(store, path, mapping, AGENCY)
    assert "urn\\x1b[2J\\x9b31m" in str(caught.value)
    assert not any(c in str(caught.value) for c in "\x1b\x9b")


def test_warnings_stored_and_shown_carry_no_terminal_escape(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm"
    entity = {
        "id": "p1",
        "schema": "Person",
        "properties": {"name": ["Lan"], "x\x1b]0;pwned\x07": ["1"]},
    }
    path.write_text(json.dumps(entity) + "\n")
    load_file(store, path, load_mapping(FIXTURES / "ftm.yaml"), Agency("testngo"))
    with store.connect() as conn:
        (warnings,) = conn.execute(sa.select(t.records.c.warnings)).scalars()
    assert warnings == ["properties.x\\x1b]0;pwned\\x07: not a property of Person; kept as text"]


# -- paths: text patterns, sources.yaml ---------------------------------------------------------


def delivery(tmp_path: Path, pattern: str) -> Path:
    """A delivery folder whose text source's mapping (in its own mappings/) reads `pattern`,
    beside a secret file outside it."""
    (tmp_path / "secret-notes.txt").write_text("SECRET outside the delivery\n")
    folder = tmp_path / "delivery"
    (folder / "hotline").mkdir(parents=True)
    (folder / "hotline" / "call1.txt").write_text("Caller saw a van, AB12 CDE.\n")
    (folder / "mappings").mkdir()
    text = (PACKAGED_MAPPINGS / "charity_hotline.yaml").read_text()
    (folder / "mappings" / "calls.yaml").write_text(
        text.replace('pattern: "*.txt"', f"pattern: {json.dumps(pattern)}")
    )
    (folder / "sources.yaml").write_text(
        "sources:\n  - {file: hotline, agency: charity, mapping: calls, format: text}\n"
    )
    return folder


@pytest.mark.parametrize("pattern", ["../../secret*", "../../../../../etc/passw*", "/etc/passw*"])
def test_a_text_pattern_cannot_leave_the_delivery(
    store: Store, tmp_path: Path, pattern: str
) -> None:
    # It loaded /etc/passwd as two records. The mapping is refused, naming its line...
    folder = delivery(tmp_path, pattern)
    with pytest.raises(MappingError, match=r"calls\.yaml:\d+: pattern .* leaves the folder"):
        ingest_folder(store, folder, on_error="skip")
    assert records(store) == 0
    # ... and the reader refuses it too, whatever made the options.
    with pytest.raises(ReadError, match="leaves the folder it must stay in"):
        list(read_rows(folder / "hotline", "text", {"pattern": pattern}))


def test_a_text_file_reached_through_a_link_is_not_read(store: Store, tmp_path: Path) -> None:
    folder = delivery(tmp_path, "*.txt")
    (folder / "hotline" / "call2.txt").symlink_to(tmp_path / "secret-notes.txt")
    (result,) = ingest_folder(store, folder, on_error="skip")
    assert (result.records_written, result.rows_rejected) == (1, 1)
    assert "symbolic link" in result.errors[0]
    with store.connect() as conn:
        raw = " ".join(str(r) for r in conn.execute(sa.select(t.records.c.raw)).scalars())
    assert "SECRET" not in raw and "van" in raw


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{file: ../outside.csv, mapping: intel}", "leaves the folder"),
        ("{file: link.csv, mapping: intel}", "symbolic link"),
        ("{file: linked/intel.csv, mapping: intel}", "symbolic link"),
        ("{file: intel.csv, mapping: ../evil.yaml}", "leaves the folder"),
        ("{file: intel.csv, mapping: /tmp/evil.yaml}", "leaves the folder"),
        ("{file: intel.csv, mapping: '../../evil'}", "leaves the folder"),
        ("{file: intel.csv, mapping: 'evil name'}", "give a name"),
        ('{file: intel.csv, mapping: intel, agency: "testforce\\n"}', "agency code"),
        ("{file: intel.csv, mapping: intel, agency: Met}", "agency code"),
    ],
)
def test_sources_yaml_stays_in_its_folder(tmp_path: Path, entry: str, message: str) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    (tmp_path / "outside.csv").write_text("urn\n")
    (folder / "intel.csv").write_text("urn\n")
    (folder / "link.csv").symlink_to(tmp_path / "outside.csv")
    (folder / "linked").symlink_to(folder)
    (folder / "sources.yaml").write_text(f"sources:\n  - {entry}\n")
    with pytest.raises(ThreadlineError, match=message) as caught:
        read_sources(folder)
    assert "source 1" in str(caught.value)


def test_a_mapping_found_by_name_is_never_a_link(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "intel.yaml").symlink_to(FIXTURES / "intel.yaml")
    with pytest.raises(ThreadlineError, match="symbolic link"):
        find_mapping("intel", tmp_path)
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - {file: intel.csv, mapping: mappings/own.yaml}\n"
    )
    shutil.copy(FIXTURES / "intel.yaml", tmp_path / "mappings" / "own.yaml")
    (entry,) = read_sources(tmp_path)
    assert find_mapping(entry.mapping, tmp_path).name == "test_intel"


def test_an_agency_code_with_a_trailing_newline_is_refused(
    store: Store, tmp_path: Path, mapping: Mapping
) -> None:
    with pytest.raises(IngestError, match=r"agency code 'testforce\\n'"):
        load_file(store, FIXTURES / "intel.csv", mapping, Agency("testforce\n"))
    path = tmp_path / "intel.yaml"
    path.write_text((FIXTURES / "intel.yaml").read_text().replace("testforce", '"testforce\\n"'))
    with pytest.raises(MappingError, match=r"intel\.yaml:4: agency code 'testforce\\n'"):
        load_mapping(path)
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.agencies)).scalar() == 0
