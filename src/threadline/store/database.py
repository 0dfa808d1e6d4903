"""Connecting to a store: URL handling, engine set-up and the differences between databases.

Feature code never tests the backend name. What differs between SQLite and PostgreSQL (an
upsert, pragmas at connect time) is answered here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from threadline.config import setting, setting_flag, setting_int
from threadline.errors import ThreadlineError

__all__ = [
    "DEFAULT_URL",
    "URL_ENV",
    "DeferredIndexes",
    "StoreError",
    "allocate_ids",
    "aware",
    "bulk_insert",
    "create_engine",
    "defer_indexes",
    "insert_ignore",
    "insert_new",
    "pool_options",
    "refresh_statistics",
    "resolve_url",
    "row_digest",
    "serialise",
]

DEFAULT_URL = "sqlite:///threadline.db"
URL_ENV = "THREADLINE_DATABASE_URL"


def aware(moment: datetime | None) -> datetime | None:
    """A stored moment with its zone: SQLite gives back naive datetimes, written in UTC.

    >>> aware(datetime(2026, 12, 7, 1, 10)).isoformat()
    '2026-12-07T01:10:00+00:00'
    """
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class StoreError(ThreadlineError):
    """The store cannot be reached, opened or migrated."""


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: the one given, else $THREADLINE_DATABASE_URL, else the default.

    A bare ``postgresql://`` URL is given the psycopg 3 driver that Threadline installs.
    """
    chosen = url or setting(URL_ENV) or DEFAULT_URL
    if chosen.startswith(("postgresql://", "postgres://")):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # An erased or rolled-back row is overwritten, not left in a free page of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-262144")  # 256 MB keeps index pages of big loads in memory
    # Sorts too big for the cache (building the indexes of a large load) spill to temporary
    # files: measured on 1,000,000 rows, 157 s and 981 MB peak, against 170 s and 1.6 GB in memory.
    cursor.execute("PRAGMA temp_store=FILE")
    cursor.close()


def pool_options() -> dict[str, Any]:
    """How each process pools its PostgreSQL connections (docs/configuration.md): each web
    worker, job worker and command keeps `pool_size` open and opens up to `max_overflow`
    more at a peak; a request waits `pool_timeout` seconds for one; a connection is renewed
    after `pool_recycle` seconds and tested before each use (`pool_pre_ping`), so a restarted
    server costs a reconnection, not a failed request.

    >>> options = pool_options()
    >>> options["pool_size"], options["max_overflow"], options["pool_pre_ping"]
    (5, 10, True)
    """
    recycle = setting_int("THREADLINE_DATABASE_POOL_RECYCLE", 1800)
    return {
        "pool_size": setting_int("THREADLINE_DATABASE_POOL_SIZE", 5, minimum=1),
        "max_overflow": setting_int("THREADLINE_DATABASE_MAX_OVERFLOW", 10),
        "pool_timeout": setting_int("THREADLINE_DATABASE_POOL_TIMEOUT", 30, minimum=1),
        "pool_recycle": recycle or -1,
        "pool_pre_ping": setting_flag("THREADLINE_DATABASE_POOL_PRE_PING", True),
    }


def _without_jit(parsed: sa.engine.URL) -> str:
    """The server options of a PostgreSQL connection: the URL's own, and JIT compilation off.

    The need-to-know clause makes every read for a user a query with many small subplans, and
    their cost estimates add up past PostgreSQL's JIT thresholds even on a handful of rows: a
    list of loads spent 3.6 s compiling 325 functions to return four rows (measured with
    auto_explain, PostgreSQL 15). Threadline's queries are short reads and indexed writes, for
    which compiling never pays.
    """
    given = parsed.query.get("options", "")
    own = given if isinstance(given, str) else " ".join(given)
    return f"{own} -c jit=off".strip()


def create_engine(url: str) -> Engine:
    """An engine for `url`, or a StoreError saying in one line what is wrong with it."""
    try:
        parsed = sa.engine.make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (expected e.g. {DEFAULT_URL})") from exc
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise StoreError(f"unsupported database {backend!r} in {url!r}: use sqlite or postgresql")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(
                f"cannot create the store {parsed.database!r}: {folder} does not exist"
            )
    options: dict[str, Any] = {}
    if backend == "postgresql":
        options = {**pool_options(), "connect_args": {"options": _without_jit(parsed)}}
    try:
        engine = sa.create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"cannot open {url!r}: {exc}") from exc
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def insert_ignore(
    table: sa.Table, rows: Sequence[Mapping[str, Any]], dialect: sa.Dialect, keys: Sequence[str]
) -> sa.Insert:
    """An INSERT of `rows` that skips rows whose `keys` already exist (idempotent writes)."""
    if dialect.name == "postgresql":
        return (
            postgresql.insert(table)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=list(keys))
        )
    return sqlite.insert(table).values(list(rows)).on_conflict_do_nothing(index_elements=list(keys))


