"""agency authority: delivery rights and deconfliction in sharing agreements, and who loaded
each batch

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivery", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("deconfliction", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("contact", sa.String(length=255), nullable=False, server_default="")
        )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("loaded_by_agency_id", ID, nullable=True))
        batch_op.create_foreign_key(
            "fk_batches_loaded_by_agency_id_agencies", "agencies", ["loaded_by_agency_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_constraint("fk_batches_loaded_by_agency_id_agencies", type_="foreignkey")
        batch_op.drop_column("loaded_by_agency_id")
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.drop_column("contact")
        batch_op.drop_column("deconfliction")
        batch_op.drop_column("delivery")
