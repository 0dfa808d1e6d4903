"""background jobs: ingest of an upload, resolution and analysis, run by a worker

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress_label", sa.String(length=255), server_default="", nullable=False),
        sa.Column("progress_done", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("worker", sa.String(length=128), nullable=True),
        sa.Column("created_at", WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("heartbeat_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')",
            name=op.f("ck_jobs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_jobs_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )  # fmt: skip
    op.create_index(op.f("ix_jobs_status_id"), "jobs", ["status", "id"])
    op.create_index(op.f("ix_jobs_user_id_id"), "jobs", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_user_id_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_status_id"), table_name="jobs")
    op.drop_table("jobs")
