"""profile figures: the headline figures of each problem profile, for the next one's changes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "profile_figures",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profile_figures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_figures")),
        sa.UniqueConstraint("reference", name=op.f("uq_profile_figures_reference")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_profile_figures_user_id_scope_produced_at"),
        "profile_figures",
        ["user_id", "scope", "produced_at"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_profile_figures_user_id_scope_produced_at"), table_name="profile_figures"
    )
    op.drop_table("profile_figures")
