"""classroom: drawn signatures on attendance rows; company logo

attendance.signature (a re-encoded greyscale PNG) and attendance.signed_at, set together (CHECK); company.logo
(a re-encoded PNG for printed documents) and company.logo_updated_at.

Revision ID: 5a1c0e7d9b24
Revises: e9144646e29c
Create Date: 2026-12-05 05:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5a1c0e7d9b24"
down_revision = "e9144646e29c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_attendance_signature_time"),
            "(signature IS NULL AND signed_at IS NULL) OR (signature IS NOT NULL AND signed_at IS NOT NULL)")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("logo_updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("logo_updated_at")
        batch_op.drop_column("logo")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_attendance_signature_time"), type_="check")
        batch_op.drop_column("signed_at")
        batch_op.drop_column("signature")
