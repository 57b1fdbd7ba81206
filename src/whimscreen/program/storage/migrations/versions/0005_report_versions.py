"""report versions: several signed versions per order (FINAL, AMENDED, CORRECTED), the specimen's
collection date

Revision ID: 0005_report_versions
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_report_versions"
down_revision = "0004"
branch_labels = None
depends_on = None

#: names unnamed constraints when SQLite's batch mode copies the table (0001 left order_id's unnamed)
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _drop_order_unique(batch_op) -> None:
    """Drop the one-sign-out-per-order constraint under whatever name the database gave it."""
    name = None
    if op.get_bind().dialect.name != "sqlite":
        found = sa.inspect(op.get_bind()).get_unique_constraints("signouts")
        name = next((u["name"] for u in found if u["column_names"] == ["order_id"]), None)
    batch_op.drop_constraint(name or "uq_signouts_order_id", type_="unique")


def upgrade() -> None:
    with op.batch_alter_table("signouts", naming_convention=NAMING) as batch_op:
        _drop_order_unique(batch_op)
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="FINAL"))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_json", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_signouts_replaces_id", "signouts", ["replaces_id"], ["id"])
        batch_op.create_unique_constraint("uq_signouts_order_version", ["order_id", "version"])
        batch_op.create_index(batch_op.f("ix_signouts_order_id"), ["order_id"], unique=False)
    with op.batch_alter_table("samples") as batch_op:
        batch_op.add_column(sa.Column("collected_on", sa.Date(), nullable=True))
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("email_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("email_error", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notifications_email_status"), ["email_status"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    several = bind.execute(sa.text("SELECT order_id FROM signouts WHERE version > 1 LIMIT 1")).first()
    if several is not None:
        raise RuntimeError("cannot downgrade: orders have amended report versions (one sign-out per order)")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_email_status"))
        for col in ("email_error", "emailed_at", "email_status"):
            batch_op.drop_column(col)
    with op.batch_alter_table("samples") as batch_op:
        batch_op.drop_column("collected_on")
    with op.batch_alter_table("signouts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_signouts_order_id"))
        batch_op.drop_constraint("uq_signouts_order_version", type_="unique")
        batch_op.drop_constraint("fk_signouts_replaces_id", type_="foreignkey")
        for col in ("document_json", "replaces_id", "reason", "status", "version"):
            batch_op.drop_column(col)
        batch_op.create_unique_constraint("uq_signouts_order_id", ["order_id"])
