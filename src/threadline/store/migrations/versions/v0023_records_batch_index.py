"""records by batch: an index on records.batch_id

A load's records are read by its batch when it is rolled back (and deleted with it, through
the foreign key's cascade), when the watch check reads what a batch brought, and when the
loads a user may know of are listed (one lookup per load). Without the index each of these
read the whole records table.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_records_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_batch_id"))
