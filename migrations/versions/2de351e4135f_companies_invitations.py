"""companies: invitations

Revision ID: 2de351e4135f
Revises: cfb31746e3b5
Create Date: 2026-12-04 16:31:42.968362

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2de351e4135f'
down_revision = 'cfb31746e3b5'
branch_labels = None
depends_on = None

OPEN_INVITATION = 'accepted_at IS NULL AND revoked_at IS NULL'


def upgrade():
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accepted_user_id', sa.Integer(), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint("language IN ('nl', 'fr', 'de', 'en')", name=op.f('ck_invitation_language')),
        sa.CheckConstraint('accepted_at IS NULL OR revoked_at IS NULL', name=op.f('ck_invitation_one_outcome')),
        sa.CheckConstraint('expires_at > created_at', name=op.f('ck_invitation_period')),
        sa.ForeignKeyConstraint(['accepted_user_id'], ['user.id'], name=op.f('fk_invitation_accepted_user_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_invitation_company_id_company'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_invitation_invited_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_accepted_user_id'), ['accepted_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index('uq_invitation_open_per_company', ['company_id', 'email'], unique=True,
                              sqlite_where=sa.text(OPEN_INVITATION), postgresql_where=sa.text(OPEN_INVITATION))


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('uq_invitation_open_per_company', sqlite_where=sa.text(OPEN_INVITATION),
                            postgresql_where=sa.text(OPEN_INVITATION))
        batch_op.drop_index(batch_op.f('ix_invitation_invited_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_company_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_accepted_user_id'))

    op.drop_table('invitation')
