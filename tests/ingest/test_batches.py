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
from threadline.security import Actor, erase_record, transaction
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
    # Three subjects, and the man IR0001's narrative names ("a man called Tran Van Hung").
    assert result.counts["Person"] == 4 and result.counts["Address"] == 2
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
    assert result.records_written == 3 and result.counts["Person"] == 4
    assert count(store, t.records) == 0 and count(store, t.agencies) == 0


def test_corrupted_csv_is_refused_naming_the_line(store: Store, intel: Path, load: Load) -> None:
    with intel.open("ab") as fh:
        fh.write(b'x,"unterminated\n\x00\x01 garbage\n')
    result = load(intel)
    assert result.status == "rejected"
    # The unterminated quote is rejected on its own line; the line after it is read again.
    assert result.errors[0].startswith("intel.csv:5: a quoted field is never closed")
    assert result.errors[1].startswith("intel.csv:6: ")
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


# -- newer exports: changed rows ---------------------------------------------------------------

SUBJECT = "testforce/test_intel:IR0001:subject"


def stated(store: Store, mention: str, prop: str) -> list[tuple[str, int]]:
    """(value, record version) of a mention's statements of `prop`, in the order written."""
    s, r = t.statements.c, t.records.c
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(s.value, r.version)
            .join(t.records, r.id == s.record_id)
            .where(s.mention_id == mention, s.prop == prop)
            .order_by(s.id)
        ).all()
    return [(str(value), int(version)) for value, version in rows]


def test_a_changed_row_loads_as_an_alteration(store: Store, intel: Path, load: Load) -> None:
    first = load(intel)
    text = intel.read_text().replace("07700 900123", "07700 900999")
    intel.write_text(text.replace("OFFICIAL,NGUYEN", "OFFICIAL-SENSITIVE,NGUYEN"))
    second = load(intel)
    assert (second.status, second.records_written, second.records_altered) == ("loaded", 0, 1)
    assert second.already_held == 2, "the unchanged rows are held"
    with store.connect() as conn:
        versions = conn.execute(
            sa.select(t.records.c.version, t.records.c.batch_id, t.records.c.marking)
            .where(t.records.c.record_key == "IR0001")
            .order_by(t.records.c.version)
        ).all()
    assert [tuple(v) for v in versions] == [
        (1, first.batch_id, "OFFICIAL"),
        (2, second.batch_id, "OFFICIAL-SENSITIVE"),
    ], "the first version stays as it was; the new one carries the export's own marking"
    # The changed value is stated by the new version, on the same mention; the values that did
    # not change are not stated again.
    assert stated(store, SUBJECT, "phone") == [("+447700900123", 1), ("+447700900999", 2)]
    assert stated(store, SUBJECT, "name") == [("Thi Lan Nguyen", 1)]
    (batch, _) = list_batches(store)
    assert (batch["records_written"], batch["records_altered"]) == (0, 1)

    assert load(intel).status == "already_loaded"
    assert second.batch_id is not None
    with store.connect() as conn:
        removed = rollback_batch(conn, second.batch_id)
    assert removed["records"] == 1
    assert stated(store, SUBJECT, "phone") == [("+447700900123", 1)]
    again = load(intel)
    assert (again.records_written, again.records_altered, again.already_held) == (0, 1, 2)


def test_an_alteration_is_audited_beside_the_collection(
    store: Store, intel: Path, local: Actor
) -> None:
    from threadline.ingest.deliveries import collector

    actor = local
    mapping = load_mapping(FIXTURES / "intel.yaml")

    def load(path: Path) -> BatchResult:
        return load_file(store, path, mapping, Agency("local"), today=TODAY,
                         user_id=actor.user_id, audit=collector(actor))  # fmt: skip

    load(intel)
    intel.write_text(intel.read_text().replace("03/04/1998", "04/03/1998"))
    with intel.open("a") as fh:
        fh.write("IR0004,08/09/2025,2,C,P,,OFFICIAL,ALI,Mohammed,01/01/1990,associate,,,,\n")
    result = load(intel)
    assert (result.records_written, result.records_altered) == (1, 1)
    e = t.audit_events.c
    with store.connect() as conn:
        events = conn.execute(
            sa.select(e.action, e.detail).where(e.operation == "ingest.batch").order_by(e.id)
        ).all()
    assert [action for action, _ in events] == ["collection", "collection", "alteration"]
    assert events[2][1]["batch"] == result.batch_id and events[2][1]["altered"] == 1


