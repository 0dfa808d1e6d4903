"""resolution runs and their scored pairs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "resolution_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("model", sa.Text(), server_default="", nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_resolution_runs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_runs")),
    )
    op.create_table(
        "resolution_pairs",
        sa.Column("run_id", ID, nullable=False),
        sa.Column("left_id", sa.String(length=255), nullable=False),
        sa.Column("right_id", sa.String(length=255), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("joined", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["resolution_runs.id"],
            name=op.f("fk_resolution_pairs_run_id_resolution_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "left_id", "right_id", name=op.f("pk_resolution_pairs")),
    )
    with op.batch_alter_table("resolution_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resolution_pairs_run_id_probability"),
            ["run_id", "probability"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("resolution_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_pairs_run_id_probability"))
    op.drop_table("resolution_pairs")
    op.drop_table("resolution_runs")
