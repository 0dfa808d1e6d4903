"""watches and alerts: what users asked to be told about, and the new material that matched

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_type", sa.String(length=32), server_default="", nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_at", WHEN, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('entity', 'identifier', 'search')", name=op.f("ck_watches_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_watches_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_watches_case_id_cases"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )  # fmt: skip
    op.create_index(op.f("ix_watches_user_id"), "watches", ["user_id"])
    op.create_index(op.f("ix_watches_expires_on"), "watches", ["expires_on"])
    op.create_table(
        "alerts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("watch_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("read_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "kind IN ('record', 'mention', 'merge', 'split', 'link')", name=op.f("ck_alerts_kind")
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watches.id"], name=op.f("fk_alerts_watch_id_watches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alerts_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_alerts_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "watch_id", "user_id", "kind", "record_id",
            name=op.f("uq_alerts_watch_id_user_id_kind_record_id"),
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_alerts_user_id_id"), "alerts", ["user_id", "id"])
    op.create_index(op.f("ix_alerts_record_id"), "alerts", ["record_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alerts_record_id"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_user_id_id"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_watches_expires_on"), table_name="watches")
    op.drop_index(op.f("ix_watches_user_id"), table_name="watches")
    op.drop_table("watches")
