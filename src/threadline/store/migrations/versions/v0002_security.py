"""security: sharing agreements, case records, retention reviews, the audit chain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Adds what the access policy, the hash-chained audit log and MoPI retention need:

- ``sharing_agreements``: which agency's records another agency may see, and when;
- ``case_records``: records attached to a case, visible to its members;
- ``retention_reviews``: MoPI review decisions with reason, reviewer and next review;
- ``audit_chain``: the one-row head of the audit hash chain (its update serialises appends);
- ``audit_subjects``: the records and entities each audit event touched, indexed;
- ``audit_events.seq``: the event's place in the chain (set when its transaction commits);
- ``entities.stale``: set when an erasure removed evidence the entity was built from.

Columns are added with plain ALTER TABLE (no batch copy), so SQLite keeps the CHECK
constraints of ``audit_events`` through an upgrade and a downgrade.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

GENESIS = "0" * 64


def _created_at() -> sa.Column[datetime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.bulk_insert(chain, [{"id": 1, "head_seq": 0, "head_hash": GENESIS, "sealed_at": ""}])

    op.create_table(
        "audit_subjects",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("record_id", ID, nullable=True),
        sa.Column("entity_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_subjects")),
    )
    op.create_index(
        op.f("ix_audit_subjects_entity_id"), "audit_subjects", ["entity_id"], unique=False
    )
    op.create_index(
        op.f("ix_audit_subjects_record_id"), "audit_subjects", ["record_id"], unique=False
    )

    op.create_table(
        "sharing_agreements",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("from_agency_id", ID, nullable=False),
        sa.Column("to_agency_id", ID, nullable=False),
        sa.Column("scope", sa.String(length=128), server_default="all", nullable=False),
        sa.Column("conditions_allowed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=255), server_default="", nullable=False),
        sa.Column("created_by", ID, nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "from_agency_id <> to_agency_id",
            name=op.f("ck_sharing_agreements_distinct_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_sharing_agreements_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_agency_id"],
            ["agencies.id"],
            name=op.f("fk_sharing_agreements_from_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["to_agency_id"],
            ["agencies.id"],
            name=op.f("fk_sharing_agreements_to_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreements")),
    )
    op.create_index(
        op.f("ix_sharing_agreements_to_agency_id_from_agency_id"),
        "sharing_agreements",
        ["to_agency_id", "from_agency_id"],
        unique=False,
    )

    op.create_table(
        "case_records",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("added_by", ID, nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_case_records_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_records_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_case_records_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "record_id", name=op.f("pk_case_records")),
    )
    op.create_index(op.f("ix_case_records_record_id"), "case_records", ["record_id"], unique=False)

    op.create_table(
        "retention_reviews",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", ID, nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "decision IN ('retain', 'delete')", name=op.f("ck_retention_reviews_decision")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_retention_reviews_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_retention_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
    )
    op.create_index(
        op.f("ix_retention_reviews_record_id"), "retention_reviews", ["record_id"], unique=False
    )

    op.add_column("audit_events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_audit_events_seq"), "audit_events", ["seq"], unique=True)
    op.add_column(
        "entities",
        sa.Column("stale", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("entities", "stale")
    op.drop_index(op.f("ix_audit_events_seq"), table_name="audit_events")
    op.drop_column("audit_events", "seq")

    op.drop_index(op.f("ix_retention_reviews_record_id"), table_name="retention_reviews")
    op.drop_table("retention_reviews")
    op.drop_index(op.f("ix_case_records_record_id"), table_name="case_records")
    op.drop_table("case_records")
    op.drop_index(
        op.f("ix_sharing_agreements_to_agency_id_from_agency_id"), table_name="sharing_agreements"
    )
    op.drop_table("sharing_agreements")
    op.drop_index(op.f("ix_audit_subjects_record_id"), table_name="audit_subjects")
    op.drop_index(op.f("ix_audit_subjects_entity_id"), table_name="audit_subjects")
    op.drop_table("audit_subjects")
    op.drop_table("audit_chain")
