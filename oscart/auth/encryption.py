"""Secrets the portal must read back, such as the TOTP seeds of two-step login, encrypted at rest.

The key is derived from ``SECRET_KEY`` (HKDF-SHA256, Fernet: AES-128-CBC with an HMAC), so a copy of the database
alone does not let anyone generate a user's codes. Keys in ``SECRET_KEY_FALLBACKS`` still decrypt: to rotate
``SECRET_KEY``, keep the old one there until every secret has been written again (or two-step was set up anew).
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String, TypeDecorator


def encrypt(text):
    return _box(*_keys()).encrypt(text.encode()).decode()


def decrypt(token):
    """The text of ``token``; cryptography's InvalidToken when no configured key made it or it was altered."""
    return _box(*_keys()).decrypt(token.encode()).decode()


class EncryptedString(TypeDecorator):
    """A string column stored encrypted (see the module); the application reads and writes the plain text."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def _keys():
    config = current_app.config
    return (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))


@lru_cache(maxsize=8)
def _box(*secret_keys):
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key))) for key in secret_keys])


def _derive(secret_key):
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"oscart encrypted columns").derive(material)
