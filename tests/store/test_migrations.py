"""The schema migrates up and down on every database, and matches the table definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from threadline.store import Store
from threadline.store.partitions import schema_filter
from threadline.store.tables import TABLES, metadata


def test_schema_matches_tables(store: Store) -> None:
    with store.connect() as conn:
        opts = {"compare_type": True, "include_object": schema_filter(conn)}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    assert diff == [], "tables.py and the migrations disagree: write a migration"


def test_up_down_up(store: Store) -> None:
    head = store.head()
    assert store.revision() == head
    assert store.migrate("base") is None
    with store.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    assert not names & {t.name for t in TABLES}
    assert store.migrate() == head
    with store.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    assert {t.name for t in TABLES} <= names


def test_counts_on_empty_store(store: Store) -> None:
    counts = store.counts()
    assert set(counts) == {
        "agencies", "batches", "records", "statements", "entities",
        "links", "judgements", "indicators", "users",
    }  # fmt: skip
    assert all(v == 0 for v in counts.values())


def test_missing_sqlite_store_is_not_created(tmp_path: Path) -> None:
    from threadline.store import StoreError

    with pytest.raises(StoreError, match="run `threadline init` first"):
        Store(f"sqlite:///{tmp_path / 'absent.db'}")
    assert not (tmp_path / "absent.db").exists()


def test_records_refuse_secret_markings_at_the_database(store: Store) -> None:
    """A CHECK constraint backs the model's refusal of markings above OFFICIAL-SENSITIVE."""
    from threadline.store import tables as t

    with store.connect() as conn:
        agency = conn.execute(
            sa.insert(t.agencies).values(code="x", name="X").returning(t.agencies.c.id)
        ).scalar_one()
        source = conn.execute(
            sa.insert(t.sources)
            .values(agency_id=agency, name="s", format="csv")
            .returning(t.sources.c.id)
        ).scalar_one()
        batch = conn.execute(
            sa.insert(t.batches).values(
                source_id=source, agency_id=agency, file_name="f", content_hash="h",
                mapping_name="m", mapping_version="1", counts={},
                started_at=sa.func.now(),
            ).returning(t.batches.c.id)
        ).scalar_one()  # fmt: skip
    row = {
        "batch_id": batch, "agency_id": agency, "source_id": source, "record_key": "r1",
        "grading_scheme": "3x5x2", "source_evaluation": "1", "information_assessment": "A",
        "handling_code": "P", "handling_conditions": [], "marking": "SECRET",
        "retention_group": "3", "review_date": sa.func.current_date(), "raw": {},
        "warnings": [], "flags": [],
    }  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError), store.connect() as conn:
        conn.execute(sa.insert(t.records).values(**row))


def test_record_versions_migrate_with_the_data(store: Store, tmp_path: Path) -> None:
    """0006 rebuilds the records table on SQLite: what refers to the records must stay."""
    from threadline.ingest.batches import Agency, load_file
    from threadline.ingest.mapping import load_mapping
    from threadline.store import StoreError
    from threadline.store import tables as t

    fixtures = Path(__file__).parents[1] / "ingest" / "fixtures"
    path = tmp_path / "intel.csv"
    path.write_text((fixtures / "intel.csv").read_text())
    mapping = load_mapping(fixtures / "intel.yaml")

    def load() -> None:
        assert load_file(store, path, mapping, Agency("testforce")).status == "loaded"

    def counts() -> tuple[int, ...]:
        with store.connect() as conn:
            return tuple(
                int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for table in (t.records, t.mentions, t.statements)
            )

    load()
    loaded = counts()
    assert store.migrate("0005") == "0005"
    assert counts() == loaded
    assert store.migrate() == store.head()
    assert counts() == loaded
    path.write_text(path.read_text().replace("07700 900123", "07700 900999"))
    load()
    with pytest.raises(StoreError, match="1 records are alterations"):
        store.migrate("0005")
    assert store.revision() == store.head()
