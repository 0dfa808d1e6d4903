"""record versions: a later export that changes a row adds an alteration of its record

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from threadline.store.database import StoreError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("records_altered", sa.Integer(), server_default="0", nullable=False)
        )
    # SQLite rebuilds the table to change its unique constraint; Store.migrate turns foreign
    # key enforcement off meanwhile, so dropping the old table cascades to nothing.
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.drop_constraint("uq_records_source_id_record_key", type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_records_source_id_record_key_version"), ["source_id", "record_key", "version"]
        )


def downgrade() -> None:
    altered = op.get_bind().execute(sa.text("SELECT count(*) FROM records WHERE version > 1"))
    count = altered.scalar() or 0
    if count:
        raise StoreError(
            f"cannot downgrade below 0006: {count} records are alterations of earlier ones "
            "(roll back the batches that loaded them first)"
        )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint("uq_records_source_id_record_key_version", type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_records_source_id_record_key"), ["source_id", "record_key"]
        )
        batch_op.drop_column("version")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_column("records_altered")
