"""analysis: link types, analysis runs, entity metrics, priorities

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Adds what graph analysis and risk prioritisation store (docs/analysis.md):

- ``links.type``: Threadline's link type name (``lives_at``, ``works_for``...; see
  ``threadline/model/links.yaml``), written by resolution;
- ``analysis_runs``: one row per ``threadline analyse``: when, over whose view, the weights
  (and their digest) and parameters that produced it, and what it counted;
- ``entity_metrics``: each entity's component, community, degree, betweenness, eigenvector
  centrality and broker score in a run;
- ``priorities``: premises and businesses ranked for multi-agency visits, with their reasons,
  contributing indicators, agencies holding evidence, evidence records and grade.

Risk indicators go in the existing ``indicators`` table, keyed by the run id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEY = sa.String(length=255)
RUN = sa.String(length=64)


def upgrade() -> None:
    op.add_column("links", sa.Column("type", sa.String(length=32), nullable=True))

    op.create_table(
        "analysis_runs",
        sa.Column("id", RUN, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scope", sa.String(length=255), server_default="", nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("weights_digest", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_runs")),
    )
    op.create_index(
        op.f("ix_analysis_runs_started_at"), "analysis_runs", ["started_at"], unique=False
    )

    op.create_table(
        "entity_metrics",
        sa.Column("run_id", RUN, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column("component", sa.Integer(), nullable=True),
        sa.Column("community", sa.Integer(), nullable=True),
        sa.Column("degree", sa.Integer(), server_default="0", nullable=False),
        sa.Column("betweenness", sa.Float(), server_default="0", nullable=False),
        sa.Column("eigenvector", sa.Float(), server_default="0", nullable=False),
        sa.Column("broker", sa.Float(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_metrics_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analysis_runs.id"],
            name=op.f("fk_entity_metrics_run_id_analysis_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "entity_id", name=op.f("pk_entity_metrics")),
    )
    op.create_index(
        op.f("ix_entity_metrics_entity_id"), "entity_metrics", ["entity_id"], unique=False
    )

    op.create_table(
        "priorities",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("run_id", RUN, nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("grade", sa.String(length=64), server_default="", nullable=False),
        sa.CheckConstraint("kind IN ('premises', 'business')", name=op.f("ck_priorities_kind")),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_priorities_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analysis_runs.id"],
            name=op.f("fk_priorities_run_id_analysis_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priorities")),
    )
    op.create_index(op.f("ix_priorities_entity_id"), "priorities", ["entity_id"], unique=False)
    op.create_index(
        op.f("ix_priorities_run_id_kind_rank"),
        "priorities",
        ["run_id", "kind", "rank"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_priorities_run_id_kind_rank"), table_name="priorities")
    op.drop_index(op.f("ix_priorities_entity_id"), table_name="priorities")
    op.drop_table("priorities")
    op.drop_index(op.f("ix_entity_metrics_entity_id"), table_name="entity_metrics")
    op.drop_table("entity_metrics")
    op.drop_index(op.f("ix_analysis_runs_started_at"), table_name="analysis_runs")
    op.drop_table("analysis_runs")
    # Plain ALTER TABLE (no batch copy), so SQLite keeps the table's other definitions.
    with op.batch_alter_table("links", recreate="never") as batch:
        batch.drop_column("type")
