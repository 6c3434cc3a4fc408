"""certificates: partial indexes for the company list's revoked and superseded filters

Revision ID: ff016645b441
Revises: 7c4e1f2a9d30
Create Date: 2026-12-05 18:26:10

"""
from alembic import op
import sqlalchemy as sa


revision = "ff016645b441"
down_revision = "7c4e1f2a9d30"
branch_labels = None
depends_on = None

# As oscart.certificates.services.status_clause writes the filters: SQLite uses a partial index only then.
INDEXES = {"ix_certificate_company_revoked": "revoked_at IS NOT NULL",
           "ix_certificate_company_superseded": "superseded_at IS NOT NULL AND revoked_at IS NULL"}


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        for name, where in INDEXES.items():
            batch_op.create_index(name, ["company_id", "completed_on"], unique=False,
                                  sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        for name in reversed(INDEXES):
            batch_op.drop_index(name)
