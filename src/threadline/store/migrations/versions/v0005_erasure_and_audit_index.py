"""erasure tombstones, stale analysis runs, and the audit subject index's watermark

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "erased_records",
        sa.Column("source_id", ID, nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_erased_records_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("source_id", "key_digest", name=op.f("pk_erased_records")),
    )
    audit_index = op.create_table(
        "audit_index",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("indexed_seq", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_index_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_index")),
    )
    # Until now every event was indexed as it was sealed: the index is complete to the head.
    head = op.get_bind().execute(sa.text("SELECT head_seq FROM audit_chain WHERE id = 1"))
    op.bulk_insert(audit_index, [{"id": 1, "indexed_seq": head.scalar() or 0}])
    with op.batch_alter_table("analysis_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stale_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stale_reason", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("analysis_runs", schema=None) as batch_op:
        batch_op.drop_column("stale_reason")
        batch_op.drop_column("stale_at")
    op.drop_table("audit_index")
    op.drop_table("erased_records")
