"""security: two-step secrets encrypted at rest

Revision ID: 7c2e5d9a41f3
Revises: b51b4414dfc7
Create Date: 2026-12-02 10:55:00.000000

"""
import base64

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


# revision identifiers, used by Alembic.
revision = '7c2e5d9a41f3'
down_revision = 'b51b4414dfc7'
branch_labels = None
depends_on = None

USERS = sa.table('user', sa.column('id', sa.Integer), sa.column('two_step_secret', sa.String))


# The encryption of oscart.auth.encryption as it was when this revision was written, copied so that later
# changes to the application cannot alter what this revision writes: a Fernet key derived from SECRET_KEY with
# HKDF-SHA256; keys in SECRET_KEY_FALLBACKS still decrypt.
def _derive(secret_key):
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"oscart encrypted columns").derive(material)


def _box():
    config = current_app.config
    keys = (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key))) for key in keys])


def encrypt(text):
    return _box().encrypt(text.encode()).decode()


def decrypt(token):
    return _box().decrypt(token.encode()).decode()


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
