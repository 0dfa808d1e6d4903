"""priorities by exploitation type: priorities.typology

An analysis stores, besides the ranking across every exploitation type, one ranking for each
type its findings are about (an analyst planning an operation against sexual exploitation
ranks by it). ``typology`` names the type (``labour``, ``sexual``, ``criminal``,
``domestic_servitude``...); null is the ranking across every type, as every run before this
stored.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("typology", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_column("typology")
