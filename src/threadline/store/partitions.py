"""Partitions of the two tables that grow without end on PostgreSQL: statements and audit events.

On PostgreSQL both are partitioned by range of a key that only grows: statements by the
record that made them (`record_id`, in blocks of `STATEMENT_BLOCK` records), audit events by
their row id (`id`, in blocks of `AUDIT_BLOCK` events). Record ids are drawn as loads arrive,
and event ids as events are written, so each partition holds one stretch of the store's
history: a load writes into the newest partition's indexes only, a retention erasure (by
record) prunes to the one partition holding the record, and autovacuum after erasures works
on that partition, not on the whole table. Partitions are made ahead of need
(`ensure_partitions`, run by every `threadline init`); a row beyond them lands in a default
partition, and is moved into its own partition the next time partitions are made.

PostgreSQL cannot enforce uniqueness across partitions unless the partition key is part of
it: the primary keys become (`id`, `record_id`) and (`id`); the audit log's unique hash and
sequence number become ordinary indexes (`RELAXED_UNIQUE`). The chain itself still fixes both:
sealing allocates each place once under the chain's lock, and `threadline audit verify`
reports any event out of its place. SQLite keeps one table each (`threadline` on one machine).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

__all__ = [
    "AHEAD",
    "AUDIT_BLOCK",
    "PARTITIONED",
    "RELAXED_UNIQUE",
    "STATEMENT_BLOCK",
    "Partitioning",
    "ensure_partitions",
    "is_partitioned",
    "partition_table",
    "partitions",
    "schema_filter",
    "shortfall",
    "unpartition_table",
]

STATEMENT_BLOCK = 1_000_000
"""Records whose statements share a partition (10 to 20 million statements)."""

AUDIT_BLOCK = 5_000_000
"""Audit events per partition."""

AHEAD = 4
"""Empty partitions kept beyond the one holding the newest row."""


@dataclass(frozen=True, slots=True)
class Partitioning:
    """How one table is partitioned: by range of `key`, `block` values to a partition."""

    table: str
    key: str
    block: int


PARTITIONED = (
    Partitioning("statements", "record_id", STATEMENT_BLOCK),
    Partitioning("audit_events", "id", AUDIT_BLOCK),
)

RELAXED_UNIQUE = frozenset({("audit_events", "hash"), ("audit_events", "seq")})
"""(table, column): unique on SQLite, an ordinary index on a partitioned PostgreSQL table."""

_BLOCK_NAME = re.compile(r"_p(\d{6})$")


def is_partitioned(conn: sa.Connection, table: str) -> bool:
    """Whether `table` is a partitioned table in this database (never on SQLite)."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.exec_driver_sql(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
        " WHERE c.oid = to_regclass(%(name)s)",
        {"name": table},
    ).first()
    return found is not None


