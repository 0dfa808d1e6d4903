"""geodata: the ONS postcode directory, loaded by `threadline geodata load`

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Reference data, not intelligence: postcodes with their district, position, local authority and
police force area, the districts' positions and the places each overlaps, and the names of the
codes. Empty until an administrator loads the directory; the shipped table of postcode areas
serves until then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "geo_loads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("postcodes", sa.BigInteger(), nullable=False),
        sa.Column("terminated", sa.BigInteger(), nullable=False),
        sa.Column("districts", sa.Integer(), nullable=False),
        sa.Column("names", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geo_loads")),
    )  # fmt: skip
    op.create_table(
        "geo_postcodes",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("local_authority", sa.String(length=9), nullable=True),
        sa.Column("force_area", sa.String(length=9), nullable=True),
        sa.Column("terminated", sa.String(length=6), nullable=True),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_geo_postcodes")),
    )
    op.create_index(op.f("ix_geo_postcodes_district"), "geo_postcodes", ["district"])
    op.create_table(
        "geo_districts",
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.Column("area", sa.String(length=2), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("postcodes", sa.Integer(), nullable=False),
        sa.Column("terminated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("district", name=op.f("pk_geo_districts")),
    )
    op.create_index(op.f("ix_geo_districts_area"), "geo_districts", ["area"])
    op.create_table(
        "geo_district_places",
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("postcodes", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('force area', 'local authority')",
                           name=op.f("ck_geo_district_places_kind")),
        sa.PrimaryKeyConstraint("district", "kind", "code", name=op.f("pk_geo_district_places")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_geo_district_places_kind_code"), "geo_district_places", ["kind", "code"]
    )
    op.create_table(
        "geo_names",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_geo_names")),
    )


def downgrade() -> None:
    op.drop_table("geo_names")
    op.drop_index(op.f("ix_geo_district_places_kind_code"), table_name="geo_district_places")
    op.drop_table("geo_district_places")
    op.drop_index(op.f("ix_geo_districts_area"), table_name="geo_districts")
    op.drop_table("geo_districts")
    op.drop_index(op.f("ix_geo_postcodes_district"), table_name="geo_postcodes")
    op.drop_table("geo_postcodes")
    op.drop_table("geo_loads")