# -- large loads -------------------------------------------------------------------------------


def test_a_large_load_builds_its_indexes_after_its_rows(
    store: Store, intel: Path, load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load that would at least double the store drops the record tables' secondary indexes
    (and on PostgreSQL the foreign keys among them) and builds them again before it commits;
    it writes what a row-by-row load writes, and a refused one leaves the schema as it was."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import threadline.ingest.batches as batches
    from threadline.store.partitions import schema_filter

    def schema_diff() -> list[object]:
        with store.connect() as conn:
            opts = {"compare_type": True, "include_object": schema_filter(conn)}
            context = MigrationContext.configure(conn, opts=opts)
            return list(compare_metadata(context, t.metadata))

    monkeypatch.setattr(batches, "BULK_ROWS", 1)
    monkeypatch.setattr(batches, "ANALYZE_ROWS", 1)
    bad = intel.with_name("bad.csv")
    bad.write_text(intel.read_text() + "IR0009,08/09/2025,1,A,P,,OFFICIAL,X,Y,,boss,,,,\n")
    assert load(bad).status == "rejected"
    assert schema_diff() == []
    result = load(intel)
    assert (result.status, result.records_written) == ("loaded", 3)
    assert schema_diff() == []
    bulk = written(store)
    assert result.batch_id is not None
    with store.connect() as conn:
        rollback_batch(conn, result.batch_id)
    monkeypatch.setattr(batches, "BULK_ROWS", 10**9)
    assert load(intel).status == "loaded"
    assert written(store) == bulk


def written(store: Store) -> list[tuple[object, ...]]:
    """Every mention and statement the store holds, without the keys the database chose."""
    m, s = t.mentions.c, t.statements.c
    with store.connect() as conn:
        mentions = conn.execute(sa.select(m.id, m.schema, m.slot, m.role, m.caption)).all()
        statements = conn.execute(
            sa.select(s.mention_id, s.schema, s.prop, s.value, s.original_value, s.kind,
                      s.origin, s.span_start, s.span_end, s.flags)
        ).all()  # fmt: skip
    return sorted(tuple(r) for r in mentions) + sorted(tuple(map(str, r)) for r in statements)


def supervisor(store: Store) -> Actor:
    """A supervisor of the test force, who may decide on its records' retention."""
    with store.connect() as conn:
        agency_id = conn.execute(
            sa.select(t.agencies.c.id).where(t.agencies.c.code == "testforce")
        ).scalar_one()
        user_id = conn.execute(
            sa.insert(t.users)
            .values(username="sup", agency_id=agency_id, roles=["supervisor"], os_cleared=True)
            .returning(t.users.c.id)
        ).scalar_one()
        conn.commit()
    return Actor(user_id, "sup", agency_id, "testforce", frozenset({"supervisor"}), True)


def test_an_earlier_batch_waits_for_the_batches_that_altered_it(
    store: Store, intel: Path, load: Load
) -> None:
    first = load(intel)
    intel.write_text(intel.read_text().replace("07700 900123", "07700 900999"))
    second = load(intel)
    assert first.batch_id is not None and second.batch_id is not None
    refused = pytest.raises(IngestError, match=f"roll back {second.batch_id} first")
    with refused, store.connect() as conn:
        rollback_batch(conn, first.batch_id)
    with store.connect() as conn:
        rollback_batch(conn, second.batch_id)
        rollback_batch(conn, first.batch_id)
        conn.commit()
    assert count(store, t.records) == count(store, t.statements) == 0


def test_an_erased_row_is_never_loaded_again(store: Store, intel: Path, load: Load) -> None:
    """Erasure takes every version of a row; a later export holding it loads the rest only."""
    load(intel)
    intel.write_text(intel.read_text().replace("07700 900123", "07700 900999"))
    assert load(intel).records_altered == 1
    sup = supervisor(store)
    with transaction(store, sup) as conn:
        first = conn.execute(
            sa.select(t.records.c.id).where(
                t.records.c.record_key == "IR0001", t.records.c.version == 1
            )
        ).scalar_one()
        erased = erase_record(conn, sup, first, "No longer necessary for a policing purpose")
    with store.connect() as conn:
        keys = conn.execute(sa.select(t.records.c.record_key)).scalars().all()
        subject = conn.execute(
            sa.select(sa.func.count()).where(t.statements.c.mention_id == SUBJECT)
        ).scalar_one()
    assert sorted(keys) == ["IR0002", "IR0003"] and subject == 0
    assert erased.statements > 0
    with intel.open("a") as fh:
        fh.write("IR0004,08/09/2025,2,C,P,,OFFICIAL,ALI,Mohammed,01/01/1990,associate,,,,\n")
    later = load(intel)
    assert (later.records_written, later.records_altered, later.already_held) == (1, 0, 2)
    assert later.rows_erased == 1
    with store.connect() as conn:
        keys = conn.execute(sa.select(t.records.c.record_key)).scalars().all()
    assert sorted(keys) == ["IR0002", "IR0003", "IR0004"]


def test_a_failure_while_writing_leaves_nothing_behind(
    store: Store, intel: Path, load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk that fails to write stops the load and rolls the whole batch back; the same
    file then loads normally."""
    import threadline.ingest.batches as batches

    real = batches._write
    calls: list[int] = []

    def failing(conn: object, records: list[object], *args: object) -> None:
        calls.append(len(records))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(conn, records, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(batches, "CHUNK", 1)
    monkeypatch.setattr(batches, "_write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load(intel)
    assert count(store, t.batches) == count(store, t.records) == count(store, t.statements) == 0
    monkeypatch.setattr(batches, "_write", real)
    assert load(intel).records_written == 3


def test_a_changed_mapping_reads_a_loaded_file_again(
    store: Store, intel: Path, tmp_path: Path
) -> None:
    """A file loaded before is read again when its mapping has changed since: rows from which
    the new mapping reads nothing new are held; the others are altered with what is new."""
    yaml = (FIXTURES / "intel.yaml").read_text()
    first = load_file(store, intel, load_mapping(FIXTURES / "intel.yaml"), Agency("testforce"),
                      today=TODAY)  # fmt: skip
    assert first.records_written == 3
    same = tmp_path / "intel.yaml"
    same.write_text(yaml.replace("description:", "# a comment\ndescription:", 1))
    again = load_file(store, intel, load_mapping(same), Agency("testforce"), today=TODAY)
    assert (again.status, again.records_written, again.records_altered) == ("loaded", 0, 0)
    assert again.already_held == 3, "the new mapping reads the same: nothing is written"
    assert load_file(store, intel, load_mapping(same), Agency("testforce"),
                     today=TODAY).status == "already_loaded"  # fmt: skip
    # Now the mapping also reads the narrative column as a note on the subject.
    assert "      phone: {column: phone}" in yaml
    richer = tmp_path / "richer.yaml"
    richer.write_text(yaml.replace(
        "      phone: {column: phone}",
        "      phone: {column: phone}\n      notes: {column: postcode}", 1,
    ))  # fmt: skip
    read = load_file(store, intel, load_mapping(richer), Agency("testforce"), today=TODAY)
    assert (read.records_written, read.records_altered, read.already_held) == (0, 2, 1), (
        "IR0003 has no postcode: nothing new to read from it"
    )
    assert stated(store, SUBJECT, "notes") == [("NS1 4AB", 2)]
