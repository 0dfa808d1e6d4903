"""person assessments: analysts' decisions on people ranked as potential victims or suspects

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "person_assessments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", ID, nullable=True),
        sa.CheckConstraint("side IN ('victim', 'suspect')",
                           name=op.f("ck_person_assessments_side")),
        sa.CheckConstraint("decision IN ('confirmed', 'dismissed')",
                           name=op.f("ck_person_assessments_decision")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_person_assessments_agency_id_agencies")),
        sa.ForeignKeyConstraint(["deleted_by"], ["users.id"],
                                name=op.f("fk_person_assessments_deleted_by_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_person_assessments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_assessments")),
    )  # fmt: skip
    with op.batch_alter_table("person_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_assessments_entity_id"), ["entity_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("person_assessments")
