"""partitions: statements and audit events partitioned by range on PostgreSQL

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

Statements by the record that made them, audit events by id (`threadline.store.partitions`).
A populated store is converted in the migration's one transaction: the rows are copied into
the partitioned table and the old table dropped, so the store needs room for a second copy of
both tables while it runs, and nothing else may use them meanwhile. The audit events are
copied as they are: the chain verifies after as it did before. Nothing changes on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from threadline.store.partitions import PARTITIONED, is_partitioned, partition_table

    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for spec in PARTITIONED:
        if not is_partitioned(conn, spec.table):
            partition_table(conn, spec)


def downgrade() -> None:
    from threadline.store.partitions import PARTITIONED, is_partitioned, unpartition_table

    conn = op.get_bind()
    for spec in PARTITIONED:
        if is_partitioned(conn, spec.table):
            unpartition_table(conn, spec)