def partitions(conn: sa.Connection, table: str) -> list[str]:
    """The names of `table`'s partitions, in name order (blocks, then the default)."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(%(name)s) ORDER BY c.relname",
        {"name": table},
    )
    return [str(name) for (name,) in rows]


def _block_name(spec: Partitioning, number: int) -> str:
    return f"{spec.table}_p{number:06d}"


def _create_block(conn: sa.Connection, spec: Partitioning, number: int) -> int:
    """Make block `number`'s partition, moving into it any rows the default partition holds
    for it; return how many were moved."""
    low, high = number * spec.block, (number + 1) * spec.block
    table, key, name = spec.table, spec.key, _block_name(spec, number)
    default = f"{table}_default"
    bounds = f"FOR VALUES FROM ({low}) TO ({high})"
    stray = int(
        conn.exec_driver_sql(
            f'SELECT count(*) FROM "{default}" WHERE "{key}" >= {low} AND "{key}" < {high}'  # noqa: S608 - names are our own; bounds are ints
        ).scalar_one()
    )
    if not stray:
        conn.exec_driver_sql(f'CREATE TABLE "{name}" PARTITION OF "{table}" {bounds}')
        return 0
    conn.exec_driver_sql(f'ALTER TABLE "{table}" DETACH PARTITION "{default}"')
    conn.exec_driver_sql(f'CREATE TABLE "{name}" PARTITION OF "{table}" {bounds}')
    where = f'WHERE "{key}" >= {low} AND "{key}" < {high}'
    conn.exec_driver_sql(f'INSERT INTO "{table}" SELECT * FROM "{default}" {where}')  # noqa: S608 - as above
    conn.exec_driver_sql(f'DELETE FROM "{default}" {where}')  # noqa: S608 - as above
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ATTACH PARTITION "{default}" DEFAULT')
    return stray


def ensure_partitions(conn: sa.Connection, ahead: int = AHEAD) -> list[str]:
    """Make every partition missing from the first block to `ahead` blocks beyond the newest
    row, on each partitioned table, and return their names. Nothing on SQLite.

    Making a partition locks its table for a moment: run it where loads are not running
    (`threadline init` does).
    """
    made: list[str] = []
    for spec in PARTITIONED:
        if not is_partitioned(conn, spec.table):
            continue
        newest = conn.exec_driver_sql(f'SELECT max("{spec.key}") FROM "{spec.table}"').scalar()  # noqa: S608 - names are our own
        last = int(newest or 0) // spec.block + ahead
        have = {
            int(found.group(1))
            for name in partitions(conn, spec.table)
            if (found := _BLOCK_NAME.search(name))
        }
        for number in range(last + 1):
            if number not in have:
                _create_block(conn, spec, number)
                made.append(_block_name(spec, number))
    return made


def shortfall(conn: sa.Connection) -> list[str]:
    """What the partitions lack, in words: rows held in a default partition, or no empty
    partition left beyond the newest row (an empty list when all is well, and on SQLite)."""
    found: list[str] = []
    for spec in PARTITIONED:
        if not is_partitioned(conn, spec.table):
            continue
        stray = conn.exec_driver_sql(
            f'SELECT EXISTS (SELECT 1 FROM "{spec.table}_default")'  # noqa: S608 - names are our own
        ).scalar()
        if stray:
            found.append(f"{spec.table} has rows beyond its partitions")
            continue
        newest = conn.exec_driver_sql(f'SELECT max("{spec.key}") FROM "{spec.table}"').scalar()  # noqa: S608 - names are our own
        blocks = [
            int(match.group(1))
            for name in partitions(conn, spec.table)
            if (match := _BLOCK_NAME.search(name))
        ]
        if max(blocks, default=-1) <= int(newest or 0) // spec.block:
            found.append(f"{spec.table} has no empty partition left")
    return found


def _definitions(conn: sa.Connection, table: str) -> tuple[list[str], list[str]]:
    """The indexes (CREATE INDEX statements) and foreign keys (ALTER TABLE statements) of
    `table`, read before it is rebuilt. Its primary key is left out: it is made anew."""
    indexes = conn.exec_driver_sql(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = to_regclass(%(name)s) AND NOT x.indisprimary ORDER BY i.relname",
        {"name": table},
    ).all()
    keys = conn.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = to_regclass(%(name)s) AND contype = 'f' ORDER BY conname",
        {"name": table},
    ).all()
    return (
        [str(definition) for (definition,) in indexes],
        [f'ALTER TABLE "{table}" ADD CONSTRAINT "{n}" {d}' for n, d in keys],
    )


def _rebuild(conn: sa.Connection, table: str, partition_by: str, primary: str) -> None:
    """Rebuild `table` with its rows, columns, defaults, checks, indexes and foreign keys:
    as a table partitioned as `partition_by` says, or as a plain one when that is empty;
    `primary` is the new primary key's columns. Runs inside the caller's transaction (a
    migration's): a failure leaves the table as it was."""
    indexes, keys = _definitions(conn, table)
    old = f"{table}_before_partitioning"
    conn.exec_driver_sql(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    conn.exec_driver_sql(
        f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS'
        f" INCLUDING STORAGE){partition_by}"
    )
    if partition_by:
        spec = next(p for p in PARTITIONED if p.table == table)
        conn.exec_driver_sql(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
        newest = conn.exec_driver_sql(f'SELECT max("{spec.key}") FROM "{old}"').scalar()  # noqa: S608 - names are our own
        for number in range(int(newest or 0) // spec.block + AHEAD + 1):
            conn.exec_driver_sql(
                f'CREATE TABLE "{_block_name(spec, number)}" PARTITION OF "{table}"'
                f" FOR VALUES FROM ({number * spec.block}) TO ({(number + 1) * spec.block})"
            )
    conn.exec_driver_sql(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608 - names are our own
    # The id sequence goes with the new table (it would be dropped with the old one).
    conn.exec_driver_sql(f'ALTER SEQUENCE "{table}_id_seq" OWNED BY "{table}".id')
    conn.exec_driver_sql(f'DROP TABLE "{old}"')
    conn.exec_driver_sql(
        f'ALTER TABLE "{table}" ADD CONSTRAINT "pk_{table}" PRIMARY KEY ({primary})'
    )
    for definition in indexes:
        column = _single_column(definition)
        if (table, column) not in RELAXED_UNIQUE:
            conn.exec_driver_sql(definition.replace(" ON ONLY ", " ON ", 1))
        elif partition_by:
            # Unique across partitions only with the key: kept as a plain index.
            conn.exec_driver_sql(f'CREATE INDEX "ix_{table}_{column}" ON "{table}" ("{column}")')
        elif (table, column) in _UNIQUE_AS_CONSTRAINT:
            conn.exec_driver_sql(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "uq_{table}_{column}" UNIQUE ("{column}")'
            )
        else:
            conn.exec_driver_sql(
                f'CREATE UNIQUE INDEX "ix_{table}_{column}" ON "{table}" ("{column}")'
            )
    for statement in keys:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f'ANALYZE "{table}"')


_UNIQUE_AS_CONSTRAINT = frozenset({("audit_events", "hash")})
"""Relaxed columns whose uniqueness the plain schema states as a constraint (the others as a
unique index)."""


def _single_column(definition: str) -> str:
    """The column of a one-column index definition ('' for others)."""
    found = re.search(r"\(([a-z_]+)\)$", definition.strip())
    return found.group(1) if found else ""


def partition_table(conn: sa.Connection, spec: Partitioning) -> None:
    """Turn the plain table `spec.table` into one partitioned by range of `spec.key`, with
    its rows (a migration step; PostgreSQL only)."""
    primary = "id" if spec.key == "id" else f"id, {spec.key}"
    _rebuild(conn, spec.table, f' PARTITION BY RANGE ("{spec.key}")', primary)


def unpartition_table(conn: sa.Connection, spec: Partitioning) -> None:
    """Turn the partitioned table `spec.table` back into a plain one, with its rows."""
    _rebuild(conn, spec.table, "", "id")


def schema_filter(conn: sa.Connection) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """An Alembic ``include_object`` hook that leaves out of a schema comparison what
    partitioning changes on purpose: the partitions themselves (tables of their own to the
    inspector) and the relaxed unique indexes (`RELAXED_UNIQUE`)."""
    parted = {spec.table for spec in PARTITIONED if is_partitioned(conn, spec.table)}
    children = {name for table in parted for name in partitions(conn, table)}
    relaxed = {
        name
        for table, column in RELAXED_UNIQUE
        if table in parted
        for name in (f"ix_{table}_{column}", f"uq_{table}_{column}")
    }

    def include(_obj: Any, name: str | None, type_: str, _reflected: bool, _other: Any) -> bool:
        if type_ == "table":
            return name not in children
        return not (type_ in {"index", "unique_constraint"} and name in relaxed)

    return include
