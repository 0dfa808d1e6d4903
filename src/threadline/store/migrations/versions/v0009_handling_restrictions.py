"""handling restrictions: what each record's handling conditions allow, read by the rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

No backfill: a 3x5x2 C record without a row stays in its agency (the most restrictive
reading) until `threadline sharing conditions --apply` reads its conditions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "record_handling",
        sa.Column("record_id", ID, nullable=False),
        sa.Column("release", sa.String(length=16), nullable=False),
        sa.Column("authority", sa.JSON(), nullable=False),
        sa.Column("no_onward", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sanitise", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("unrecognised", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "release IN ('conditioned', 'named', 'originator')",
            name=op.f("ck_record_handling_release"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_handling_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_handling")),
    )  # fmt: skip
    op.create_table(
        "record_recipients",
        sa.Column("record_id", ID, nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_recipients_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "agency", name=op.f("pk_record_recipients")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("record_recipients")
    op.drop_table("record_handling")
