"""one open order per patient and one active job per sample (partial unique indexes); what an analysis
used; deleted uploads; replacement orders; job heartbeats; notifications

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_ORDER = "status IN ('waitlisted', 'ordered', 'kit_sent', 'received', 'sequencing', 'analysis', 'review')"
ACTIVE_JOB = "status IN ('queued', 'running')"


def _refuse_duplicate_open_orders(bind) -> None:
    rows = bind.execute(
        sa.text(f"SELECT patient_id FROM orders WHERE {OPEN_ORDER} GROUP BY patient_id HAVING COUNT(*) > 1")
    ).all()
    if rows:
        ids = ", ".join(str(r[0]) for r in rows)
        raise RuntimeError(
            f"migration 0002: patients {ids} have several open orders; cancel all but one, then migrate again"
        )


def _fail_duplicate_active_jobs(bind) -> None:
    """Older servers could leave two active jobs on a sample: all but the newest are failed, with a reason."""
    bind.execute(
        sa.text(
            f"UPDATE jobs SET status = 'failed', error = 'duplicate job (closed by migration 0002)' "
            f"WHERE {ACTIVE_JOB} AND id < (SELECT MAX(j.id) FROM jobs j WHERE j.sample_id = jobs.sample_id "
            f"AND j.status IN ('queued', 'running'))"
        )
    )


def upgrade() -> None:
    bind = op.get_bind()
    _refuse_duplicate_open_orders(bind)
    _fail_duplicate_active_jobs(bind)
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("inputs", sa.Text(), nullable=True))
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deleted_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("delete_reason", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_uploads_deleted_by", "users", ["deleted_by"], ["id"])
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_orders_replaces_id", "orders", ["replaces_id"], ["id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_index(
        "uq_orders_one_open_per_patient",
        "orders",
        ["patient_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_ORDER),
        sqlite_where=sa.text(OPEN_ORDER),
    )
    op.create_index(
        "uq_jobs_one_active_per_sample",
        "jobs",
        ["sample_id"],
        unique=True,
        postgresql_where=sa.text(ACTIVE_JOB),
        sqlite_where=sa.text(ACTIVE_JOB),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_user_id", table_name="notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("fk_orders_replaces_id", type_="foreignkey")
        batch.drop_column("replaces_id")
    with op.batch_alter_table("uploads") as batch:
        batch.drop_constraint("fk_uploads_deleted_by", type_="foreignkey")
        batch.drop_column("delete_reason")
        batch.drop_column("deleted_by")
        batch.drop_column("deleted_at")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("inputs")
        batch.drop_column("heartbeat_at")
    op.drop_index("uq_jobs_one_active_per_sample", table_name="jobs")
    op.drop_index("uq_orders_one_open_per_patient", table_name="orders")
