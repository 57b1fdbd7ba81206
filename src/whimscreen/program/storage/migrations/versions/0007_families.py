"""families: family records and members, relative (familial variant) orders, a minor's assent

Revision ID: 0007_families
Revises: 0006_kb_releases
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_families"
down_revision = "0006_kb_releases"
branch_labels = None
depends_on = None

LIVE = "removed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "families",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proband_patient_id", sa.Integer(), nullable=False),
        sa.Column("proband_order_id", sa.Integer(), nullable=False),
        sa.Column("variant_key", sa.String(length=200), nullable=False),
        sa.Column("variant_hgvs_c", sa.String(length=200), nullable=False),
        sa.Column("variant_hgvs_p", sa.String(length=200), nullable=True),
        sa.Column("signed_class", sa.String(length=30), nullable=False),
        sa.Column("parentage", sa.String(length=10), nullable=False, server_default="assumed"),
        sa.Column("parentage_confirmed_by", sa.Integer(), nullable=True),
        sa.Column("parentage_basis", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proband_patient_id"], ["patients.id"]),
        sa.ForeignKeyConstraint(["proband_order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["parentage_confirmed_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proband_patient_id"),
    )
    op.create_table(
        "family_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("affected", sa.String(length=10), nullable=False),
        sa.Column("hpo", sa.Text(), nullable=True),
        sa.Column("deceased", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.Column("remove_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["removed_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("family_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_members_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_family_members_patient_id"), ["patient_id"], unique=False)
    where_patient = sa.text(f"patient_id IS NOT NULL AND {LIVE}")
    where_parent = sa.text(f"relationship = 'parent' AND {LIVE}")
    op.create_index(
        "uq_family_members_patient",
        "family_members",
        ["family_id", "patient_id"],
        unique=True,
        postgresql_where=where_patient,
        sqlite_where=where_patient,
    )
    op.create_index(
        "uq_family_members_parent",
        "family_members",
        ["family_id", "side"],
        unique=True,
        postgresql_where=where_parent,
        sqlite_where=where_parent,
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="proband"))
        batch_op.add_column(sa.Column("family_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("familial_variant", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key("fk_orders_family_id", "families", ["family_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_orders_family_id"), ["family_id"], unique=False)
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assent", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("assent_not_possible", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_column("assent_not_possible")
        batch_op.drop_column("assent")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_family_id"))
        batch_op.drop_constraint("fk_orders_family_id", type_="foreignkey")
        batch_op.drop_column("familial_variant")
        batch_op.drop_column("family_id")
        batch_op.drop_column("kind")
    op.drop_index("uq_family_members_parent", table_name="family_members")
    op.drop_index("uq_family_members_patient", table_name="family_members")
    with op.batch_alter_table("family_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_members_patient_id"))
        batch_op.drop_index(batch_op.f("ix_family_members_family_id"))
    op.drop_table("family_members")
    op.drop_table("families")
