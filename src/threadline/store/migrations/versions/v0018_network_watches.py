"""network watches: a watch on the network around an entity, its members as they last stood,
and alerts on members joining and leaving and on indicators newly firing

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

WATCHES = ("entity", "identifier", "search")
ALERTS = ("record", "mention", "merge", "split", "link")
NEW_WATCHES = ("network",)
NEW_ALERTS = ("joined", "left", "indicator")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds))


def _check(table: str, kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_kind"), _kinds(kinds))


def upgrade() -> None:
    _check("watches", WATCHES + NEW_WATCHES)
    _check("alerts", ALERTS + NEW_ALERTS)
    op.create_table(
        "watch_members",
        sa.Column("watch_id", ID, nullable=False),
        sa.Column("node", sa.String(length=255), nullable=False),
        sa.Column("record_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watches.id"], name=op.f("fk_watch_members_watch_id_watches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_watch_members_record_id_records"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("watch_id", "node", name=op.f("pk_watch_members")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("watch_members")
    alerts = sa.table("alerts", sa.column("kind", sa.String()))
    watches = sa.table("watches", sa.column("kind", sa.String()))
    op.execute(sa.delete(alerts).where(alerts.c.kind.in_(NEW_ALERTS)))
    op.execute(sa.delete(watches).where(watches.c.kind.in_(NEW_WATCHES)))
    _check("alerts", ALERTS)
    _check("watches", WATCHES)
