"""alert mail: the address a user asked their alerts to be mailed to, and the last one mailed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_mail",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("last_alert_id", ID, server_default="0", nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alert_mail_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_alert_mail")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("alert_mail")
