"""name keys: the search keys of the names records state, for the search box

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The keys of the names already held are made from their statements (`rebuild_name_keys`), so a
store migrated from an earlier version finds its names at once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "name_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("mention_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_name_keys_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mentions.id"], name=op.f("fk_name_keys_mention_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "record_id", "mention_id", name=op.f("pk_name_keys")),
    )  # fmt: skip
    op.create_index(op.f("ix_name_keys_record_id"), "name_keys", ["record_id"])
    op.create_index(op.f("ix_name_keys_mention_id"), "name_keys", ["mention_id"])
    from threadline.store.name_index import rebuild_name_keys

    rebuild_name_keys(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_name_keys_mention_id"), table_name="name_keys")
    op.drop_index(op.f("ix_name_keys_record_id"), table_name="name_keys")
    op.drop_table("name_keys")