def insert_new(
    conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> int:
    """Insert `rows`, skipping those whose `keys` already exist (as :func:`insert_ignore`),
    as one statement compiled once and run for every row (batched by the driver); how many
    were new. Many rows as one VALUES list make a statement SQLAlchemy compiles afresh for
    each batch, which for thousands of rows costs more than writing them."""
    if not rows:
        return 0
    maker = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    primary = list(table.primary_key.columns)
    statement = maker(table).on_conflict_do_nothing(index_elements=list(keys)).returning(*primary)
    return len(conn.execute(statement, list(rows)).all())


def serialise(conn: sa.Connection, name: str, table: sa.Table) -> None:
    """Wait until no other transaction holds the lock `name`, then hold it until this
    transaction ends: work that must not run twice at once (loading one source) takes it first.

    PostgreSQL takes an advisory lock on the name only, so other work goes on. SQLite has one
    writer: a write that changes nothing (to `table`) takes the database's write lock, waiting
    its busy timeout, so that what the caller reads next is not stale by the time it writes.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name}
        )
        return
    conn.execute(sa.update(table).where(sa.false()).values({table.c.id: table.c.id}))


def allocate_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, reserved inside the caller's transaction.

    PostgreSQL draws them from the column's sequence. SQLite has a single writer: once the
    transaction has written anything it holds the write lock, so the keys after the current
    maximum are the caller's alone (call it only after a first write).
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (table.name, count),
        )
        return [int(r[0]) for r in rows]
    start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(int(start) + 1, int(start) + 1 + count))


def bulk_insert(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows fast, bypassing per-row statement compilation: PostgreSQL's COPY, or
    SQLite's executemany. Values must already be in database form (JSON as text)."""
    if not rows:
        return
    names = ", ".join(columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names come from our own table definitions
    finally:
        cursor.close()


class DeferredIndexes:
    """Secondary indexes (and, on PostgreSQL, foreign keys) dropped for a large load inside
    the caller's transaction, to be built again by :meth:`restore` before it commits.

    Keeping an index while millions of rows arrive costs a tree descent per row and index;
    building it afterwards is one sort. On PostgreSQL each foreign key also costs a look-up
    and a row lock per row; adding it afterwards checks every row with one join. Both
    databases make DDL part of the transaction: a load that fails or is refused rolls back
    to the indexes and constraints it found. On PostgreSQL the tables are locked against
    readers until the load commits. Unique indexes and primary keys are never touched.
    """

    def __init__(self, conn: sa.Connection, dropped: list[str], restore: list[str]) -> None:
        self.conn = conn
        self.dropped = dropped
        """Names of what was dropped, for messages and tests."""
        self._restore = restore

    def restore(self) -> None:
        """Build every dropped index and add every dropped constraint again."""
        if self.conn.dialect.name == "postgresql":
            # Memory for the sorts and the checking joins of this transaction only.
            self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            self.conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        for statement in self._restore:
            self.conn.exec_driver_sql(statement)
        self._restore = []


_BUSY = ("55P03", "40P01")  # lock_not_available, deadlock_detected

LOCK_WAIT = "200ms"
"""How long a large load on PostgreSQL waits for the tables whose indexes it would build
afterwards before it loads with them instead (:func:`defer_indexes`)."""


def defer_indexes(
    conn: sa.Connection, tables: Sequence[sa.Table], parents: Sequence[sa.Table] = ()
) -> DeferredIndexes | None:
    """Drop the non-unique indexes of `tables` and, on PostgreSQL, their foreign keys to each
    other and to `parents`, returning what will build them again (see
    :class:`DeferredIndexes`). Dropping a foreign key locks the table it points at until the
    transaction ends, so `parents` should be tables other work rarely reads. Call it inside a
    transaction.

    On PostgreSQL the tables are locked first, all at once, waiting at most `LOCK_WAIT`: while
    other loads are writing to them (or a long read holds them) None is returned and nothing
    is dropped, and the caller loads with the indexes. Taking the locks one by one behind
    other writers would deadlock with them."""
    names = [table.name for table in tables]
    referenced = names + [table.name for table in parents]
    dropped: list[str] = []
    restore: list[str] = []
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        if not _lock_now(conn, names, [table.name for table in parents]):
            return None
        keys = conn.exec_driver_sql(
            "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid"
            " WHERE c.contype = 'f' AND t.oid = ANY(%(tables)s::regclass[])"
            " AND r.oid = ANY(%(referenced)s::regclass[]) ORDER BY t.relname, c.conname",
            {"tables": names, "referenced": referenced},
        ).all()
        indexes = conn.exec_driver_sql(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = ANY(%(tables)s::regclass[]) AND NOT x.indisunique"
            " AND NOT x.indisprimary ORDER BY i.relname",
            {"tables": names},
        ).all()
        for name, table, _definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            dropped.append(name)
        for name, definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            dropped.append(name)
            # A partitioned table's index reads "ON ONLY": built again, it must cover every
            # partition.
            restore.append(definition.replace(" ON ONLY ", " ON ", 1))
        restore.extend(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                       for name, table, definition in keys)  # fmt: skip
        return DeferredIndexes(conn, dropped, restore)
    if not getattr(driver, "in_transaction", True):
        raise StoreError("defer_indexes needs a transaction that has written (SQLite)")
    marks = ", ".join("?" for _ in names)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608 - only placeholders are formatted in
        f" AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        tuple(names),
    ).all()
    for name, definition in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        dropped.append(name)
        restore.append(definition)
    return DeferredIndexes(conn, dropped, restore)


def _lock_now(conn: sa.Connection, tables: Sequence[str], parents: Sequence[str]) -> bool:
    """Lock `tables` and `parents` against everyone (dropping a foreign key locks both of its
    tables so), if that can be done within `LOCK_WAIT`. When it cannot (another transaction
    holds one of them, or is waiting for one as this one would: a deadlock), nothing stays
    locked and the transaction goes on."""
    quoted = ", ".join(f'"{name}"' for name in [*tables, *parents])
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        conn.exec_driver_sql(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE")
        conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError as exc:
        savepoint.rollback()
        if getattr(exc.orig, "sqlstate", "") not in _BUSY:
            raise
        return False
    savepoint.commit()
    return True


SQLITE_ANALYSIS_LIMIT = 10_000
"""Rows of each index SQLite's ANALYZE reads (``PRAGMA analysis_limit``): enough to tell a
selective index from one that holds a few values many times, at a cost that does not grow
with the store."""


def refresh_statistics(conn: sa.Connection, tables: Sequence[sa.Table]) -> None:
    """Bring the query planner's statistics of `tables` up to date after a large load, so
    that the next queries in the transaction (and the next load) are planned for the rows
    that are there. PostgreSQL samples each table; SQLite reads up to
    :data:`SQLITE_ANALYSIS_LIMIT` rows of each index. Without statistics SQLite's planner
    guesses: asked for a thousand mentions' statements of a few properties, it took the
    property index (every name in the store) over the mentions' (50 times slower)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{table.name}"' for table in tables))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        for table in tables:
            conn.exec_driver_sql(f'ANALYZE "{table.name}"')


def row_digest(
    conn: sa.Connection, table: sa.Table, column: sa.Column[Any], low: int, high: int
) -> tuple[int, str] | None:
    """How many rows of `table` have `column` from `low` to `high`, and a SHA-256 digest of
    everything they hold (the MD5 of each whole row as text, in `column` order), computed
    inside the database: or None where the database has no digest functions (SQLite).

    Reading the rows in the server costs a small part of sending them to Python; a change
    to any column of any row, a row added or a row taken away changes the answer.
    """
    if conn.dialect.name != "postgresql":
        return None
    name, key = table.name, column.name
    count, digest = conn.exec_driver_sql(
        f"SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(md5(r::text), ''"  # noqa: S608 - names come from our own table definitions
        f" ORDER BY r.\"{key}\"), ''), 'UTF8')), 'hex') FROM \"{name}\" r"
        f' WHERE r."{key}" BETWEEN %(low)s AND %(high)s',
        {"low": low, "high": high},
    ).one()
    return int(count), str(digest)
