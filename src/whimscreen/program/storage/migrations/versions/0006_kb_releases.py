"""knowledge-base releases (one active), their activations, and reclassification tasks

Revision ID: 0006_kb_releases
Revises: 0005_report_versions
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_kb_releases"
down_revision = "0005_report_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_by", sa.Integer(), nullable=True),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["activated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_index(
        "uq_kb_releases_one_active",
        "kb_releases",
        ["active"],
        unique=True,
        postgresql_where=sa.text("active"),
        sqlite_where=sa.text("active"),
    )
    op.create_table(
        "kb_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["activated_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["release_id"], ["kb_releases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_kb_activations_activated_at"), "kb_activations", ["activated_at"])
    op.create_table(
        "reclassification_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("release", sa.String(length=100), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "release", name="uq_reclassification_order_release"),
    )
    op.create_index(op.f("ix_reclassification_tasks_order_id"), "reclassification_tasks", ["order_id"])
    op.create_index(op.f("ix_reclassification_tasks_status"), "reclassification_tasks", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reclassification_tasks_status"), table_name="reclassification_tasks")
    op.drop_index(op.f("ix_reclassification_tasks_order_id"), table_name="reclassification_tasks")
    op.drop_table("reclassification_tasks")
    op.drop_index(op.f("ix_kb_activations_activated_at"), table_name="kb_activations")
    op.drop_table("kb_activations")
    op.drop_index("uq_kb_releases_one_active", table_name="kb_releases")
    op.drop_table("kb_releases")
