"""audit keyed chain: key ids on events, signed checkpoints

Events written from now on are linked by an HMAC under the audit key and name that key; existing events keep
their SHA-256 links (key_id NULL) and count once `flask audit checkpoint` has signed them. A downgrade drops
the key ids and the anchors: the earlier code then reports the keyed links as altered.

Revision ID: c030ad25f963
Revises: 7c2e5d9a41f3
Create Date: 2026-12-04 15:14:20.271650

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c030ad25f963'
down_revision = '7c2e5d9a41f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='purge', nullable=False))
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
        batch_op.alter_column('purged_before', existing_type=sa.DateTime(timezone=True), nullable=True)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))


def downgrade():
    op.execute("DELETE FROM audit_checkpoint WHERE kind <> 'purge'")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('key_id')

    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.alter_column('purged_before', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column('mac')
        batch_op.drop_column('key_id')
        batch_op.drop_column('kind')
