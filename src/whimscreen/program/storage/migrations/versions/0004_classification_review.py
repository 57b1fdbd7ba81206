"""classification review: order case evidence (de novo, segregation) and the director's decisions

Revision ID: 0004
Revises: 0003_security_ops
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_security_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("de_novo", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("segregation_meioses", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "classification_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("variant_key", sa.String(length=200), nullable=False),
        sa.Column("classification", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("classification_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classification_decisions_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("classification_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_decisions_job_id"))
    op.drop_table("classification_decisions")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("segregation_meioses")
        batch_op.drop_column("de_novo")
