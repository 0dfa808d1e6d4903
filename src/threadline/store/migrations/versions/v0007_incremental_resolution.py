"""incremental resolution: what a run scored with, and what each mention looked like to it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("resolution_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("model_run_id", ID, nullable=True))
        batch_op.add_column(sa.Column("term_frequencies", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.JSON(), nullable=True))
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_digest", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_column("resolved_digest")
    with op.batch_alter_table("resolution_runs", schema=None) as batch_op:
        batch_op.drop_column("state")
        batch_op.drop_column("term_frequencies")
        batch_op.drop_column("model_run_id")
