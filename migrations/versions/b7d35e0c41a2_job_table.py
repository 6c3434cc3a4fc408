"""jobs: bulk work started from a page and run by Celery, with its progress and result file

job holds the owner, the company, the kind (certificates.zip, certificates.pdf), what to do (params), the
status, the progress (done of total), the claim number and lease of the run that holds it, and the result
file itself until expires_at.

Revision ID: b7d35e0c41a2
Revises: 9e76eb068b71
Create Date: 2026-12-05 05:58:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "b7d35e0c41a2"
down_revision = "9e76eb068b71"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("job",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("company_id", sa.Integer(), nullable=True),
    sa.Column("params", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("progress", sa.Integer(), nullable=False),
    sa.Column("total", sa.Integer(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("error", sa.String(length=200), nullable=True),
    sa.Column("result_name", sa.String(length=200), nullable=True),
    sa.Column("result_type", sa.String(length=80), nullable=True),
    sa.Column("result_size", sa.Integer(), nullable=True),
    sa.Column("result", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_status")),
    sa.CheckConstraint("progress >= 0", name=op.f("ck_job_progress")),
    sa.CheckConstraint("total >= 0", name=op.f("ck_job_total")),
    sa.CheckConstraint("attempts >= 0", name=op.f("ck_job_attempts")),
    sa.ForeignKeyConstraint(["company_id"], ["company.id"], name=op.f("fk_job_company_id_company"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_job_owner_id_user"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_job"))
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_status"))
        batch_op.drop_index(batch_op.f("ix_job_owner_id"))
        batch_op.drop_index(batch_op.f("ix_job_expires_at"))
        batch_op.drop_index(batch_op.f("ix_job_company_id"))

    op.drop_table("job")
