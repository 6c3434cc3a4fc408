"""security: two-step secrets encrypted at rest

Revision ID: 7c2e5d9a41f3
Revises: b51b4414dfc7
Create Date: 2026-12-02 10:55:00.000000

"""
from alembic import op
import sqlalchemy as sa

from oscart.auth.encryption import decrypt, encrypt


# revision identifiers, used by Alembic.
revision = '7c2e5d9a41f3'
down_revision = 'b51b4414dfc7'
branch_labels = None
depends_on = None

USERS = sa.table('user', sa.column('id', sa.Integer), sa.column('two_step_secret', sa.String))


def _rewrite(convert):
    connection = op.get_bind()
    found = connection.execute(sa.select(USERS.c.id, USERS.c.two_step_secret)
                               .where(USERS.c.two_step_secret.is_not(None))).all()
    for user_id, secret in found:
        connection.execute(USERS.update().where(USERS.c.id == user_id).values(two_step_secret=convert(secret)))


def upgrade():
    # The key comes from the application's SECRET_KEY (run through `flask db upgrade`).
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('two_step_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    _rewrite(encrypt)


def downgrade():
    _rewrite(decrypt)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('two_step_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
