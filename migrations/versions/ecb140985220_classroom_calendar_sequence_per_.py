"""classroom: calendar sequence per registration

The SEQUENCE of the next calendar message about a session's events to its registrant. Earlier messages
carried 0 (registered) and 1 (cancelled), so existing registrations go on from 2.

Revision ID: ecb140985220
Revises: c030ad25f963
Create Date: 2026-12-04 15:14:29.949357

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ecb140985220'
down_revision = 'c030ad25f963'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE registration SET calendar_sequence = 2")


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('calendar_sequence')
